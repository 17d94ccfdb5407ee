"""Reminder rules that read competitions, and the mail to contestants who went on.

- ``round-scoring-closing``: days before a review round's scoring closes, to each of its judges who has
  entries left to score (a blind round's reminder names the round and a count, never a contestant).
- ``live-round-tomorrow``: the day before a round judged on stage, to its panel.
- contestants who went on: applicants have no account, so they are not the registry's recipients; the
  round's decision queues one mail per contestant (``send_advanced_mail``), in the language they applied
  in, as talent mails its receipts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contests.models import Entry, Judge, ReviewScore, Round, RoundCriterion
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    in_readers_digits,
    moment_key,
    occasion_parts,
    register,
    stale_subjects,
)
from zones_portal.dates import format_date
from zones_portal.mail import send_templated_mail

# Scoring closing: by default 2 days before (settings REMINDER_OFFSETS["round-scoring-closing"]).
SCORING_CLOSING_DEFAULT = [2]
LIVE_TOMORROW_DEFAULT = [1]
# How long a worker telling a contestant they went on holds the entry before another may try.
TELLING_LEASE = dt.timedelta(minutes=10)


def _left_to_score() -> Subquery:
    """How many entries the seat (``OuterRef``) has not scored on every criterion, skipping those it
    declared a conflict with and withdrawn ones: one subquery for all seats."""
    criteria = (
        RoundCriterion.objects.filter(round_id=OuterRef("round_id"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    scored = (
        ReviewScore.objects.filter(entry_id=OuterRef("pk"), judge_id=OuterRef(OuterRef("pk")))
        .order_by()
        .values("entry_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    waiting = (
        Entry.objects.filter(round_id=OuterRef("round_id"))
        .exclude(status=Entry.Status.WITHDRAWN)
        .exclude(conflicts__judge_id=OuterRef("pk"))
        .annotate(
            done=Coalesce(Subquery(scored, output_field=IntegerField()), 0),
            needed=Coalesce(Subquery(criteria, output_field=IntegerField()), 0),
        )
        .filter(done__lt=F("needed"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)


def _seats() -> QuerySet[Judge]:
    return Judge.objects.select_related("round").annotate(left=_left_to_score())


def scoring_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    offsets = offsets or SCORING_CLOSING_DEFAULT
    windows = [
        Q(
            round__scoring_closes_at__gt=max(now, horizon + days(o)),
            round__scoring_closes_at__lte=now + days(o),
        )
        for o in set(offsets)
    ]
    seats = _seats().filter(
        reduce(or_, windows),
        round__mode=Round.Mode.REVIEW,
        round__status=Round.Status.SCORING,
        left__gt=0,
    )
    seats = list(seats)
    for offset in offsets:
        for seat in seats:
            closes = seat.round.scoring_closes_at
            if max(now, horizon + days(offset)) < closes <= now + days(offset):
                yield Due(
                    seat, f"before-{offset}d:{moment_key(closes)}", closes - days(offset), (seat.user_id,)
                )


def _scoring_stands(seat: Judge, occasion: str, now: dt.datetime, left: int) -> bool:
    round_ = seat.round
    return (
        round_.status == Round.Status.SCORING
        and round_.scoring_closes_at is not None
        and round_.scoring_closes_at > now
        and occasion_parts(occasion)[1] == moment_key(round_.scoring_closes_at)
        and left > 0
    )


def scoring_current(seat: Judge, occasion: str, now: dt.datetime) -> bool:
    left = _seats().filter(pk=seat.pk).values_list("left", flat=True).first() or 0
    return _scoring_stands(seat, occasion, now, left)


def scoring_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(
        pending, _seats(), lambda seat, occasion: _scoring_stands(seat, occasion, now, seat.left)
    )


def scoring_headline(seat: Judge, occasion: str) -> str:
    left = getattr(seat, "left", None)
    if left is None:
        left = _seats().filter(pk=seat.pk).values_list("left", flat=True).first() or 0
    return _("%(count)s entries of “%(round)s” wait for your scores") % {
        "count": in_readers_digits(left),
        "round": seat.round.name,
    }


def scoring_context(seat: Judge, occasion: str) -> dict:
    return {
        "headline": scoring_headline(seat, occasion),
        "details": [
            _("Scoring closes on %(day)s.") % {"day": format_date(seat.round.scoring_closes_at, "datetime")}
        ],
        "path": reverse("contests:judge-queue", args=[seat.round_id]),
    }


register(
    Rule(
        slug="round-scoring-closing",
        title=_("Round scoring closing"),
        description=_(
            "Days before the scoring of a review round closes; to its judges with entries left to score."
        ),
        collect=scoring_collect,
        still_current=scoring_current,
        context=scoring_context,
        stale=scoring_stale,
        headline=scoring_headline,
    )
)


# A live round tomorrow: the day before, to its panel.


def live_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    offsets = offsets or LIVE_TOMORROW_DEFAULT
    windows = [Q(held_at__gt=max(now, horizon + days(o)), held_at__lte=now + days(o)) for o in set(offsets)]
    rounds = list(
        Round.objects.filter(reduce(or_, windows), mode=Round.Mode.LIVE)
        .exclude(status=Round.Status.DECIDED)
        .annotate(seats=Count("judges"))
        .filter(seats__gt=0)
    )
    panels: dict[int, list[int]] = {}
    for round_id, user_id in (
        Judge.objects.filter(round__in=rounds, user__is_active=True)
        .order_by("user_id")
        .values_list("round_id", "user_id")
    ):
        panels.setdefault(round_id, []).append(user_id)
    for offset in offsets:
        for round_ in rounds:
            if max(now, horizon + days(offset)) < round_.held_at <= now + days(offset):
                yield Due(
                    round_,
                    f"before-{offset}d:{moment_key(round_.held_at)}",
                    round_.held_at - days(offset),
                    tuple(panels.get(round_.pk, ())),
                )


def _live_stands(round_: Round, occasion: str, now: dt.datetime) -> bool:
    return (
        round_.status != Round.Status.DECIDED
        and round_.held_at is not None
        and round_.held_at > now
        and occasion_parts(occasion)[1] == moment_key(round_.held_at)
    )


def live_current(round_: Round, occasion: str, now: dt.datetime) -> bool:
    return _live_stands(round_, occasion, now)


def live_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    rounds = Round.objects.only("pk", "status", "held_at")
    return stale_subjects(pending, rounds, lambda round_, occasion: _live_stands(round_, occasion, now))


def live_headline(round_: Round, occasion: str) -> str:
    return _("You judge “%(round)s” on stage on %(day)s") % {
        "round": round_.name,
        "day": format_date(round_.held_at, "datetime"),
    }


def live_context(round_: Round, occasion: str) -> dict:
    details = []
    if round_.venue:
        details.append(_("Venue: %(venue)s") % {"venue": round_.venue})
    details.append(_("Bring a charged phone or tablet: you score each contestant from it."))
    return {
        "headline": live_headline(round_, occasion),
        "details": details,
        "path": reverse("contests:round", args=[round_.pk]),
    }


register(
    Rule(
        slug="live-round-tomorrow",
        title=_("Live round tomorrow"),
        description=_("Days before a round judged on stage; to its panel."),
        collect=live_collect,
        still_current=live_current,
        context=live_context,
        stale=live_stale,
        headline=live_headline,
    )
)


# Contestants who went on: mail to the applicant -----------------------------------------------------


def advanced_message_id(entry: Entry) -> str:
    """The same for every attempt, so a receiving server can drop a repeat."""
    return f"<advanced-{entry.pk}@{settings.ICAL_UID_DOMAIN}>"


def send_advanced_mail(entry_id: int) -> str:
    """Tells a contestant they went on to the next round, in the language they applied in, once: sent,
    skipped (already told, or the decision no longer stands), busy (another worker holds the lease: the
    task tries again once it runs out) or gone.

    The lease, not ``told_at``, is what a worker takes before sending: a worker that dies between taking
    it and sending (the task is acknowledged late, so it is delivered again) would otherwise leave the
    contestant marked as told with no mail sent. ``told_at`` is set only once the mail has gone. A worker
    that dies after sending and before marking it sends again once the lease runs out, under the same
    Message-ID, so the receiving server can drop the repeat."""
    entry = Entry.objects.select_related("application__call", "round__next_round").filter(pk=entry_id).first()
    if entry is None:
        return "gone"
    if entry.status != Entry.Status.ADVANCED or entry.round.status != Round.Status.DECIDED:
        return "skipped"
    now = timezone.now()
    claimed = (
        Entry.objects.filter(pk=entry.pk, told_at__isnull=True)
        .filter(Q(telling_until__isnull=True) | Q(telling_until__lt=now))
        .update(telling_until=now + TELLING_LEASE)
    )
    if not claimed:
        told = Entry.objects.filter(pk=entry.pk).values_list("told_at", flat=True).first()
        return "skipped" if told is not None else "busy"
    application = entry.application
    next_round = entry.round.next_round
    try:
        send_templated_mail(
            [application.email],
            "contests/advanced",
            {
                "application": application,
                "round": entry.round,
                "next_round": next_round,
                "portal_url": settings.PORTAL_URL,
            },
            application.language or "fa",
            headers={"Message-ID": advanced_message_id(entry)},
        )
    except Exception:
        Entry.objects.filter(pk=entry.pk).update(telling_until=None)  # not sent: the retry may claim it
        raise
    Entry.objects.filter(pk=entry.pk).update(told_at=timezone.now(), telling_until=None)
    return "sent"
