"""Who a person is (their ``Scope``), and the rules about zones and institutions.

Each domain app answers its own questions in its own ``permissions.py``, built on the functions here
(docs/architecture.md); the admin, the dashboard and the API ask those functions, directly or through
the ``visible_to(user)`` / ``editable_by(user)`` queryset methods, so a rule is written once. A person's
standing comes from their ``Membership``: secretariat staff, a zone's deputy or staff, or an
institution's representative. Superusers count as secretariat.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Expression, Q

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


# Yes-or-no facts about a person that another app reads on every page (is this person on a jury?),
# registered by that app (``person_fact``) and read in the same query as the scope, so the menu costs
# no query of its own. Each is an expression over the user row (``OuterRef("pk")`` is the person).
PERSON_FACTS: dict[str, Callable[[], Expression]] = {}


def person_fact(name: str, expression: Callable[[], Expression]) -> None:
    """Called from an app's ``ready()``: ``expression()`` is built when the scope is first read."""
    PERSON_FACTS[name] = expression


def scope_of(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    row = _scope_row(user.pk)
    role = row.get("membership__role") or ""
    scope = Scope(
        authenticated=True,
        secretariat=user.is_superuser or role == Membership.Role.SECRETARIAT,
        role=role,
        zone_id=row.get("membership__zone_id"),
        institution_id=row.get("membership__institution_id"),
    )
    user._portal_facts = {name: bool(row.get(f"fact_{name}")) for name in PERSON_FACTS}
    user._portal_scope = scope
    return scope


# A person id no database hands out: it marks where the id goes in the scope's kept statement.
_MARK = -7_340_190_221


def _scope_row(user_id: int) -> dict[str, object]:
    """The person's membership (if any) and every registered fact, in one row. The statement is
    compiled once per process: it is run on every signed-in request, and building it through the ORM
    cost forty times as many Python calls as running it."""
    connection = connections[router.db_for_read(User)]
    sql, params, names = _scope_statement(connection.alias, connection.vendor, tuple(PERSON_FACTS))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id if param == _MARK else param for param in params])
        found = cursor.fetchone()
    return dict(zip(names, found, strict=True)) if found else {}


@functools.cache
def _scope_statement(alias: str, vendor: str, facts: tuple[str, ...]) -> tuple[str, tuple, tuple[str, ...]]:
    """``vendor`` is part of the key only: the SQL is the database's dialect."""
    queryset = User.objects.filter(pk=_MARK).values(
        "membership__role",
        "membership__zone_id",
        "membership__institution_id",
        **{f"fact_{name}": PERSON_FACTS[name]() for name in facts},
    )[:1]
    query = queryset.query
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params).count(_MARK) != 1:
        raise ImproperlyConfigured(f"A person fact's expression may not use the number {_MARK}.")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return sql, tuple(params), names


def fact_of(user: AnyUser | None, name: str) -> bool:
    """A registered fact about the person, read with their scope; False for anyone not signed in."""
    if scope_of(user) is ANONYMOUS:
        return False
    if not hasattr(user, "_portal_facts"):  # a scope set by other means: read both again
        forget_scope(user)
        scope_of(user)
    return user._portal_facts[name]  # type: ignore[union-attr]


def forget_scope(user: AnyUser) -> None:
    """Call after changing a membership so the next check reads it afresh."""
    for name in ("_portal_scope", "_portal_facts"):
        if hasattr(user, name):
            delattr(user, name)


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
