"""The applicant's receipt is an outbox row: saved with the application, mailed once, whatever the broker does.

With the broker down the form and the API still save the application and answer with its tracking code;
the receipt sweep mails what is still owed once the broker is back, once however often it runs; a
receipt queued twice, or taken by a second worker, is mailed once.
"""

import datetime as dt
import logging
import smtplib

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from talent import services
from talent.models import Application, Receipt
from talent.tasks import queue_owed_receipts, send_application_receipt
from tests.factories import make_application, make_call
from tests.servers import free_port
from tests.talent.test_applying import form, post
from zones_portal.models import ApiToken

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails the way kombu fails when Redis does not answer."""
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_application_receipt, "apply_async", refuse)
    return monkeypatch


def owed() -> list[Receipt]:
    return list(Receipt.objects.filter(sent_at__isnull=True))


def receipts_in_outbox() -> list:
    return [message for message in mail.outbox if message.extra_headers["Message-ID"].startswith("<receipt-")]


def test_with_the_broker_down_the_form_saves_and_shows_the_tracking_code_and_the_sweep_mails_it_once(
    anonymous, qeshm, broker_down, caplog, django_capture_on_commit_callbacks
):
    call = make_call()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = post(anonymous, call, form(qeshm))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.tracking_code in anonymous.get(response["Location"]).content.decode()
    [receipt] = owed()
    assert (receipt.application, receipt.queued_at, receipt.attempts) == (application, None, 0)
    assert "Could not queue talent.tasks.send_application_receipt" in caplog.text
    assert "OperationalError" in caplog.text
    assert mail.outbox == []

    broker_down.undo()  # the broker is back
    # The commit's own queueing gets its minute first.
    assert services.queue_owed_receipts(timezone.now()) == []
    later = timezone.now() + 2 * MINUTE
    assert services.queue_owed_receipts(later) == [application.pk]
    assert services.queue_owed_receipts(later) == []
    assert services.queue_owed_receipts(later + 15 * MINUTE) == []  # sent: nothing is owed any more
    [message] = mail.outbox
    assert message.to == ["narges@example.org"]
    assert application.tracking_code in message.body
    assert message.extra_headers["Message-ID"] == f"<receipt-{application.pk}@zones-portal>"
    receipt.refresh_from_db()
    assert receipt.sent_at is not None
    assert (receipt.attempts, receipt.lease_until) == (1, None)


def api_client(user) -> APIClient:
    client = APIClient()
    _token, key = ApiToken.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_with_the_broker_down_an_api_nomination_answers_201_with_its_code(
    art_bureau_partner, kish, broker_down, caplog, django_capture_on_commit_callbacks
):
    call = make_call(zones=[kish])
    body = {
        "full_name": "رضا خوشنویس",
        "birth_date": "2001-02-03",
        "zone": "kish",
        "email": "reza@example.org",
        "discipline": "calligraphy",
        "statement": "نستعلیق",
        "consent": True,
    }
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        created = api_client(art_bureau_partner).post(
            f"/api/v1/talent-calls/{call.pk}/nominations/", body, format="json"
        )
    assert created.status_code == 201, created.content
    assert "Could not queue talent.tasks.send_application_receipt" in caplog.text
    application = Application.objects.get(tracking_code=created.json()["tracking_code"])
    assert [receipt.application for receipt in owed()] == [application]
    assert mail.outbox == []
    broker_down.undo()
    later = timezone.now() + 2 * MINUTE
    queue_owed_receipts.apply().get()  # as beat runs it: nothing yet, the minute has not passed
    assert mail.outbox == []
    for _run in range(2):
        services.queue_owed_receipts(later)
    [message] = mail.outbox
    assert message.to == ["reza@example.org"]
    assert application.tracking_code in message.subject


@pytest.fixture
def broker_at_a_closed_port(monkeypatch):
    """The Celery app publishes for real (not in-process) to a broker address where nothing listens."""
    from zones_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setitem(  # as settings.py sets them for a Redis broker
        app.conf, "broker_transport_options", {"max_retries": 2, "interval_start": 0, "interval_step": 0.3}
    )
    # The connection and producer pools were made for the configured broker; new ones follow the URL.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def test_with_nothing_listening_at_the_brokers_address_the_form_still_answers(
    anonymous, qeshm, broker_at_a_closed_port, django_capture_on_commit_callbacks
):
    call = make_call()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(anonymous, call, form(qeshm))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.tracking_code in anonymous.get(response["Location"]).content.decode()
    assert [receipt.application for receipt in owed()] == [application]
    assert services.queue_owed_receipts(timezone.now() + 2 * MINUTE) == []  # still down: nothing lost
    assert [receipt.application for receipt in owed()] == [application]


def test_with_the_broker_up_the_receipt_goes_out_at_once_and_a_second_queueing_sends_nothing(
    anonymous, qeshm, django_capture_on_commit_callbacks
):
    call = make_call()
    with django_capture_on_commit_callbacks(execute=True):
        post(anonymous, call, form(qeshm))
    application = Application.objects.get()
    receipt = application.receipt
    assert (receipt.sent_at is not None, receipt.queued_at is not None) == (True, True)
    assert send_application_receipt.apply(args=(application.pk,)).get() == "skipped"
    assert services.queue_owed_receipts(timezone.now() + 20 * MINUTE) == []
    assert len(receipts_in_outbox()) == 1


def test_a_receipt_another_worker_is_sending_is_left_to_it_until_its_lease_runs_out(qeshm, mailoutbox):
    application = make_application(make_call(), qeshm)
    now = timezone.now()
    Receipt.objects.create(
        application=application, created_at=now - 5 * MINUTE, attempts=1, lease_until=now + MINUTE
    )
    assert services.send_receipt(application.pk, now) == "skipped"
    assert services.queue_owed_receipts(now) == []
    assert mailoutbox == []
    # That worker died: once its lease has run out the receipt is queued and sent, once.
    with time_machine.travel(now + 2 * MINUTE, tick=False):
        assert services.queue_owed_receipts() == [application.pk]
        assert services.queue_owed_receipts() == []
    assert len(mailoutbox) == 1
    assert Receipt.objects.get().attempts == 2


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_error_frees_the_receipt_for_the_next_try_and_the_last_try_gives_up(qeshm, mailoutbox):
    application = make_application(make_call(), qeshm)
    now = timezone.now()
    receipt = Receipt.objects.create(application=application, created_at=now - 5 * MINUTE)
    with override_settings(EMAIL_BACKEND="tests.talent.test_receipts.BrokenMailBackend"):
        with pytest.raises(smtplib.SMTPServerDisconnected):  # the task retries it later
            services.send_receipt(application.pk, now)
        receipt.refresh_from_db()
        assert (receipt.attempts, receipt.lease_until, receipt.sent_at) == (1, None, None)
        assert "SMTPServerDisconnected" in receipt.last_error
        for _try in range(services.RECEIPT_MAX_ATTEMPTS - 1):
            with pytest.raises(smtplib.SMTPServerDisconnected):
                services.send_receipt(application.pk, now)
    assert services.send_receipt(application.pk, now) == "skipped"  # given up, the error kept
    assert services.queue_owed_receipts(now + dt.timedelta(days=1)) == []
    assert mailoutbox == []


def test_a_message_queued_before_receipts_had_rows_still_sends_one(qeshm, mailoutbox):
    application = make_application(make_call(), qeshm)
    assert not Receipt.objects.exists()
    assert services.send_receipt(application.pk) == "sent"
    assert services.send_receipt(application.pk) == "skipped"
    assert len(mailoutbox) == 1
    assert services.send_receipt(application.pk + 1000) == "gone"
