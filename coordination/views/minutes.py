"""The minutes of a meeting (its section on the meeting's page, the secretariat's page that writes them,
circulating, commenting, approving) and the action items (the list, one item's page, its evidence).
Thin: read input, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.models import Agreement
from coordination import permissions
from coordination.filters import ActionItemFilter
from coordination.forms.minutes import (
    ActionItemForm,
    ActionItemReportForm,
    AttendanceForm,
    CirculateForm,
    CommentForm,
    DecisionForm,
    MinutesForm,
    ReasonForm,
    owner_choices,
)
from coordination.models import (
    ActionItem,
    ActionItemStatusChange,
    AgendaItem,
    Decision,
    Invitee,
    Meeting,
    MinutesComment,
    Side,
)
from coordination.services import ACTION_ITEM_LIFECYCLE, MANAGED_BY_THE_SECRETARIAT
from coordination.services import minutes as services
from events.models import Event
from zones_portal import files
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.history import Moves, Track, timeline_for
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.models import Institution, Zone
from zones_portal.permissions import scope_of
from zones_portal.twofactor.views import admin_gate
from zones_portal.views import paginate

PAGE_SIZE = 25  # rows per page in each section of the action items page
LINK_CHOICES = 200  # the most recent events and agreements offered as carrying an action item out
EDITABLE = (Meeting.Status.HELD, Meeting.Status.IN_COMMENT)
SHOWN_TO_SECRETARIAT = (Meeting.Status.HELD, Meeting.Status.IN_COMMENT, Meeting.Status.APPROVED)


def _meeting_url(meeting: Meeting) -> str:
    return reverse("coordination:meeting", args=[meeting.pk]) + "#minutes"


def _action_items() -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related("zone", "institution")


def _decisions(user: Any, meeting: Meeting) -> list[Decision]:
    decisions = list(
        Decision.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("agenda_item")
        .prefetch_related(
            Prefetch("action_items", queryset=_action_items().current().order_by("due_on", "pk"))
        )
        .order_by("number")
    )
    for decision in decisions:
        decision.meeting = meeting  # its reference names the meeting, already read: no query per decision
    return decisions


def _accepted_agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED).order_by(
            "position", "proposed_at", "pk"
        )
    )


# The minutes on the meeting's page ----------------------------------------------------------------


def minutes_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """What the meeting's page shows of its minutes (``coordination/minutes/_section.html``), as
    ``minutes``: the invitees see them once circulated; the secretariat from the moment the meeting is
    held, with links to write, circulate and approve them. A fixed number of queries."""
    user = request.user
    secretariat = permissions.can_manage_meetings(user)
    shown = meeting.status in (SHOWN_TO_SECRETARIAT if secretariat else Meeting.MINUTES_SHOWN)
    if not shown:
        return {"shown": False}
    agenda = _accepted_agenda(meeting)
    invitee = None if secretariat else permissions.invitee_of(user, meeting)
    window_open = meeting.status == Meeting.Status.IN_COMMENT and (
        meeting.comments_until is None or timezone.now() < meeting.comments_until
    )
    may_comment = invitee is not None and permissions.acts_for(user, invitee) and window_open
    return {
        "shown": True,
        "meeting": meeting,
        "secretariat": secretariat,
        "attendance": list(
            Invitee.objects.visible_to(user).filter(meeting=meeting).select_related("zone", "institution")
        ),
        "agenda": agenda,
        "decisions": _decisions(user, meeting),
        "comments": list(
            MinutesComment.objects.visible_to(user)
            .filter(meeting=meeting)
            .select_related("zone", "institution", "author", "agenda_item")
        ),
        "window_open": window_open,
        "comment_form": CommentForm(agenda=agenda) if may_comment else None,
        "can_edit": secretariat and meeting.status in EDITABLE,
        "can_circulate": secretariat and meeting.status == Meeting.Status.HELD,
        "can_approve": secretariat and meeting.status == Meeting.Status.IN_COMMENT,
    }


# The secretariat's minutes page ----------------------------------------------------------------------


def _secretariat_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied(MANAGED_BY_THE_SECRETARIAT)
    return meeting


class _EditPage:
    """The forms of the minutes page, built from rows read once, each bound only when it was sent."""

    def __init__(self, request: HttpRequest, meeting: Meeting) -> None:
        self.request, self.meeting = request, meeting
        user = request.user
        self.invitees = list(meeting.invitees.select_related("zone", "institution"))
        self.agenda = _accepted_agenda(meeting)
        self.decisions = _decisions(user, meeting)
        zones = list(Zone.objects.filter(is_active=True))
        institutions = list(Institution.objects.filter(is_active=True))
        self.item_options = {
            "owners": owner_choices(zones, institutions),
            "zones": {zone.pk: zone for zone in zones},
            "institutions": {inst.pk: inst for inst in institutions},
            "events": list(
                Event.objects.visible_to(user)
                .exclude(status="cancelled")
                .order_by("-starts_at")[:LINK_CHOICES]
            ),
            "agreements": list(Agreement.objects.visible_to(user).order_by("-pk")[:LINK_CHOICES]),
        }
        self.sent = request.POST.get("form", "") if request.method == "POST" else ""

    def data(self, name: str) -> Any:
        return self.request.POST if self.sent == name else None

    def build(self) -> dict[str, Any]:
        self.attendance = AttendanceForm(self.data("attendance"), invitees=self.invitees, prefix="att")
        self.minutes = MinutesForm(
            self.data("minutes"),
            agenda=self.agenda,
            prefix="min",
            initial={"summary": self.meeting.minutes_summary},
        )
        self.new_decision = DecisionForm(self.data("decision"), agenda=self.agenda, prefix="decision")
        self.decision_forms = {
            decision.pk: (
                DecisionForm(
                    self.data(f"decision-{decision.pk}"),
                    agenda=self.agenda,
                    prefix=f"decision-{decision.pk}",
                    initial={"text": decision.text, "agenda_item": decision.agenda_item_id},
                ),
                ActionItemForm(
                    self.data(f"action-{decision.pk}"), prefix=f"action-{decision.pk}", **self.item_options
                ),
            )
            for decision in self.decisions
        }
        return {
            "meeting": self.meeting,
            "attendance_form": self.attendance,
            "minutes_form": self.minutes,
            "new_decision_form": self.new_decision,
            "decisions": [(d, *self.decision_forms[d.pk]) for d in self.decisions],
            "editable": self.meeting.status in EDITABLE,
        }

    def carry_out(self) -> tuple[Any, str] | None:
        """Calls the service the sent form asks for; returns the form and the message on success, the
        form left with its errors otherwise, None when nothing known was sent."""
        user, meeting, sent = self.request.user, self.meeting, self.sent
        if sent == "attendance":
            form, act = (
                self.attendance,
                lambda: services.record_attendance(user, meeting, form.service_rows()),
            )
            done = _("Attendance is recorded.")
            unchanged = _("Nothing in the attendance changed; it is as it was.")
            before = self._attendance_now()
        elif sent == "minutes":
            form, act = (
                self.minutes,
                lambda: services.record_minutes(user, meeting, **form.service_arguments()),
            )
            done = _("The minutes are saved.")
        elif sent == "decision":
            form = self.new_decision
            act = lambda: services.record_decision(user, meeting, **form.cleaned_data)  # noqa: E731
            done = _("The decision is recorded.")
        elif sent.startswith(("decision-", "action-")):
            kind, _sep, number = sent.partition("-")
            decision = next((d for d in self.decisions if str(d.pk) == number), None)
            if decision is None:
                return None
            decision_form, item_form = self.decision_forms[decision.pk]
            if kind == "decision":
                form = decision_form
                act = lambda: services.update_decision(user, decision, **form.cleaned_data)  # noqa: E731
                done = _("The decision is saved.")
            else:
                form = item_form
                act = lambda: services.add_action_item(user, decision, **form.service_arguments())  # noqa: E731
                done = _("The action item is added.")
        else:
            return None
        if not form.is_valid():
            return form, ""
        try:
            act()
        except ValidationError as error:
            if isinstance(error, InvalidMoveError):
                raise
            add_service_errors(form, error)
            return form, ""
        if sent == "attendance" and self._attendance_now() == before:
            return form, unchanged
        return form, done

    def _attendance_now(self) -> dict[int, tuple[str, str]]:
        """Each invitee's attendance and who attended, as saved: compared before and after a save so the
        page says whether anything changed (the form's initial values are suggestions, not the record)."""
        return {
            pk: (attendance, attended_by)
            for pk, attendance, attended_by in self.meeting.invitees.values_list(
                "pk", "attendance", "attended_by"
            )
        }


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance, the general record, minutes per agenda item, decisions and their action items: small
    forms on one page, each sent on its own, while the meeting is held or its minutes are in comment."""
    meeting = _secretariat_meeting(request, pk)
    gate = admin_gate(request)
    if gate is not None:
        return gate
    if meeting.status not in EDITABLE:
        messages.error(request, str(services.NOT_BEING_WRITTEN))
        return redirect(_meeting_url(meeting))
    page = _EditPage(request, meeting)
    context = page.build()
    if request.method == "POST":
        try:
            outcome = page.carry_out()
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:minutes-edit", pk=meeting.pk)
        if outcome is not None and outcome[1]:
            messages.success(request, outcome[1])
            return redirect(f"{reverse('coordination:minutes-edit', args=[meeting.pk])}#{page.sent}")
        context["sent"] = page.sent
    return render(request, "coordination/minutes/minutes_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _secretariat_meeting(request, pk)
    gate = admin_gate(request)
    if gate is not None:
        return gate
    form = CirculateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.circulate_minutes(request.user, meeting, **form.cleaned_data)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect(_meeting_url(meeting))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are circulated to the invitees for comment."))
            return redirect(_meeting_url(meeting))
    return render(request, "coordination/minutes/circulate_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A GET asks to confirm; the POST approves."""
    meeting = _secretariat_meeting(request, pk)
    gate = admin_gate(request)
    if gate is not None:
        return gate
    if request.method == "POST":
        try:
            services.approve_minutes(request.user, meeting)
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The minutes are approved."))
        return redirect(_meeting_url(meeting))
    comments = MinutesComment.objects.filter(meeting=meeting).count()
    return render(
        request, "coordination/minutes/approve_form.html", {"meeting": meeting, "comment_count": comments}
    )


@login_required
@require_POST
def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    form = CommentForm(request.POST, agenda=_accepted_agenda(meeting))
    if form.is_valid():
        try:
            services.comment_on_minutes(request.user, meeting, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Thank you: your comment is with the secretariat and the invitees."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_meeting_url(meeting))


# Action items ----------------------------------------------------------------------------------------


def _owned_q(request: HttpRequest) -> dict[str, Any] | None:
    scope = scope_of(request.user)
    if scope.zone_id is not None:
        return {"kind": Side.ZONE, "zone_id": scope.zone_id}
    if scope.institution_id is not None:
        return {"kind": Side.INSTITUTION, "institution_id": scope.institution_id}
    return None


def _listed(request: HttpRequest) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.visible_to(request.user)
        .select_related("zone", "institution", "decision__meeting")
        .defer(
            "evidence_note",
            "decision__text",
            "decision__meeting__minutes_summary",
            "decision__meeting__notes",
        )
    )


@login_required
def action_item_list(request: HttpRequest) -> HttpResponse:
    """A zone or institution sees what it owes first (overdue first), then the others' it may see; the
    secretariat sees every one, with filters. A page of each section."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today, "secretariat": scope.secretariat}
    if scope.secretariat:
        rows = _listed(request)
        filters = ActionItemFilter(request.GET or None, queryset=rows, request=request)
        if filters.is_bound and filters.is_valid():
            rows = filters.qs
            if filters.form.cleaned_data.get("status") != ActionItem.Status.DROPPED:
                rows = rows.current()
        else:
            rows = rows.current()
        context["filters"] = filters
        context["all"] = paginate(request, rows.overdue_first(today), PAGE_SIZE, param="page", anchor="all")
    else:
        owned = _owned_q(request)
        mine = _listed(request).current().filter(**owned) if owned else ActionItem.objects.none()
        others = _listed(request).current()
        if owned:
            others = others.exclude(**owned)
        context["owed"] = paginate(
            request, mine.overdue_first(today), PAGE_SIZE, param="owed-page", anchor="owed"
        )
        context["others"] = paginate(
            request, others.order_by("due_on", "pk"), PAGE_SIZE, param="others-page", anchor="others"
        )
    return render(request, "coordination/action_items/action_item_list.html", context)


def _item_or_404(request: HttpRequest, pk: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related(
            "zone", "institution", "decision__meeting", "decision__agenda_item"
        ),
        pk=pk,
    )


def _evidence_url(version: Any, field: str) -> str:
    return reverse("coordination:action-item-evidence-version", args=[version.id, version.history_id])


def action_item_timeline(item: ActionItem) -> tuple[list[Track], list[Moves]]:
    """The versions of the item (its evidence, links and dates) and its status moves with their reasons."""
    return (
        [
            Track(
                ActionItem.history.filter(id=item.pk),
                files={"evidence_file": "evidence_file_name"},
                file_url=_evidence_url,
                hidden=("status", "drop_reason", "decision"),
            )
        ],
        [Moves(ActionItemStatusChange.objects.filter(action_item_id=item.pk))],
    )


def _link_choices(request: HttpRequest) -> dict[str, list[Any]]:
    user = request.user
    return {
        "events": list(
            Event.objects.visible_to(user).exclude(status="cancelled").order_by("-starts_at")[:LINK_CHOICES]
        ),
        "agreements": list(Agreement.objects.visible_to(user).order_by("-pk")[:LINK_CHOICES]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision and meeting it comes from, owner, due date, status, evidence and links; the owner's
    report form; the secretariat's drop and reopen; its history."""
    item = _item_or_404(request, pk)
    user = request.user
    may_report = (
        item.status != ActionItem.Status.DROPPED
        and permissions.can_update_action_item(user, item)
        and ActionItem.objects.editable_by(user).filter(pk=item.pk).exists()
    )
    form = None
    if may_report:
        form = ActionItemReportForm(
            request.POST if request.method == "POST" else None,
            request.FILES or None,
            initial=ActionItemReportForm.initial_from(item),
            **_link_choices(request),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(services.NOT_THE_OWNER)
        # The secretariat reporting on the owner's behalf confirms with a code first, as for its other
        # changes; reading the page needs none, and the owner's people are never asked (None for them).
        gate = admin_gate(request)
        if gate is not None:
            return gate
        if form.is_valid():
            complete = "complete" in request.POST
            try:
                services.report_action_item(user, item, **form.service_arguments(complete=complete))
            except (InvalidMoveError, PermissionDenied) as error:
                show_refusal(request, error)
                return redirect("coordination:action-item", pk=item.pk)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The action item is marked done.") if complete else _("Your report is saved."),
                )
                return redirect("coordination:action-item", pk=item.pk)
    event = Event.objects.visible_to(user).filter(pk=item.event_id).first() if item.event_id else None
    agreement = (
        Agreement.objects.visible_to(user).filter(pk=item.agreement_id).first() if item.agreement_id else None
    )
    return render(
        request,
        "coordination/action_items/action_item_detail.html",
        {
            "item": item,
            "current": item.current_status(),
            "form": form,
            "event": event,
            "agreement": agreement,
            "can_drop": ACTION_ITEM_LIFECYCLE.allows("drop", user, item),
            "can_reopen": ACTION_ITEM_LIFECYCLE.allows("reopen", user, item),
            "timeline": timeline_for(request, *action_item_timeline(item)),
        },
    )


MOVES = {
    "drop": (services.drop_action_item, _("The action item is dropped.")),
    "reopen": (services.reopen_action_item, _("The action item is open again.")),
}


def _action_item_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The secretariat drops or reopens an item, saying why: a GET (or no reason) shows the form."""
    item = _item_or_404(request, pk)
    rule = ACTION_ITEM_LIFECYCLE.moves[move]
    if not rule.may(request.user, item):
        raise PermissionDenied(rule.not_allowed)
    gate = admin_gate(request)
    if gate is not None:
        return gate
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        service, done = MOVES[move]
        try:
            service(request.user, item, form.cleaned_data["reason"])
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:action-item", pk=item.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("coordination:action-item", pk=item.pk)
    return render(
        request, "coordination/action_items/move_form.html", {"form": form, "item": item, "move": move}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_item_drop(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_item_move(request, pk, "drop")


@login_required
@require_http_methods(["GET", "POST"])
def action_item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_item_move(request, pk, "reopen")


@login_required
def action_item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, to whoever may see the action item, and to nobody else."""
    item = get_object_or_404(ActionItem.objects.visible_to(request.user), pk=pk)
    if not item.evidence_file:
        raise Http404
    return files.download(item.evidence_file, item.evidence_file_name or "evidence")


@login_required
def action_item_evidence_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """An evidence file as it was at one version of the item: a superseded file stays downloadable to
    whoever may see the item."""
    item = get_object_or_404(ActionItem.objects.visible_to(request.user), pk=pk)
    kept = get_object_or_404(
        ActionItem.history.filter(id=item.pk, history_id=version).exclude(evidence_file="")
    )
    stored = FieldFile(item, ActionItem._meta.get_field("evidence_file"), kept.evidence_file)
    return files.download(stored, kept.evidence_file_name or "evidence")


urlpatterns = [
    path("meetings/<int:pk>/minutes/", minutes_edit, name="minutes-edit"),
    path("meetings/<int:pk>/minutes/circulate/", minutes_circulate, name="minutes-circulate"),
    path("meetings/<int:pk>/minutes/approve/", minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/minutes/comment/", minutes_comment, name="minutes-comment"),
    path("action-items/", action_item_list, name="action-items"),
    path("action-items/<int:pk>/", action_item_detail, name="action-item"),
    path("action-items/<int:pk>/drop/", action_item_drop, name="action-item-drop"),
    path("action-items/<int:pk>/reopen/", action_item_reopen, name="action-item-reopen"),
    path("action-items/<int:pk>/evidence/", action_item_evidence, name="action-item-evidence"),
    path(
        "action-items/<int:pk>/evidence/<int:version>/",
        action_item_evidence_version,
        name="action-item-evidence-version",
    ),
]
