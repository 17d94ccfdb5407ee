"""The date and time widgets (issue 15, "Dates"): every part of a date-and-time field has a name a screen
reader can say, a later date names the input it may not come before, and dates typed in Persian or Arabic
digits are read on the server."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.models import Event
from tests.events.test_pages import proposal
from tests.factories import make_agreement, make_call
from zones_portal.widgets import LocalDateField, LocalDateInput, LocalDateTimeField, LowerBound

TEHRAN = ZoneInfo("Asia/Tehran")


def input_tag(html: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return tag


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


class Span(forms.Form):
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")
    start = LocalDateField(label="From")
    end = LocalDateField(label="To")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_each_part_of_a_date_and_time_is_named_after_its_field(language):
    with translation.override(language):
        html = str(Span()["ends_at"])
        date_name = gettext("%(label)s: date") % {"label": "Ends"}
        time_name = gettext("%(label)s: time") % {"label": "Ends"}
    assert attribute(input_tag(html, "ends_at_0"), "aria-label") == date_name
    assert attribute(input_tag(html, "ends_at_1"), "aria-label") == time_name
    assert "data-field-label" not in html


def test_a_label_changed_by_the_form_names_the_parts():
    class Renamed(Span):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["starts_at"].label = "Doors open"

    with translation.override("en"):
        html = str(Renamed()["starts_at"])
    assert 'aria-label="Doors open: date"' in input_tag(html, "starts_at_0")
    assert 'aria-label="Doors open: time"' in input_tag(html, "starts_at_1")


@pytest.mark.django_db
def test_the_event_form_names_all_four_parts_in_persian(client_for, kish_deputy):
    html = client_for(kish_deputy).get(reverse("events:create")).content.decode()
    with translation.override("fa"):
        expected = {
            "starts_at_0": gettext("%(label)s: date") % {"label": gettext("Starts")},
            "starts_at_1": gettext("%(label)s: time") % {"label": gettext("Starts")},
            "ends_at_0": gettext("%(label)s: date") % {"label": gettext("Ends")},
            "ends_at_1": gettext("%(label)s: time") % {"label": gettext("Ends")},
        }
    assert {name: attribute(input_tag(html, name), "aria-label") for name in expected} == expected


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_later_date_names_the_input_it_may_not_come_before(language):
    with translation.override(language):
        form = Span(prefix="span")
        ends, end, starts = str(form["ends_at"]), str(form["end"]), str(form["starts_at"])
    # The date part of the other date-and-time field; the prefix carries over.
    assert attribute(input_tag(ends, "span-ends_at_0"), "data-not-before") == "span-starts_at_0"
    assert attribute(input_tag(end, "span-end"), "data-not-before") == "span-start"
    assert "data-not-before" not in starts
    assert "data-after" not in starts


def test_a_form_may_name_a_pair_of_its_own():
    class Stay(forms.Form):
        arrival = LocalDateField()
        departure = LocalDateField(widget=LocalDateInput(lower_bound=LowerBound("arrival", strict=True)))

    with translation.override("fa"):
        html = str(Stay()["departure"])
    assert attribute(input_tag(html, "departure"), "data-after") == "arrival"


@pytest.mark.django_db
def test_the_admin_pairs_call_and_agreement_dates(client_for, secretariat):
    client = client_for(secretariat)
    call = make_call()
    agreement = make_agreement()
    call_page = client.get(reverse("admin:talent_talentcall_change", args=[call.pk])).content.decode()
    assert attribute(input_tag(call_page, "closes_at_0"), "data-not-before") == "opens_at_0"
    event_page = client.get(reverse("admin:events_event_add")).content.decode()
    assert attribute(input_tag(event_page, "ends_at_0"), "data-not-before") == "starts_at_0"
    agreement_page = client.get(
        reverse("admin:agreements_agreement_change", args=[agreement.pk])
    ).content.decode()
    # It takes effect on or after its signing, and expires strictly after it takes effect.
    assert attribute(input_tag(agreement_page, "effective_from"), "data-not-before") == "signed_on"
    assert attribute(input_tag(agreement_page, "expires_on"), "data-after") == "effective_from"
    assert "data-not-before" not in input_tag(agreement_page, "expires_on")


def test_the_picker_gets_its_words_in_the_pages_language():
    with translation.override("fa"):
        html = str(Span()["start"])
        expected = gettext("Previous month")
    text = json.loads(attribute(input_tag(html, "start"), "data-picker-text").replace("&quot;", '"'))
    assert set(text) == {"dialog", "previous", "next", "year", "month"}
    assert text["previous"] == expected == "ماه قبل"


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵/۰۹/۰۷",  # Persian digits
        "١٤٠٥/٠٩/٠٧",  # Arabic digits
        "۱۴۰۵/09/٠٧",  # a mixture, as a phone keyboard switched halfway may give
        "۲۰۲۶-۱۱-۲۸",  # the Gregorian date, in Persian digits
        "٢٠٢٦-١١-٢٨",
    ],
)
@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_date_field_reads_persian_and_arabic_digits(typed, language):
    with translation.override(language):
        assert LocalDateField().clean(typed) == dt.date(2026, 11, 28)
        when = LocalDateTimeField().clean([typed, "۱۷:۳۰"])
    assert when == dt.datetime(2026, 11, 28, 17, 30, tzinfo=TEHRAN)


def test_a_date_in_arabic_digits_that_is_no_day_is_refused_in_persian():
    with translation.override("fa"):
        with pytest.raises(forms.ValidationError) as refused:
            LocalDateField().clean("١٤٠٥/١٣/٠١")
        assert refused.value.messages == ["یک تاریخ درست وارد کنید، مثلاً ۱۴۰۵/۰۹/۰۷."]


@pytest.mark.django_db
def test_a_deputy_proposes_an_event_typed_in_arabic_digits(client_for, kish_deputy):
    data = proposal(starts_at_0="١٤٠٥/١٠/٠١", starts_at_1="١٨:٠٠", ends_at_0="۱۴۰۵/۱۰/۰۲", ends_at_1="۰۹:۳۰")
    response = client_for(kish_deputy).post(reverse("events:create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(2026, 12, 22, 18, 0, tzinfo=TEHRAN)
    assert event.ends_at == dt.datetime(2026, 12, 23, 9, 30, tzinfo=TEHRAN)
