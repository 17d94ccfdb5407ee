"""Who may read the scorecard: the secretariat and the zones' own people (docs/architecture.md)."""

from __future__ import annotations

from zones_portal.permissions import AnyUser, scope_of


def can_see_scorecard(user: AnyUser | None) -> bool:
    """Every zone sees the others' numbers too: the point is to compare."""
    scope = scope_of(user)
    return scope.secretariat or scope.zone_id is not None
