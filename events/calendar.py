"""The month grid of the shared calendar: a Jalali month in Persian, a Gregorian month in English.

Weeks run Saturday to Friday in both. A month is addressed by any Gregorian
day inside it (``?date=2026-11-28``) so a link means the same in either
language; the grid is built from one query, however many events it shows.

A day shows at most ``DAY_LIMIT`` events and says how many more there are (the
calendar's day list shows them all, a page at a time): after years of use a
month holds hundreds of events, and drawing each of them on the grid cost what
the whole month held, not what a reader can take in. The query reads plain
values, not model instances, for the same reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jdatetime
from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event
from zones_portal.dates import format_date, month_start, next_month, persian_digits, uses_jalali
from zones_portal.models import in_active_language

DAY_LIMIT = 4  # events drawn in one day of the grid; the rest are counted and listed on the day's page


@dataclass
class Entry:
    """One event as the grid draws it."""

    pk: int
    title: str
    zone: str
    category_slug: str
    category: str
    url: str = ""  # its page, filled in by the view


@dataclass
class Day:
    date: dt.date
    label: str
    in_month: bool
    is_today: bool
    is_weekend: bool
    events: list[Entry] = field(default_factory=list)
    more: int = 0  # events that day beyond those drawn
    more_label: str = ""  # that number in the reader's digits


@dataclass
class Month:
    first: dt.date
    last: dt.date
    title: str
    weeks: list[list[Day]]
    previous: dt.date
    next: dt.date


def month_bounds(anchor: dt.date, jalali: bool) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of the month (in the chosen calendar) that holds ``anchor``."""
    return month_start(anchor, jalali), next_month(anchor, jalali) - dt.timedelta(days=1)


def _day_label(day: dt.date, jalali: bool) -> str:
    if jalali:
        return persian_digits(str(jdatetime.date.fromgregorian(date=day).day))
    return str(day.day)


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments a day of Tehran time begins and ends."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def overlapping(events: QuerySet[Event], first: dt.date, last: dt.date) -> QuerySet[Event]:
    """The events that take up some of the days from ``first`` to ``last``, soonest first."""
    return events.filter(starts_at__lt=day_window(last)[1], ends_at__gt=day_window(first)[0]).order_by(
        "starts_at", "pk"
    )


def build_month(
    anchor: dt.date, events: QuerySet[Event], language: str | None = None, per_day: int = DAY_LIMIT
) -> Month:
    jalali = uses_jalali(language)
    first, last = month_bounds(anchor, jalali)
    # Saturday on or before the first; Friday on or after the last.
    grid_start = first - dt.timedelta(days=(first.weekday() - 5) % 7)
    grid_end = last + dt.timedelta(days=(4 - last.weekday()) % 7)
    today = timezone.localdate()
    by_day: dict[dt.date, list[Entry]] = {}
    counted: dict[dt.date, int] = {}
    rows = overlapping(events, grid_start, grid_end).values_list(
        "pk",
        "title",
        "starts_at",
        "ends_at",
        "host_zone__name_fa",
        "host_zone__name_en",
        "category__slug",
        "category__name_fa",
        "category__name_en",
    )
    tz = timezone.get_current_timezone()
    for pk, title, starts_at, ends_at, zone_fa, zone_en, slug, category_fa, category_en in rows:
        day = max(starts_at.astimezone(tz).date(), grid_start)
        # An event ending at midnight does not occupy the day that midnight opens.
        end = min((ends_at - dt.timedelta(microseconds=1)).astimezone(tz).date(), grid_end)
        entry = None
        while day <= end:
            counted[day] = counted.get(day, 0) + 1
            shown = by_day.setdefault(day, [])
            if len(shown) < per_day:
                if entry is None:
                    zone = in_active_language(zone_fa, zone_en)
                    entry = Entry(pk, title, zone, slug, in_active_language(category_fa, category_en))
                shown.append(entry)
            day += dt.timedelta(days=1)
    weeks: list[list[Day]] = []
    day = grid_start
    while day <= grid_end:
        week = []
        for _ in range(7):
            week.append(
                Day(
                    date=day,
                    label=_day_label(day, jalali),
                    in_month=first <= day <= last,
                    is_today=day == today,
                    is_weekend=day.weekday() == 4,  # Friday
                    events=by_day.get(day, []),
                    more=(more := counted.get(day, 0) - len(by_day.get(day, []))),
                    more_label=persian_digits(str(more)) if jalali else str(more),
                )
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return Month(
        first=first,
        last=last,
        title=format_date(first, "month", language),
        weeks=weeks,
        previous=first - dt.timedelta(days=1),
        next=last + dt.timedelta(days=1),
    )


def weekday_names(language: str | None = None) -> list[str]:
    """Saturday first."""
    if uses_jalali(language):
        return list(jdatetime.date.j_weekdays_fa)
    saturday = dt.date(2026, 11, 28)
    return [
        format_date(saturday + dt.timedelta(days=offset), "weekday", language).split()[0]
        for offset in range(7)
    ]
