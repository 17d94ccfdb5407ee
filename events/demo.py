"""Demo events for ``seed_demo``: every state a deputy meets, across all seven zones.

Future events are made through the services, as a deputy and the secretariat
would. Past ones cannot be (an event that has started can no longer be
submitted or approved), so their history is written as it would have been
recorded at the time. Events already present (same title and host) are left
alone, so running the command again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import jdatetime
from django.utils import timezone, translation

from agreements.demo import ART_BUREAU_MOU, EXPORT_MOU
from agreements.models import Agreement
from events import services
from events.models import Event, EventCategory, EventReport, EventSeries, Participation, StatusChange
from zones_portal.dates import persian_digits
from zones_portal.models import Institution, User, Zone

Status = Event.Status


def _at(days: int, hour: int = 17) -> dt.datetime:
    """A Tehran-time moment ``days`` from today at ``hour`` o'clock."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _backdate(event: Event, steps: list[tuple[str, dt.datetime, User | None, str]]) -> None:
    """Writes the history of an event that happened before the portal knew it."""
    previous = event.status
    for to_status, when, who, reason in steps:
        StatusChange.objects.create(
            event=event,
            from_status=previous,
            to_status=to_status,
            changed_by=who,
            changed_at=when,
            reason=reason,
        )
        previous = to_status
    event.status = previous
    event.save(update_fields=["status"])
    event.participations.filter(invited_at__isnull=True).update(invited_at=steps[0][1])


def seed(say: Callable[[str], None]) -> None:
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    categories = {category.slug: category for category in EventCategory.objects.all()}
    deputies = {zone: User.objects.get(username=f"deputy-{zone}") for zone in zones}
    secretariat = User.objects.get(username="secretariat")
    art_bureau = Institution.objects.get(slug="artbureau")
    created = 0

    def event(
        host: str, title: str, category: str, start: dt.datetime, hours: int, **extra: object
    ) -> Event | None:
        nonlocal created
        if Event.objects.filter(host_zone=zones[host], title=title).exists():
            return None
        created += 1
        invited = [zones[slug] for slug in extra.pop("invite", [])]
        return services.create_event(
            deputies[host],
            title=title,
            category=categories[category],
            host_zone=zones[host],
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            participating_zones=invited,
            **extra,
        )

    # Reported: the Kish Quran festival, two months ago, with its report.
    kish_quran = event(
        "kish",
        "جشنواره ملی قرآن کریم کیش",
        "quran",
        _at(-60, 9),
        72,
        venue="تالار مرکز همایش‌های بین‌المللی کیش",
        description="سه روز تلاوت، حفظ و مفاهیم قرآن با حضور قاریان مناطق آزاد.",
        expected_audience=1200,
        invite=["qeshm", "chabahar"],
        co_organisers=[art_bureau],
    )
    if kish_quran:
        _backdate(
            kish_quran,
            [
                (Status.SUBMITTED, _at(-90), deputies["kish"], ""),
                (Status.APPROVED, _at(-85), secretariat, ""),
                (Status.HELD, _at(-57, 10), None, ""),
                (Status.REPORTED, _at(-50), deputies["kish"], ""),
            ],
        )
        kish_quran.participations.update(answer=Participation.Answer.ACCEPTED, answered_at=_at(-84))
        EventReport.objects.create(
            event=kish_quran,
            attendance=1350,
            artists_count=64,
            outcomes="۶۴ قاری و حافظ از پنج منطقه شرکت کردند؛ سه نفر به مرحله کشوری راه یافتند.",
            filed_by=deputies["kish"],
            filed_at=_at(-50),
        )

    # Held, report overdue: Aras's handicrafts exhibition ten days ago; Arvand's conference 25 days ago.
    for host, title, category, days in (
        # Ended 8 and 22 days ago: the 7- and 21-day report reminders fell due yesterday.
        ("aras", "نمایشگاه صنایع دستی و هنرهای سنتی ارس", "exhibition", -9),
        ("arvand", "همایش نقش فرهنگ در توسعه مناطق آزاد", "conference", -23),
    ):
        held = event(host, title, category, _at(days, 10), 30, venue="سالن اجتماعات سازمان منطقه")
        if held:
            _backdate(
                held,
                [
                    (Status.SUBMITTED, _at(days - 30), deputies[host], ""),
                    (Status.APPROVED, _at(days - 25), secretariat, ""),
                    (Status.HELD, _at(days + 2, 9), None, ""),
                ],
            )

    # Upcoming and cross-zone: Qeshm's creative-industries export fair, with every kind of answer.
    fair = event(
        "qeshm",
        "نمایشگاه صادرات صنایع خلاق قشم",
        "export-fair",
        _at(13, 10),
        56,
        venue="نمایشگاه بین‌المللی قشم",
        description="عرضه محصولات فرهنگی و صنایع خلاق مناطق آزاد به خریداران خارجی.",
        expected_audience=3000,
        invite=["kish", "chabahar", "anzali"],
        co_organisers=[art_bureau],
    )
    if fair:
        services.submit_event(deputies["qeshm"], fair)
        services.approve_event(secretariat, fair)
        services.respond_to_invitation(
            deputies["kish"],
            fair.participations.get(zone=zones["kish"]),
            "accepted",
            "با ده غرفه شرکت می‌کنیم.",
        )
        services.respond_to_invitation(
            deputies["anzali"],
            fair.participations.get(zone=zones["anzali"]),
            "declined",
            "هم‌زمان با جشنواره محلی.",
        )

    # Submitted, invitations unanswered: Chabahar's talent scouting for regional music.
    scouting = event(
        "chabahar",
        "استعدادیابی موسیقی نواحی چابهار",
        "talent-scouting",
        _at(20, 16),
        6,
        venue="خانه فرهنگ چابهار",
        invite=["kish", "qeshm", "maku"],
    )
    if scouting:
        services.submit_event(deputies["chabahar"], scouting)
        # Invited eight days ago and still unanswered: the 7-day reminder is due.
        scouting.participations.update(invited_at=timezone.now() - dt.timedelta(days=8))

    # A draft, and a rejection with its reason.
    event("anzali", "کارگاه آموزشی عکاسی طبیعت انزلی", "workshop", _at(30, 9), 8, venue="تالاب انزلی")
    rejected = event("aras", "اکران فیلم‌های کوتاه مرزنشینان", "screening", _at(25, 18), 3)
    if rejected:
        services.submit_event(deputies["aras"], rejected)
        services.reject_event(secretariat, rejected, "سالن پیشنهادی ظرفیت کافی ندارد؛ محل دیگری معرفی کنید.")

    # A pair in conflict: two approved Kish events on the same evening, and Quran in two zones in one week.
    for host, title, category, start, hours in (
        ("kish", "شب شعر خلیج فارس", "performance", _at(6, 18), 3),
        ("kish", "کنسرت موسیقی سنتی جزیره", "performance", _at(6, 19), 3),
        ("qeshm", "محفل انس با قرآن قشم", "quran", _at(16, 18), 3),
        ("chabahar", "محفل انس با قرآن چابهار", "quran", _at(16, 19), 3),
    ):
        pair = event(host, title, category, start, hours, venue="")
        if pair:
            services.submit_event(deputies[host], pair)
            services.approve_event(secretariat, pair)

    # Two events carry out the demo agreements (seeded before events: INSTALLED_APPS order).
    for title, agreement_title in (
        ("جشنواره ملی قرآن کریم کیش", ART_BUREAU_MOU),
        ("نمایشگاه صادرات صنایع خلاق قشم", EXPORT_MOU),
    ):
        Event.objects.filter(title=title, agreement__isnull=True).update(
            agreement=Agreement.objects.filter(title=agreement_title).first()
        )

    created += _festival_series(deputies["qeshm"], secretariat, zones, categories["festival"], art_bureau)

    if created:
        say(f"{created} demo events.")
    else:
        say("Demo events were already there.")


FESTIVAL_SERIES = "جشنواره فرهنگ و هنر جزیره قشم"
# (attendance, artists, spent in rials, days after the end the report was filed): growing year on year;
# the middle year's report came late.
FESTIVAL_REPORTS = (
    (2400, 85, 3_200_000_000, 5),
    (3100, 102, 3_900_000_000, 19),
    (3800, 120, 4_600_000_000, 4),
)


def _festival_series(
    deputy: User, secretariat: User, zones: dict[str, Zone], festival: EventCategory, art_bureau: Institution
) -> int:
    """Qeshm's yearly festival: three past editions, reported, in one series, and this year's proposed
    from the last one with the one action a deputy has (``propose_next_edition``). Its last edition was
    held about eleven months ago, so the proposed one is a month or so ahead."""
    if EventSeries.objects.filter(title=FESTIVAL_SERIES, host_zone=zones["qeshm"]).exists():
        return 0
    last_start = _at(-330, 16)
    starts = [services.shifted(last_start, EventSeries.Recurrence.YEARLY, -back) for back in (2, 1, 0)]
    series = None
    editions = []
    for start, (attendance, artists, spent, report_days) in zip(starts, FESTIVAL_REPORTS, strict=True):
        year = jdatetime.date.fromgregorian(date=timezone.localtime(start).date()).year
        edition = services.create_event(
            deputy,
            title=f"{FESTIVAL_SERIES} {persian_digits(str(year))}",
            category=festival,
            host_zone=zones["qeshm"],
            starts_at=start,
            ends_at=start + dt.timedelta(hours=72),
            venue="سالن همایش‌های بین‌المللی قشم",
            map_link="https://www.openstreetmap.org/?mlat=26.9580&mlon=56.2700#map=15/26.9580/56.2700",
            description="سه روز موسیقی نواحی، نمایش، صنایع دستی و شب شعر با هنرمندان مناطق آزاد.",
            expected_audience=3000,
            participating_zones=[zones["kish"], zones["chabahar"], zones["arvand"]],
            co_organisers=[art_bureau],
        )
        _backdate(
            edition,
            [
                (Status.SUBMITTED, start - dt.timedelta(days=45), deputy, ""),
                (Status.APPROVED, start - dt.timedelta(days=38), secretariat, ""),
                (Status.HELD, start + dt.timedelta(hours=73), None, ""),
                (Status.REPORTED, start + dt.timedelta(days=3 + report_days), deputy, ""),
            ],
        )
        edition.participations.update(
            answer=Participation.Answer.ACCEPTED, answered_at=start - dt.timedelta(days=30)
        )
        EventReport.objects.create(
            event=edition,
            attendance=attendance,
            artists_count=artists,
            spent=spent,
            outcomes="اجرای گروه‌های موسیقی نواحی از چهار منطقه، نمایشگاه صنایع دستی و سه شب شعر.",
            filed_by=deputy,
            filed_at=start + dt.timedelta(days=3 + report_days),
        )
        if series is None:
            series = services.create_series(deputy, edition, title=FESTIVAL_SERIES)
        else:
            services.set_event_series(deputy, edition, series)
        editions.append(edition)
    with translation.override("fa"):  # the reason in its timeline, in the deputy's language
        services.propose_next_edition(deputy, editions[-1])
    return len(editions) + 1
