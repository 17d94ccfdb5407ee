"""One test per form that holds numbers or dates (issue 15): typed with a Persian (۰–۹) or an Arabic
(٠–٩) keyboard, every such field is saved as the number or date meant.

Forms covered elsewhere, not repeated here: the event proposal (``test_persian_digits.py``,
``test_date_widgets.py``), the report's attendance and artists (``test_persian_digits.py``), the jury's
scores (``test_persian_digits.py``), the public application and the status look-up
(``tests/talent/test_public_form_digits.py``), the event in the admin (``test_persian_digits.py``).
The obligation report and the preferences hold no number or date.

The admin forms are sent as the page offers them (every field and inline as rendered, so a field added
later is carried along), with the fields under test retyped."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from agreements.models import Agreement
from events.models import EventReport
from reminders.models import RuleSetting
from talent.models import TalentCall
from tests.factories import make_agreement, make_call, make_event
from zones_portal.dates import persian_digits

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic(text: str) -> str:
    return text.translate(ARABIC)


class _Forms(HTMLParser):
    """The values a browser would send from each form of the page, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and "name" in attr:
            kind = attr.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self._form.append((attr["name"], attr.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and "name" in attr:
            self._select = attr["name"]
        elif tag == "option" and self._select is not None and "selected" in attr:
            self._form.append((self._select, attr.get("value", "")))
        elif tag == "textarea" and "name" in attr:
            self._textarea = True
            self._form.append((attr["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form:
            name, text = self._form[-1]
            self._form[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = False


def as_sent(html: str, holding: str, **changes: object) -> dict[str, object]:
    """The data the page's form holding the field ``holding`` sends, with ``changes`` typed over it."""
    parser = _Forms()
    parser.feed(html)
    fields = next((form for form in parser.forms if any(name == holding for name, _ in form)), None)
    assert fields is not None, f"no form with a field {holding} on the page"
    data: dict[str, object] = {}
    for name, value in fields:
        if "__prefix__" in name:  # the template of an inline's empty row, not a row
            continue
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    data.update(changes)
    return data


def saved(response) -> None:
    """The admin saved the form: it sends the browser on; a page shown again holds the errors."""
    if response.status_code != 302:
        errors = response.context and [
            str(form.errors) for form in [response.context.get("adminform").form] if form.errors
        ]
        inline = response.context and [
            str(formset.formset.errors) for formset in response.context.get("inline_admin_formsets", [])
        ]
        pytest.fail(f"not saved ({response.status_code}): {errors} {inline}")


def test_the_report_of_an_export_fair_takes_persian_and_arabic_numbers(client_for, kish_deputy, kish):
    """The fair's export deals go to the export register (issue 17); the report keeps what was spent."""
    event = make_event(kish, status="held", category="export-fair", starts_in_days=-3)
    client = client_for(kish_deputy)
    url = reverse("events:report", args=[event.pk])
    response = client.post(
        url,
        {
            "attendance": "۱۲۰",
            "artists_count": "٩",
            "outcomes": "دو قرارداد صادراتی فرش دستباف.",
            "spent": "٤٥٠۰۰۰۰",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report = EventReport.objects.get(event=event)
    assert (report.attendance, report.artists_count, report.spent) == (120, 9, 4500000)


def test_the_scorecards_span_takes_dates_in_persian_and_arabic_digits(client_for, secretariat):
    page = client_for(secretariat).get(
        reverse("scorecard:overview"), {"start": "۱۴۰۵/۰۱/۰۱", "end": arabic("1405/03/31")}
    )
    assert page.status_code == 200
    text = page.content.decode()
    # The span asked for is the one shown: from 1 Farvardin to 31 Khordad 1405, in Persian digits.
    assert 'value="۱۴۰۵/۰۱/۰۱"' in text
    assert 'value="۱۴۰۵/۰۳/۳۱"' in text


def test_a_zones_phone_in_persian_digits_is_kept_in_latin_ones(client_for, kish_deputy, kish):
    client = client_for(kish_deputy)
    url = reverse("zone-edit", args=[kish.slug])
    data = as_sent(client.get(url).content.decode(), "phone", phone="۰۷۶ ٤٤٤٢ ۰۰۰۰")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    kish.refresh_from_db()
    assert kish.phone == "076 4442 0000"


def test_the_agreement_admin_takes_persian_and_arabic_numbers_and_dates(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish])
    client = client_for(secretariat)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = as_sent(
        client.get(url).content.decode(),
        "notice_days",
        signed_on=arabic("1405/01/10"),
        effective_from="۱۴۰۵/۰۱/۱۵",
        expires_on=arabic("1406/01/14"),
        notice_days="۴۵",
    )
    saved(client.post(url, {**data, "_save": "Save"}))
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.signed_on == dt.date(2026, 3, 30)
    assert agreement.effective_from == dt.date(2026, 4, 4)
    assert agreement.expires_on == dt.date(2027, 4, 3)
    assert agreement.notice_days == 45


def test_the_call_admin_takes_persian_and_arabic_ages_dates_and_weights(client_for, secretariat):
    call = make_call()
    client = client_for(secretariat)
    url = reverse("admin:talent_talentcall_change", args=[call.pk])
    page = client.get(url).content.decode()
    changes = {
        "min_age": "۱۶",
        "max_age": arabic("35"),
        "opens_at_0": "۱۴۰۵/۱۰/۰۱",
        "opens_at_1": "۰۸:۰۰",
        "closes_at_0": arabic("1405/11/01"),
        "closes_at_1": arabic("20:30"),
    }
    criteria = list(call.criteria.order_by("pk"))
    data = as_sent(page, "min_age", **changes)
    # The first criterion's weight and maximum, in the inline, in Arabic and Persian digits.
    prefix = next(name.removesuffix("-id") for name, value in data.items() if value == str(criteria[0].pk))
    data[f"{prefix}-weight"] = arabic("3")
    data[f"{prefix}-max_score"] = "۲۰"
    saved(client.post(url, {**data, "_save": "Save"}))
    call = TalentCall.objects.get(pk=call.pk)
    assert (call.min_age, call.max_age) == (16, 35)
    assert call.opens_at == dt.datetime(2026, 12, 22, 8, 0, tzinfo=TEHRAN)
    assert call.closes_at == dt.datetime(2027, 1, 21, 20, 30, tzinfo=TEHRAN)
    criterion = call.criteria.get(pk=criteria[0].pk)
    assert (criterion.weight, criterion.max_score) == (3, 20)


def test_a_reminder_rules_offsets_take_persian_and_arabic_digits(client_for, secretariat):
    client = client_for(secretariat)
    url = reverse("admin:reminders_rulesetting_add")
    data = as_sent(
        client.get(url, {"rule": "event_upcoming"}).content.decode(),
        "offsets",
        rule="event_upcoming",
        offsets=f"۱۴، {arabic('7')}، 1",
    )
    saved(client.post(url, {**data, "_save": "Save"}))
    assert RuleSetting.objects.get(rule="event_upcoming").offsets == [14, 7, 1]
    # Shown again in the reader's digits, which the field reads back.
    setting = RuleSetting.objects.get(rule="event_upcoming")
    change = client.get(reverse("admin:reminders_rulesetting_change", args=[setting.pk])).content.decode()
    assert persian_digits("14") in change
