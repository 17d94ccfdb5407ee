"""Who a person is (their ``Scope``), and the rules about zones and institutions.

Each domain app answers its own questions in its own ``permissions.py``, built on the functions here
(docs/architecture.md); the admin, the dashboard and the API ask those functions, directly or through
the ``visible_to(user)`` / ``editable_by(user)`` queryset methods, so a rule is written once. A person's
standing comes from their ``Membership``: secretariat staff, a zone's deputy or staff, or an
institution's representative. Superusers count as secretariat.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from zones_portal.models import Institution, Membership, User, Zone
from zones_portal.querysets import edit_rule, visibility_rule

AnyUser = User | AnonymousUser

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """What one person stands for; computed once per user object."""

    authenticated: bool = False
    secretariat: bool = False
    role: str = ""
    zone_id: int | None = None
    institution_id: int | None = None

    @property
    def is_deputy(self) -> bool:
        return self.role == "deputy"


ANONYMOUS = Scope()


def scope_of(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    membership = (
        Membership.objects.filter(user_id=user.pk).values("role", "zone_id", "institution_id").first()
    )
    role = membership["role"] if membership else ""
    scope = Scope(
        authenticated=True,
        secretariat=user.is_superuser or role == Membership.Role.SECRETARIAT,
        role=role,
        zone_id=membership["zone_id"] if membership else None,
        institution_id=membership["institution_id"] if membership else None,
    )
    user._portal_scope = scope
    return scope


def forget_scope(user: AnyUser) -> None:
    """Call after changing a membership so the next check reads it afresh."""
    if hasattr(user, "_portal_scope"):
        del user._portal_scope


def is_secretariat(user: AnyUser | None) -> bool:
    return scope_of(user).secretariat


def can_use_admin(user: AnyUser | None) -> bool:
    """The admin is the secretariat's tool; is_staff alone does not open it."""
    return bool(user is not None and user.is_staff and is_secretariat(user))


def acts_for_zone(user: AnyUser | None, zone_id: int | None) -> bool:
    """True for the deputy and the staff of that zone: they propose and answer for it."""
    scope = scope_of(user)
    return zone_id is not None and scope.zone_id == zone_id


def is_deputy_of(user: AnyUser | None, zone_id: int | None) -> bool:
    scope = scope_of(user)
    return scope.is_deputy and zone_id is not None and scope.zone_id == zone_id


def acts_for_institution(user: AnyUser | None, institution_id: int | None) -> bool:
    scope = scope_of(user)
    return institution_id is not None and scope.institution_id == institution_id


def can_change_zone(user: AnyUser | None, zone_id: int | None) -> bool:
    """A zone's own details (contacts, address): the secretariat, or that zone's deputy."""
    return is_secretariat(user) or is_deputy_of(user, zone_id)


@visibility_rule(Zone)
def zones_visible_q(user: AnyUser | None) -> Q:
    """Zones are public knowledge; only the secretariat sees the deactivated ones."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(is_active=True) | Q(pk=scope.zone_id)
    return Q(is_active=True)


@edit_rule(Zone)
def zones_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.is_deputy:
        return Q(pk=scope.zone_id)
    return NOTHING


@visibility_rule(Institution)
def institutions_visible_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    if scope.institution_id is not None:
        return Q(is_active=True) | Q(pk=scope.institution_id)
    return Q(is_active=True)


@edit_rule(Institution)
def institutions_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.institution_id is not None:
        return Q(pk=scope.institution_id)
    return NOTHING


def institution_acting_for(user: AnyUser | None) -> int | None:
    """The institution a partner's representative acts for: it proposes events and nominates artists
    in that institution's name. None for everyone else."""
    return scope_of(user).institution_id
