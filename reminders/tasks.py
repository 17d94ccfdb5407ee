import logging

from celery import shared_task
from celery.app.task import Task

from reminders import services
from reminders.models import Notification

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver_notification(self: Task, notification_id: int, *more_ids: int) -> str:
    """One reminder by email. A retry after the row was sent sends nothing; the service counts attempts
    and marks the row failed after the last one.

    Given several ids (the sweep queues ``DELIVERY_BATCH`` to a message, so a sweep that finds
    thousands publishes dozens of messages, not thousands), it hands each to a task of its own: a
    worker that dies mid-send then holds one reminder, whose lease brings it back, never a batch of
    unsent ones waiting for the requeue; and no batch can outrun the time limit mid-mail."""
    if more_ids:
        for pk in (notification_id, *more_ids):
            deliver_notification.apply_async((pk,))
        return f"{1 + len(more_ids)} passed on"
    outcome = services.deliver(notification_id)
    if outcome == "retry":
        raise self.retry(countdown=services.retry_delay(_attempts(notification_id)))
    return outcome


def _attempts(notification_id: int) -> int:
    return Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first() or 1


@shared_task(acks_late=True, ignore_result=True)
def sweep(only: list[str] | None = None) -> dict[str, int]:
    """Beat runs this every 15 minutes (and the digest on Saturday mornings)."""
    report = services.sweep(only=only)
    return {"created": len(report.created), "missed": len(report.missed), "queued": len(report.queued)}


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck() -> int:
    """Beat runs this every minute: a reminder whose worker died goes out again once its lease ran out."""
    return len(services.requeue_stuck())
