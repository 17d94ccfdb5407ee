"""The reviewer's findings on webhooks, each pinned: redirects are not followed, a resend never races an
attempt in flight, wrapped and odd addresses and ports are refused, plain http is refused in production,
long back-offs are left to the sweep, a person's switch-off sends no failure notice."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone

from events import services as event_services
from reminders import tasks as reminder_tasks
from reminders.models import Notification
from tests.factories import make_event
from webhooks import services, targets, tasks
from webhooks.models import Topic, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(kish, art_bureau):
    event = make_event(kish, status="submitted", starts_in_days=20)
    event.co_organisers.add(art_bureau)
    return event


@pytest.fixture
def redirecting():
    """A receiver answering every POST with 302 to another local address; it notes every request."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append((self.command, self.path))
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            if self.path == "/hook":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/internal")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET = _answer  # noqa: N815 - the names http.server calls

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _pending(endpoint: WebhookEndpoint, **fields: object) -> WebhookDelivery:
    now = timezone.now()
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=services.new_message_id(),
        topic=Topic.EVENT_STATUS,
        payload={"id": "x", "type": Topic.EVENT_STATUS, "data": {}},
        next_attempt_at=now - dt.timedelta(seconds=1),
        **fields,
    )


# Redirects ---------------------------------------------------------------------------------------------


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(
    art_bureau_partner, endpoint_for, redirecting, submitted, secretariat, django_capture_on_commit_callbacks
):
    port, seen = redirecting
    endpoint_for(art_bureau_partner, f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert [attempt.status_code for attempt in delivery.attempt_log.all()] == [302, 302, 302]
    assert seen == [("POST", "/hook")] * 3  # the redirect's target was never asked
    assert delivery.last_error == "HTTP 302"


# Resending -----------------------------------------------------------------------------------------------


def test_a_resend_racing_an_attempt_in_flight_sends_once(
    art_bureau_partner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    """A retry's countdown task claims the delivery right after the resend chose it (the reviewer's
    interleaving, made exact by running the claim straight after the resend's choosing query): the
    resend must leave that claim alone, and only one request reaches the receiver."""
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    delivery = _pending(endpoint, attempts=1, last_error="HTTP 500")
    claimed: list[WebhookDelivery | None] = []
    started: list[bool] = []

    def claim_after_choosing(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not started and sql.lstrip().upper().startswith("SELECT") and "lease_until" in sql:
            started.append(True)
            claimed.append(services.claim(delivery.pk))  # the countdown task, in between
        return result

    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(claim_after_choosing),
    ):
        resent = services.resend([delivery])
    assert len(claimed) == 1
    assert claimed[0] is not None
    assert resent == 0  # it was being sent: nothing reset, nothing queued
    assert services.send_claimed(claimed[0]) == ("delivered", 0)
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_the_api_says_why_a_delivery_in_flight_is_not_resent(art_bureau_partner, receiver, endpoint_for):
    from rest_framework.test import APIClient

    from zones_portal.models import ApiToken

    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    delivery = _pending(endpoint)
    assert services.claim(delivery.pk) is not None  # a worker is sending it now
    _token, key = ApiToken.issue(art_bureau_partner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/resend/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["This delivery is being sent right now; try again once the attempt is over."]
    }


# Back-off and the broker's visibility timeout -----------------------------------------------------------


@pytest.mark.parametrize(("delay", "queued"), [(5, True), (2999, True), (3000, False), (7200, False)])
def test_a_long_back_off_is_left_to_the_sweep(
    art_bureau_partner, receiver, endpoint_for, local_targets, monkeypatch, delay, queued
):
    """On Redis a countdown longer than the visibility timeout is handed out again every hour: such a
    retry is not queued, the sweep sends it once it is due."""
    local_targets.WEBHOOK_RETRY_DELAYS = [delay, delay]
    receiver.status = 500
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    delivery = _pending(endpoint)
    countdowns: list[float] = []
    monkeypatch.setattr(
        tasks.send_delivery, "apply_async", lambda args, countdown, **kw: countdowns.append(countdown)
    )
    assert tasks.send_delivery.run(delivery.pk) == "retry"
    assert countdowns == ([delay] if queued else [])
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    due = delivery.next_attempt_at + dt.timedelta(seconds=local_targets.WEBHOOK_SWEEP_GRACE_SECONDS + 1)
    assert services.due_ids(due) == [delivery.pk]  # the sweep's to send when due


# Switch-offs ----------------------------------------------------------------------------------------------


def test_a_person_switching_off_a_failing_endpoint_gets_no_failure_notice(
    art_bureau_partner, receiver, endpoint_for, mailoutbox
):
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=3)
    endpoint.refresh_from_db()
    services.update_endpoint(art_bureau_partner, endpoint, is_active=False)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.switched_off_for_failures) == (False, False)
    assert endpoint.consecutive_failures == 3  # kept for the record
    reminder_tasks.sweep.apply(kwargs={"only": [services.DISABLED_RULE]}).get()
    assert not Notification.objects.filter(rule=services.DISABLED_RULE).exists()
    assert mailoutbox == []


def test_the_body_timestamp_is_tehran_time(
    art_bureau_partner, receiver, endpoint_for, submitted, secretariat, django_capture_on_commit_callbacks
):
    endpoint_for(art_bureau_partner, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    assert receiver.received[0].json["timestamp"].endswith("+03:30")


# Addresses -----------------------------------------------------------------------------------------------


@pytest.fixture
def strict(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    return settings


@pytest.mark.parametrize(
    "url",
    [
        "https://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "https://[2002:a01:203::1]/",  # 6to4 wrapping 10.1.2.3
        "https://[2002:a9fe:a9fe::]/",  # 6to4 wrapping 169.254.169.254
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
        "https://[64:ff9b::7f00:1]/",  # NAT64 wrapping 127.0.0.1
        "https://192.0.0.9/",  # 192.0.0.0/24, which Python calls global
        "https://192.0.0.170/",
    ],
)
def test_wrapped_and_protocol_addresses_are_refused(strict, url):
    with pytest.raises(targets.UnsafeTarget, match="private, local or reserved"):
        targets.check(url)


def test_a_public_6to4_address_is_accepted(strict):
    assert targets.check("https://[2002:5db8:d822::1]/").address == "2002:5db8:d822::1"


@pytest.mark.parametrize(
    ("url", "http", "accepted"),
    [
        ("https://93.184.216.34/", False, True),
        ("https://93.184.216.34:443/", False, True),
        ("https://93.184.216.34:8443/", False, True),
        ("https://93.184.216.34:22/", False, False),
        ("https://93.184.216.34:6379/", False, False),
        ("https://93.184.216.34:80/", False, False),
        ("http://93.184.216.34/", True, True),
        ("http://93.184.216.34:8080/", True, False),
    ],
)
def test_only_web_ports_are_accepted(strict, url, http, accepted):
    strict.WEBHOOKS_ALLOW_HTTP = http
    if accepted:
        assert targets.check(url).address == "93.184.216.34"
    else:
        with pytest.raises(targets.UnsafeTarget, match="is not accepted: use 443 or 8443"):
            targets.check(url)


def test_a_port_refusal_comes_through_the_api_with_the_other_problems(strict, art_bureau_partner):
    from rest_framework.test import APIClient

    from zones_portal.models import ApiToken

    _token, key = ApiToken.issue(art_bureau_partner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = api.post(
        "/api/v1/webhook-endpoints/",
        {"url": "https://93.184.216.34:22/", "topics": ["event.nonsense"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"url", "topics"}
    assert answer.json()["url"] == ["Port 22 is not accepted: use 443 or 8443, or leave the port out."]


def test_plain_http_is_refused_in_production_settings(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "MEDIA_ROOT": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zones_portal.settings",
        "PATH": "/usr/bin:/bin",
    }
    code = "import django; django.setup()"
    refused = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "WEBHOOKS_ALLOW_HTTP": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "WEBHOOKS_ALLOW_HTTP must be off when DEBUG is off" in refused.stderr
    fine = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "WEBHOOKS_ALLOW_HTTP" not in fine.stderr
