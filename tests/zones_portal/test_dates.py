import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from zones_portal.dates import format_date, persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 28), "۷ آذر ۱۴۰۵"),
        (dt.date(2026, 3, 21), "۱ فروردین ۱۴۰۵"),  # Nowruz
        (dt.date(2026, 3, 20), "۲۹ اسفند ۱۴۰۴"),  # last day of the year before
    ],
)
def test_persian_dates_are_jalali_with_persian_digits(day, expected):
    assert format_date(day, language="fa") == expected


def test_english_dates_are_gregorian():
    assert format_date(dt.date(2026, 11, 28), language="en") == "28 Nov 2026"
    with translation.override("en"):
        assert format_date(dt.date(2026, 11, 28), "month") == "November 2026"


def test_datetimes_are_shown_in_tehran_time():
    # 22:00 UTC on 27 Nov is 01:30 on Saturday 28 Nov in Tehran: the Jalali day must follow Tehran.
    late = dt.datetime(2026, 11, 27, 22, 0, tzinfo=dt.UTC)
    assert format_date(late, "datetime", language="fa") == "شنبه ۷ آذر ۱۴۰۵، ۰۱:۳۰"
    with translation.override("en"):
        assert format_date(late, "datetime") == "Sat 28 Nov 2026, 01:30"


def test_the_when_filter_follows_the_active_language():
    template = Template('{{ day|when:"weekday" }}')
    day = dt.datetime(2026, 11, 28, 9, 0, tzinfo=TEHRAN)
    with translation.override("fa"):
        assert template.render(Context({"day": day})) == "شنبه ۷ آذر ۱۴۰۵"
    with translation.override("en"):
        assert template.render(Context({"day": day})) == "Saturday 28 November 2026"


def test_empty_values_render_as_nothing_and_unknown_styles_fail_loudly():
    assert format_date(None) == ""
    with pytest.raises(ValueError, match="Unknown date style"):
        format_date(dt.date(2026, 1, 1), "fancy")


def test_persian_digits():
    assert persian_digits("1405/09/07") == "۱۴۰۵/۰۹/۰۷"
