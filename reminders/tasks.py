from celery import shared_task
from celery.app.task import Task

from reminders import services
from reminders.models import Notification


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver_notification(self: Task, notification_id: int) -> str:
    """One reminder by email. Retried with growing delays on mail errors; the service counts attempts
    and marks the row failed after the last one. A retry after the row was sent sends nothing."""
    outcome = services.deliver(notification_id)
    if outcome == "retry":
        attempts = (
            Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first() or 1
        )
        raise self.retry(countdown=services.retry_delay(attempts))
    return outcome


@shared_task(acks_late=True, ignore_result=True)
def sweep(only: list[str] | None = None) -> dict[str, int]:
    """Beat runs this every 15 minutes (and the digest on Saturday mornings)."""
    report = services.sweep(only=only)
    return {"created": len(report.created), "missed": len(report.missed), "queued": len(report.queued)}


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck() -> int:
    """Beat runs this every minute: a reminder whose worker died goes out again once its lease ran out."""
    return len(services.requeue_stuck())
