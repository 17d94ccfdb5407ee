"""Dates outside any sane window, and offsets no place keeps, get a clear 400 or form error, never a 500
and never a date two thousand years off."""

import datetime as dt
import re

import pytest
from django.utils import translation

from zones_portal.dates import parse_date

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-04-01", dt.date(2027, 4, 1)),  # a Gregorian date on a Persian page is read as what it is
        ("۱۴۰۵/۰۹/۰۷", dt.date(2026, 11, 28)),
        ("1405-09-07", dt.date(2026, 11, 28)),  # and a Jalali one on an English page
        ("٢٠٢٦-١١-٢٨", dt.date(2026, 11, 28)),
    ],
)
def test_the_year_says_which_calendar_a_date_is_in(language, typed, expected):
    with translation.override(language):
        assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["0001/01/01", "2648/01/12", "1299/12/29", "2122-01-01", "1501/01/01"])
def test_a_year_outside_both_windows_is_refused(typed):
    with pytest.raises(ValueError, match=re.escape(typed)):
        parse_date(typed)


@pytest.mark.parametrize(
    "value",
    ["2026-01-01T00:00:00+19:00", "2026-01-01T00:00:00-15:00", "0001-01-01", "9999-12-31T00:00:00+03:30"],
)
def test_api_date_filters_answer_400_with_a_sentence(api_for, secretariat, value):
    answer = api_for(secretariat).get("/api/v1/events/", {"starts_after": value})
    assert answer.status_code == 400
    assert "starts_after" in answer.json()


def test_the_calendar_page_does_not_fail_on_a_bad_offset(client_for, kish_deputy):
    response = client_for(kish_deputy).get("/events/calendar/", {"starts_after": "2026-01-01T00:00:00+19:00"})
    assert response.status_code in (200, 400)


def test_a_proposal_thousands_of_years_away_is_refused_per_field(api_for, art_bureau_partner):
    answer = api_for(art_bureau_partner).post(
        "/api/v1/events/",
        {
            "title": "رویداد دور",
            "category": "exhibition",
            "host_zone": "qeshm",
            "starts_at": "2684-01-01T10:00:00+03:30",
            "ends_at": "6082-01-01T10:00:00+03:30",
        },
        format="json",
    )
    assert answer.status_code == 400
    assert {"starts_at", "ends_at"} <= set(answer.json())
