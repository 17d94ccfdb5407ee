"""Who may see and do what at the coordination desk.

Built on the core's ``Scope`` (docs/architecture.md). A meeting is seen by the secretariat and by the
zones and institutions invited to it; its decisions and action items by them once the minutes are
circulated; an action item is reported on by its owner; a circular is seen and acknowledged by the
zones it was sent to.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from coordination.models import (
    Acknowledgement,
    ActionItem,
    AgendaItem,
    Circular,
    Decision,
    Invitee,
    Meeting,
    MinutesComment,
    Side,
)
from zones_portal.permissions import (
    NOTHING,
    AnyUser,
    acts_for_institution,
    acts_for_zone,
    is_secretariat,
    scope_of,
)
from zones_portal.querysets import edit_rule, visibility_rule


def _invited_q(user: AnyUser | None, meeting_field: str = "pk") -> Q | None:
    """Rows whose meeting (``meeting_field``) invites the person's zone or institution; None for the
    secretariat (everything), NOTHING for anyone else."""
    scope = scope_of(user)
    if scope.secretariat:
        return None
    if scope.zone_id is not None:
        invited = Invitee.objects.filter(meeting_id=OuterRef(meeting_field), zone_id=scope.zone_id)
    elif scope.institution_id is not None:
        invited = Invitee.objects.filter(
            meeting_id=OuterRef(meeting_field), institution_id=scope.institution_id
        )
    else:
        return NOTHING
    return Q(Exists(invited))


def _own_q(user: AnyUser | None) -> Q:
    """Rows (with kind/zone/institution) that stand for the person's own zone or institution."""
    scope = scope_of(user)
    if scope.zone_id is not None:
        return Q(kind=Side.ZONE, zone_id=scope.zone_id)
    if scope.institution_id is not None:
        return Q(kind=Side.INSTITUTION, institution_id=scope.institution_id)
    return NOTHING


@visibility_rule(Meeting)
def meetings_visible_q(user: AnyUser | None) -> Q:
    """A meeting is seen by the secretariat and by those invited to it, nobody else."""
    invited = _invited_q(user)
    return Q() if invited is None else invited


@visibility_rule(Invitee)
def invitees_visible_q(user: AnyUser | None) -> Q:
    """Who else is invited, and their answers, are seen by whoever sees the meeting."""
    invited = _invited_q(user, "meeting_id")
    return Q() if invited is None else invited


@visibility_rule(AgendaItem)
def agenda_items_visible_q(user: AnyUser | None) -> Q:
    """Invitees see the accepted agenda and their own proposals; the secretariat sees every proposal."""
    invited = _invited_q(user, "meeting_id")
    if invited is None:
        return Q()
    return invited & (Q(status=AgendaItem.Status.ACCEPTED) | _own_q(user))


def _minutes_shown_q(user: AnyUser | None, meeting: str) -> Q:
    invited = _invited_q(user, f"{meeting}_id")
    if invited is None:
        return Q()
    return invited & Q(**{f"{meeting}__status__in": Meeting.MINUTES_SHOWN})


@visibility_rule(Decision)
def decisions_visible_q(user: AnyUser | None) -> Q:
    """Decisions reach the invitees with the circulated minutes."""
    return _minutes_shown_q(user, "meeting")


@visibility_rule(MinutesComment)
def comments_visible_q(user: AnyUser | None) -> Q:
    """Comments on the minutes are read by everyone who reads the minutes."""
    return _minutes_shown_q(user, "meeting")


@visibility_rule(ActionItem)
def action_items_visible_q(user: AnyUser | None) -> Q:
    """As obligations: whoever reads the minutes sees what they ask of whom; the owner, too, even when
    it was not invited."""
    if is_secretariat(user):
        return Q()
    shown = Q(decision__meeting__status__in=Meeting.MINUTES_SHOWN)
    invited = _invited_q(user, "decision__meeting_id")
    return shown & (invited | _own_q(user))


@edit_rule(ActionItem)
def action_items_editable_q(user: AnyUser | None) -> Q:
    """The owner reports on an action item; the secretariat may record anything."""
    if is_secretariat(user):
        return Q()
    return Q(decision__meeting__status__in=Meeting.MINUTES_SHOWN) & _own_q(user)


@visibility_rule(Circular)
def circulars_visible_q(user: AnyUser | None) -> Q:
    """A circular is seen by the secretariat, and once sent by the zones it was sent to."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is None:
        return NOTHING
    return ~Q(status=Circular.Status.DRAFT) & Q(
        Exists(Acknowledgement.objects.filter(circular_id=OuterRef("pk"), zone_id=scope.zone_id))
    )


@visibility_rule(Acknowledgement)
def acknowledgements_visible_q(user: AnyUser | None) -> Q:
    """Who has acknowledged is the secretariat's to follow; a zone sees its own."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is None:
        return NOTHING
    return Q(zone_id=scope.zone_id) & ~Q(circular__status=Circular.Status.DRAFT)


def can_manage_meetings(user: AnyUser | None, record: object = None) -> bool:
    """Scheduling, ordering the agenda, recording minutes, decisions and action items, and sending
    circulars are the secretariat's work."""
    return is_secretariat(user)


def acts_for(user: AnyUser | None, row: object) -> bool:
    """Whether the person answers for the zone or institution a row stands for (an invitee, an agenda
    item's proposer, an action item's owner); the secretariat for the secretariat's own side."""
    kind = row.kind
    if kind == Side.ZONE:
        return acts_for_zone(user, row.zone_id)
    if kind == Side.INSTITUTION:
        return acts_for_institution(user, row.institution_id)
    return is_secretariat(user)


def invitee_of(user: AnyUser | None, meeting: Meeting) -> Invitee | None:
    """The person's own invitation to the meeting, or None."""
    scope = scope_of(user)
    if scope.zone_id is not None:
        return meeting.invitees.filter(kind=Side.ZONE, zone_id=scope.zone_id).first()
    if scope.institution_id is not None:
        return meeting.invitees.filter(kind=Side.INSTITUTION, institution_id=scope.institution_id).first()
    return None


def can_answer_invitation(user: AnyUser | None, invitee: Invitee) -> bool:
    return acts_for(user, invitee)


def can_update_action_item(user: AnyUser | None, item: ActionItem) -> bool:
    """The owner reports on it; the secretariat may record anything."""
    return is_secretariat(user) or acts_for(user, item)


def can_acknowledge(user: AnyUser | None, acknowledgement: Acknowledgement) -> bool:
    """A named person of the recipient zone (its deputy or staff) acknowledges for it."""
    return acts_for_zone(user, acknowledgement.zone_id)


def by_the_portal(user: AnyUser | None, record: object) -> bool:
    """Moves the portal makes by itself on a schedule (an action item's due date passing)."""
    return True
