"""Who may see and do what with the annual programmes.

A zone's programme is its own plan and budget until it turns into events: the zone's people (deputy and
staff) see and draft it; the deputy answers for it to the secretariat and submits it; the secretariat
sees every zone's and decides (returns or approves, and reopens an approved one). Partner institutions
see nothing here: the budget lines and the secretariat's comments are between the zone and the
secretariat, and an institution learns of an activity it partners in once the zone proposes the event,
where the events' own rules show it. Anonymous visitors see nothing.
"""

from __future__ import annotations

from django.db.models import Q

from programmes.models import PlannedActivity, Programme, ProgrammeStatusChange, ProgrammeVersion
from zones_portal.permissions import NOTHING, AnyUser, acts_for_zone, is_deputy_of, is_secretariat, scope_of
from zones_portal.querysets import edit_rule, visibility_rule


def _zone_q(user: AnyUser | None, zone_field: str) -> Q:
    """Everything for the secretariat, the person's own zone's rows for a zone's people, else nothing."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(**{zone_field: scope.zone_id})
    return NOTHING


@visibility_rule(Programme)
def programmes_visible_q(user: AnyUser | None) -> Q:
    return _zone_q(user, "zone_id")


@edit_rule(Programme)
def programmes_editable_q(user: AnyUser | None) -> Q:
    """The zone's people change its programme while it is a draft or returned; nobody else."""
    scope = scope_of(user)
    if scope.zone_id is None or scope.secretariat:
        return NOTHING
    return Q(zone_id=scope.zone_id, status__in=Programme.EDITABLE)


@visibility_rule(PlannedActivity)
def activities_visible_q(user: AnyUser | None) -> Q:
    return _zone_q(user, "programme__zone_id")


@edit_rule(PlannedActivity)
def activities_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.zone_id is None or scope.secretariat:
        return NOTHING
    return Q(programme__zone_id=scope.zone_id, programme__status__in=Programme.EDITABLE)


@visibility_rule(ProgrammeVersion)
def versions_visible_q(user: AnyUser | None) -> Q:
    return _zone_q(user, "programme__zone_id")


@edit_rule(ProgrammeVersion)
def versions_editable_q(user: AnyUser | None) -> Q:
    """A version is frozen: nobody changes it."""
    return NOTHING


@visibility_rule(ProgrammeStatusChange)
def status_changes_visible_q(user: AnyUser | None) -> Q:
    return _zone_q(user, "programme__zone_id")


def can_draft(user: AnyUser | None, programme: Programme) -> bool:
    """The zone's deputy and staff draft its programme (start it, write its activities)."""
    return acts_for_zone(user, programme.zone_id) and not is_secretariat(user)


def can_submit(user: AnyUser | None, programme: Programme) -> bool:
    """Submitting commits the zone to the plan: its deputy does it."""
    return is_deputy_of(user, programme.zone_id)


def can_decide(user: AnyUser | None, programme: object = None) -> bool:
    """Returning, approving and reopening programmes are the secretariat's."""
    return is_secretariat(user)
