"""The demo competition for ``seed_demo``: the Quran recitation contest of 1405, from seven zone
preliminaries to a live final in Qeshm tomorrow evening.

Everything goes through the competitions' and talent's services, as the secretariat, the deputies and the
jurors would do it, so every move has its status-change row (who and when) and every applicant their
tracking code and receipt. Only the final's panel is seated directly: the rounds service seats people who
already judge (talent jurors or panel members), and these five are new to the portal. The contest is
keyed on its call's title: run again, it changes nothing but resetting the judges' password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from contests.models import Entry, Judge, Round
from contests.services import live, rounds
from talent import services as talent_services
from talent.models import Discipline, ScoringCriterion, TalentCall
from zones_portal.lifecycle import on_behalf_of
from zones_portal.models import User, Zone

QURAN_CONTEST = "مسابقه سراسری قرائت قرآن کریم مناطق آزاد ۱۴۰۵"
# (name, weight, maximum): what every round of the contest is scored on.
RECITATION = (("تجوید", 3, 20), ("صوت", 2, 10), ("لحن", 2, 10), ("حفظ", 3, 20))
ZONES = ("kish", "qeshm", "chabahar", "aras", "anzali", "arvand", "maku")
# What each preliminary has got to: decided (its best two went on to the final), scored and closed
# (the blind one, waiting for the secretariat to reveal the names), half scored, and just opened.
DECIDED = ("kish", "qeshm", "chabahar", "aras")
BLIND = "arvand"
HALF_SCORED = "anzali"
APPLICANTS = {
    "kish": ("علی رضایی", "محمد کیانی", "حسین دریانورد", "امیر جزیره‌ای"),
    "qeshm": ("عبدالله قشمی", "یوسف درگهانی", "احمد بندری", "مصطفی لافتی"),
    "chabahar": ("عبدالرحمن بلوچ", "ابراهیم دشتیاری", "اسماعیل کنارکی", "داوود تیس"),
    "aras": ("مهدی جلفایی", "رضا آذری", "سجاد ارسبارانی", "میلاد نوروزی"),
    "anzali": ("حامد گیلانی", "پویا انزلی‌چی", "سعید رشتی", "بهزاد تالشی"),
    "arvand": ("عباس خرمشهری", "جواد آبادانی", "کاظم اروندی", "قاسم شلمچه‌ای"),
    "maku": ("ناصر ماکویی", "فرهاد بازرگانی", "کامران پلدشتی", "یونس شوطی"),
}
JUDGES = (
    ("judge-1", "استاد عباس", "سلیمی"),  # chairs the final's panel
    ("judge-2", "استاد مهدی", "عادلی"),
    ("judge-3", "استاد زهرا", "قاسمی"),
    ("judge-4", "استاد رضا", "نظری"),
    ("judge-5", "استاد مریم", "حیدری"),
)


def _judge(username: str, first: str, last: str) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@portal.example",
            "is_active": True,
            "language": "fa",
        },
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _call(now: dt.datetime) -> TalentCall:
    quran, _created = Discipline.objects.get_or_create(
        slug="quran", defaults={"name_fa": "قرآن کریم", "name_en": "Quran"}
    )
    call = TalentCall.objects.create(
        title=QURAN_CONTEST,
        description=(
            "قاریان مناطق آزاد در مرحله مقدماتی منطقه خود تلاوت می‌کنند؛ دو نفر برتر هر منطقه به مرحله "
            "نهایی در قشم راه می‌یابند که به‌صورت زنده داوری می‌شود."
        ),
        opens_at=now - dt.timedelta(days=45),
        closes_at=now - dt.timedelta(days=25),
        status=TalentCall.Status.PUBLISHED,
        min_age=12,
        max_age=40,
    )
    call.disciplines.set([quran])
    for order, (name, weight, maximum) in enumerate(RECITATION):
        ScoringCriterion.objects.create(
            call=call, name=name, weight=weight, max_score=maximum, sort_order=order
        )
    return call


def _recording_id(slug: str, index: int) -> str:
    return hashlib.sha256(f"{slug}-{index}".encode()).hexdigest()[:10]


def _applications(call: TalentCall, zones: dict[str, Zone], now: dt.datetime) -> None:
    quran = Discipline.objects.get(slug="quran")
    for zone_index, slug in enumerate(ZONES):
        for index, name in enumerate(APPLICANTS[slug]):
            talent_services.apply(
                call,
                now=now - dt.timedelta(days=35, hours=zone_index * 5 + index),
                full_name=name,
                birth_date=dt.date(1990 + zone_index + index * 3, 1 + index * 2, 5 + zone_index * 3),
                zone=zones[slug],
                email=f"qari-{slug}-{index + 1}@portal.example",
                phone="",
                discipline=quran,
                statement="تلاوت تحقیق و ترتیل؛ حافظ ده جزء.",
                # A recording's address names neither the contestant nor their zone (blind rounds).
                portfolio_links=f"https://recitation.example/v/{_recording_id(slug, index)}",
                consent=True,
            )


def _value(entry: Entry, judge_index: int, order: int, maximum: int) -> Decimal:
    """A score from 60% to 100% of the maximum, in tenths, different for each contestant and judge."""
    step = (entry.application_id * 7 + judge_index * 3 + order * 5) % 9
    return (Decimal(maximum) * (Decimal("0.6") + Decimal(step) / 20)).quantize(Decimal("0.1"))


def _score(round_: Round, jurors: list[User], share: float = 1.0) -> None:
    """The jurors score the round's entries (``share`` of them for the second juror)."""
    criteria = list(round_.criteria.all())
    entries = list(round_.entries.order_by("number"))
    for judge_index, juror in enumerate(jurors):
        scored = entries if judge_index == 0 else entries[: round(len(entries) * share)]
        for entry in scored:
            rounds.score_entry(
                juror,
                entry,
                {c.pk: _value(entry, judge_index, c.sort_order, c.max_score) for c in criteria},
            )


def _final(secretariat: User, call: TalentCall, qeshm: Zone, panel: list[User]) -> Round:
    final = rounds.create_round(
        secretariat,
        call,
        criteria=RECITATION,
        stage=2,
        name="مرحله نهایی مسابقه قرائت قرآن کریم مناطق آزاد، قشم",
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        zone=qeshm,
        held_at=_at(1, 19),
        venue="تالار مرکز همایش‌های بین‌المللی قشم",
        advance_rule=Round.Advance.FINAL,
        advance_count=3,
        tie_break=Round.TieBreak.CRITERIA,
        drop_extremes=True,
    )
    for index, judge in enumerate(panel):
        seat = Judge(round=final, user=judge, is_chair=index == 0)
        on_behalf_of(secretariat, seat)
        seat.save()
    return final


def seed(say: Callable[[str], None]) -> list[str]:
    panel = [_judge(*person) for person in JUDGES]
    usernames = [judge.username for judge in panel]
    if TalentCall.objects.filter(title=QURAN_CONTEST).exists():
        say("The demo Quran contest was already there.")
        return usernames
    now = timezone.now()
    zones = {zone.slug: zone for zone in Zone.objects.filter(slug__in=ZONES)}
    secretariat = User.objects.get(username="secretariat")
    jurors = list(User.objects.filter(username__in=["juror-1", "juror-2"]).order_by("username"))
    # In Persian, as the secretariat would name things (the rounds' names come from the services).
    with transaction.atomic(), translation.override("fa"):
        call = _call(now)
        _applications(call, zones, now)
        final = _final(secretariat, call, zones["qeshm"], panel)
        common = {
            "scoring_opens_at": now - dt.timedelta(days=20),
            "advance_rule": Round.Advance.TOP_PER_ZONE,
            "advance_count": 2,
            "next_round": final,
        }
        preliminaries = {
            row.zone.slug: row
            for row in [
                *rounds.create_preliminaries(
                    secretariat,
                    call,
                    [zones[slug] for slug in ZONES if slug != BLIND],
                    scoring_closes_at=now + dt.timedelta(days=2),
                    **common,
                ),
                *rounds.create_preliminaries(
                    secretariat,
                    call,
                    [zones[BLIND]],
                    scoring_closes_at=now - dt.timedelta(days=1),
                    blind=True,
                    **common,
                ),
            ]
        }
        for slug, preliminary in preliminaries.items():
            deputy = User.objects.get(username=f"deputy-{slug}")
            rounds.name_judges(deputy, preliminary, jurors)
            rounds.enter_zone_applications(deputy, preliminary)
            rounds.open_scoring(deputy, preliminary)
            if slug in DECIDED or slug == BLIND:
                _score(preliminary, jurors)
                rounds.close_scoring(deputy, preliminary)
            elif slug == HALF_SCORED:
                _score(preliminary, jurors, share=0.5)
            if slug in DECIDED:
                rounds.decide(deputy, preliminary)
        # The best of each decided preliminary last, so the strongest close the evening.
        live.order_running(secretariat, final, live.ORDER_BY_PREVIOUS_RANK_BEST_LAST)
    say(
        f"Demo Quran contest: {len(preliminaries)} preliminaries, a live final in Qeshm with "
        f"{final.entries.count()} finalists."
    )
    return usernames
