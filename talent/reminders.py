"""Reminder rules that read talent calls: calls about to close, jurors with applications left to score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    deputies_by_zone,
    in_readers_digits,
    moment_key,
    occasion_parts,
    per_sweep,
    register,
    stale_subjects,
)
from talent.models import Application, Assignment, JuryMember, TalentCall
from zones_portal.dates import format_date
from zones_portal.models import Zone

# Call closing: 7 and 1 days before a call closes, to the deputies of the eligible zones.


def closing_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    if not offsets:
        return
    windows = [
        Q(closes_at__gt=max(now, horizon + days(o)), closes_at__lte=now + days(o)) for o in set(offsets)
    ]
    calls = list(
        TalentCall.objects.filter(
            reduce(or_, windows), status=TalentCall.Status.PUBLISHED, opens_at__lte=now
        ).prefetch_related(Prefetch("eligible_zones", queryset=Zone.objects.only("pk")))
    )
    zones = {call.pk: [z.pk for z in call.eligible_zones.all()] for call in calls}
    if not all(zones.values()):  # a call open to every zone: read the active zones once
        every_zone = per_sweep(
            "active_zones", lambda: list(Zone.objects.filter(is_active=True).values_list("pk", flat=True))
        )
        zones = {pk: listed or every_zone for pk, listed in zones.items()}
    deputies = deputies_by_zone({zone_id for listed in zones.values() for zone_id in listed})
    for offset in offsets:
        for call in calls:
            if max(now, horizon + days(offset)) < call.closes_at <= now + days(offset):
                yield Due(
                    call,
                    f"before-{offset}d:{moment_key(call.closes_at)}",
                    call.closes_at - days(offset),
                    tuple(sorted({uid for z in zones[call.pk] for uid in deputies.get(z, ())})),
                )


def _closing_stands(call: TalentCall, occasion: str, now: dt.datetime) -> bool:
    return (
        call.status == TalentCall.Status.PUBLISHED
        and call.closes_at > now
        and occasion_parts(occasion)[1] == moment_key(call.closes_at)
    )


def closing_current(call: TalentCall, occasion: str, now: dt.datetime) -> bool:
    return _closing_stands(call, occasion, now)


def closing_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    calls = TalentCall.objects.only("pk", "status", "closes_at")
    return stale_subjects(pending, calls, lambda call, occasion: _closing_stands(call, occasion, now))


def closing_context(call: TalentCall, occasion: str) -> dict:
    return {
        "headline": _("The call “%(title)s” closes on %(day)s")
        % {"title": call.title, "day": format_date(call.closes_at, "datetime")},
        "details": [_("Encourage your zone's artists to apply before it closes.")],
        "path": reverse("talent:call", args=[call.pk]),
    }


register(
    Rule(
        slug="call_closing",
        title=_("Call closing"),
        description=_("Days before a talent call closes; to the deputies of its eligible zones."),
        collect=closing_collect,
        still_current=closing_current,
        context=closing_context,
        stale=closing_stale,
    )
)


# Review pending: 3 days after a call closes while a juror has unscored applications; every 3 days after.


def _unscored(juror_id: int, call_id: int):
    return Assignment.objects.filter(
        juror_id=juror_id,
        application__call_id=call_id,
        scored_at__isnull=True,
        conflict_declared_at__isnull=True,
    ).exclude(application__status=Application.Status.WITHDRAWN)


def _unscored_of_seat() -> QuerySet[Assignment]:
    """A seat's unscored applications, as a subquery on the seat (``OuterRef``)."""
    return _unscored(OuterRef("user_id"), OuterRef("call_id"))


def _seats() -> QuerySet[JuryMember]:
    """Seats with what the rule reads: the call, and how many applications wait (one query for all)."""
    waiting = Subquery(
        _unscored_of_seat().order_by().values("juror_id").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    return JuryMember.objects.select_related("call").annotate(unscored=Coalesce(waiting, 0))


def review_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    first, every = [*offsets, 3, 3][:2]
    seats = _seats().filter(
        Exists(_unscored_of_seat()),
        call__status=TalentCall.Status.PUBLISHED,
        call__closes_at__lte=now - days(first),
    )
    for seat in seats:
        period = int((now - seat.call.closes_at - days(first)) / days(every))
        due_at = seat.call.closes_at + days(first) + days(period * every)
        yield Due(seat, f"round-{period}:{moment_key(seat.call.closes_at)}", due_at, (seat.user_id,))


def _review_stands(seat: JuryMember, occasion: str, *, waiting: bool) -> bool:
    return (
        seat.call.status == TalentCall.Status.PUBLISHED
        and occasion_parts(occasion)[1] == moment_key(seat.call.closes_at)
        and waiting
    )


def review_current(seat: JuryMember, occasion: str, now: dt.datetime) -> bool:
    return _review_stands(seat, occasion, waiting=_unscored(seat.user_id, seat.call_id).exists())


def review_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(
        pending,
        _seats(),
        lambda seat, occasion: _review_stands(seat, occasion, waiting=seat.unscored > 0),
    )


def review_context(seat: JuryMember, occasion: str) -> dict:
    # The sweep's seats carry their count; delivery loads the seat afresh and counts.
    count = getattr(seat, "unscored", None)
    if count is None:
        count = _unscored(seat.user_id, seat.call_id).count()
    return {
        "headline": _("%(count)s applications to “%(title)s” wait for your scores")
        % {"count": in_readers_digits(count), "title": seat.call.title},
        "details": [],
        "path": reverse("talent:jury"),
    }


register(
    Rule(
        slug="review_pending",
        title=_("Review pending"),
        description=_(
            "Days after a call closes while a juror has unscored applications, then how often (in days) it is repeated."
        ),
        collect=review_collect,
        still_current=review_current,
        context=review_context,
        stale=review_stale,
    )
)
