"""Test set-up for competitions: a Quran recitation call with a preliminary in some zones and a live final,
written directly (the services are what the tests exercise)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from contests.models import Entry, Judge, Round, RoundCriterion, Turn
from talent.models import Discipline
from tests.factories import UserFactory, make_application, make_call, zone_user
from zones_portal.models import Zone

RECITATION = (("تجوید", 3, 10), ("صوت", 2, 10), ("لحن", 2, 10), ("حفظ", 3, 10))


def quran_call(**extra):
    Discipline.objects.get_or_create(slug="quran", defaults={"name_fa": "قرآن", "name_en": "Quran"})
    return make_call(
        title="مسابقه قرائت قرآن ۱۴۰۵", disciplines=("quran",), opens_in_days=-30, closes_in_days=-10, **extra
    )


def make_round(
    call,
    zone: Zone,
    *,
    stage: int = 1,
    kind: str = Round.Kind.PRELIMINARY,
    mode: str = Round.Mode.REVIEW,
    advance_rule: str = Round.Advance.TOP_PER_ZONE,
    advance_count: int | None = 2,
    criteria=RECITATION,
    judges=(),
    chair=None,
    status: str = Round.Status.DRAFT,
    **extra,
) -> Round:
    now = timezone.now()
    if mode == Round.Mode.REVIEW:
        extra.setdefault("scoring_opens_at", now - dt.timedelta(days=2))
        extra.setdefault("scoring_closes_at", now + dt.timedelta(days=5))
    else:
        extra.setdefault("held_at", now + dt.timedelta(hours=1))
    round_ = Round.objects.create(
        call=call,
        stage=stage,
        name=extra.pop(
            "name", f"{'مرحله مقدماتی' if kind == Round.Kind.PRELIMINARY else 'مرحله نهایی'} {zone.name_fa}"
        ),
        kind=kind,
        mode=mode,
        zone=zone,
        advance_rule=advance_rule,
        advance_count=advance_count,
        status=status,
        **extra,
    )
    for order, (name, weight, maximum) in enumerate(criteria):
        RoundCriterion.objects.create(
            round=round_, name=name, weight=Decimal(weight), max_score=maximum, sort_order=order
        )
    for judge in judges:
        Judge.objects.create(round=round_, user=judge, is_chair=judge == chair)
    return round_


def enter(
    round_, zone: Zone, count: int, *, call=None, start_number: int = 1, live: bool = False
) -> list[Entry]:
    """``count`` contestants of ``zone`` entered into the round (with turns on stage for a live one)."""
    entries = []
    base = Entry.objects.filter(round=round_).count()
    for i in range(count):
        application = make_application(
            call or round_.call, zone, discipline="quran", full_name=f"قاری {zone.slug} {base + i + 1}"
        )
        entry = Entry.objects.create(
            round=round_,
            application=application,
            number=start_number + base + i,
            running_order=(base + i + 1) if live else None,
        )
        if live:
            Turn.objects.create(entry=entry)
        entries.append(entry)
    return entries


def panel(size: int = 5, prefix: str = "judge") -> list:
    """People with no membership, as jurors are."""
    return [
        UserFactory(username=f"{prefix}-{i + 1}", first_name="داور", last_name=str(i + 1))
        for i in range(size)
    ]


__all__ = ["enter", "make_round", "panel", "quran_call", "zone_user"]
