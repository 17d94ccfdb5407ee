"""Faults lose nothing: with the cache down the public form and the API still answer; behind proxies the
client is who our proxies saw, not what the client wrote; mail subjects are plain text."""

from unittest import mock

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from talent.models import Application
from tests.factories import make_call, make_event
from tests.talent.test_applying import form, post
from zones_portal.ratelimit import client_address

pytestmark = pytest.mark.django_db
CACHE_DOWN = mock.Mock(
    **{
        f"{name}.side_effect": ConnectionError("cache down")
        for name in ("add", "incr", "set", "get", "get_many")
    }
)


def test_the_public_form_saves_and_shows_the_code_with_the_cache_down(anonymous, qeshm):
    call = make_call()
    with mock.patch("zones_portal.ratelimit.cache", CACHE_DOWN):
        response = post(anonymous, call, form(qeshm), follow=True)
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.tracking_code in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6, 203.0.113.9", "10.0.0.2"),  # no proxy of ours: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # our proxy appended the address it saw
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_is_taken_from_our_own_proxies_hops(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_spoofed_header_does_not_escape_the_rate_limit(qeshm, settings):
    settings.NUM_PROXIES = 1
    settings.TALENT_APPLY_RATE = (2, 3600)
    call = make_call()
    codes = [
        post(
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.9"),
            call,
            form(qeshm, email=f"s{attempt}@example.org", consent=""),
        ).status_code
        for attempt in range(3)
    ]
    assert codes == [200, 200, 429]


def test_a_reminders_subject_is_plain_text(kish, kish_deputy, secretariat, mailoutbox):
    from reminders import services as reminders

    make_event(kish, status="approved", starts_in_days=7, title="<script>جشن</script> & شعر")
    reminders.sweep()
    subjects = [message.subject for message in mail.outbox]
    assert any("<script>جشن</script> & شعر" in subject for subject in subjects), subjects
    assert not any("&lt;" in subject or "&amp;" in subject for subject in subjects)
