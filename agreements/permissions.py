"""Who may see an agreement and its obligations, record them, and report on an obligation.

Built on the core's ``Scope`` (docs/architecture.md): an agreement is seen by the secretariat and by its
parties, nobody else.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from agreements.models import Agreement, Obligation, Party
from zones_portal.permissions import (
    NOTHING,
    AnyUser,
    acts_for_institution,
    acts_for_zone,
    is_secretariat,
    scope_of,
)
from zones_portal.querysets import visibility_rule


@visibility_rule(Agreement)
def agreements_visible_q(user: AnyUser | None) -> Q:
    """An agreement is seen by the secretariat and by its parties, nobody else."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(Exists(Party.objects.filter(agreement_id=OuterRef("pk"), zone_id=scope.zone_id)))
    if scope.institution_id is not None:
        return Q(
            Exists(Party.objects.filter(agreement_id=OuterRef("pk"), institution_id=scope.institution_id))
        )
    return NOTHING


@visibility_rule(Obligation)
def obligations_visible_q(user: AnyUser | None) -> Q:
    """An obligation is seen by whoever sees its agreement."""
    if is_secretariat(user):
        return Q()
    return Q(agreement__in=Agreement.objects.visible_to(user))


def can_manage_agreements(user: AnyUser | None, record: object = None) -> bool:
    """Recording agreements, their parties, documents and obligations is the secretariat's work."""
    return is_secretariat(user)


def acts_for_party(user: AnyUser | None, party: Party) -> bool:
    """The people who answer for one party: its zone's deputy and staff, its institution's
    representatives, or the secretariat for the secretariat's own side."""
    if party.kind == Party.Kind.ZONE:
        return acts_for_zone(user, party.zone_id)
    if party.kind == Party.Kind.INSTITUTION:
        return acts_for_institution(user, party.institution_id)
    return is_secretariat(user)


def can_update_obligation(user: AnyUser | None, obligation: Obligation) -> bool:
    """The party that owes an obligation reports on it; the secretariat may record anything."""
    return is_secretariat(user) or acts_for_party(user, obligation.party)


def by_the_portal(user: AnyUser | None, record: object) -> bool:
    """Moves the portal makes by itself on a schedule (expiry, a missed due date)."""
    return True
