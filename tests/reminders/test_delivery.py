"""Delivery: once only, in the recipient's language, retried on mail errors, failed with its error at the end."""

import datetime as dt
import os
import threading

import pytest
from django.db import connection
from django.urls import reverse

from reminders import services
from reminders.models import DeliveryAttempt, Notification
from tests.factories import make_event

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


class BrokenMailBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def pending(kish, kish_deputy):
    event = make_event(kish, status="approved", starts_in_days=20, title="جشنواره موسیقی کیش")
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    return Notification.objects.get(status="pending")


def test_a_reminder_is_sent_once_however_often_delivery_runs(pending, mailoutbox):
    assert services.deliver(pending.pk) == "sent"
    assert services.deliver(pending.pk) == "skipped"  # a retry after it was marked sent sends nothing
    assert len(mailoutbox) == 1
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("sent", 1)
    assert DeliveryAttempt.objects.filter(notification=pending, succeeded=True).count() == 1


def test_the_mail_speaks_the_recipients_language_with_jalali_dates(pending, kish_deputy, mailoutbox):
    services.deliver(pending.pk)
    [message] = mailoutbox
    assert message.to == [kish_deputy.email]
    assert "جشنواره موسیقی کیش" in message.subject
    assert "۱۴۰" in message.body  # a Jalali year, in Persian digits
    assert 'dir="rtl"' in message.alternatives[0][0]


def test_english_readers_get_english_and_gregorian_dates(kish, kish_deputy, mailoutbox):
    kish_deputy.language = "en"
    kish_deputy.save()
    event = make_event(kish, status="approved", starts_in_days=20, title="Music festival")
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    services.deliver(Notification.objects.get(status="pending").pk)
    [message] = mailoutbox
    assert "starts in 14 days" in message.subject
    assert "202" in message.body  # a Gregorian year
    assert 'dir="ltr"' in message.alternatives[0][0]


def test_a_failing_mail_server_leads_to_retries_and_then_a_failed_record(pending, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenMailBackend"
    settings.REMINDER_MAX_ATTEMPTS = 3
    outcomes = [services.deliver(pending.pk) for _ in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    pending.refresh_from_db()
    assert pending.status == "failed"
    assert "SMTPServerDisconnected" in pending.last_error
    attempts = DeliveryAttempt.objects.filter(notification=pending)
    assert [a.succeeded for a in attempts] == [False, False, False]
    assert services.retry_delay(1) < services.retry_delay(2) < services.retry_delay(3)


def test_the_admin_lists_failures_and_resends(pending, settings, client_for, secretariat, mailoutbox):
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenMailBackend"
    settings.REMINDER_MAX_ATTEMPTS = 1
    services.deliver(pending.pk)
    client = client_for(secretariat)
    listing = client.get(
        reverse("admin:reminders_notification_changelist") + "?status__exact=failed"
    ).content.decode()
    assert "SMTPServerDisconnected" in listing
    client.post(
        reverse("admin:reminders_notification_changelist"),
        {"action": "resend_selected", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("pending", 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Only the rule that made it: on some weekdays of the year, that moment also has another rule's
    # reminder due (the weekly digest), which is not what this test is about.
    report = services.sweep(pending.due_at, only=["event_upcoming"])
    assert report.queued == [pending.pk]
    pending.refresh_from_db()
    assert pending.status == "sent"
    assert len(mailoutbox) == 1


def test_a_worker_that_died_mid_send_is_picked_up_again(pending):
    Notification.objects.filter(pk=pending.pk).update(status="sending", queued_at=pending.due_at)
    assert services.reset_stuck(pending.due_at + dt.timedelta(minutes=30)) == 1
    pending.refresh_from_db()
    assert pending.status == "pending"


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails the way kombu fails when Redis does not answer."""
    from kombu.exceptions import OperationalError

    from reminders.tasks import deliver_notification

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_notification, "apply_async", refuse)
    return monkeypatch


def test_with_the_broker_unreachable_the_sweep_reports_it_and_loses_nothing(
    kish, kish_deputy, mailoutbox, broker_down
):
    event = make_event(kish, status="approved", starts_in_days=6.5)
    report = services.sweep()
    assert "Could not queue reminders (OperationalError: Error 111" in report.error
    assert report.queued == []
    waiting = Notification.objects.get(object_id=event.pk, status="pending")
    assert waiting.queued_at is None
    broker_down.undo()  # the broker is back
    report = services.sweep()
    assert report.error == ""
    assert report.queued == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == "sent"
    assert len(mailoutbox) == 1


def test_the_command_exits_with_a_sentence_when_the_broker_is_down(kish, kish_deputy, broker_down):
    from django.core.management import CommandError, call_command

    make_event(kish, status="approved", starts_in_days=6.5)
    with pytest.raises(CommandError, match="Could not queue reminders"):
        call_command("send_reminders")
    assert Notification.objects.filter(status="pending").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_create_each_notification_once(kish, kish_deputy, qeshm, qeshm_deputy):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent sweeps need PostgreSQL (SQLite serialises all writers)")
    events = [make_event(kish, status="approved", starts_in_days=6.5, invite=(qeshm,)) for _ in range(10)]
    barrier = threading.Barrier(2)
    errors = []

    def run():
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.record_due(events[0].starts_at - 7 * DAY + dt.timedelta(minutes=1))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    pending = Notification.objects.filter(rule="event_upcoming", status="pending")
    assert pending.count() == len(events) * 2
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")


def test_someone_without_an_email_address_gets_the_reminder_in_the_dashboard_only(
    kish, kish_deputy, mailoutbox
):
    kish_deputy.email = ""
    kish_deputy.save()
    event = make_event(kish, status="approved", starts_in_days=20)
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    notification = Notification.objects.get(status="pending")
    assert notification.channel == "dashboard"
    assert services.deliver(notification.pk) == "sent"
    assert mailoutbox == []
    assert "dashboard only" in notification.delivery_attempts.get().error
