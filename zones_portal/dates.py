"""How dates read: Solar Hijri (Jalali) with Persian digits in Persian, Gregorian in English.

Every date a person reads goes through ``format_date`` (the ``when`` template
filter wraps it), so the calendar choice is made in one place. Stored values
stay ordinary aware datetimes; only their display changes.
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from django.utils import formats, timezone, translation
from django.utils.translation import get_language

STYLES = ("date", "datetime", "time", "weekday", "month", "short")

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ENGLISH_FORMATS = {
    "date": "j M Y",
    "datetime": "D j M Y, H:i",
    "time": "H:i",
    "weekday": "l j F Y",
    "month": "F Y",
    "short": "Y-m-d",
}


def persian_digits(text: str) -> str:
    return text.translate(_PERSIAN_DIGITS)


def uses_jalali(language: str | None = None) -> bool:
    return (language or get_language() or "fa").startswith("fa")


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: dt.date | dt.datetime | None, style: str = "date", language: str | None = None) -> str:
    """A date or datetime as a person reads it in ``language`` (the active one by default)."""
    if value is None or value == "":
        return ""
    if style not in STYLES:
        raise ValueError(f"Unknown date style {style!r}; use one of {', '.join(STYLES)}.")
    value = _local(value)
    if not uses_jalali(language):
        with translation.override(language or get_language()):
            return formats.date_format(value, _ENGLISH_FORMATS[style], use_l10n=False)
    day = value.date() if isinstance(value, dt.datetime) else value
    jalali = jdatetime.date.fromgregorian(date=day)
    month = jdatetime.date.j_months_fa[jalali.month - 1]
    weekday = jdatetime.date.j_weekdays_fa[jalali.weekday()]
    clock = f"{value.hour:02d}:{value.minute:02d}" if isinstance(value, dt.datetime) else ""
    text = {
        "date": f"{jalali.day} {month} {jalali.year}",
        "datetime": f"{weekday} {jalali.day} {month} {jalali.year}، {clock}".rstrip("، "),
        "time": clock,
        "weekday": f"{weekday} {jalali.day} {month} {jalali.year}",
        "month": f"{month} {jalali.year}",
        "short": f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}",
    }[style]
    return persian_digits(text)


_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII, so people may type either."""
    return text.translate(_LATIN_DIGITS)


# The years a date of the portal's may fall in: Solar Hijri 1300 to 1500, and the same span in the
# Gregorian calendar. The two windows do not overlap, so a typed year says which calendar it is in.
JALALI_YEARS = range(1300, 1501)
GREGORIAN_YEARS = range(1921, 2122)


def within_sane_years(moment: dt.date | dt.datetime) -> bool:
    return moment.year in GREGORIAN_YEARS


def parse_date(text: str, language: str | None = None) -> dt.date:
    """A date as a person typed it: Jalali ``1405/09/07`` or ISO ``2026-11-28``, in any digits.

    The year tells the calendar (the windows do not overlap), so a Gregorian date typed on a Persian
    page is read as what it is; the page's language only breaks a tie that cannot arise. Raises
    ValueError for anything that is not a real day in either window.
    """
    cleaned = latin_digits(text.strip()).replace("-", "/").replace(".", "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    year, month, day = (int(part) for part in parts)
    if year in JALALI_YEARS:
        return jdatetime.date(year, month, day).togregorian()
    if year in GREGORIAN_YEARS:
        return dt.date(year, month, day)
    raise ValueError(text)


def input_date(value: dt.date | dt.datetime, language: str | None = None) -> str:
    """How a date is written into a form field for editing, in the calendar the person types in."""
    value = _local(value)
    day = value.date() if isinstance(value, dt.datetime) else value
    if uses_jalali(language):
        jalali = jdatetime.date.fromgregorian(date=day)
        return persian_digits(f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}")
    return day.isoformat()


# Calendar arithmetic in the reader's calendar: months and years start on different days in each.


def month_start(day: dt.date, jalali: bool) -> dt.date:
    """The first day of the month (Jalali or Gregorian) that holds ``day``."""
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        return jdatetime.date(j.year, j.month, 1).togregorian()
    return day.replace(day=1)


def next_month(day: dt.date, jalali: bool) -> dt.date:
    """The first day of the month after the one that holds ``day``."""
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        following = (
            jdatetime.date(j.year + 1, 1, 1) if j.month == 12 else jdatetime.date(j.year, j.month + 1, 1)
        )
        return following.togregorian()
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def year_start(day: dt.date, jalali: bool, years_back: int = 0) -> dt.date:
    """The first day of the year (Nowruz in the Jalali calendar) that holds ``day``, or of an earlier one."""
    if jalali:
        return jdatetime.date(jdatetime.date.fromgregorian(date=day).year - years_back, 1, 1).togregorian()
    return dt.date(day.year - years_back, 1, 1)


def next_year(day: dt.date, jalali: bool) -> dt.date:
    if jalali:
        return jdatetime.date(jdatetime.date.fromgregorian(date=day).year + 1, 1, 1).togregorian()
    return dt.date(day.year + 1, 1, 1)
