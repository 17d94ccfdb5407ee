"""Reminder rules that read talent calls: calls about to close, jurors with applications left to score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.registry import Due, Rule, days, deputy_ids, moment_key, occasion_parts, register
from talent.models import Application, Assignment, JuryMember, TalentCall
from zones_portal.dates import format_date
from zones_portal.models import Zone

# Call closing: 7 and 1 days before a call closes, to the deputies of the eligible zones.


def closing_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    for offset in offsets:
        calls = TalentCall.objects.filter(
            status=TalentCall.Status.PUBLISHED,
            opens_at__lte=now,
            closes_at__gt=max(now, horizon + days(offset)),
            closes_at__lte=now + days(offset),
        ).prefetch_related("eligible_zones")
        for call in calls:
            zones = [z.pk for z in call.eligible_zones.all()] or list(
                Zone.objects.filter(is_active=True).values_list("pk", flat=True)
            )
            yield Due(
                call,
                f"before-{offset}d:{moment_key(call.closes_at)}",
                call.closes_at - days(offset),
                deputy_ids(zones),
            )


def closing_current(call: TalentCall, occasion: str, now: dt.datetime) -> bool:
    return (
        call.status == TalentCall.Status.PUBLISHED
        and call.closes_at > now
        and occasion_parts(occasion)[1] == moment_key(call.closes_at)
    )


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


def review_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    first, every = [*offsets, 3, 3][:2]
    waiting = Exists(
        Assignment.objects.filter(
            juror_id=OuterRef("user_id"),
            application__call_id=OuterRef("call_id"),
            scored_at__isnull=True,
            conflict_declared_at__isnull=True,
        ).exclude(application__status=Application.Status.WITHDRAWN)
    )
    seats = JuryMember.objects.filter(
        waiting, call__status=TalentCall.Status.PUBLISHED, call__closes_at__lte=now - days(first)
    ).select_related("call")
    for seat in seats:
        period = int((now - seat.call.closes_at - days(first)) / days(every))
        due_at = seat.call.closes_at + days(first) + days(period * every)
        yield Due(seat, f"round-{period}:{moment_key(seat.call.closes_at)}", due_at, (seat.user_id,))


def review_current(seat: JuryMember, occasion: str, now: dt.datetime) -> bool:
    return (
        seat.call.status == TalentCall.Status.PUBLISHED
        and occasion_parts(occasion)[1] == moment_key(seat.call.closes_at)
        and _unscored(seat.user_id, seat.call_id).exists()
    )


def review_context(seat: JuryMember, occasion: str) -> dict:
    count = _unscored(seat.user_id, seat.call_id).count()
    return {
        "headline": _("%(count)s applications to “%(title)s” wait for your scores")
        % {"count": count, "title": seat.call.title},
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
    )
)
