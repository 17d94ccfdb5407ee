"""Every field of the public pages that holds digits (birth date, phone, tracking code) takes Persian (۰–۹),
Arabic (٠–٩) and Latin digits alike, in Persian and in English; none is a browser number input, which
drops Persian digits before the form is sent."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from talent.forms import ApplicationForm, StatusLookupForm
from talent.models import Application, Discipline
from tests.factories import make_application, make_call

pytestmark = pytest.mark.django_db

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DIGITS = {"latin": str.maketrans("", ""), "persian": PERSIAN, "arabic": ARABIC}
# The birth date in each language's calendar: 20 Mordad 1380 is 11 August 2001.
BIRTH_DATE = {"fa": "1380/05/20", "en": "2001-08-11"}


def form(zone, digits, language, **changes):
    data = {
        "full_name": "نرگس بندری",
        "birth_date": BIRTH_DATE[language].translate(DIGITS[digits]),
        "zone": zone.pk,
        "email": "narges@example.org",
        "phone": "+98 912 345 6789".translate(DIGITS[digits]),
        "discipline": Discipline.objects.get(slug="calligraphy").pk,
        "statement": "ده سال خوشنویسی نستعلیق",
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("digits", sorted(DIGITS))
def test_every_digit_field_of_the_application_takes_any_digits(anonymous, qeshm, digits, language):
    call = make_call()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = anonymous.post(reverse("talent:apply", args=[call.pk]), form(qeshm, digits, language))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert application.language == language  # the page was in that language, with its calendar
    assert application.birth_date == dt.date(2001, 8, 11)
    assert application.phone == "+98 912 345 6789"  # kept in Latin digits, to dial and search the same


@pytest.mark.parametrize("digits", sorted(DIGITS))
def test_the_tracking_code_takes_any_digits(anonymous, qeshm, digits):
    application = make_application(make_call(), qeshm, email="narges@example.org", full_name="نرگس بندری")
    application.tracking_code = "AB23-CD45"
    application.save(update_fields=["tracking_code"])
    response = anonymous.post(
        reverse("talent:status"),
        {"tracking_code": "ab23cd45".translate(DIGITS[digits]), "email": "narges@example.org"},
    )
    assert "نرگس بندری" in response.content.decode()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_no_public_field_is_a_browser_number_input(language, qeshm):
    call = make_call()
    with translation.override(language):
        html = ApplicationForm(call=call).as_div() + StatusLookupForm().as_div()
    assert 'type="number"' not in html
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', html).group(0)
    assert 'inputmode="tel"' in phone
    if language == "fa":
        birth = re.search(r'<input[^>]*name="birth_date"[^>]*>', html).group(0)
        assert 'type="text"' in birth
        assert 'inputmode="numeric"' in birth


def test_a_persian_date_typed_wrong_is_kept_as_typed_with_an_example(anonymous, qeshm):
    call = make_call()
    response = anonymous.post(
        reverse("talent:apply", args=[call.pk]), form(qeshm, "persian", "fa", birth_date="۱۳۸۰/۱۳/۴۵")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="۱۳۸۰/۱۳/۴۵"' in html
    assert 'href="#id_birth_date"' in html  # the summary at the top leads to it
    assert not Application.objects.exists()
