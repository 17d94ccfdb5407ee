"""Every task beat schedules is safe to run twice: a second run, as when two beats briefly overlap during a
deploy, changes nothing and sends nothing more.

The test walks ``CELERY_BEAT_SCHEDULE`` itself, so a new periodic task without a proof here fails the suite.
"""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone

from reminders.registry import morning
from tests.factories import (
    make_action_item,
    make_agreement,
    make_application,
    make_call,
    make_decision,
    make_event,
    make_meeting,
    make_obligation,
)
from zones_portal.celery import app

pytestmark = pytest.mark.django_db
TRACKED = [
    "events.Event",
    "events.StatusChange",
    "agreements.Agreement",
    "agreements.AgreementStatusChange",
    "agreements.Obligation",
    "agreements.ObligationStatusChange",
    "reminders.Notification",
    "reminders.DeliveryAttempt",
    "talent.Receipt",
    "talent.StagedUpload",
    "coordination.ActionItem",
    "coordination.ActionItemStatusChange",
    "webhooks.WebhookEndpoint",
    "webhooks.WebhookDelivery",
    "webhooks.WebhookAttempt",
]


def state() -> dict:
    """Every row of what periodic tasks touch, with every field, and the mail sent so far."""
    rows = {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in TRACKED}
    return {"rows": rows, "mail": len(mail.outbox)}


def work_for_mark_held(kish, kish_deputy, secretariat) -> None:
    make_event(kish, status="approved", starts_in_days=-2, hours=3)


def work_for_sweep(kish, kish_deputy, secretariat) -> None:
    make_event(kish, status="approved", starts_in_days=7)


def work_for_requeue_stuck(kish, kish_deputy, secretariat) -> None:
    """A reminder left 'sending' by a worker that died, its lease run out."""
    from reminders import services
    from reminders.models import Notification

    make_event(kish, status="approved", starts_in_days=7)
    services.record_due(timezone.now())
    Notification.objects.update(
        status="sending", queued_at=timezone.now(), lease_until=timezone.now() - dt.timedelta(seconds=1)
    )


def work_for_owed_receipts(kish, kish_deputy, secretariat) -> None:
    """A receipt the commit could not queue (the broker was down) two minutes ago."""
    from talent.models import Receipt

    application = make_application(make_call(), kish)
    Receipt.objects.create(application=application, created_at=timezone.now() - dt.timedelta(minutes=2))


def work_for_staged_uploads(kish, kish_deputy, secretariat) -> None:
    """A file kept for a public form sent back with errors, a day and a minute ago."""
    from django.core.files.base import ContentFile

    from talent.models import StagedUpload

    StagedUpload.objects.create(
        call=make_call(),
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="pdf.pdf"),
        original_name="نمونه.pdf",
        kind="pdf",
        size=15,
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1),
    )


def work_for_nightly(kish, kish_deputy, secretariat) -> None:
    agreement = make_agreement(zones=[kish], days_left=-1)
    make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=-2)


def work_for_missed_action_items(kish, kish_deputy, secretariat) -> None:
    """An action item of circulated minutes, due two days ago and still open."""
    meeting = make_meeting(zones=[kish], status="in_comment", days_ahead=-20)
    make_action_item(make_decision(meeting), zone=kish, due_in_days=-2)


def work_for_webhooks_sweep(kish, kish_deputy, secretariat) -> None:
    """A webhook delivery whose task was lost (the broker dropped it) two minutes ago. Its address is
    refused at the delivery (a private address), so the attempt is recorded without any network."""
    from tests.factories import InstitutionFactory
    from webhooks.models import Topic, WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        institution=InstitutionFactory(), url="https://127.0.0.1/hook", topics=[Topic.EVENT_STATUS]
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_lost",
        topic=Topic.EVENT_STATUS,
        payload={"id": "msg_lost"},
        next_attempt_at=timezone.now() - dt.timedelta(minutes=2),
    )


# What each scheduled task needs to find some work, and the moment to run it at (None: now).
WORK = {
    "events-mark-held": (work_for_mark_held, None),
    "reminders-sweep": (work_for_sweep, None),
    "reminders-requeue-stuck": (work_for_requeue_stuck, None),
    "reminders-weekly-digest": (work_for_sweep, morning(dt.date(2026, 12, 5))),  # a Saturday, 08:00
    "agreements-nightly": (work_for_nightly, None),
    "talent-owed-receipts": (work_for_owed_receipts, None),
    "talent-staged-uploads": (work_for_staged_uploads, None),
    "coordination-missed-action-items": (work_for_missed_action_items, None),
    "webhooks-sweep": (work_for_webhooks_sweep, None),
}


def test_every_scheduled_task_has_a_run_twice_proof():
    assert set(settings.CELERY_BEAT_SCHEDULE) == set(WORK)


@pytest.mark.parametrize("entry", sorted(WORK))
def test_a_second_run_changes_nothing(entry, kish, kish_deputy, secretariat, mailoutbox):
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    app.loader.import_default_modules()  # what a worker does at start: find every app's tasks.py
    task = app.tasks[schedule["task"]]
    prepare, moment = WORK[entry]
    with time_machine.travel(moment or timezone.now(), tick=False):
        prepare(kish, kish_deputy, secretariat)
        before = state()
        task.apply(args=schedule.get("args", ()), kwargs=schedule.get("kwargs", {})).get()
        after_first = state()
        assert after_first != before, "the first run found nothing to do: the test set-up is wrong"
        task.apply(args=schedule.get("args", ()), kwargs=schedule.get("kwargs", {})).get()
        assert state() == after_first
