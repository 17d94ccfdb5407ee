"""Circulars on the dashboard: the secretariat writes, sends and follows them; each recipient zone reads
and acknowledges them. Thin: read input, call a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coordination import permissions
from coordination.forms.circulars import CircularForm, WithdrawalForm
from coordination.history_circulars import circular_timeline
from coordination.models import Acknowledgement, Circular
from coordination.services import CIRCULAR_LIFECYCLE
from coordination.services import circulars as services
from zones_portal import files
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.history import timeline_for
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.permissions import scope_of
from zones_portal.twofactor.views import admin_gate
from zones_portal.views import paginate

PAGE_SIZE = 25  # circulars per page of the list
Status = Circular.Status


def _visible(request: HttpRequest) -> QuerySet[Circular]:
    return Circular.objects.visible_to(request.user)


def _circular_or_404(request: HttpRequest, pk: int) -> Circular:
    return get_object_or_404(_visible(request).select_related("created_by"), pk=pk)


def _secretariat_only(request: HttpRequest) -> HttpResponse | None:
    """Writing, sending and withdrawing are the secretariat's, after the same two-step sign-in as the
    administration: a circular reaches every zone. Returns where to go first, if anywhere."""
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied(services.ONLY_THE_SECRETARIAT)
    return admin_gate(request)


def _secretariat_rows(circulars: QuerySet[Circular]) -> QuerySet[Circular]:
    """Every circular, drafts first, then the most recently sent; each with its recipients counted in
    the same query (how many, how many acknowledged, how many of those late)."""
    acknowledged = Q(recipients__acknowledged_at__isnull=False)
    return (
        circulars.defer("body", "withdrawal_reason")
        .annotate(
            recipients_count=Count("recipients"),
            acknowledged_count=Count("recipients", filter=acknowledged),
            late_count=Count(
                "recipients",
                filter=acknowledged & Q(recipients__acknowledged_at__date__gt=F("acknowledge_by")),
            ),
            tier=Case(When(status=Status.DRAFT, then=0), default=1, output_field=IntegerField()),
        )
        .order_by("tier", F("sent_at").desc(nulls_last=True), "-pk")
    )


def _zone_rows(circulars: QuerySet[Circular], zone_id: int) -> QuerySet[Circular]:
    """What was sent to the zone: what it has still to acknowledge first, the nearest deadline first;
    then the rest, the most recently sent first."""
    own = Acknowledgement.objects.filter(circular_id=OuterRef("pk"), zone_id=zone_id)
    pending = Q(status=Status.SENT, my_acknowledged_at__isnull=True)
    return (
        circulars.defer("body", "withdrawal_reason")
        .annotate(
            my_acknowledged_at=Subquery(own.values("acknowledged_at")[:1]),
            my_acknowledged_by=Subquery(own.values("acknowledged_by_name")[:1]),
        )
        .annotate(
            tier=Case(When(pending, then=0), default=1, output_field=IntegerField()),
            pending_deadline=Case(When(pending, then=F("acknowledge_by")), default=Value(None)),
        )
        .order_by(
            "tier", F("pending_deadline").asc(nulls_last=True), F("sent_at").desc(nulls_last=True), "-pk"
        )
    )


@login_required
def circular_list(request: HttpRequest) -> HttpResponse:
    """The secretariat follows every circular, with how many zones have acknowledged; a zone sees those
    sent to it, what it still has to acknowledge first."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    if scope.secretariat:
        rows = _secretariat_rows(_visible(request))
    elif scope.zone_id is not None:
        rows = _zone_rows(_visible(request), scope.zone_id)
    else:
        rows = _visible(request)  # nothing: circulars go to zones
    page = paginate(request, rows, PAGE_SIZE)
    for circular in page.rows:
        circular.overdue = _overdue(circular, today)
    return render(
        request,
        "coordination/circulars/circular_list.html",
        {"page": page, "scope": scope, "can_write": permissions.can_manage_meetings(request.user)},
    )


def _overdue(circular: Circular, today: dt.date) -> bool:
    """A sent circular past its deadline that some zone (the reader's, for a zone) has not acknowledged."""
    if circular.status != Status.SENT or circular.acknowledge_by >= today:
        return False
    if hasattr(circular, "recipients_count"):
        return circular.acknowledged_count < circular.recipients_count
    return getattr(circular, "my_acknowledged_at", None) is None


def _recipient_state(acknowledgement: Acknowledgement, circular: Circular, today: dt.date) -> str:
    if acknowledgement.acknowledged_at is not None:
        return "on-time" if acknowledgement.on_time else "late"
    if circular.status == Status.SENT and circular.acknowledge_by < today:
        return "overdue"
    return "awaiting"


@login_required
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular_or_404(request, pk)
    scope = scope_of(request.user)
    today = timezone.localdate()
    context: dict[str, Any] = {"circular": circular, "scope": scope}
    if scope.secretariat:
        recipients = list(
            circular.recipients.select_related("zone").order_by("zone__sort_order", "zone__slug")
        )
        context["recipients"] = [(row, _recipient_state(row, circular, today)) for row in recipients]
        context["acknowledged"] = sum(1 for row in recipients if row.acknowledged_at is not None)
        context["can_edit"] = circular.status == Status.DRAFT
        context["can_send"] = CIRCULAR_LIFECYCLE.allows("send", request.user, circular)
        context["can_withdraw"] = CIRCULAR_LIFECYCLE.allows("withdraw", request.user, circular)
    else:
        mine = circular.recipients.filter(zone_id=scope.zone_id).first()
        context["mine"] = mine
        context["my_state"] = _recipient_state(mine, circular, today) if mine else ""
        context["can_acknowledge"] = (
            mine is not None
            and mine.acknowledged_at is None
            and circular.status == Status.SENT
            and permissions.can_acknowledge(request.user, mine)
        )
    context["overdue"] = circular.status == Status.SENT and circular.acknowledge_by < today
    context["timeline"] = timeline_for(
        request, *circular_timeline(circular, whole=scope.secretariat, zone_id=scope.zone_id)
    )
    return render(request, "coordination/circulars/circular_detail.html", context)


@login_required
def circular_create(request: HttpRequest) -> HttpResponse:
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    form = CircularForm(
        request.POST or None, request.FILES or None, initial={"kind": Circular.Kind.INSTRUCTION}
    )
    if request.method == "POST" and form.is_valid():
        try:
            circular = services.draft_circular(request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The draft is saved. Send it when it is ready; only the secretariat sees it until then."),
            )
            return redirect("coordination:circular", pk=circular.pk)
    return render(request, "coordination/circulars/circular_form.html", {"form": form, "circular": None})


@login_required
def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    if circular.status != Status.DRAFT:
        messages.error(request, _("A sent circular is kept as the zones received it; only a draft changes."))
        return redirect("coordination:circular", pk=circular.pk)
    form = CircularForm(
        request.POST or None, request.FILES or None, initial=CircularForm.initial_from(circular)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_circular(request.user, circular, **form.service_arguments())
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:circular", pk=circular.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("coordination:circular", pk=circular.pk)
    return render(request, "coordination/circulars/circular_form.html", {"form": form, "circular": circular})


@login_required
@require_http_methods(["GET", "POST"])
def circular_send(request: HttpRequest, pk: int) -> HttpResponse:
    """A page that says what sending does (numbered, seen by the zones, no longer changed), then sends."""
    circular = _circular_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    if request.method == "POST":
        try:
            services.send_circular(request.user, circular)
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("Circular %(number)s is sent; the recipient zones are asked to acknowledge it.")
                % {"number": circular.number_display},
            )
        return redirect("coordination:circular", pk=circular.pk)
    recipients = list(circular.recipients.select_related("zone").order_by("zone__sort_order", "zone__slug"))
    return render(
        request,
        "coordination/circulars/circular_send.html",
        {"circular": circular, "recipients": recipients, "recipients_count": len(recipients)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def circular_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    form = WithdrawalForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.withdraw_circular(request.user, circular, form.cleaned_data["reason"])
        except InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("coordination:circular", pk=circular.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The circular is withdrawn; the recipient zones see why."))
            return redirect("coordination:circular", pk=circular.pk)
    return render(
        request, "coordination/circulars/circular_withdraw.html", {"circular": circular, "form": form}
    )


@login_required
@require_POST
def circular_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular_or_404(request, pk)
    scope = scope_of(request.user)
    acknowledgement = circular.recipients.filter(zone_id=scope.zone_id).first() if scope.zone_id else None
    if acknowledgement is None:
        raise PermissionDenied(_("Only a person of the zone it was sent to acknowledges a circular."))
    try:
        services.acknowledge_circular(request.user, acknowledgement)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("Thank you: the secretariat can see that your zone has read this circular.")
        )
    return redirect("coordination:circular", pk=circular.pk)


@login_required
def circular_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The circular's PDF, to those who see the circular and nobody else."""
    circular = _circular_or_404(request, pk)
    if not circular.file:
        raise Http404
    return files.download(circular.file, circular.file_name or "circular")


urlpatterns = [
    path("circulars/", circular_list, name="circulars"),
    path("circulars/new/", circular_create, name="circular-create"),
    path("circulars/<int:pk>/", circular_detail, name="circular"),
    path("circulars/<int:pk>/edit/", circular_edit, name="circular-edit"),
    path("circulars/<int:pk>/send/", circular_send, name="circular-send"),
    path("circulars/<int:pk>/withdraw/", circular_withdraw, name="circular-withdraw"),
    path("circulars/<int:pk>/acknowledge/", circular_acknowledge, name="circular-acknowledge"),
    path("circulars/<int:pk>/file/", circular_file, name="circular-file"),
]
