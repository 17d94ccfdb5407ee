"""The month grid of the shared calendar: a Jalali month in Persian, a Gregorian month in English.

Weeks run Saturday to Friday in both. A month is addressed by any Gregorian
day inside it (``?date=2026-11-28``) so a link means the same in either
language; the grid is built from one query, however many events it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jdatetime
from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event
from zones_portal.dates import format_date, month_start, next_month, persian_digits, uses_jalali


@dataclass
class Day:
    date: dt.date
    label: str
    in_month: bool
    is_today: bool
    is_weekend: bool
    events: list[Event] = field(default_factory=list)


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


def build_month(anchor: dt.date, events: QuerySet[Event], language: str | None = None) -> Month:
    jalali = uses_jalali(language)
    first, last = month_bounds(anchor, jalali)
    # Saturday on or before the first; Friday on or after the last.
    grid_start = first - dt.timedelta(days=(first.weekday() - 5) % 7)
    grid_end = last + dt.timedelta(days=(4 - last.weekday()) % 7)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    window_start = dt.datetime.combine(grid_start, dt.time.min, tzinfo=tz)
    window_end = dt.datetime.combine(grid_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    by_day: dict[dt.date, list[Event]] = {}
    for event in events.filter(starts_at__lt=window_end, ends_at__gt=window_start).order_by(
        "starts_at", "pk"
    ):
        day = max(timezone.localtime(event.starts_at).date(), grid_start)
        # An event ending at midnight does not occupy the day that midnight opens.
        end = min(timezone.localtime(event.ends_at - dt.timedelta(microseconds=1)).date(), grid_end)
        while day <= end:
            by_day.setdefault(day, []).append(event)
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
