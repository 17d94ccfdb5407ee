"""The programme pages: the year's programmes (every zone's for the secretariat, its own for a zone), a
programme with its activities by quarter, the activity form, the moves, the versions and what changed
between two of them. Thin: read input, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programmes import permissions, services
from programmes.calendar import QUARTERS
from programmes.comparison import compare, version_rows
from programmes.forms import ActivityForm, ApproveForm, ReopenForm, ReturnForm, SummaryForm
from programmes.models import (
    PlannedActivity,
    Programme,
    ProgrammeStatusChange,
    ProgrammeVersion,
    ProgrammeYear,
)
from programmes.services import PROGRAMME_LIFECYCLE
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.history import Moves, Track, timeline_for
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.models import Zone
from zones_portal.permissions import scope_of
from zones_portal.twofactor.views import admin_gate

BUDGET = F("activities__budget_zone") + F("activities__budget_secretariat") + F("activities__budget_partner")


def _with_totals(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.annotate(activities_count=Count("activities"), budget=Sum(BUDGET))


def _may_use(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope.secretariat or scope.zone_id is not None):
        raise PermissionDenied(_("Annual programmes are kept by the zones and the secretariat."))


def _programme_or_404(request: HttpRequest, pk: int) -> Programme:
    return get_object_or_404(
        Programme.objects.visible_to(request.user).select_related("zone", "year", "created_by"), pk=pk
    )


def _secretariat_gate(request: HttpRequest) -> HttpResponse | None:
    """Deciding a zone's programme is the secretariat's, after the same two-step sign-in as the
    administration. Returns where to go first, if anywhere."""
    if not permissions.can_decide(request.user):
        raise PermissionDenied(services.ONLY_THE_SECRETARIAT)
    return admin_gate(request)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """The secretariat reads every active zone's programme for a year, those not yet started or
    submitted among them; a zone reads its own programmes, year by year, and starts the next one."""
    _may_use(request)
    scope = scope_of(request.user)
    years = list(ProgrammeYear.objects.all())
    context: dict[str, Any] = {"years": years, "scope": scope}
    if scope.secretariat:
        chosen = request.GET.get("year", "")
        year = next((y for y in years if str(y.year) == chosen), years[0] if years else None)
        programmes = {}
        if year is not None:
            programmes = {
                p.zone_id: p
                for p in _with_totals(Programme.objects.visible_to(request.user).filter(year=year)).order_by()
            }
        zones = list(Zone.objects.filter(is_active=True))
        context["year"] = year
        context["rows"] = [(zone, programmes.get(zone.pk)) for zone in zones]
        context["counts"] = {
            status: sum(1 for p in programmes.values() if p.status == status)
            for status in Programme.Status.values
        }
        context["missing"] = sum(1 for zone in zones if zone.pk not in programmes)
    else:
        mine = list(
            _with_totals(Programme.objects.visible_to(request.user).select_related("year")).order_by(
                "-year__year"
            )
        )
        started = {p.year_id for p in mine}
        context["programmes"] = mine
        context["to_start"] = [y for y in years if y.pk not in started]
    return render(request, "programmes/programme_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, year: int) -> HttpResponse:
    _may_use(request)
    programme_year = get_object_or_404(ProgrammeYear, year=year)
    scope = scope_of(request.user)
    zone = Zone.objects.filter(pk=scope.zone_id).first() if scope.zone_id else None
    if zone is None or scope.secretariat:
        raise PermissionDenied(_("Only the zone's own people draft its programme."))
    form = SummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.start_programme(
                request.user, zone=zone, year=programme_year, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft programme is open; add its activities."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(
        request, "programmes/programme_form.html", {"form": form, "programme": None, "year": programme_year}
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    if not permissions.can_draft(request.user, programme):
        raise PermissionDenied(_("Only the zone's own people draft its programme."))
    form = SummaryForm(request.POST or None, initial={"summary": programme.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(request.user, programme, summary=form.cleaned_data["summary"])
        except InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("programmes:detail", pk=programme.pk)
        messages.success(request, _("The aims of the year are saved."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme, "year": programme.year},
    )


def _timeline(request: HttpRequest, programme: Programme) -> Any:
    tracks = [
        Track(
            Programme.history.filter(id=programme.pk),
            hidden=("status", "return_comment", "submitted_at", "approved_at"),
        ),
        Track(
            PlannedActivity.history.filter(programme_id=programme.pk), subject=lambda version: version.title
        ),
    ]
    return timeline_for(
        request, tracks, [Moves(ProgrammeStatusChange.objects.filter(programme_id=programme.pk))]
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's activities by quarter, the budget by who pays, the versions and the history."""
    programme = _programme_or_404(request, pk)
    activities = list(
        programme.activities.select_related("category").prefetch_related(
            Prefetch("partner_zones", queryset=Zone.objects.order_by("sort_order")), "partner_institutions"
        )
    )
    quarters = [
        (number, name, [a for a in activities if a.quarter == number]) for number, name in QUARTERS.items()
    ]
    totals = {
        "zone": sum(a.budget_zone for a in activities),
        "secretariat": sum(a.budget_secretariat for a in activities),
        "partner": sum(a.budget_partner for a in activities),
    }
    totals["all"] = totals["zone"] + totals["secretariat"] + totals["partner"]
    editable = programme.status in Programme.EDITABLE and permissions.can_draft(request.user, programme)
    versions = list(programme.versions.select_related("made_by").order_by("-number"))
    context = {
        "programme": programme,
        "quarters": quarters,
        "activities_count": len(activities),
        "totals": totals,
        "editable": editable,
        # An empty programme cannot be submitted (the service refuses it): the page says why instead.
        "can_submit": bool(activities) and PROGRAMME_LIFECYCLE.allows("submit", request.user, programme),
        "submit_waits_for_activities": not activities
        and PROGRAMME_LIFECYCLE.allows("submit", request.user, programme),
        "can_return": PROGRAMME_LIFECYCLE.allows("return", request.user, programme),
        "can_approve": PROGRAMME_LIFECYCLE.allows("approve", request.user, programme),
        "can_reopen": PROGRAMME_LIFECYCLE.allows("reopen", request.user, programme),
        "versions": versions,
        "timeline": _timeline(request, programme),
    }
    return render(request, "programmes/programme_detail.html", context)


def _activity_form_page(
    request: HttpRequest, programme: Programme, activity: PlannedActivity | None
) -> HttpResponse:
    if not (permissions.can_draft(request.user, programme) and programme.status in Programme.EDITABLE):
        if permissions.can_draft(request.user, programme):
            messages.error(request, str(services.NOT_EDITABLE))
            return redirect("programmes:detail", pk=programme.pk)
        raise PermissionDenied(_("Only the zone's own people draft its programme."))
    initial = ActivityForm.initial_from(activity) if activity else {}
    form = ActivityForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                services.add_activity(request.user, programme, **form.service_arguments())
            else:
                services.update_activity(request.user, activity, **form.service_arguments())
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("programmes:detail", pk=programme.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(
        request, "programmes/activity_form.html", {"form": form, "programme": programme, "activity": activity}
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_form_page(request, _programme_or_404(request, pk), None)


def _activity_or_404(request: HttpRequest, pk: int) -> PlannedActivity:
    return get_object_or_404(
        PlannedActivity.objects.visible_to(request.user).select_related("programme__zone", "programme__year"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    return _activity_form_page(request, activity.programme, activity)


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    programme = activity.programme
    if not permissions.can_draft(request.user, programme):
        raise PermissionDenied(_("Only the zone's own people draft its programme."))
    if request.method == "POST":
        try:
            services.delete_activity(request.user, activity)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The activity is removed from the programme."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/activity_delete.html", {"activity": activity, "programme": programme})


def _move_page(
    request: HttpRequest,
    pk: int,
    *,
    move: str,
    form_class: type | None,
    act: Callable[..., Programme],
    done: str,
    template: str,
    gate: bool,
) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    if gate:
        redirect_to = _secretariat_gate(request)
        if redirect_to is not None:
            return redirect_to
    form = form_class(request.POST if request.method == "POST" else None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        arguments = [form.cleaned_data["comment"]] if form is not None else []
        try:
            act(request.user, programme, *arguments)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("programmes:detail", pk=programme.pk)
        except ValidationError as error:
            if form is None:
                show_refusal(request, error)
                return redirect("programmes:detail", pk=programme.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, template, {"programme": programme, "form": form, "move": move})


@login_required
@require_http_methods(["GET", "POST"])
def programme_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(
        request,
        pk,
        move="submit",
        form_class=None,
        act=services.submit_programme,
        done=_(
            "The programme is submitted to the secretariat; it cannot change until the secretariat answers."
        ),
        template="programmes/move_form.html",
        gate=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(
        request,
        pk,
        move="return",
        form_class=ReturnForm,
        act=services.return_programme,
        done=_("The programme is returned to the zone with your comment."),
        template="programmes/move_form.html",
        gate=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(
        request,
        pk,
        move="approve",
        form_class=ApproveForm,
        act=services.approve_programme,
        done=_("The programme is approved; its activities are what the zone is held to this year."),
        template="programmes/move_form.html",
        gate=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(
        request,
        pk,
        move="reopen",
        form_class=ReopenForm,
        act=services.reopen_programme,
        done=_("The programme is reopened for revision; the approved version stays on record."),
        template="programmes/move_form.html",
        gate=True,
    )


def _version_or_404(programme: Programme, number: str | int | None) -> ProgrammeVersion:
    try:
        return programme.versions.select_related("made_by").get(number=int(number))
    except (TypeError, ValueError, ProgrammeVersion.DoesNotExist):
        raise Http404 from None


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    version = _version_or_404(programme, number)
    rows = version_rows(version)
    quarters = [(n, name, [r for r in rows if r["quarter"] == n]) for n, name in QUARTERS.items()]
    return render(
        request,
        "programmes/version_detail.html",
        {"programme": programme, "version": version, "quarters": quarters, "rows_count": len(rows)},
    )


def default_pair(versions: list[ProgrammeVersion]) -> tuple[ProgrammeVersion, ProgrammeVersion]:
    """The latest version and the last one before it that says something else. An approval freezes the
    revision it approves, so the last two are the same after a return; what the review changed lies
    between the first submission and the approved one. When every version is the same, the first."""
    newer = versions[-1]
    older = next((v for v in reversed(versions[:-1]) if v.content != newer.content), versions[0])
    return older, newer


@login_required
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (by default the latest against the last one that differs from
    it: after a return, the first submission against the approved revision)."""
    programme = _programme_or_404(request, pk)
    versions = list(programme.versions.select_related("made_by").order_by("number"))
    if len(versions) < 2:
        messages.info(request, _("There is nothing to compare until the programme has two versions."))
        return redirect("programmes:detail", pk=programme.pk)
    older_number, newer_number = request.GET.get("a"), request.GET.get("b")
    if older_number is None or newer_number is None:
        older, newer = default_pair(versions)
    else:
        older, newer = _version_or_404(programme, older_number), _version_or_404(programme, newer_number)
        if older.number > newer.number:
            older, newer = newer, older
    return render(
        request,
        "programmes/version_compare.html",
        {"programme": programme, "versions": versions, "comparison": compare(older, newer)},
    )
