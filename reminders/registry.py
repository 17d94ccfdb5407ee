"""The rule registry. Each domain app's ``reminders.py`` registers its rules here; this app imports none of them.

A rule answers two questions: which reminders are due by ``now`` (``collect``),
and whether one already recorded still stands (``still_current``): an event
that moved or was cancelled, an obligation done, a deadline changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise

from reminders.models import RuleSetting
from zones_portal.models import Membership, User


@dataclass(frozen=True)
class Due:
    """One reminder a rule wants sent: about ``subject``, to ``recipients``, from ``due_at``."""

    subject: Model
    occasion: str
    due_at: dt.datetime
    recipients: tuple[int, ...]


@dataclass
class Rule:
    slug: str
    title: str | Promise
    description: str | Promise
    collect: Callable[[dt.datetime, list[int], dt.datetime], Iterable[Due]]
    still_current: Callable[[Model, str, dt.datetime], bool]
    context: Callable[[Model, str], dict[str, Any]] = field(default=lambda subject, occasion: {})

    @property
    def default_offsets(self) -> list[int]:
        return list(settings.REMINDER_OFFSETS.get(self.slug, []))


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.slug in RULES and RULES[rule.slug] is not rule:
        raise ValueError(f"Two reminder rules are called {rule.slug!r}.")
    RULES[rule.slug] = rule
    return rule


def offsets_for(rule: Rule) -> list[int] | None:
    """The secretariat's offsets where set, else the defaults; None when the rule is switched off."""
    setting = RuleSetting.objects.filter(rule=rule.slug).first()
    if setting is None:
        return rule.default_offsets
    if not setting.enabled:
        return None
    return [int(days) for days in setting.offsets] if setting.offsets else rule.default_offsets


def days(offset: int) -> dt.timedelta:
    return dt.timedelta(days=offset)


# Who is told: the few groups the catalogue names, read once per sweep from memberships.


def secretariat_ids() -> tuple[int, ...]:
    return tuple(
        Membership.objects.filter(role=Membership.Role.SECRETARIAT, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def deputy_ids(zone_ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(
        Membership.objects.filter(
            role=Membership.Role.DEPUTY, zone_id__in=list(zone_ids), user__is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def deputies_by_zone(zone_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each zone's active deputies, in one query for many zones."""
    found: dict[int, list[int]] = {}
    for zone_id, user_id in (
        Membership.objects.filter(
            role=Membership.Role.DEPUTY, zone_id__in=list(zone_ids), user__is_active=True
        )
        .order_by("user_id")
        .values_list("zone_id", "user_id")
    ):
        found.setdefault(zone_id, []).append(user_id)
    return {zone_id: tuple(users) for zone_id, users in found.items()}


def institution_user_ids(institution_ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(
        Membership.objects.filter(
            role=Membership.Role.INSTITUTION, institution_id__in=list(institution_ids), user__is_active=True
        ).values_list("user_id", flat=True)
    )


def users(ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(pk__in=list(ids), is_active=True))


def moment_key(moment: dt.datetime) -> str:
    """A datetime as it appears in an occasion: when it moves, the occasion no longer matches."""
    return timezone.localtime(moment).strftime("%Y%m%dT%H%M")


def morning(day: dt.date) -> dt.datetime:
    """08:00 Tehran time on ``day``: when date-only reminders go out."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))


def occasion_parts(occasion: str) -> tuple[str, str]:
    """("before-7d", "20261210T1000") from "before-7d:20261210T1000"."""
    head, _sep, tail = occasion.partition(":")
    return head, tail
