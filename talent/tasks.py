from celery import shared_task

from talent import services, staging


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and network errors: try again later
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
    ignore_result=True,
)
def send_application_receipt(application_id: int) -> str:
    """The applicant's receipt with their tracking code, in the language they applied in; sent once
    however often it is queued (the service claims the receipt first)."""
    return services.send_receipt(application_id)


@shared_task(acks_late=True, ignore_result=True)
def queue_owed_receipts() -> int:
    """Beat runs this every minute: receipts the commit could not queue (broker down) go out now."""
    return len(services.queue_owed_receipts())


@shared_task(acks_late=True, ignore_result=True)
def remove_expired_staged_uploads() -> int:
    """Beat runs this hourly: files kept for a public form sent back with errors, whose applicant did not
    come back within a day, are removed with their rows."""
    return staging.remove_expired()
