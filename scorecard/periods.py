"""Spans of time in the reader's calendar: Jalali months, quarters and years in Persian, Gregorian in English."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zones_portal.dates import (
    format_date,
    month_start,
    next_month,
    next_year,
    persian_digits,
    uses_jalali,
    year_start,
)

MAX_SPAN = dt.timedelta(days=5 * 366)


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day
    end: dt.date  # the day after the last
    label: str

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def months(self) -> float:
        return max(self.days / 30.44, 1.0)


def months(start: dt.date, end: dt.date, language: str | None = None) -> list[Period]:
    """Calendar months covering [start, end), cut to the span."""
    jalali = uses_jalali(language)
    periods = []
    cursor = month_start(start, jalali)
    while cursor < end:
        following = next_month(cursor, jalali)
        periods.append(
            Period(max(cursor, start), min(following, end), format_date(cursor, "month", language))
        )
        cursor = following
    return periods


def _quarter_bounds(day: dt.date, jalali: bool) -> tuple[dt.date, dt.date, str]:
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        first_month = (j.month - 1) // 3 * 3 + 1
        start = jdatetime.date(j.year, first_month, 1).togregorian()
        end = start
        for _month in range(3):
            end = next_month(end, True)
        label = _("Quarter %(number)s of %(year)s") % {
            "number": persian_digits(str((j.month - 1) // 3 + 1)),
            "year": persian_digits(str(j.year)),
        }
        return start, end, label
    first_month = (day.month - 1) // 3 * 3 + 1
    start = day.replace(month=first_month, day=1)
    end = start
    for _month in range(3):
        end = next_month(end, False)
    return (
        start,
        end,
        _("Quarter %(number)s of %(year)s") % {"number": (day.month - 1) // 3 + 1, "year": day.year},
    )


def _year_bounds(day: dt.date, jalali: bool) -> tuple[dt.date, dt.date, str]:
    start = year_start(day, jalali)
    label = persian_digits(str(jdatetime.date.fromgregorian(date=day).year)) if jalali else str(day.year)
    return start, next_year(day, jalali), label


def presets(today: dt.date, language: str | None = None) -> dict[str, Period]:
    """The spans offered with one click, in the reader's calendar."""
    jalali = uses_jalali(language)
    this_month = month_start(today, jalali)
    last_month = month_start(this_month - dt.timedelta(days=1), jalali)
    q_start, q_end, q_label = _quarter_bounds(today, jalali)
    lq_start, lq_end, lq_label = _quarter_bounds(q_start - dt.timedelta(days=1), jalali)
    y_start, y_end, y_label = _year_bounds(today, jalali)
    ly_start, ly_end, ly_label = _year_bounds(y_start - dt.timedelta(days=1), jalali)
    if jalali:
        five_years_start = jdatetime.date(
            jdatetime.date.fromgregorian(date=today).year - 4, 1, 1
        ).togregorian()
    else:
        five_years_start = dt.date(today.year - 4, 1, 1)
    return {
        "month": Period(
            this_month, next_month(this_month, jalali), format_date(this_month, "month", language)
        ),
        "last-month": Period(last_month, this_month, format_date(last_month, "month", language)),
        "quarter": Period(q_start, q_end, str(q_label)),
        "last-quarter": Period(lq_start, lq_end, str(lq_label)),
        "year": Period(y_start, y_end, y_label),
        "last-year": Period(ly_start, ly_end, ly_label),
        "five-years": Period(five_years_start, y_end, str(_("The last five years"))),
    }


def span(start: dt.date, end_inclusive: dt.date, language: str | None = None) -> Period:
    """A span the reader chose, both days included."""
    return Period(
        start,
        end_inclusive + dt.timedelta(days=1),
        f"{format_date(start, 'date', language)} – {format_date(end_inclusive, 'date', language)}",
    )
