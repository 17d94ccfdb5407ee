import logging

from celery import shared_task
from celery.app.task import Task
from celery.exceptions import SoftTimeLimitExceeded

from reminders import services
from reminders.models import Notification

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver_notification(self: Task, notification_id: int, *more_ids: int) -> str:
    """One reminder by email, or a batch of them in turn (the sweep queues ``DELIVERY_BATCH`` to a task).
    A reminder whose mail server failed is retried on its own with growing delays; the service counts
    attempts and marks the row failed after the last one. A retry after the row was sent sends nothing,
    and so does a batch delivered twice (each row is claimed before it is sent)."""
    if not more_ids:
        outcome = services.deliver(notification_id)
        if outcome == "retry":
            raise self.retry(countdown=services.retry_delay(_attempts(notification_id)))
        return outcome
    outcomes: dict[str, int] = {}
    for pk in (notification_id, *more_ids):
        # Each reminder of the batch on its own, as if it were its own task: one that breaks is logged and
        # left to the requeue (its lease runs out), and the rest of the batch still goes.
        try:
            outcome = services.deliver(pk)
            if outcome == "retry":
                deliver_notification.apply_async((pk,), countdown=services.retry_delay(_attempts(pk)))
        except SoftTimeLimitExceeded:
            raise  # out of time: what is left waits for the requeue
        except Exception:
            logger.exception(
                "Reminder %s could not be delivered; it is requeued once its lease runs out.", pk
            )
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))


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
