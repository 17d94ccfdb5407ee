"""Spans of time in a named calendar: Solar Hijri (Jalali) months, quarters and years, or Gregorian ones.

Persian pages always count in the Solar Hijri calendar; English pages count in the Gregorian one unless
the reader asks for the Solar Hijri (the scorecard's calendar choice), since "this quarter" is a different
three months in each. Every period's label is written in the page's digits and names its calendar's
months; the page says which calendar it used (``CALENDAR_NAMES``).
"""

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

SOLAR_HIJRI = "solar-hijri"
GREGORIAN = "gregorian"
CALENDAR_NAMES = {SOLAR_HIJRI: _("Solar Hijri"), GREGORIAN: _("Gregorian")}


def calendar_for(language: str | None = None, asked: str | None = None) -> str:
    """The calendar a page counts in: Solar Hijri in Persian; in English the one asked for, else Gregorian."""
    if uses_jalali(language):
        return SOLAR_HIJRI
    return asked if asked in CALENDAR_NAMES else GREGORIAN


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


def _jalali(calendar: str | None, language: str | None) -> bool:
    return calendar_for(language, calendar) == SOLAR_HIJRI


def _digits(text: object, language: str | None) -> str:
    """A number in the page's digits: Persian in Persian, Latin in English (whatever the calendar)."""
    return persian_digits(str(text)) if uses_jalali(language) else str(text)


def _month_label(day: dt.date, jalali: bool, language: str | None) -> str:
    if jalali and not uses_jalali(language):
        j = jdatetime.date.fromgregorian(date=day)
        return f"{jdatetime.date.j_months_en[j.month - 1]} {j.year}"
    return format_date(day, "month", language)


def _day_label(day: dt.date, jalali: bool, language: str | None) -> str:
    if jalali and not uses_jalali(language):
        j = jdatetime.date.fromgregorian(date=day)
        return f"{j.day} {jdatetime.date.j_months_en[j.month - 1]} {j.year}"
    return format_date(day, "date", language)


def months(
    start: dt.date, end: dt.date, language: str | None = None, calendar: str | None = None
) -> list[Period]:
    """Calendar months covering [start, end), cut to the span."""
    jalali = _jalali(calendar, language)
    periods = []
    cursor = month_start(start, jalali)
    while cursor < end:
        following = next_month(cursor, jalali)
        periods.append(
            Period(max(cursor, start), min(following, end), _month_label(cursor, jalali, language))
        )
        cursor = following
    return periods


def _year_of(day: dt.date, jalali: bool) -> int:
    return jdatetime.date.fromgregorian(date=day).year if jalali else day.year


def _quarter_bounds(day: dt.date, jalali: bool, language: str | None) -> tuple[dt.date, dt.date, str]:
    month = jdatetime.date.fromgregorian(date=day).month if jalali else day.month
    start = month_start(day, jalali)
    for _month in range((month - 1) % 3):
        start = month_start(start - dt.timedelta(days=1), jalali)
    end = start
    for _month in range(3):
        end = next_month(end, jalali)
    label = _("Quarter %(number)s of %(year)s") % {
        "number": _digits((month - 1) // 3 + 1, language),
        "year": _digits(_year_of(day, jalali), language),
    }
    return start, end, str(label)


def _year_bounds(day: dt.date, jalali: bool, language: str | None) -> tuple[dt.date, dt.date, str]:
    return year_start(day, jalali), next_year(day, jalali), _digits(_year_of(day, jalali), language)


def presets(today: dt.date, language: str | None = None, calendar: str | None = None) -> dict[str, Period]:
    """The spans offered with one click, in the page's calendar."""
    jalali = _jalali(calendar, language)
    this_month = month_start(today, jalali)
    last_month = month_start(this_month - dt.timedelta(days=1), jalali)
    q_start, q_end, q_label = _quarter_bounds(today, jalali, language)
    lq_start, lq_end, lq_label = _quarter_bounds(q_start - dt.timedelta(days=1), jalali, language)
    y_start, y_end, y_label = _year_bounds(today, jalali, language)
    ly_start, ly_end, ly_label = _year_bounds(y_start - dt.timedelta(days=1), jalali, language)
    five_years_start = year_start(today, jalali, years_back=4)
    five_years_label = f"{_digits(_year_of(five_years_start, jalali), language)}–{_digits(_year_of(today, jalali), language)}"
    return {
        "month": Period(
            this_month, next_month(this_month, jalali), _month_label(this_month, jalali, language)
        ),
        "last-month": Period(last_month, this_month, _month_label(last_month, jalali, language)),
        "quarter": Period(q_start, q_end, q_label),
        "last-quarter": Period(lq_start, lq_end, lq_label),
        "year": Period(y_start, y_end, y_label),
        "last-year": Period(ly_start, ly_end, ly_label),
        "five-years": Period(five_years_start, y_end, five_years_label),
    }


def span(
    start: dt.date, end_inclusive: dt.date, language: str | None = None, calendar: str | None = None
) -> Period:
    """A span the reader chose, both days included."""
    jalali = _jalali(calendar, language)
    return Period(
        start,
        end_inclusive + dt.timedelta(days=1),
        f"{_day_label(start, jalali, language)} – {_day_label(end_inclusive, jalali, language)}",
    )


def described(period: Period, calendar: str, preset: str | None = None) -> str:
    """The span as a heading names it, with its calendar: "This quarter (Solar Hijri: Quarter 3 of 1405)"
    for a one-click span, "1 Mehr 1405 – 30 Azar 1405 (Solar Hijri)" for one typed in."""
    if preset:
        return str(
            _("%(span)s (%(calendar)s: %(period)s)")
            % {"span": preset, "calendar": CALENDAR_NAMES[calendar], "period": period.label}
        )
    return str(
        _("%(period)s (%(calendar)s)") % {"period": period.label, "calendar": CALENDAR_NAMES[calendar]}
    )
