"""Agreements as their parties see them. Thin: read input, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import glance, permissions, services
from agreements.forms import ObligationReportForm
from agreements.history import agreement_timeline
from agreements.models import Agreement, Obligation, Party, SignedDocument
from agreements.signals import AGREEMENTS
from zones_portal import files
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.fragments import cached_content, scope_key
from zones_portal.history import timeline_for
from zones_portal.permissions import scope_of
from zones_portal.views import paginate

DESCRIPTION_SHOWN = 120  # characters of what is owed on the list (truncatechars:120 in its template)


def _visible(request: HttpRequest) -> QuerySet[Agreement]:
    return Agreement.objects.visible_to(request.user)


def _obligations(request: HttpRequest) -> QuerySet[Obligation]:
    return Obligation.objects.visible_to(request.user).select_related(
        "agreement", "party__zone", "party__institution"
    )


def _owed_by_me_q(request: HttpRequest) -> dict[str, object]:
    scope = scope_of(request.user)
    if scope.zone_id is not None:
        return {"party__kind": Party.Kind.ZONE, "party__zone_id": scope.zone_id}
    if scope.institution_id is not None:
        return {"party__kind": Party.Kind.INSTITUTION, "party__institution_id": scope.institution_id}
    if scope.secretariat:
        return {"party__kind": Party.Kind.SECRETARIAT}
    return {"pk__in": []}


PAGE_SIZE = 25  # rows per page in each section of the agreements page


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """What my zone (or institution) owes, overdue first, then what falls due next, then what is done,
    most recent first; and the agreements we are party to, most recently signed first. A page of each.
    The content is kept per scope, language, query and day until an agreement, party or obligation
    changes (``zones_portal.fragments``)."""
    today = timezone.localdate()
    content = cached_content(
        request,
        "agreements:list",
        (AGREEMENTS,),
        lambda: render_to_string("agreements/_agreement_list_body.html", _list_context(request, today)),
        per=scope_key(scope_of(request.user)),
        extra=today,
    )
    return render(request, "agreements/agreement_list.html", {"content": content})


def _list_context(request: HttpRequest, today: dt.date) -> dict[str, object]:
    done = Q(status=Obligation.Status.DONE)
    due = request.GET.get("due", "")
    due_rows, owed_by = glance.due_q(due, today), glance.owed_q(scope_of(request.user))
    if due_rows is not None and owed_by is not None:
        # From a home page card: exactly what it counted (for the secretariat, every party's).
        owed = glance.open_obligations(owed_by).filter(due_rows) & Obligation.objects.visible_to(request.user)
    else:
        due = ""
        owed = (
            Obligation.objects.visible_to(request.user)
            .filter(**_owed_by_me_q(request))
            .exclude(agreement__status__in=["draft", "terminated"])
            .exclude(status=Obligation.Status.WITHDRAWN)
        )
    owed = (
        owed.select_related("agreement", "party__zone", "party__institution")
        # A row shows the start of what is owed and the agreement's title, not the long texts.
        .annotate(description_start=Substr("description", 1, DESCRIPTION_SHOWN + 1))
        .defer("description", "evidence_note", "agreement__summary", "agreement__termination_reason")
        .annotate(
            tier=Case(When(Q(due_on__lt=today) & ~done, then=0), When(done, then=2), default=1),
            open_due=Case(When(done, then=None), default=F("due_on")),
        )
        .order_by("tier", F("open_due").asc(nulls_last=True), F("due_on").desc(), "pk")
    )
    agreements = (
        _visible(request)
        .defer("summary", "termination_reason")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("zone", "institution")))
    )
    return {
        "owed": paginate(request, owed, PAGE_SIZE, param="owed-page", anchor="owed"),
        "due": due,
        "scope": scope_of(request.user),
        "agreements": paginate(request, agreements, PAGE_SIZE, param="agreements-page", anchor="agreements"),
    }


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        _visible(request).prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("zone", "institution")),
            Prefetch(
                "obligations",
                queryset=Obligation.objects.current()
                .select_related("party__zone", "party__institution")
                .order_by("due_on", "pk"),
            ),
            "documents",
        ),
        pk=pk,
    )
    obligations = [
        (obligation, permissions.can_update_obligation(request.user, obligation))
        for obligation in agreement.obligations.all()
    ]
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "obligations": obligations,
            "open_for_reports": agreement.status in Agreement.IN_FORCE,
            # The events that carry it out: the link is the event's, so are its rules (events.permissions).
            "events": agreement.events.visible_to(request.user)
            .select_related("host_zone", "category")
            .order_by("-starts_at"),
            "timeline": timeline_for(request, *agreement_timeline(agreement)),
        },
    )


@login_required
def obligation_report(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(_obligations(request), pk=pk)
    if not permissions.can_update_obligation(request.user, obligation):
        raise PermissionDenied(_("Only the party that owes this obligation may report on it."))
    form = ObligationReportForm(
        request.POST or None, request.FILES or None, initial=ObligationReportForm.initial_from(obligation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_obligation(request.user, obligation, **form.service_arguments())
        except services.InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("agreements:detail", pk=obligation.agreement_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the secretariat can see your report on this obligation."))
            return redirect("agreements:detail", pk=obligation.agreement_id)
    return render(request, "agreements/obligation_form.html", {"form": form, "obligation": obligation})


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(SignedDocument.objects.filter(agreement__in=_visible(request)), pk=pk)
    return files.download(document.file, document.original_name)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(_obligations(request), pk=pk)
    if not obligation.evidence_file:
        raise Http404
    return files.download(obligation.evidence_file, obligation.evidence_file_name or "evidence")


@login_required
def evidence_version_download(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """An evidence file as it was at one version of the obligation: a superseded file stays
    downloadable to whoever may see the obligation (withdrawn or not), and to nobody else."""
    obligation = get_object_or_404(_obligations(request), pk=pk)
    kept = get_object_or_404(
        Obligation.history.filter(id=obligation.pk, history_id=version).exclude(evidence_file="")
    )
    stored = FieldFile(obligation, Obligation._meta.get_field("evidence_file"), kept.evidence_file)
    return files.download(stored, kept.evidence_file_name or "evidence")
