"""Thin tasks of competitions: take ids, load, call the code that does the work."""

from celery import shared_task

from contests import reminders


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and network errors: try again later
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
    ignore_result=True,
)
def send_advanced_mail(self, entry_id: int) -> str:
    """The contestant who went on to the next round is told, in the language they applied in; sent
    once however often it is queued. Found busy (a worker that died mid-way still holds the lease), it
    tries again once the lease has run out."""
    outcome = reminders.send_advanced_mail(entry_id)
    if outcome == "busy":
        raise self.retry(countdown=int(reminders.TELLING_LEASE.total_seconds()) + 1)
    return outcome
