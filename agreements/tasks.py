from celery import shared_task

from agreements import services


@shared_task(acks_late=True)
def record_expiries_and_missed_obligations() -> dict[str, int]:
    """Nightly: active agreements past their end become expired; open obligations past due, missed."""
    return {
        "expired": services.expire_agreements(),
        "missed": services.mark_missed_obligations(),
    }
