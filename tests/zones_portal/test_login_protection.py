"""Guessing passwords stops quickly: per account and per address, on the dashboard's and the admin's sign-in,
with a page that says why and for how long; the secretariat can lift a pause; sign-ins are recorded."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


@pytest.fixture(autouse=True)
def _a_low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def test_an_account_is_paused_after_repeated_wrong_passwords(kish_deputy):
    codes = [sign_in(Client(REMOTE_ADDR=f"10.0.0.{n}"), "kish-deputy", "wrong").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth wrong password pauses the account
    paused = sign_in(Client(REMOTE_ADDR="10.0.0.99"), "kish-deputy", TEST_PASSWORD)
    assert paused.status_code == 429
    assert "ورود موقتاً متوقف" in paused.content.decode() or "Signing in is paused" in paused.content.decode()
    assert "_auth_user_id" not in paused.wsgi_request.session


def test_an_address_is_paused_whatever_account_it_tries(kish_deputy, qeshm_deputy):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(5):
        sign_in(client, f"guess-{attempt}", "wrong")
    assert sign_in(client, "qeshm-deputy", TEST_PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="203.0.113.8"), "qeshm-deputy", TEST_PASSWORD).status_code == 302


def test_the_admin_sign_in_is_guarded_too(secretariat):
    client = Client(REMOTE_ADDR="198.51.100.4")
    admin_login = reverse("admin:login")
    for _attempt in range(5):
        sign_in(client, "officer", "wrong", admin_login)
    assert sign_in(client, "officer", TEST_PASSWORD, admin_login).status_code == 429


def test_the_secretariat_lifts_a_pause_and_sign_ins_are_recorded(client_for, secretariat, kish_deputy):
    for _attempt in range(5):
        sign_in(Client(REMOTE_ADDR="10.1.1.1"), "kish-deputy", "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.1.1.2"), "kish-deputy", TEST_PASSWORD).status_code == 429
    attempts = list(AccessAttempt.objects.filter(username="kish-deputy"))
    officer = client_for(secretariat)
    listing = officer.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "kish-deputy" in listing.content.decode()
    officer.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_pause", ACTION_CHECKBOX_NAME: [attempt.pk for attempt in attempts]},
    )
    assert sign_in(Client(REMOTE_ADDR="10.1.1.2"), "kish-deputy", TEST_PASSWORD).status_code == 302
    assert AccessLog.objects.filter(username="kish-deputy").exists()


def test_a_zone_deputy_cannot_see_the_sign_in_records(client_for, kish_deputy):
    assert client_for(kish_deputy).get(reverse("admin:axes_accesslog_changelist")).status_code in (302, 403)


@pytest.mark.parametrize("count", [3, 60])
def test_the_sign_in_records_lists_cost_the_same_at_any_size(
    client_for, secretariat, count, django_assert_num_queries
):
    for n in range(count):
        AccessAttempt.objects.create(
            username=f"guess-{n}",
            ip_address=f"10.2.0.{n}",
            user_agent="",
            http_accept="",
            path_info=LOGIN,
            get_data="",
            post_data="",
            failures_since_start=n,
        )
        AccessLog.objects.create(
            username=f"user-{n}", ip_address=f"10.3.0.{n}", user_agent="", http_accept="", path_info=LOGIN
        )
    officer = client_for(secretariat)
    for name in ("admin:axes_accessattempt_changelist", "admin:axes_accesslog_changelist"):
        officer.get(reverse(name))
        with django_assert_num_queries(7):  # the seventh: the session's two-step device, still there
            response = officer.get(reverse(name))
        assert response.status_code == 200
        assert f"10.{2 if 'attempt' in name else 3}.0.{count - 1}" in response.content.decode()
