"""The coordination desk's periodic work: thin tasks that call the services."""

from celery import shared_task

from coordination.services import minutes


@shared_task(acks_late=True)
def mark_missed_action_items() -> int:
    """Nightly: open action items past their due date are recorded as missed (safe to run twice)."""
    return minutes.mark_missed_action_items()
