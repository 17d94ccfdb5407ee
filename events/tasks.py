from celery import shared_task

from events import services


@shared_task(acks_late=True)
def mark_finished_events_held() -> int:
    """Beat runs this every 15 minutes: approved events whose end has passed become held."""
    return services.mark_finished_events_held()
