"""The minutes of a held meeting, its numbered decisions, the comments of the invitees, and the action
items each decision gives a zone, an institution or the secretariat.

Rules (the issue's "Minutes and decisions" and "Action items"): the secretariat records attendance,
the general record, minutes per agenda item and decisions while the meeting is held or its minutes are
open for comment; it circulates them (attendance recorded first) with a comment window, and approves
them after. An invitee comments only while the window is open. An action item is marked done only with
evidence (a note, a link or a file judged by its content, as obligations are); one past its due date and
still open reads as missed, and is recorded so nightly.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from coordination import permissions
from coordination.models import (
    EVIDENCE_KINDS,
    FILE_MAX_MEGABYTES,
    ActionItem,
    AgendaItem,
    Decision,
    Invitee,
    Meeting,
    MinutesComment,
    Side,
)
from coordination.services import (
    ACTION_ITEM_LIFECYCLE,
    MANAGED_BY_THE_SECRETARIAT,
    MEETING_LIFECYCLE,
    NOT_THE_OWNER,
)
from events.models import Event
from zones_portal.dates import format_date
from zones_portal.files import take_evidence
from zones_portal.lifecycle import InvalidMoveError, on_behalf_of, who

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

MINUTES_BEING_WRITTEN = (Meeting.Status.HELD, Meeting.Status.IN_COMMENT)
NOT_BEING_WRITTEN = _("Minutes are recorded once the meeting is held, and until they are approved.")
APPROVED_ALREADY = _("The minutes are approved; their decisions are kept as they were.")
ALREADY_DROPPED = _("This action item was dropped; the secretariat may reopen it.")


def _require_secretariat(actor: Actor) -> None:
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied(MANAGED_BY_THE_SECRETARIAT)


def _locked_meeting(actor: Actor, meeting: Meeting, states: tuple[str, ...], refusal: str) -> Meeting:
    """The secretariat's hold on the meeting, in one of the states the change is made in."""
    _require_secretariat(actor)
    meeting = MEETING_LIFECYCLE.lock(meeting)
    if meeting.status not in states:
        raise InvalidMoveError(refusal)
    return meeting


def _check_agenda_item(meeting: Meeting, agenda_item: AgendaItem | None) -> None:
    if agenda_item is not None and (
        agenda_item.meeting_id != meeting.pk or agenda_item.status != AgendaItem.Status.ACCEPTED
    ):
        raise ValidationError({"agenda_item": [_("Choose an item on this meeting's agenda.")]})


# Attendance, minutes and decisions -----------------------------------------------------------------


@transaction.atomic
def record_attendance(actor: Actor, meeting: Meeting, rows: dict[int, tuple[str, str]]) -> None:
    """Who came, per invitee (present, absent, absent with apologies) and by whom it was represented."""
    meeting = _locked_meeting(actor, meeting, MINUTES_BEING_WRITTEN, NOT_BEING_WRITTEN)
    invitees = {invitee.pk: invitee for invitee in meeting.invitees.select_for_update(of=("self",))}
    unknown = set(rows) - set(invitees)
    if unknown:
        raise ValidationError({"attendance": [_("Record attendance only for this meeting's invitees.")]})
    allowed = set(Invitee.Attendance.values)
    for pk, (attendance, given_name) in rows.items():
        if attendance not in allowed:
            raise ValidationError({"attendance": [_("Choose present, absent or absent with apologies.")]})
        invitee = invitees[pk]
        attended_by = (given_name or "").strip() if attendance == Invitee.Attendance.PRESENT else ""
        if (invitee.attendance, invitee.attended_by) == (attendance, attended_by):
            continue
        invitee.attendance, invitee.attended_by = attendance, attended_by
        invitee.full_clean()
        on_behalf_of(actor, invitee)
        invitee.save(update_fields=["attendance", "attended_by"])


@transaction.atomic
def record_minutes(actor: Actor, meeting: Meeting, *, summary: str, items: dict[int, str]) -> Meeting:
    """The general record and the minutes of each accepted agenda item (by its id)."""
    meeting = _locked_meeting(actor, meeting, MINUTES_BEING_WRITTEN, NOT_BEING_WRITTEN)
    agenda = {item.pk: item for item in meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED)}
    if set(items) - set(agenda):
        raise ValidationError({"items": [_("Write minutes only for the items on this meeting's agenda.")]})
    for pk, given in items.items():
        item = agenda[pk]
        text = (given or "").strip()
        if item.minutes != text:
            item.minutes = text
            on_behalf_of(actor, item)
            item.save(update_fields=["minutes"])
    summary = (summary or "").strip()
    if meeting.minutes_summary != summary:
        meeting.minutes_summary = summary
        on_behalf_of(actor, meeting)
        meeting.save(update_fields=["minutes_summary", "updated_at"])
    return meeting


@transaction.atomic
def record_decision(
    actor: Actor, meeting: Meeting, *, text: str, agenda_item: AgendaItem | None = None
) -> Decision:
    """A decision takes the next number in its meeting ("1405-07/3")."""
    meeting = _locked_meeting(actor, meeting, MINUTES_BEING_WRITTEN, NOT_BEING_WRITTEN)
    _check_agenda_item(meeting, agenda_item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the decision.")]})
    latest = meeting.decisions.aggregate(latest=Max("number"))["latest"] or 0
    decision = Decision(meeting=meeting, agenda_item=agenda_item, number=latest + 1, text=text)
    decision.full_clean()
    on_behalf_of(actor, decision)
    decision.save()
    return decision


@transaction.atomic
def update_decision(
    actor: Actor, decision: Decision, *, text: str, agenda_item: AgendaItem | None = None
) -> Decision:
    """Corrects a decision's wording or its agenda item before the minutes are approved; its number stays."""
    meeting = _locked_meeting(actor, decision.meeting, MINUTES_BEING_WRITTEN, APPROVED_ALREADY)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_agenda_item(meeting, agenda_item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the decision.")]})
    decision.text, decision.agenda_item = text, agenda_item
    decision.full_clean()
    on_behalf_of(actor, decision)
    decision.save()
    return decision


@transaction.atomic
def add_action_item(
    actor: Actor,
    decision: Decision,
    *,
    description: str,
    due_on: dt.date,
    kind: str,
    zone: object = None,
    institution: object = None,
    event: Event | None = None,
    agreement: Agreement | None = None,
) -> ActionItem:
    """What the decision asks of whom and by when; the secretariat adds one while writing the minutes, or
    later, once they are approved (a follow-up the council asked for)."""
    _require_secretariat(actor)
    meeting = MEETING_LIFECYCLE.lock(decision.meeting)
    if meeting.status not in (*MINUTES_BEING_WRITTEN, Meeting.Status.APPROVED):
        raise InvalidMoveError(NOT_BEING_WRITTEN)
    _check_links(actor, event, agreement)
    item = ActionItem(
        decision=decision,
        description=(description or "").strip(),
        due_on=due_on,
        kind=kind,
        zone=zone if kind == Side.ZONE else None,
        institution=institution if kind == Side.INSTITUTION else None,
        event=event,
        agreement=agreement,
        status=ActionItem.Status.OPEN,
    )
    item.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, item)
    item.save()
    ACTION_ITEM_LIFECYCLE.begin(actor, item)
    return item


def _check_links(actor: Actor, event: Event | None, agreement: Agreement | None) -> None:
    """An event or agreement named as carrying the action item out must be one the person sees."""
    errors = {}
    if event is not None and not Event.objects.visible_to(actor).filter(pk=event.pk).exists():
        errors["event"] = [_("Choose an event you can see.")]
    if agreement is not None and not Agreement.objects.visible_to(actor).filter(pk=agreement.pk).exists():
        errors["agreement"] = [_("Choose an agreement you can see.")]
    if errors:
        raise ValidationError(errors)


# Circulating, commenting and approving --------------------------------------------------------------


@transaction.atomic
def circulate_minutes(actor: Actor, meeting: Meeting, *, comments_until: dt.datetime) -> Meeting:
    """Sends the minutes to the invitees, who may comment until ``comments_until``."""
    meeting = MEETING_LIFECYCLE.enter("circulate", actor, meeting)
    problems = []
    if meeting.invitees.filter(attendance="").exists():
        problems.append(_("Record the attendance of every invitee first."))
    if comments_until is None or comments_until <= timezone.now():
        raise ValidationError({"comments_until": [_("The comment window must end in the future.")]})
    if problems:
        raise InvalidMoveError(problems)
    meeting.comments_until = comments_until
    on_behalf_of(actor, meeting)
    meeting.save(update_fields=["comments_until", "updated_at"])
    return MEETING_LIFECYCLE.move("circulate", actor, meeting)


@transaction.atomic
def comment_on_minutes(
    actor: Actor, meeting: Meeting, *, text: str, agenda_item: AgendaItem | None = None
) -> MinutesComment:
    """An invitee's comment on the circulated minutes, while the window is open."""
    invitee = permissions.invitee_of(actor, meeting)
    if invitee is None or not permissions.acts_for(actor, invitee):
        raise PermissionDenied(
            _("Only the zones and institutions invited to the meeting comment on its minutes.")
        )
    meeting = MEETING_LIFECYCLE.lock(meeting)
    if meeting.status != Meeting.Status.IN_COMMENT:
        raise InvalidMoveError(_("Comments are taken only while the minutes are circulated for comment."))
    if meeting.comments_until is not None and timezone.now() > meeting.comments_until:
        raise InvalidMoveError(
            _("Comments closed on %(date)s.") % {"date": format_date(meeting.comments_until, "datetime")}
        )
    _check_agenda_item(meeting, agenda_item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write your comment.")]})
    comment = MinutesComment(
        meeting=meeting,
        agenda_item=agenda_item,
        text=text,
        author=who(actor),
        kind=invitee.kind,
        zone_id=invitee.zone_id,
        institution_id=invitee.institution_id,
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def approve_minutes(actor: Actor, meeting: Meeting) -> Meeting:
    """The minutes become final: the decisions and their action items stand as recorded."""
    meeting = MEETING_LIFECYCLE.enter("approve", actor, meeting)
    meeting.minutes_approved_at = timezone.now()
    on_behalf_of(actor, meeting)
    meeting.save(update_fields=["minutes_approved_at", "updated_at"])
    return MEETING_LIFECYCLE.move("approve", actor, meeting)


# Action items -------------------------------------------------------------------------------------


@transaction.atomic
def report_action_item(
    actor: Actor,
    item: ActionItem,
    *,
    evidence_note: str | None = "",
    evidence_link: str | None = "",
    evidence_file: UploadedFile | None = None,
    done_on: dt.date | None = None,
    event: Event | None = None,
    agreement: Agreement | None = None,
    complete: bool = False,
) -> ActionItem:
    """The owner (or the secretariat) reports evidence, and with ``complete`` marks the item done, which
    needs evidence, old or new. ``None`` for a note or link keeps what was there."""
    item = ACTION_ITEM_LIFECYCLE.lock(item)
    if not permissions.can_update_action_item(actor, item):
        raise PermissionDenied(NOT_THE_OWNER)
    if not ActionItem.objects.editable_by(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(_("Action items are reported on once the minutes are circulated."))
    if item.status == ActionItem.Status.DROPPED:
        raise InvalidMoveError(ALREADY_DROPPED)
    _check_links(actor, event, agreement)
    today = timezone.localdate()
    if done_on is not None and done_on > today:
        raise ValidationError({"done_on": [_("The day it was done cannot be in the future.")]})
    take_evidence(
        item,
        evidence_note,
        evidence_link,
        evidence_file,
        kinds=EVIDENCE_KINDS,
        max_megabytes=FILE_MAX_MEGABYTES,
    )
    if event is not None:
        item.event = event
    if agreement is not None:
        item.agreement = agreement
    if complete and item.status != ActionItem.Status.DONE:
        if not item.has_evidence:
            raise ValidationError(
                {"evidence_note": [_("To mark it done, give evidence: a note, a link or a file.")]}
            )
        ACTION_ITEM_LIFECYCLE.check("complete", actor, item)
        # The move saves the status alone, so its version in the history keeps the evidence as it was.
        ACTION_ITEM_LIFECYCLE.move("complete", actor, item)
        item.done_on = done_on or today
    elif done_on is not None and item.status == ActionItem.Status.DONE:
        item.done_on = done_on
    if item.status == ActionItem.Status.DONE and not item.has_evidence:
        raise ValidationError({"evidence_note": [_("A done action item keeps its evidence.")]})
    item.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, item)
    item.save()
    return item


@transaction.atomic
def drop_action_item(actor: Actor, item: ActionItem, reason: str) -> ActionItem:
    """The secretariat drops an action item no longer wanted, saying why; it stays in the history."""
    item = ACTION_ITEM_LIFECYCLE.enter("drop", actor, item, reason)
    return ACTION_ITEM_LIFECYCLE.move("drop", actor, item, reason)


@transaction.atomic
def reopen_action_item(actor: Actor, item: ActionItem, reason: str) -> ActionItem:
    """The secretariat reopens a done, missed or dropped item, saying why; a reopened item is not done."""
    item = ACTION_ITEM_LIFECYCLE.enter("reopen", actor, item, reason)
    item.done_on = None
    item.drop_reason = ""
    on_behalf_of(actor, item)
    item.save(update_fields=["done_on", "drop_reason", "updated_at"])
    return ACTION_ITEM_LIFECYCLE.move("reopen", actor, item, reason)


def mark_missed_action_items(today: dt.date | None = None) -> int:
    """Records as missed every open action item past its due date; its owner may still finish it late.
    Only items of circulated or approved minutes: before that the owner has not been told of them, as
    the reminders and the scorecard also hold. Safe to run twice: the second run finds nothing to do."""
    today = today or timezone.localdate()
    count = 0
    due = ActionItem.objects.filter(
        status__in=ACTION_ITEM_LIFECYCLE.sources("miss"),
        due_on__lt=today,
        decision__meeting__status__in=Meeting.MINUTES_SHOWN,
    )
    for candidate in due.only("pk"):
        with transaction.atomic():
            item = ACTION_ITEM_LIFECYCLE.lock(candidate)
            if ACTION_ITEM_LIFECYCLE.allows("miss", None, item) and item.due_on < today:
                ACTION_ITEM_LIFECYCLE.move("miss", None, item)
                count += 1
    return count
