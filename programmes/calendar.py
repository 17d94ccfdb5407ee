"""The Solar Hijri year as a programme divides it: four quarters (seasons) of three months each, their
names in the reader's language, and the Gregorian dates a quarter covers."""

from __future__ import annotations

import datetime as dt

import jdatetime
from django.utils.translation import pgettext_lazy

from zones_portal.dates import uses_jalali

QUARTERS = {
    1: pgettext_lazy("Solar Hijri quarter", "Spring"),
    2: pgettext_lazy("Solar Hijri quarter", "Summer"),
    3: pgettext_lazy("Solar Hijri quarter", "Autumn"),
    4: pgettext_lazy("Solar Hijri quarter", "Winter"),
}

MONTHS = {
    1: pgettext_lazy("Solar Hijri month", "Farvardin"),
    2: pgettext_lazy("Solar Hijri month", "Ordibehesht"),
    3: pgettext_lazy("Solar Hijri month", "Khordad"),
    4: pgettext_lazy("Solar Hijri month", "Tir"),
    5: pgettext_lazy("Solar Hijri month", "Mordad"),
    6: pgettext_lazy("Solar Hijri month", "Shahrivar"),
    7: pgettext_lazy("Solar Hijri month", "Mehr"),
    8: pgettext_lazy("Solar Hijri month", "Aban"),
    9: pgettext_lazy("Solar Hijri month", "Azar"),
    10: pgettext_lazy("Solar Hijri month", "Dey"),
    11: pgettext_lazy("Solar Hijri month", "Bahman"),
    12: pgettext_lazy("Solar Hijri month", "Esfand"),
}


def quarter_name(quarter: int) -> str:
    return str(QUARTERS.get(quarter, quarter))


def month_name(month: int | None) -> str:
    """The month's name; in Persian as jdatetime writes it (فروردین … اسفند)."""
    if month not in MONTHS:
        return ""
    return jdatetime.date.j_months_fa[month - 1] if uses_jalali() else str(MONTHS[month])


def months_of(quarter: int) -> range:
    return range((quarter - 1) * 3 + 1, quarter * 3 + 1)


def quarter_of_month(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_starts(year: int, quarter: int) -> dt.date:
    """The first day (Gregorian) of a quarter of a Solar Hijri year."""
    return jdatetime.date(year, (quarter - 1) * 3 + 1, 1).togregorian()


def quarter_ends(year: int, quarter: int) -> dt.date:
    """The last day (Gregorian) of a quarter of a Solar Hijri year."""
    if quarter == 4:
        return jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    return quarter_starts(year, quarter + 1) - dt.timedelta(days=1)


def solar_year_of(day: dt.date) -> int:
    return jdatetime.date.fromgregorian(date=day).year
