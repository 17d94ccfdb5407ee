"""Persian (۰–۹) and Arabic (٠–٩) digits in every number, time and code field.

A browser's ``<input type="number">`` drops them before the form is sent (and the field then says
it is required), and a native time input shows "05:00 PM" on a Persian page: every such field is a
text input with a numeric keyboard, parsed on the server.
"""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from events.models import Event
from talent.models import Application, Assignment, Score
from tests.api.test_schema_findings import proposal as api_proposal
from tests.events.test_pages import proposal
from tests.factories import UserFactory, make_application, make_call, make_event
from tests.talent.test_applying import form as application_form
from zones_portal.dates import input_date
from zones_portal.models import ApiToken
from zones_portal.widgets import LocalDecimalField, LocalIntegerField, LocalTimeField

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def input_tag(html: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return tag


def test_the_fields_read_every_keyboards_digits_and_keep_their_bounds():
    with translation.override("fa"):
        assert LocalIntegerField(min_value=0).clean("۱۲۰") == 120
        assert LocalIntegerField(min_value=0).clean("١٢٠") == 120
        assert LocalDecimalField(max_value=10, decimal_places=2).clean("٧٫۵") == Decimal("7.5")
        assert LocalDecimalField(decimal_places=2).clean("۱٬۲۰۰٫۵") == Decimal("1200.5")
        assert LocalTimeField().clean("۱۷:۳۰") == dt.time(17, 30)
        with pytest.raises(Exception, match="کوچکتر و یا مساوی"):
            LocalDecimalField(max_value=10).clean("۱۱")
        with pytest.raises(Exception, match="یک عدد وارد کنید"):
            LocalIntegerField().clean("۱۲a")


def test_a_juror_scores_with_persian_and_arabic_digits(client_for, kish):
    juror = UserFactory(username="juror-digits")
    call = make_call(jurors=[juror])  # originality out of 10, skill out of 5
    application = make_application(call, kish)
    criteria = {c.name: c for c in call.criteria.all()}
    client = client_for(juror)
    url = reverse("talent:jury-application", args=[application.pk])

    page = client.get(url).content.decode()
    tag = input_tag(page, f"criterion_{criteria['اصالت'].pk}")
    assert 'type="text"' in tag
    assert 'inputmode="decimal"' in tag

    response = client.post(
        url, {f"criterion_{criteria['اصالت'].pk}": "۷٫۵", f"criterion_{criteria['مهارت'].pk}": "٤"}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(application=application)
    scores = dict(Score.objects.filter(assignment=assignment).values_list("criterion__name", "value"))
    assert scores == {"اصالت": Decimal("7.50"), "مهارت": Decimal("4.00")}
    client.post(url, {f"criterion_{criteria['اصالت'].pk}": "٧", f"criterion_{criteria['مهارت'].pk}": "۳"})
    scores = dict(Score.objects.filter(assignment=assignment).values_list("criterion__name", "value"))
    assert scores == {"اصالت": Decimal("7.00"), "مهارت": Decimal("3.00")}
    # Shown again in Persian digits, which the field reads back.
    assert 'value="۷٫۰۰"' in input_tag(client.get(url).content.decode(), f"criterion_{criteria['اصالت'].pk}")


def test_a_score_above_the_maximum_is_refused_in_persian(client_for, kish):
    juror = UserFactory(username="juror-bounds")
    call = make_call(jurors=[juror])
    application = make_application(call, kish)
    criteria = {c.name: c for c in call.criteria.all()}
    response = client_for(juror).post(
        reverse("talent:jury-application", args=[application.pk]),
        {f"criterion_{criteria['اصالت'].pk}": "۱۱", f"criterion_{criteria['مهارت'].pk}": "٣"},
    )
    assert response.status_code == 200
    assert "کوچکتر و یا مساوی" in response.content.decode()
    assert not Score.objects.exists()


def test_a_deputy_proposes_an_event_with_persian_numbers_and_times(client_for, kish_deputy):
    client = client_for(kish_deputy)
    page = client.get(reverse("events:create")).content.decode()
    for name in ("expected_audience", "starts_at_1", "ends_at_1"):
        tag = input_tag(page, name)
        assert 'type="text"' in tag
        assert 'inputmode="numeric"' in tag
    assert 'type="number"' not in page
    assert 'type="time"' not in page

    data = proposal(starts_at_1="۱۸:۰۰", ends_at_1="٢١:٣٠", expected_audience="۴۰۰")
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(2026, 12, 22, 18, 0, tzinfo=TEHRAN)
    assert event.ends_at == dt.datetime(2026, 12, 22, 21, 30, tzinfo=TEHRAN)
    assert event.expected_audience == 400

    edit = client.get(reverse("events:edit", args=[event.pk])).content.decode()
    assert 'value="۱۸:۰۰"' in input_tag(edit, "starts_at_1")
    assert 'value="۴۰۰"' in input_tag(edit, "expected_audience")


def test_english_pages_keep_the_browsers_time_input_and_latin_digits(client_for, kish_deputy):
    kish_deputy.language = "en"
    kish_deputy.save()
    page = client_for(kish_deputy).get(reverse("events:create")).content.decode()
    assert 'type="time"' in input_tag(page, "starts_at_1")
    assert 'type="text"' in input_tag(page, "expected_audience")


def test_the_report_takes_persian_and_arabic_counts(client_for, kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    client = client_for(kish_deputy)
    url = reverse("events:report", args=[event.pk])
    assert 'type="text"' in input_tag(client.get(url).content.decode(), "attendance")
    response = client.post(url, {"attendance": "۳۲۰", "artists_count": "١٨", "outcomes": "دو اجرا در قشم."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.report.attendance, event.report.artists_count) == (320, 18)


def test_the_public_form_keeps_the_phone_in_latin_digits(anonymous, qeshm):
    call = make_call()
    response = anonymous.post(
        reverse("talent:apply", args=[call.pk]), application_form(qeshm, phone="۰۹۱۲ ٣٤٥ ۶۷۸۹")
    )
    assert response.status_code == 302
    assert Application.objects.get().phone == "0912 345 6789"


def test_the_status_page_finds_a_code_typed_in_persian_digits(anonymous, qeshm):
    call = make_call()
    application = make_application(call, qeshm, email="narges@example.org", full_name="نرگس بندری")
    application.tracking_code = "AB23-CD45"
    application.save(update_fields=["tracking_code"])
    page = anonymous.post(
        reverse("talent:status"), {"tracking_code": "AB۲۳-CD٤٥", "email": "narges@example.org"}
    )
    assert "نرگس بندری" in page.content.decode()


def test_the_admin_saves_numbers_typed_in_persian_digits(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'type="text"' in input_tag(page, "expected_audience")
    assert 'type="number"' not in page
    data = {
        "title": event.title,
        "description": "",
        "category": event.category_id,
        "host_zone": kish.pk,
        "venue": "",
        "starts_at_0": input_date(event.starts_at, "fa"),
        "starts_at_1": "۱۰:۰۰",
        "ends_at_0": input_date(event.starts_at, "fa"),
        "ends_at_1": "١٢:٠٠",
        "expected_audience": "۱۲۵",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "report-TOTAL_FORMS": "0",
        "report-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.expected_audience == 125
    assert event.starts_at.astimezone(TEHRAN).time() == dt.time(10, 0)


def test_every_admin_number_is_a_text_input(client_for, secretariat, kish):
    """Admins that declare their own ``formfield_overrides`` (the call's dates) keep them, and their
    numbers, inlines included, still take any digits."""
    client = client_for(secretariat)
    call_page = client.get(reverse("admin:talent_talentcall_add")).content.decode()
    assert 'type="text"' in input_tag(call_page, "min_age")
    assert 'type="number"' not in call_page
    zone_page = client.get(reverse("admin:zones_portal_zone_change", args=[kish.pk])).content.decode()
    assert 'type="text"' in input_tag(zone_page, "sort_order")


def test_the_api_reads_persian_digits_in_a_form_body_and_keeps_json_strict(art_bureau_partner, qeshm):
    """A form body is all text; a JSON body must still carry a number, not a text of digits."""
    _token, key = ApiToken.issue(art_bureau_partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/events/", api_proposal(expected_audience="۵۰۰"), format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["expected_audience"] == 500
    refused = client.post("/api/v1/events/", api_proposal(expected_audience="۵۰۰"), format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["expected_audience"]


@pytest.mark.parametrize(
    ("language", "bound", "typed"),
    [("fa", "۱۰", "۱۱"), ("en", "10", "11")],
)
def test_a_bound_is_told_in_the_readers_digits(language, bound, typed):
    """Django's own minimum and maximum messages carry the bound; a Persian page writes it ۱۰."""
    with translation.override(language):
        for field in (LocalIntegerField(min_value=1, max_value=10), LocalDecimalField(max_value=10)):
            with pytest.raises(ValidationError) as refused:
                field.clean(typed)
            message = " ".join(refused.value.messages)
            assert bound in message
            if language == "fa":
                assert "10" not in message
