"""Demo export register for ``seed_demo``: about forty creative businesses across the seven zones and a
hundred export deals over the last three Solar Hijri years, to the zones' neighbouring markets.

Three creative-industries export fairs stand behind many deals: Kish's of 1403 and Qeshm's of 1404 (both
co-organised with the Art Bureau), and Kish's of spring 1405, which delivers the fair in Kish's approved
1405 programme. Kish's deals of the last months come under the Art Bureau MoU, Qeshm's under the
Kish-Qeshm export MoU. The amounts are in each deal's currency at a rate of its day (a plausible open
market rate, varying a little from deal to deal), so the dashboard's rial sums read true.

The events demo runs before this one (INSTALLED_APPS order) and the programmes app sits below events,
so this demo is also where the events of the demo name the planned activities they deliver.
Businesses, fairs and deals already there are left alone, so running the command again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

import jdatetime
from django.utils import timezone

from agreements.demo import ART_BUREAU_MOU, EXPORT_MOU
from agreements.models import Agreement
from events.models import Event, EventCategory, EventReport, Participation, StatusChange
from exports import services
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from programmes.demo import activities_of
from zones_portal.models import Institution, User, Zone

FIELDS = (
    ("handicrafts", "صنایع دستی", "Handicrafts"),
    ("carpet", "فرش و گلیم", "Carpets and kilims"),
    ("design", "طراحی و گرافیک", "Design"),
    ("animation", "پویانمایی", "Animation"),
    ("games", "بازی‌های رایانه‌ای", "Video games"),
    ("publishing", "نشر و کتاب", "Publishing"),
    ("music", "موسیقی", "Music"),
    ("film", "فیلم و سریال", "Film"),
    ("fashion", "مد و لباس", "Fashion"),
    ("visual-arts", "هنرهای تجسمی", "Visual arts"),
)

# zone: (business name, field, size, what it makes)
BUSINESSES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "kish": (
        ("استودیو طراحی مرجان", "design", "small", "طراحی هویت بصری و بسته‌بندی برای برندهای منطقه"),
        ("پوشاک نگین خلیج", "fashion", "medium", "پوشاک با نقوش سنتی جنوب"),
        ("پویانمایی دلفین آبی", "animation", "small", "پویانمایی کودک و تبلیغات"),
        ("بازی‌سازان جزیره", "games", "small", "بازی‌های موبایلی با داستان‌های ایرانی"),
        ("گالری صدف", "visual-arts", "micro", "نقاشی و عکاسی هنری"),
        ("نشر موج", "publishing", "micro", "کتاب کودک و ترجمه"),
    ),
    "qeshm": (
        ("گلابتون‌دوزی بانوان قشم", "handicrafts", "small", "گلابتون‌دوزی و بته‌دوزی"),
        ("لنج‌سازی سنتی گوران", "handicrafts", "micro", "ماکت لنج و صنایع چوبی"),
        ("فیلم‌سازان جزیره نمکی", "film", "small", "مستند و فیلم کوتاه"),
        ("طراحان ژئوپارک", "design", "micro", "طراحی سوغات و محصولات فرهنگی"),
        ("موسیقی نواحی هرمزگان", "music", "micro", "تولید و انتشار موسیقی محلی"),
        ("پوشاک بندری سیمرغ", "fashion", "small", "لباس محلی بندری"),
    ),
    "chabahar": (
        ("سوزن‌دوزی بلوچ مکران", "handicrafts", "small", "سوزن‌دوزی و سکه‌دوزی بلوچی"),
        ("حصیربافی ساحل", "handicrafts", "micro", "حصیر و سبدهای دست‌باف"),
        ("موسیقی سواحل مکران", "music", "micro", "ضبط و انتشار موسیقی بلوچی"),
        ("بافته‌های دشتیاری", "carpet", "micro", "گلیم و سفره بلوچ"),
        ("استودیو پویانمایی نخل", "animation", "micro", "پویانمایی دوبعدی"),
    ),
    "aras": (
        ("فرش دستباف ارسباران", "carpet", "medium", "فرش دستباف و ورنی"),
        ("ورنی‌بافان کلیبر", "carpet", "small", "ورنی و جاجیم"),
        ("سفال و سرامیک جلفا", "handicrafts", "small", "سفال و کاشی هنری"),
        ("نشر آذرآبادگان", "publishing", "small", "کتاب و نشر دوزبانه"),
        ("بازی‌سازی تبریز نو", "games", "small", "بازی‌های رایانه‌ای"),
        ("موسیقی عاشیقی ارس", "music", "micro", "اجرا و انتشار موسیقی عاشیقی"),
    ),
    "anzali": (
        ("پویانمایی تالاب", "animation", "medium", "سریال پویانمایی و جلوه‌های ویژه"),
        ("بازی‌سازان کاسپین", "games", "small", "بازی‌های رایانه‌ای و واقعیت مجازی"),
        ("چادرشب‌بافی گیلان", "handicrafts", "micro", "چادرشب و دستبافته‌های گیلانی"),
        ("طراحی مد شالیزار", "fashion", "small", "پوشاک با الهام از فرهنگ گیلان"),
        ("فیلم خزر", "film", "small", "فیلم مستند و تبلیغاتی"),
        ("حصیربافی انزلی", "handicrafts", "micro", "حصیر و کلاه دست‌باف"),
    ),
    "arvand": (
        ("نشر شط", "publishing", "small", "کتاب عربی و فارسی"),
        ("خوشنویسی و تذهیب اروند", "visual-arts", "micro", "خوشنویسی و تذهیب"),
        ("عبابافی خوزستان", "handicrafts", "small", "عبا و پارچه‌های دست‌باف"),
        ("فیلم‌سازان جنوب", "film", "small", "فیلم کوتاه و مستند"),
        ("طراحی گرافیک نخلستان", "design", "micro", "طراحی گرافیک و نشانه"),
    ),
    "maku": (
        ("گلیم‌بافی ماکو", "carpet", "small", "گلیم و جاجیم"),
        ("صنایع چوبی بازرگان", "handicrafts", "micro", "منبت و صنایع چوبی"),
        ("موسیقی آذری ماکو", "music", "micro", "تولید موسیقی آذری"),
        ("طراحی پوشاک آرارات", "fashion", "small", "پوشاک زمستانی با نقوش محلی"),
        ("پویانمایی قره‌سو", "animation", "micro", "پویانمایی کوتاه"),
    ),
}

# Where each zone's buyers mostly are (ISO codes): neighbours first.
MARKETS = {
    "kish": ("AE", "AE", "QA", "OM", "IQ", "TR", "CN", "IN", "RU"),
    "qeshm": ("AE", "OM", "OM", "QA", "IQ", "IN", "CN"),
    "chabahar": ("OM", "IN", "IN", "AE", "AF", "PK", "CN"),
    "aras": ("AZ", "AM", "AM", "TR", "RU", "RU", "GE", "IQ"),
    "anzali": ("RU", "RU", "KZ", "AZ", "TM", "AM", "CN"),
    "arvand": ("IQ", "IQ", "IQ", "KW", "AE", "QA", "TR"),
    "maku": ("TR", "TR", "AZ", "AM", "RU", "GE"),
}
CURRENCY_OF = {
    "AE": "AED",
    "OM": "OMR",
    "IQ": "USD",
    "TR": "TRY",
    "RU": "RUB",
    "CN": "CNY",
    "IN": "INR",
}
# Rials to the US dollar, roughly, in each Solar Hijri year; other currencies by their dollar value.
DOLLAR = {1403: 600_000, 1404: 900_000, 1405: 1_100_000}
PER_DOLLAR = {"USD": 1, "AED": 3.67, "OMR": 0.385, "TRY": 34, "RUB": 90, "CNY": 7.2, "INR": 84, "EUR": 0.92}
PRODUCTS = {
    "handicrafts": ("محموله صنایع دستی", "سفارش سوغات دست‌ساز", "قرارداد عرضه در فروشگاه‌های صنایع دستی"),
    "carpet": ("محموله فرش دستباف", "سفارش گلیم و جاجیم", "قرارداد عرضه ورنی"),
    "design": ("قرارداد طراحی هویت بصری", "طراحی بسته‌بندی", "خدمات طراحی گرافیک"),
    "animation": ("فروش حق پخش مجموعه پویانمایی", "تولید مشترک پویانمایی", "دوبله و نسخه عربی پویانمایی"),
    "games": ("انتشار بازی موبایلی", "قرارداد بومی‌سازی بازی", "فروش مجوز بازی"),
    "publishing": ("فروش حق نشر کتاب", "محموله کتاب کودک", "قرارداد ترجمه و نشر"),
    "music": ("فروش حق انتشار آلبوم", "قرارداد اجرای کنسرت", "مجوز پخش موسیقی"),
    "film": ("فروش حق پخش مستند", "تولید مشترک فیلم کوتاه", "حضور در بازار فیلم"),
    "fashion": ("محموله پوشاک", "سفارش پوشاک با نقوش سنتی", "قرارداد عرضه در فروشگاه زنجیره‌ای"),
    "visual-arts": ("فروش آثار نقاشی", "نمایشگاه و فروش آثار", "سفارش تابلوی خوشنویسی"),
}

FAIR_CATEGORY = "export-fair"
# (title, host, Solar Hijri start date, invited zones that took part)
FAIRS = (
    ("نمایشگاه صادرات صنایع خلاق کیش ۱۴۰۳", "kish", (1403, 8, 14), ("qeshm", "chabahar", "aras")),
    ("نمایشگاه صادرات صنایع خلاق قشم ۱۴۰۴", "qeshm", (1404, 7, 20), ("kish", "chabahar", "anzali")),
    ("نمایشگاه بهاره صادرات صنایع خلاق کیش ۱۴۰۵", "kish", (1405, 2, 16), ("qeshm", "aras", "arvand")),
)
DEALS = 100
YEARS = (1403, 1404, 1405)

# Which demo events deliver which planned activity of 1405: (event title, zone, category, quarter).
DELIVERED = (
    ("جشنواره ملی قرآن کریم کیش", "kish", "quran", 3),
    ("نمایشگاه صادرات صنایع خلاق قشم", "qeshm", "export-fair", 3),
    ("استعدادیابی موسیقی نواحی چابهار", "chabahar", "talent-scouting", 3),
    ("نمایشگاه صنایع دستی و هنرهای سنتی ارس", "aras", "exhibition", 3),
    ("همایش نقش فرهنگ در توسعه مناطق آزاد", "arvand", "conference", 3),
    ("کارگاه آموزشی عکاسی طبیعت انزلی", "anzali", "workshop", 3),
    ("نمایشگاه بهاره صادرات صنایع خلاق کیش ۱۴۰۵", "kish", "export-fair", 1),
)
SPENT = {  # what the reported events of the plan actually cost, in rials
    "جشنواره ملی قرآن کریم کیش": 6_300_000_000,
    "نمایشگاه بهاره صادرات صنایع خلاق کیش ۱۴۰۵": 7_800_000_000,
}


def _moment(day: jdatetime.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day.togregorian(), dt.time(hour, 0)))


def _fields() -> dict[str, CreativeField]:
    made = {}
    for order, (slug, name_fa, name_en) in enumerate(FIELDS, start=1):
        made[slug], _created = CreativeField.objects.get_or_create(
            slug=slug, defaults={"name_fa": name_fa, "name_en": name_en, "sort_order": order}
        )
    return made


def _fair(
    title: str, host: Zone, start: dt.datetime, guests: list[Zone], *, people: dict, art_bureau: Institution
) -> Event:
    """A past fair, written as it was recorded at the time (past events cannot go through the
    services: an event that has started can no longer be submitted or approved)."""
    deputy = people[host.slug]
    event = Event.objects.create(
        title=title,
        category=EventCategory.objects.get(slug=FAIR_CATEGORY),
        host_zone=host,
        starts_at=start,
        ends_at=start + dt.timedelta(days=3),
        venue=f"نمایشگاه بین‌المللی {host.name_fa}",
        description="عرضه محصولات فرهنگی و صنایع خلاق مناطق آزاد به خریداران خارجی.",
        expected_audience=3000,
        status=Event.Status.REPORTED,
        created_by=deputy,
    )
    event.co_organisers.add(art_bureau)
    submitted = start - dt.timedelta(days=40)
    reported = start + dt.timedelta(days=10)
    steps = [
        ("", Event.Status.DRAFT, submitted - dt.timedelta(days=3), deputy),
        (Event.Status.DRAFT, Event.Status.SUBMITTED, submitted, deputy),
        (
            Event.Status.SUBMITTED,
            Event.Status.APPROVED,
            submitted + dt.timedelta(days=4),
            people["secretariat"],
        ),
        (Event.Status.APPROVED, Event.Status.HELD, start + dt.timedelta(days=3, hours=1), None),
        (Event.Status.HELD, Event.Status.REPORTED, reported, deputy),
    ]
    for before, after, moment, who in steps:
        StatusChange.objects.create(
            event=event, from_status=before, to_status=after, changed_at=moment, changed_by=who
        )
    for guest in guests:
        Participation.objects.create(
            event=event,
            zone=guest,
            invited_at=submitted,
            answer=Participation.Answer.ACCEPTED,
            answered_at=submitted + dt.timedelta(days=2),
            answered_by=people[guest.slug],
        )
    EventReport.objects.create(
        event=event,
        attendance=2800 + 400 * len(guests),
        artists_count=120,
        outcomes="غرفه‌های مناطق آزاد با خریدارانی از کشورهای همسایه قرارداد بستند؛ قراردادها در دفتر صادرات ثبت شد.",
        filed_by=deputy,
        filed_at=reported,
    )
    Event.objects.filter(pk=event.pk).update(created_at=submitted - dt.timedelta(days=3))
    return event


def _rate(currency: str, year: int, rng: random.Random) -> Decimal:
    if currency == "IRR":
        return Decimal(1)
    rate = DOLLAR[year] / PER_DOLLAR[currency] * rng.uniform(0.97, 1.03)
    return Decimal(str(round(rate, 2)))


def _deliver_planned_activities() -> int:
    """Names the planned activity each demo event delivers (kept if one is already named)."""
    linked = 0
    for title, zone, category, quarter in DELIVERED:
        activity = activities_of(zone, category, quarter)
        if activity is not None:
            linked += Event.objects.filter(
                title=title, host_zone__slug=zone, planned_activity__isnull=True
            ).update(planned_activity=activity)
    for title, spent in SPENT.items():
        EventReport.objects.filter(event__title=title, spent__isnull=True).update(spent=spent)
    return linked


def seed(say: Callable[[str], None]) -> None:
    zones = {zone.slug: zone for zone in Zone.objects.filter(slug__in=BUSINESSES)}
    people = {slug: User.objects.get(username=f"deputy-{slug}") for slug in zones}
    people["secretariat"] = User.objects.get(username="secretariat")
    art_bureau = Institution.objects.get(slug="artbureau")
    fields = _fields()
    today = timezone.localdate()

    fairs = []
    for title, host, (year, month, day), guests in FAIRS:
        start = _moment(jdatetime.date(year, month, day))
        if start.date() >= today - dt.timedelta(days=14):
            continue  # not yet held when the demo is run early in a year
        fair = Event.objects.filter(title=title, host_zone=zones[host]).first() or _fair(
            title, zones[host], start, [zones[slug] for slug in guests], people=people, art_bureau=art_bureau
        )
        fairs.append(fair)

    businesses: dict[str, list[CreativeBusiness]] = {}
    new_businesses = 0
    for slug, rows in BUSINESSES.items():
        for name, field, size, description in rows:
            business = CreativeBusiness.objects.filter(zone=zones[slug], name=name).first()
            if business is None:
                business = services.add_business(
                    people[slug],
                    zone=zones[slug],
                    name=name,
                    field=fields[field],
                    size=size,
                    description=description,
                    contact_name=f"مدیر {name}",
                    contact_phone=f"0912{len(name):03d}{sum(map(ord, name)) % 10000:04d}",
                    contact_email=f"info{sum(map(ord, name)) % 1000}@{slug}.example",
                )
                new_businesses += 1
            businesses.setdefault(slug, []).append(business)

    made = 0
    if not ExportDeal.objects.exists():
        made = _deals(businesses, fairs, people, today)
    linked = _deliver_planned_activities()
    say(
        f"{new_businesses} creative businesses, {made} export deals, {len(fairs)} export fairs; {linked} events linked to the plan."
    )


def _deals(
    businesses: dict[str, list[CreativeBusiness]], fairs: list[Event], people: dict, today: dt.date
) -> int:
    """A hundred deals over three years: a third after a fair (by the host's and the taking-part zones'
    businesses, within six weeks of it), some under the MoUs, the rest on their own."""
    rng = random.Random(1405)  # noqa: S311  (the same demo every time; nothing secret)
    art_mou = Agreement.objects.filter(title=ART_BUREAU_MOU).first()
    export_mou = Agreement.objects.filter(title=EXPORT_MOU).first()
    first_day = jdatetime.date(YEARS[0], 1, 1).togregorian()
    span = (today - first_day).days
    slugs = list(businesses)
    made = 0
    mous = [(slug, mou) for slug, mou in (("kish", art_mou), ("qeshm", export_mou)) if mou and mou.signed_on]
    for number in range(DEALS):
        fair = fairs[(number // 3) % len(fairs)] if fairs and number % 3 == 0 else None
        agreement = None
        if fair is not None:
            takers = [fair.host_zone.slug, *fair.participations.values_list("zone__slug", flat=True)]
            slug = rng.choice([s for s in takers if s in businesses])
            signed_on = min(fair.ends_at.date() + dt.timedelta(days=rng.randint(0, 40)), today)
        elif mous and number % 9 == 1:  # about one deal in nine since the MoUs were signed
            slug, agreement = mous[(number // 9) % len(mous)]
            signed_on = agreement.signed_on + dt.timedelta(
                days=rng.randint(0, (today - agreement.signed_on).days)
            )
        else:
            slug = slugs[number % len(slugs)]
            signed_on = first_day + dt.timedelta(days=rng.randint(0, span))
        business = rng.choice(businesses[slug])
        country = rng.choice(MARKETS[slug])
        currency = CURRENCY_OF.get(country, "USD")
        if rng.random() < 0.1:
            currency = "EUR"
        year = jdatetime.date.fromgregorian(date=signed_on).year
        dollars = rng.choice((3_000, 5_000, 8_000, 12_000, 20_000, 35_000, 60_000, 90_000))
        value = Decimal(round(dollars * PER_DOLLAR[currency] / 100) * 100 or 100)
        services.add_deal(
            people[slug],
            business=business,
            today=today,
            buyer_country=country,
            product=rng.choice(PRODUCTS[business.field.slug]),
            value=value,
            currency=currency,
            rate_to_rial=_rate(currency, min(max(year, YEARS[0]), YEARS[-1]), rng),
            signed_on=signed_on,
            event=fair,
            agreement=agreement,
            note="در نمایشگاه مذاکره و پس از آن امضا شد." if fair else "",
        )
        made += 1
    return made
