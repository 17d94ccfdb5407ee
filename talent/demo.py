"""Demo talent calls for ``seed_demo``: one open, one under review with scores, one finished with its artists.

Applications go through the same service as the public form (with the moment
they were sent), so their tracking codes, assignments and receipts are real.
Calls already present (same title) are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from talent import services
from talent.models import Discipline, JuryMember, ScoringCriterion, TalentCall
from zones_portal.models import User, Zone

QURAN_CALL = "فراخوان استعدادیابی تلاوت و حفظ قرآن کریم مناطق آزاد"
CALLIGRAPHY_CALL = "فراخوان خوشنویسی «قلم و خلیج»"
PHOTOGRAPHY_CALL = "فراخوان عکاسی «مناطق آزاد در قاب»"

APPLICANTS = [
    ("محمدرضا صالحی", "kish", dt.date(2004, 3, 2)),
    ("نرگس بندری", "qeshm", dt.date(1999, 8, 14)),
    ("یوسف بلوچ", "chabahar", dt.date(2007, 1, 20)),
    ("آیدا آذرپور", "aras", dt.date(1996, 11, 5)),
    ("سینا گیلانی", "anzali", dt.date(2001, 6, 30)),
    ("مهسا اروندی", "arvand", dt.date(1998, 2, 11)),
]


def _juror(username: str, first: str, last: str) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@portal.example",
            "is_active": True,
        },
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _call(
    title: str, discipline: str, opens: dt.datetime, closes: dt.datetime, jurors: list[User], **extra: object
) -> TalentCall:
    call = TalentCall.objects.create(
        title=title,
        description=extra.pop("description"),
        opens_at=opens,
        closes_at=closes,
        status=TalentCall.Status.PUBLISHED,
        **extra,
    )
    call.disciplines.set(Discipline.objects.filter(slug=discipline))
    for order, (name, weight, maximum) in enumerate(
        [("اصالت و خلاقیت", 3, 10), ("مهارت فنی", 2, 10), ("پیوند با فرهنگ منطقه", 1, 5)], start=1
    ):
        ScoringCriterion.objects.create(
            call=call, name=name, weight=weight, max_score=maximum, sort_order=order
        )
    for juror in jurors:
        JuryMember.objects.create(call=call, user=juror)
    return call


def _applications(call: TalentCall, discipline: str, sent_at: dt.datetime, count: int) -> list:
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    eligible = set(call.eligible_zones.values_list("slug", flat=True)) or set(zones)
    made = []
    for index, (name, zone, born) in enumerate([a for a in APPLICANTS if a[1] in eligible][:count]):
        made.append(
            services.apply(
                call,
                now=sent_at,
                full_name=name,
                birth_date=born,
                zone=zones[zone],
                email=f"artist{index + 1}.{call.pk}@portal.example",
                phone="",
                discipline=Discipline.objects.get(slug=discipline),
                statement="بیش از پنج سال تجربه؛ نمونه‌کارها در پیوندهای زیر.",
                portfolio_links="https://portfolio.example/" + str(index + 1),
                consent=True,
            )
        )
    return made


def seed(say: Callable[[str], None]) -> list[str]:
    now = timezone.now()
    jurors = [_juror("juror-1", "استاد حسن", "نوری"), _juror("juror-2", "استاد لیلا", "کاتبی")]
    created = 0

    if not TalentCall.objects.filter(title=QURAN_CALL).exists():
        created += 1
        call = _call(
            QURAN_CALL,
            "quran",
            now - dt.timedelta(days=10),
            now + dt.timedelta(days=6, hours=12),  # the 7-day closing reminder is due
            jurors,
            description="شناسایی قاریان و حافظان نوجوان و جوان مناطق آزاد برای حضور در محافل و مسابقات ملی.",
            min_age=12,
            max_age=35,
        )
        _applications(call, "quran", now - dt.timedelta(days=2), 3)

    if not TalentCall.objects.filter(title=CALLIGRAPHY_CALL).exists():
        created += 1
        call = _call(
            CALLIGRAPHY_CALL,
            "calligraphy",
            now - dt.timedelta(days=40),
            now - dt.timedelta(days=4),  # jurors with applications left are reminded from day 3
            jurors,
            description="خوشنویسان مناطق آزاد جنوبی آثار خود با مضمون خلیج فارس را ارسال کنند.",
        )
        call.eligible_zones.set(Zone.objects.filter(slug__in=["kish", "qeshm", "chabahar", "arvand"]))
        applications = _applications(call, "calligraphy", now - dt.timedelta(days=10), 6)
        criteria = list(call.criteria.all())
        first, second = jurors
        for offset, application in enumerate(applications[:3]):
            assignment = application.assignments.get(juror=first)
            services.score(first, assignment, {c.pk: min(c.max_score, 5 + offset) for c in criteria})
        services.score(
            second, applications[0].assignments.get(juror=second), {c.pk: c.max_score - 1 for c in criteria}
        )
        services.declare_conflict(second, applications[1].assignments.get(juror=second), "شاگرد سابق من است.")

    if not TalentCall.objects.filter(title=PHOTOGRAPHY_CALL).exists():
        created += 1
        call = _call(
            PHOTOGRAPHY_CALL,
            "photography",
            now - dt.timedelta(days=120),
            now - dt.timedelta(days=60),
            jurors,
            description="روایت تصویری زندگی، طبیعت و فرهنگ مناطق آزاد هفتگانه.",
        )
        applications = _applications(call, "photography", now - dt.timedelta(days=70), 4)
        criteria = list(call.criteria.all())
        for juror in jurors:
            for offset, application in enumerate(applications):
                services.score(
                    juror,
                    application.assignments.get(juror=juror),
                    {c.pk: c.max_score - offset for c in criteria},
                )
        secretariat = User.objects.get(username="secretariat")
        for application in applications[:2]:
            services.select(secretariat, application)
        services.finish_call(secretariat, call)

    say(f"{created} demo talent calls." if created else "Demo talent calls were already there.")
    return [juror.username for juror in jurors]
