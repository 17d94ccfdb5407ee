"""Scheduling council meetings, their agendas and the invitees' answers (issue 16, part 1).

Rules: only the secretariat schedules, changes, holds and cancels a meeting and orders its agenda; a
meeting invites at least one zone or institution and says where it happens (a place, an online link or
both); its reference is the Solar Hijri year and month it starts in ("1405-07", a second meeting that
month "1405-07-2"). Invitees propose agenda items until the cut-off and withdraw their own until then;
the secretariat adds items straight onto the agenda while the meeting is still scheduled. An invitee
answers (attending and who, or apologies) until the meeting starts. Every change is kept in the rows'
history (django-simple-history) under the person who made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import jdatetime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import permissions
from coordination.models import AgendaItem, Invitee, Meeting, Side
from coordination.services import MANAGED_BY_THE_SECRETARIAT, MEETING_LIFECYCLE
from zones_portal.dates import format_date
from zones_portal.lifecycle import InvalidMoveError, on_behalf_of, reject_unknown_fields, who
from zones_portal.models import Institution, Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

MEETING_FIELDS = ("title", "starts_at", "ends_at", "agenda_cutoff", "place", "online_link", "notes")
ONLY_WHILE_SCHEDULED = _("This meeting is no longer scheduled: it has been held or cancelled.")
NOT_INVITED = _("Only the zones and institutions invited to this meeting may propose items for its agenda.")


def _require_secretariat(actor: Actor) -> None:
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied(MANAGED_BY_THE_SECRETARIAT)


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise InvalidMoveError(ONLY_WHILE_SCHEDULED)


def _lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting re-read under a row lock: two people ordering one agenda at once are serialised."""
    return MEETING_LIFECYCLE.lock(meeting)


def _month_of(starts_at: dt.datetime) -> str:
    day = jdatetime.date.fromgregorian(date=timezone.localtime(starts_at).date())
    return f"{day.year}-{day.month:02d}"


def meeting_reference(starts_at: dt.datetime, exclude_pk: int | None = None) -> str:
    """The Solar Hijri year and month of the start (Tehran time), numbered from the second meeting of
    a month on ("1405-07", "1405-07-2"), so that decisions can be cited by it."""
    month = _month_of(starts_at)
    taken = set(
        Meeting.objects.filter(Q(reference=month) | Q(reference__startswith=f"{month}-"))
        .exclude(pk=exclude_pk)
        .values_list("reference", flat=True)
    )
    if month not in taken:
        return month
    number = 2
    while f"{month}-{number}" in taken:
        number += 1
    return f"{month}-{number}"


def _check_where(meeting: Meeting) -> None:
    if not (meeting.place or "").strip() and not (meeting.online_link or "").strip():
        raise ValidationError({"place": [_("Give the place of the meeting, an online link, or both.")]})


def _add_invitees(actor: Actor, meeting: Meeting, zones: Iterable[Zone], institutions: Iterable[Institution]):
    for zone in zones:
        invitee = Invitee(meeting=meeting, kind=Side.ZONE, zone=zone)
        on_behalf_of(actor, invitee)
        invitee.save()
    for institution in institutions:
        invitee = Invitee(meeting=meeting, kind=Side.INSTITUTION, institution=institution)
        on_behalf_of(actor, invitee)
        invitee.save()


NO_INVITEES = _("Invite at least one zone or institution.")


@transaction.atomic
def schedule_meeting(
    actor: Actor,
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    agenda_cutoff: dt.datetime,
    place: str = "",
    online_link: str = "",
    notes: str = "",
    zones: Iterable[Zone] = (),
    institutions: Iterable[Institution] = (),
) -> Meeting:
    """Schedules a meeting and invites the zones and institutions named; its first history line is
    "scheduled"."""
    _require_secretariat(actor)
    zones, institutions = list(dict.fromkeys(zones)), list(dict.fromkeys(institutions))
    meeting = Meeting(
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        agenda_cutoff=agenda_cutoff,
        place=(place or "").strip(),
        online_link=(online_link or "").strip(),
        notes=(notes or "").strip(),
        status=Meeting.Status.SCHEDULED,
        created_by=who(actor),
    )
    meeting.reference = meeting_reference(starts_at) if starts_at else ""
    meeting.full_clean(exclude=["created_by", "reference"])
    _check_where(meeting)
    if not zones and not institutions:
        raise ValidationError({"zones": [NO_INVITEES]})
    on_behalf_of(actor, meeting)
    meeting.save()
    _add_invitees(actor, meeting, zones, institutions)
    MEETING_LIFECYCLE.begin(actor, meeting)
    return meeting


@transaction.atomic
def update_meeting(
    actor: Actor,
    meeting: Meeting,
    *,
    zones: Iterable[Zone] | None = None,
    institutions: Iterable[Institution] | None = None,
    **fields: Any,
) -> Meeting:
    """Changes a scheduled meeting. A start moved to another month takes that month's reference; an
    invitee taken off the list goes, answer and all (its removal stays in the history)."""
    _require_secretariat(actor)
    meeting = _lock_meeting(meeting)
    _require_scheduled(meeting)
    reject_unknown_fields(fields, MEETING_FIELDS, "meeting")
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if meeting.starts_at and _month_of(meeting.starts_at) != meeting.reference[:7]:
        meeting.reference = meeting_reference(meeting.starts_at, exclude_pk=meeting.pk)
    meeting.full_clean(exclude=["created_by", "reference"])
    _check_where(meeting)
    current = list(meeting.invitees.all())
    if zones is not None:
        wanted = {zone.pk: zone for zone in zones}
        for invitee in current:
            if invitee.kind == Side.ZONE and invitee.zone_id not in wanted:
                on_behalf_of(actor, invitee)
                invitee.delete()
        have = {i.zone_id for i in current if i.kind == Side.ZONE}
        _add_invitees(actor, meeting, [z for pk, z in wanted.items() if pk not in have], [])
    if institutions is not None:
        wanted_institutions = {institution.pk: institution for institution in institutions}
        for invitee in current:
            if invitee.kind == Side.INSTITUTION and invitee.institution_id not in wanted_institutions:
                on_behalf_of(actor, invitee)
                invitee.delete()
        have = {i.institution_id for i in current if i.kind == Side.INSTITUTION}
        _add_invitees(
            actor, meeting, [], [inst for pk, inst in wanted_institutions.items() if pk not in have]
        )
    if not meeting.invitees.exists():
        raise ValidationError({"zones": [NO_INVITEES]})
    on_behalf_of(actor, meeting)
    meeting.save()
    return meeting


@transaction.atomic
def cancel_meeting(actor: Actor, meeting: Meeting, reason: str) -> Meeting:
    """Cancels a scheduled meeting, saying why."""
    meeting = MEETING_LIFECYCLE.enter("cancel", actor, meeting, reason)
    return MEETING_LIFECYCLE.move("cancel", actor, meeting, reason)


@transaction.atomic
def hold_meeting(actor: Actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Records that the meeting took place, which opens its minutes; not before it has started."""
    meeting = MEETING_LIFECYCLE.enter("hold", actor, meeting)
    now = now or timezone.now()
    if now < meeting.starts_at:
        raise InvalidMoveError(
            _("The meeting starts on %(date)s; it can be recorded as held from then on.")
            % {"date": format_date(meeting.starts_at, "datetime")}
        )
    return MEETING_LIFECYCLE.move("hold", actor, meeting)


# The agenda ----------------------------------------------------------------------------------------


def _accepted(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED).order_by(
            "position", "proposed_at", "pk"
        )
    )


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1


def _number(actor: Actor, meeting: Meeting, ordered: list[AgendaItem]) -> None:
    """Gives the accepted items the positions 1, 2, 3… in the order given, saving only those that move.
    Positions are unique in a meeting, so the moving ones are first cleared in one update (which keeps
    no version); each then saves its new place, which the history shows as a change from the old."""
    moving = [item for index, item in enumerate(ordered, start=1) if item.position != index]
    if not moving:
        return
    AgendaItem.objects.filter(pk__in=[item.pk for item in moving]).update(position=None)
    for index, item in enumerate(ordered, start=1):
        if item in moving:
            item.position = index
            on_behalf_of(actor, item)
            item.save(update_fields=["position", "status", "decline_reason"])


@transaction.atomic
def propose_agenda_item(actor: Actor, meeting: Meeting, *, title: str, description: str = "") -> AgendaItem:
    """An invitee proposes an item until the agenda closes; the secretariat's own items go straight
    onto the agenda, at its end, while the meeting is scheduled."""
    meeting = _lock_meeting(meeting)
    secretariat = permissions.can_manage_meetings(actor)
    invitee = None if secretariat else permissions.invitee_of(actor, meeting)
    if not secretariat and invitee is None:
        raise PermissionDenied(NOT_INVITED)
    _require_scheduled(meeting)
    if not secretariat and timezone.now() >= meeting.agenda_cutoff:
        raise InvalidMoveError(
            _("The agenda closed on %(date)s; ask the secretariat to add the item.")
            % {"date": format_date(meeting.agenda_cutoff, "datetime")}
        )
    item = AgendaItem(
        meeting=meeting,
        title=(title or "").strip(),
        description=(description or "").strip(),
        proposed_by=who(actor),
        proposed_at=timezone.now(),
    )
    if secretariat:
        item.kind = Side.SECRETARIAT
        item.status = AgendaItem.Status.ACCEPTED
        item.position = _next_position(meeting)
    else:
        item.kind, item.zone_id, item.institution_id = invitee.kind, invitee.zone_id, invitee.institution_id
        item.status = AgendaItem.Status.PROPOSED
    item.full_clean(exclude=["proposed_by", "meeting"])
    on_behalf_of(actor, item)
    item.save()
    return item


def _lock_item(item: AgendaItem) -> tuple[AgendaItem, Meeting]:
    meeting = _lock_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.meeting = meeting
    return item, meeting


@transaction.atomic
def withdraw_agenda_item(actor: Actor, item: AgendaItem) -> AgendaItem:
    """The proposer takes its item back before the agenda closes (the secretariat its own until the
    meeting)."""
    item, meeting = _lock_item(item)
    if not permissions.acts_for(actor, item):
        raise PermissionDenied(_("Only whoever proposed an agenda item may withdraw it."))
    _require_scheduled(meeting)
    if item.status not in (AgendaItem.Status.PROPOSED, AgendaItem.Status.ACCEPTED):
        raise InvalidMoveError(_("This item is no longer proposed, so it cannot be withdrawn."))
    if item.kind != Side.SECRETARIAT and timezone.now() >= meeting.agenda_cutoff:
        raise InvalidMoveError(
            _("The agenda closed on %(date)s; ask the secretariat to take the item off.")
            % {"date": format_date(meeting.agenda_cutoff, "datetime")}
        )
    item.status = AgendaItem.Status.WITHDRAWN
    item.position = None
    on_behalf_of(actor, item)
    item.save()
    return item


@transaction.atomic
def accept_agenda_item(actor: Actor, item: AgendaItem, position: int | None = None) -> AgendaItem:
    """Puts a proposal on the agenda: at the end, or at ``position`` (1 is first), moving the items
    from there one place down."""
    _require_secretariat(actor)
    item, meeting = _lock_item(item)
    _require_scheduled(meeting)
    if item.status not in (AgendaItem.Status.PROPOSED, AgendaItem.Status.DECLINED):
        raise InvalidMoveError(_("Only a proposed or declined item can be put on the agenda."))
    if position is not None and position < 1:
        raise ValidationError({"position": [_("The first place on the agenda is 1.")]})
    ordered = _accepted(meeting)
    index = len(ordered) if position is None else min(position - 1, len(ordered))
    item.status = AgendaItem.Status.ACCEPTED
    item.decline_reason = ""
    item.position = None
    ordered.insert(index, item)
    _number(actor, meeting, ordered)
    item.refresh_from_db()
    return item


@transaction.atomic
def decline_agenda_item(actor: Actor, item: AgendaItem, reason: str) -> AgendaItem:
    """Leaves a proposal (or takes an accepted item) off the agenda, saying why to whoever proposed it."""
    _require_secretariat(actor)
    item, meeting = _lock_item(item)
    _require_scheduled(meeting)
    reason = (reason or "").strip()
    if item.status not in (AgendaItem.Status.PROPOSED, AgendaItem.Status.ACCEPTED):
        raise InvalidMoveError(_("Only a proposed item or one on the agenda can be declined."))
    if not reason:
        raise ValidationError({"reason": [_("Say why the item is not taken; whoever proposed it is told.")]})
    item.status = AgendaItem.Status.DECLINED
    item.decline_reason = reason
    item.position = None
    on_behalf_of(actor, item)
    item.save()
    _number(actor, meeting, _accepted(meeting))
    return item


@transaction.atomic
def reorder_agenda(actor: Actor, meeting: Meeting, ordered_item_ids: list[int]) -> None:
    """Orders the agenda: the items named come first, in that order; any accepted item not named keeps
    its place after them."""
    _require_secretariat(actor)
    meeting = _lock_meeting(meeting)
    _require_scheduled(meeting)
    accepted = {item.pk: item for item in _accepted(meeting)}
    unknown = [pk for pk in ordered_item_ids if pk not in accepted]
    if unknown or len(set(ordered_item_ids)) != len(ordered_item_ids):
        raise ValidationError(_("Only the items on this meeting's agenda can be ordered, each once."))
    named = [accepted[pk] for pk in ordered_item_ids]
    rest = [item for pk, item in accepted.items() if pk not in set(ordered_item_ids)]
    _number(actor, meeting, named + rest)


# Answers -------------------------------------------------------------------------------------------


@transaction.atomic
def answer_invitation(
    actor: Actor, invitee: Invitee, *, answer: str, attendees: str = "", apology_note: str = ""
) -> Invitee:
    """A zone or institution says whether it comes and who, or sends apologies; it may change its
    answer until the meeting starts."""
    invitee = Invitee.objects.select_for_update().select_related("meeting").get(pk=invitee.pk)
    if not permissions.can_answer_invitation(actor, invitee):
        raise PermissionDenied(_("Only the invited zone or institution answers its invitation."))
    meeting = invitee.meeting
    _require_scheduled(meeting)
    if timezone.now() >= meeting.starts_at:
        raise InvalidMoveError(_("The meeting has started; answers are no longer taken."))
    attendees, apology_note = (attendees or "").strip(), (apology_note or "").strip()
    if answer == Invitee.Answer.ATTENDING:
        if not attendees:
            raise ValidationError({"attendees": [_("Say who will attend, with their positions.")]})
        apology_note = ""
    elif answer == Invitee.Answer.APOLOGIES:
        attendees = ""
    else:
        raise ValidationError({"answer": [_("Say whether you will attend or send apologies.")]})
    invitee.answer = answer
    invitee.attendees = attendees
    invitee.apology_note = apology_note
    invitee.answered_by = who(actor)
    invitee.answered_at = timezone.now()
    invitee.full_clean(exclude=["answered_by", "meeting", "zone", "institution"])
    on_behalf_of(actor, invitee)
    invitee.save()
    return invitee
