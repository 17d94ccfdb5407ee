"""The rule registry. Each domain app's ``reminders.py`` registers its rules here; this app imports none of them.

A rule answers two questions: which reminders are due by ``now`` (``collect``),
and whether one already recorded still stands (``still_current``): an event
that moved or was cancelled, an obligation done, a deadline changed. The sweep
asks the second question of every pending reminder at once (``stale``), so a
rule that offers it costs a few queries however many reminders wait.

``collect`` looks up the recipients of all its due items together (``deputies_by_zone``,
``institution_users_by_institution``, ``secretariat_ids``) and loads with each subject what
``context`` reads, so recording costs the same few queries for five due items or five thousand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from reminders.models import Notification, RuleSetting
from zones_portal.models import Membership, User
from zones_portal.widgets import readers_number


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
    # The pending reminders (a queryset of this rule's) that no longer stand: ids or a queryset. Without it
    # the sweep asks ``still_current`` of each one in turn.
    stale: Callable[[QuerySet[Notification], dt.datetime], Iterable[int]] | None = None
    # What the notification's title says, without the rest of the context (dates, links) the mail needs:
    # the sweep words thousands of titles. Without it, the context's headline.
    headline: Callable[[Model, str], str | Promise] | None = None

    @property
    def default_offsets(self) -> list[int]:
        return list(settings.REMINDER_OFFSETS.get(self.slug, []))


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.slug in RULES and RULES[rule.slug] is not rule:
        raise ValueError(f"Two reminder rules are called {rule.slug!r}.")
    RULES[rule.slug] = rule
    return rule


_UNREAD = object()


def offsets_for(rule: Rule, setting: RuleSetting | object | None = _UNREAD) -> list[int] | None:
    """The secretariat's offsets where set, else the defaults; None when the rule is switched off.

    The sweep reads every rule's setting in one query and passes it as ``setting``."""
    if setting is _UNREAD:
        setting = RuleSetting.objects.filter(rule=rule.slug).first()
    if setting is None:
        return rule.default_offsets
    if not setting.enabled:
        return None
    return [int(days) for days in setting.offsets] if setting.offsets else rule.default_offsets


def days(offset: int) -> dt.timedelta:
    return dt.timedelta(days=offset)


def in_readers_digits(number: int | str) -> str:
    """A number in a reminder as its reader writes it: Persian digits in Persian.

    Titles and mail are worded with the recipient's language active (``reminders.services``), so the
    active language is the reader's."""
    return readers_number(str(number))


# What one sweep reads once and every rule shares (the secretariat, the week's digest figures).

_SWEEP_MEMO: ContextVar[dict | None] = ContextVar("reminder_sweep_memo", default=None)


@contextlib.contextmanager
def one_sweep() -> Iterator[None]:
    """Within this block, ``per_sweep`` answers each question once."""
    token = _SWEEP_MEMO.set({})
    try:
        yield
    finally:
        _SWEEP_MEMO.reset(token)


def per_sweep(key: object, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` until the sweep ends; outside a sweep, asked afresh."""
    memo = _SWEEP_MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# Who is told: the few groups the catalogue names, read once per sweep from memberships.


def secretariat_ids() -> tuple[int, ...]:
    return per_sweep(
        "secretariat",
        lambda: tuple(
            Membership.objects.filter(role=Membership.Role.SECRETARIAT, user__is_active=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        ),
    )


def _members_by_zone(zone_ids: Iterable[int], roles: Iterable[str]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    for zone_id, user_id in (
        Membership.objects.filter(role__in=list(roles), zone_id__in=list(zone_ids), user__is_active=True)
        .order_by("user_id")
        .values_list("zone_id", "user_id")
    ):
        found.setdefault(zone_id, []).append(user_id)
    return {zone_id: tuple(users) for zone_id, users in found.items()}


def deputies_by_zone(zone_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each zone's active deputies, in one query for many zones."""
    return _members_by_zone(zone_ids, [Membership.Role.DEPUTY])


def zone_people_by_zone(zone_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each zone's active deputies and staff, in one query for many zones: whoever may act for the zone
    (answer an invitation, draft its programme, acknowledge a circular)."""
    return _members_by_zone(zone_ids, Membership.ZONE_ROLES)


def institution_users_by_institution(institution_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each institution's active people, in one query for many institutions."""
    found: dict[int, list[int]] = {}
    for institution_id, user_id in (
        Membership.objects.filter(
            role=Membership.Role.INSTITUTION, institution_id__in=list(institution_ids), user__is_active=True
        )
        .order_by("user_id")
        .values_list("institution_id", "user_id")
    ):
        found.setdefault(institution_id, []).append(user_id)
    return {institution_id: tuple(users) for institution_id, users in found.items()}


def gather(*groups: Iterable[int]) -> tuple[int, ...]:
    """The people of several groups, each once, in a stable order."""
    return tuple(dict.fromkeys(user_id for group in groups for user_id in group))


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


def stale_subjects(
    pending: QuerySet[Notification],
    subjects: QuerySet,
    stands: Callable[[Any, str], bool],
) -> list[int]:
    """The pending reminders whose subject is gone or no longer ``stands`` for their occasion.

    One query for the reminders, one for their subjects (``subjects`` loads, annotated, all that
    ``stands`` reads, so it asks nothing more): a batched ``still_current``."""
    rows = list(pending.values_list("pk", "object_id", "occasion"))
    if not rows:
        return []
    found = subjects.in_bulk({object_id for _pk, object_id, _occasion in rows})
    return [
        pk
        for pk, object_id, occasion in rows
        if object_id not in found or not stands(found[object_id], occasion)
    ]
