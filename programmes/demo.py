"""Demo annual programmes for ``seed_demo``: the seven zones' cultural programmes for 1405.

Each zone drafted its programme in Bahman 1404 and submitted it; the secretariat approved six as they
were and returned Chabahar's with a comment (too little for the secretariat's Quran programme, budget
leaning on the secretariat); Chabahar revised it and it was approved in Esfand. The services do the
work, so every programme has its versions and its history; the dates are then moved back to when it
happened, as the other demos do. 1406 is open with its due date (end of Bahman 1405) and no programme
yet, so the "programme due" reminder has something to say.

This app sits below events: which demo events deliver these activities is set by the exports demo,
which runs after the events demo (INSTALLED_APPS order). Programmes already there are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
from django.apps import apps
from django.utils import timezone

from programmes import services
from programmes.models import (
    PlannedActivity,
    Programme,
    ProgrammeStatusChange,
    ProgrammeVersion,
    ProgrammeYear,
)
from zones_portal.dates import persian_digits
from zones_portal.models import Institution, User, Zone

YEAR = 1405
ZONE_ORDER = ("kish", "qeshm", "chabahar", "aras", "anzali", "arvand", "maku")
RETURNED_ZONE = "chabahar"
RETURN_COMMENT = (
    "سهم برنامه‌های قرآنی در برنامه پیشنهادی اندک است و بیشتر هزینه‌ها بر عهده دبیرخانه گذاشته شده است؛ "
    "لطفاً یک برنامه قرآنی در بهار بیفزایید و سهم منطقه را در جشنواره موسیقی نواحی افزایش دهید."
)
MILLION = 1_000_000


@dataclass(frozen=True)
class Plan:
    title: str  # "{zone}" stands for the zone's Persian name
    category: str  # an event category's slug
    quarter: int
    month: int | None
    audience: int
    budget: tuple[int, int, int]  # millions of rials: zone, secretariat, partners
    partners: tuple[str, ...] = ()  # zones' slugs
    institutions: tuple[str, ...] = ()


# What every zone plans; the quarter-three activities of the zones below match the demo events of this
# autumn (the Kish Quran festival, Qeshm's export fair, Chabahar's talent scouting, Aras's exhibition,
# Arvand's conference), which the exports demo links to them.
COMMON = (
    Plan("محفل انس با قرآن کریم {zone} در ماه رمضان", "quran", 1, 1, 800, (900, 300, 0)),
    Plan("جشنواره فرهنگی تابستانه {zone}", "festival", 2, 5, 2500, (2500, 500, 500)),
    Plan("کارگاه آموزشی صنایع خلاق برای جوانان {zone}", "workshop", 4, 11, 120, (350, 150, 0)),
)
OWN: dict[str, tuple[Plan, ...]] = {
    "kish": (
        Plan(
            "جشنواره ملی قرآن کریم کیش",
            "quran",
            3,
            7,
            1200,
            (3500, 1500, 1000),
            ("qeshm", "chabahar"),
            ("artbureau",),
        ),
        Plan(
            "نمایشگاه صادرات صنایع خلاق کیش",
            "export-fair",
            1,
            2,
            2000,
            (4000, 1000, 2000),
            ("qeshm",),
            ("artbureau",),
        ),
    ),
    "qeshm": (
        Plan(
            "نمایشگاه صادرات صنایع خلاق قشم",
            "export-fair",
            3,
            9,
            3000,
            (5000, 2000, 2500),
            ("kish", "chabahar", "anzali"),
            ("artbureau",),
        ),
        Plan("اکران فیلم‌های مستند جزیره", "screening", 2, 4, 400, (300, 100, 0)),
    ),
    "chabahar": (
        Plan("استعدادیابی موسیقی نواحی چابهار", "talent-scouting", 3, 9, 600, (800, 1200, 0), ("kish",)),
        Plan("جشنواره موسیقی نواحی سواحل مکران", "festival", 4, 12, 1500, (1000, 3000, 500)),
    ),
    "aras": (
        Plan("نمایشگاه صنایع دستی و هنرهای سنتی ارس", "exhibition", 3, 9, 1800, (1800, 600, 400), ("maku",)),
        Plan("نشست صادرات فرش و صنایع دستی به قفقاز", "conference", 2, 6, 150, (250, 100, 0)),
    ),
    "anzali": (
        Plan("کارگاه آموزشی عکاسی طبیعت انزلی", "workshop", 3, 9, 60, (120, 40, 0)),
        Plan("جشنواره فرهنگ و غذای گیلان", "festival", 2, 4, 5000, (3000, 500, 1500)),
    ),
    "arvand": (
        Plan("همایش نقش فرهنگ در توسعه مناطق آزاد", "conference", 3, 8, 300, (600, 400, 0)),
        Plan("شب شعر اروند", "performance", 1, 2, 350, (200, 100, 0)),
    ),
    "maku": (
        Plan("نمایشگاه هنرهای تجسمی ماکو", "exhibition", 2, 5, 500, (400, 200, 0), ("aras",)),
        Plan("اجرای موسیقی عاشیقی", "performance", 3, 8, 400, (250, 150, 0)),
    ),
}
# What Chabahar added when it revised its returned programme.
REVISION = Plan("محفل قرآنی بهاره چابهار", "quran", 1, 3, 500, (400, 100, 0))


def _aware(day: jdatetime.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day.togregorian(), dt.time(hour, 0)))


def _fields(plan: Plan, zone: Zone, order: int, *, categories: dict, zones: dict, institutions: dict) -> dict:
    zone_budget, secretariat_budget, partner_budget = plan.budget
    return {
        "title": plan.title.format(zone=zone.name_fa),
        "category": categories[plan.category],
        "quarter": plan.quarter,
        "month": plan.month,
        "expected_audience": plan.audience,
        "budget_zone": zone_budget * MILLION,
        "budget_secretariat": secretariat_budget * MILLION,
        "budget_partner": partner_budget * MILLION,
        "sort_order": order,
        "partner_zones": [zones[slug] for slug in plan.partners if slug in zones],
        "partner_institutions": [institutions[slug] for slug in plan.institutions if slug in institutions],
    }


def _backdate(programme: Programme, moments: list[dt.datetime]) -> None:
    """Moves the programme's recorded steps (start, submissions, return, approval), in order, to when
    they happened, and its versions with them."""
    changes = list(programme.status_changes.order_by("changed_at", "pk"))
    for change, moment in zip(changes, moments, strict=False):
        ProgrammeStatusChange.objects.filter(pk=change.pk).update(changed_at=moment)
    made = {change.to_status: moment for change, moment in zip(changes, moments, strict=False)}
    for version in programme.versions.order_by("number"):
        # The n-th version was made at the n-th submission or the approval.
        step = [c for c in changes if c.to_status in ("submitted", "approved")][version.number - 1]
        ProgrammeVersion.objects.filter(pk=version.pk).update(made_at=moments[changes.index(step)])
    Programme.objects.filter(pk=programme.pk).update(
        created_at=moments[0],
        submitted_at=made.get("submitted"),
        approved_at=made.get("approved"),
    )


def seed(say: Callable[[str], None]) -> None:
    zones = {zone.slug: zone for zone in Zone.objects.filter(slug__in=ZONE_ORDER)}
    category_model = apps.get_model("events", "EventCategory")  # this app sits below events
    categories = {category.slug: category for category in category_model.objects.all()}
    institutions = {institution.slug: institution for institution in Institution.objects.all()}
    known = {"categories": categories, "zones": zones, "institutions": institutions}
    secretariat = User.objects.get(username="secretariat")
    year, _created = ProgrammeYear.objects.get_or_create(
        year=YEAR,
        defaults={
            "due_on": jdatetime.date(YEAR - 1, 11, 30).togregorian(),
            "notes": "برنامه‌ها با محوریت برنامه مشترک قرآنی، استعدادیابی و صادرات صنایع خلاق تدوین شود.",
        },
    )
    ProgrammeYear.objects.get_or_create(
        year=YEAR + 1,
        defaults={
            "due_on": jdatetime.date(YEAR, 11, 30).togregorian(),
            "notes": "برنامه‌ها با محوریت فعالیت‌های مشترک میان مناطق و صادرات صنایع خلاق تدوین شود.",
        },
    )
    made = 0
    for order, slug in enumerate(ZONE_ORDER):
        zone = zones.get(slug)
        if zone is None or Programme.objects.filter(zone=zone, year=year).exists():
            continue
        deputy = User.objects.get(username=f"deputy-{slug}")
        programme = services.start_programme(
            deputy,
            zone=zone,
            year=year,
            summary=f"برنامه فرهنگی سال {persian_digits(str(YEAR))} منطقه آزاد {zone.name_fa}: پیوند "
            "برنامه‌های قرآنی، استعدادیابی و صادرات صنایع خلاق با توان هنرمندان منطقه.",
        )
        for index, plan in enumerate((*COMMON, *OWN.get(slug, ()))):
            services.add_activity(deputy, programme, **_fields(plan, zone, index, **known))
        services.submit_programme(deputy, programme)
        started = jdatetime.date(YEAR - 1, 11, 5 + order)
        if slug == RETURNED_ZONE:
            services.return_programme(secretariat, programme, RETURN_COMMENT)
            festival = programme.activities.get(category__slug="festival", quarter=4)
            services.update_activity(
                deputy, festival, budget_zone=2000 * MILLION, budget_secretariat=2000 * MILLION
            )
            services.add_activity(deputy, programme, **_fields(REVISION, zone, 9, **known))
            services.submit_programme(deputy, programme)
            services.approve_programme(secretariat, programme, "اصلاحات انجام شد؛ برنامه تصویب می‌شود.")
            moments = [
                _aware(started, 9),
                _aware(started + jdatetime.timedelta(days=10)),
                _aware(jdatetime.date(YEAR - 1, 12, 2), 11),
                _aware(jdatetime.date(YEAR - 1, 12, 9), 12),
                _aware(jdatetime.date(YEAR - 1, 12, 16), 10),
            ]
        else:
            services.approve_programme(secretariat, programme)
            moments = [
                _aware(started, 9),
                _aware(started + jdatetime.timedelta(days=10)),
                _aware(jdatetime.date(YEAR - 1, 12, 5 + order), 11),
            ]
        _backdate(programme, moments)
        made += 1
    if made:
        say(f"{made} annual programmes for {YEAR}.")
    else:
        say("The demo annual programmes were already there.")


def activities_of(slug: str, category: str, quarter: int) -> PlannedActivity | None:
    """A zone's approved activity of a category in a quarter of 1405: what a demo event delivers."""
    return (
        PlannedActivity.objects.filter(
            programme__zone__slug=slug,
            programme__year__year=YEAR,
            programme__status=Programme.Status.APPROVED,
            category__slug=category,
            quarter=quarter,
        )
        .order_by("pk")
        .first()
    )
