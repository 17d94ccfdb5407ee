"""A worker sending a reminder holds a lease on it: renewed while it sends, so the requeue never hands a live
worker's reminder to another; run out when the worker died, so the reminder goes out again, once."""

import datetime as dt
import logging
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from reminders import services
from reminders.models import Notification
from tests.factories import make_event

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def pending(kish, kish_deputy):
    event = make_event(kish, status="approved", starts_in_days=20)
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    return Notification.objects.get(status="pending")


class Watching(EmailBackend):
    """Notes the row as it stands while its mail is being handed over."""

    seen: list = []

    def send_messages(self, messages):
        type(self).seen.append(Notification.objects.values("status", "lease_until").get())
        return super().send_messages(messages)


def test_the_lease_is_a_minute_unless_set_and_the_claim_takes_it(pending, settings, mailoutbox):
    assert settings.REMINDER_SENDING_LEASE_SECONDS == 60
    settings.EMAIL_BACKEND = f"{__name__}.Watching"
    Watching.seen = []
    now = timezone.now()
    assert services.deliver(pending.pk, now) == "sent"
    assert Watching.seen == [{"status": "sending", "lease_until": now + 60 * SECOND}]
    pending.refresh_from_db()
    assert (pending.status, pending.lease_until) == ("sent", None)


def test_a_reminder_whose_worker_died_is_sent_again_once_after_its_lease(pending, mailoutbox):
    now = pending.due_at + 5 * SECOND * 60
    # The worker died mid-send: its lease ran out a moment ago.
    Notification.objects.filter(pk=pending.pk).update(
        status="sending", attempts=1, queued_at=now - 2 * SECOND * 60, lease_until=now - SECOND
    )
    assert services.reset_stuck(now - 2 * SECOND) == 0  # not before the lease has run out
    with time_machine.travel(now, tick=False):
        assert services.requeue_stuck() == [pending.pk]
        assert services.requeue_stuck() == []
    assert services.reset_stuck(now + DAY) == 0
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("sent", 2)
    [message] = mailoutbox
    assert message.extra_headers["Message-ID"] == f"<reminder-{pending.pk}@zones-portal>"


def test_a_reminder_being_sent_within_its_lease_is_left_alone(pending, mailoutbox):
    now = timezone.now()
    Notification.objects.filter(pk=pending.pk).update(
        status="sending", attempts=1, queued_at=now - DAY, lease_until=now + SECOND
    )
    assert services.reset_stuck(now) == 0
    assert services.requeue_stuck(now) == []
    assert services.deliver(pending.pk, now) == "skipped"
    assert mailoutbox == []


class SlowServer(EmailBackend):
    """A mail server that takes its time over each message; meanwhile beat's requeue runs and a second
    worker tries the same reminder, as they would on other machines."""

    pause = 0.0
    during: list = []  # what happens meanwhile, once: a second worker's own send does not repeat it

    def send_messages(self, messages):
        steps, type(self).during = type(self).during, []
        time.sleep(self.pause)
        for step in steps:
            step()
        time.sleep(self.pause)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_but_slow_worker_keeps_its_claim_and_the_reminder_goes_out_once(
    kish, kish_deputy, settings, mailoutbox
):
    event = make_event(kish, status="approved", starts_in_days=20)
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    notification = Notification.objects.get(status="pending")
    settings.REMINDER_SENDING_LEASE_SECONDS = 1
    settings.EMAIL_BACKEND = f"{__name__}.SlowServer"
    outcomes = {}
    SlowServer.pause = 1.5  # the requeue runs half a second after the first lease would have run out
    SlowServer.during = [
        lambda: outcomes.update(reset=services.reset_stuck(timezone.now())),
        lambda: outcomes.update(second_worker=services.deliver(notification.pk)),
        lambda: outcomes.update(
            now=timezone.now(), lease_until=Notification.objects.get(pk=notification.pk).lease_until
        ),
    ]
    assert services.deliver(notification.pk) == "sent"
    assert outcomes["reset"] == 0
    assert outcomes["second_worker"] == "skipped"
    assert outcomes["lease_until"] > outcomes["now"]  # renewed while the server took its time
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.lease_until) == ("sent", 1, None)
    assert len(mailoutbox) == 1


def test_a_worker_that_stalled_past_its_lease_leaves_the_new_claim_alone(pending, settings, caplog):
    """The one way two copies can go out: a worker frozen without renewing (its lease taken over). Both
    carry the reminder's Message-ID, and the first worker's late finish does not overwrite the second's."""

    def take_over():
        Notification.objects.filter(pk=pending.pk).update(lease_until=timezone.now() - SECOND)
        assert services.reset_stuck(timezone.now()) == 1
        assert services.deliver(pending.pk) == "sent"
        Notification.objects.filter(pk=pending.pk).update(status="sending", sent_at=None)  # mid-send

    settings.EMAIL_BACKEND = f"{__name__}.SlowServer"
    SlowServer.pause = 0
    SlowServer.during = [take_over]
    with caplog.at_level(logging.WARNING):
        assert services.deliver(pending.pk) == "sent"
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("sending", 2)  # still the second worker's
    assert "taken over" in caplog.text
    assert {message.extra_headers["Message-ID"] for message in mail.outbox} == {
        f"<reminder-{pending.pk}@zones-portal>"
    }
