"""The sweep that records due reminders, and the delivery of one reminder by email.

The sweep asks every registered rule what is due, records each reminder once
(the database refuses a second copy), records as missed what was found too
late, cancels what no longer stands, and queues delivery of what waits. It
never sends: delivery is one Celery task per notification, which claims its
row with a conditional update so no two workers send the same reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from smtplib import SMTPException

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from reminders.models import DeliveryAttempt, Notification
from reminders.registry import RULES, Rule, offsets_for
from zones_portal.health import record_heartbeat
from zones_portal.mail import render_mail, send_templated_mail
from zones_portal.models import User

logger = logging.getLogger(__name__)
Status = Notification.Status
REQUEUE_AFTER = dt.timedelta(minutes=10)


class BrokerUnavailableError(RuntimeError):
    """Queueing failed; the notifications stay recorded as pending and go out once the broker is back."""


@dataclass
class SweepReport:
    created: list[Notification] = field(default_factory=list)
    missed: list[Notification] = field(default_factory=list)
    cancelled: int = 0
    queued: list[int] = field(default_factory=list)
    reset: int = 0
    error: str = ""


def _title(rule: Rule, subject: object, occasion: str, language: str) -> str:
    with translation.override(language):
        return str(rule.context(subject, occasion).get("headline", rule.title))[:300]


def record_due(now: dt.datetime, only: list[str] | None = None, dry_run: bool = False) -> SweepReport:
    """Records each due reminder once; those whose moment passed beyond the catch-up window as missed."""
    report = SweepReport()
    stamp = timezone.now()
    catch_up_from = now - settings.REMINDER_CATCH_UP
    horizon = now - settings.REMINDER_LOOKBACK
    for rule in RULES.values():
        if only and rule.slug not in only:
            continue
        offsets = offsets_for(rule)
        if offsets is None:
            continue
        dues = [due for due in rule.collect(now, offsets, horizon) if due.due_at <= now]
        if not dues:
            continue
        people = {
            pk: (language, email)
            for pk, language, email in User.objects.filter(
                pk__in={uid for due in dues for uid in due.recipients}
            ).values_list("pk", "language", "email")
        }
        rows = []
        for due in dues:
            content_type = ContentType.objects.get_for_model(due.subject)
            status = Status.PENDING if due.due_at >= catch_up_from else Status.MISSED
            for recipient_id in dict.fromkeys(due.recipients):
                if recipient_id not in people:
                    continue
                language, email = people[recipient_id]
                rows.append(
                    Notification(
                        rule=rule.slug,
                        content_type=content_type,
                        object_id=due.subject.pk,
                        recipient_id=recipient_id,
                        occasion=due.occasion,
                        due_at=due.due_at,
                        status=status,
                        title=_title(rule, due.subject, due.occasion, language),
                        channel=Notification.Channel.EMAIL if email else Notification.Channel.DASHBOARD,
                        created_at=stamp,
                    )
                )
        if dry_run:
            existing = {
                (n.content_type_id, n.object_id, n.recipient_id, n.occasion)
                for n in Notification.objects.filter(
                    rule=rule.slug, object_id__in={r.object_id for r in rows}
                )
            }
            fresh = [
                r
                for r in rows
                if (r.content_type_id, r.object_id, r.recipient_id, r.occasion) not in existing
            ]
            report.created += [r for r in fresh if r.status == Status.PENDING]
            report.missed += [r for r in fresh if r.status == Status.MISSED]
            continue
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if not dry_run:
        mine = Notification.objects.filter(created_at=stamp).select_related("recipient")
        report.created = [n for n in mine if n.status == Status.PENDING]
        report.missed = [n for n in mine if n.status == Status.MISSED]
    return report


def cancel_stale(now: dt.datetime) -> int:
    """Pending reminders whose reason has gone (a moved date, a cancelled event, a task done) are cancelled."""
    cancelled = 0
    pending = Notification.objects.filter(status=Status.PENDING).select_related("content_type")
    for notification in pending.iterator():
        rule = RULES.get(notification.rule)
        subject = notification.subject
        if rule is None or subject is None or not rule.still_current(subject, notification.occasion, now):
            cancelled += Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
                status=Status.CANCELLED
            )
    return cancelled


def reset_stuck(now: dt.datetime) -> int:
    """A worker that died mid-send leaves its row 'sending'; once its lease is over it is tried again."""
    lease = dt.timedelta(seconds=settings.REMINDER_SENDING_LEASE_SECONDS)
    return Notification.objects.filter(status=Status.SENDING, queued_at__lt=now - lease).update(
        status=Status.PENDING, queued_at=None
    )


def queue_pending(now: dt.datetime) -> list[int]:
    """Queues delivery of what waits and was not queued in the last minutes. Raises when the broker is down."""
    from reminders.tasks import deliver_notification  # noqa: PLC0415 - tasks.py imports this module

    not_recently_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    waiting = Notification.objects.filter(not_recently_queued, status=Status.PENDING, due_at__lte=now)
    queued = []
    for notification_id in waiting.order_by("due_at").values_list("pk", flat=True):
        try:
            deliver_notification.apply_async((notification_id,), retry=False)
        except Exception as error:
            raise BrokerUnavailableError(
                f"Could not queue reminders ({error.__class__.__name__}: {error}); "
                f"{len(queued)} queued, the rest stay pending for the next sweep."
            ) from error
        Notification.objects.filter(pk=notification_id).update(queued_at=timezone.now())
        queued.append(notification_id)
    return queued


def sweep(
    now: dt.datetime | None = None, *, only: list[str] | None = None, dry_run: bool = False
) -> SweepReport:
    now = now or timezone.now()
    with transaction.atomic():
        report = record_due(now, only=only, dry_run=dry_run)
    if dry_run:
        return report
    report.cancelled = cancel_stale(now)
    report.reset = reset_stuck(now)
    try:
        report.queued = queue_pending(now)
    except BrokerUnavailableError as error:
        logger.error("%s", error)
        report.error = str(error)
    # The sweep completed even when queueing failed: what waits stays pending for the next one.
    record_heartbeat("reminders.sweep")
    return report


# Delivery ---------------------------------------------------------------------------------------


def deliver(notification_id: int, now: dt.datetime | None = None) -> str:
    """Sends one reminder. Returns sent, skipped (not pending: sent already or taken by another
    worker), cancelled, retry or failed. Safe to call again for the same row."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, queued_at=now
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("recipient", "content_type").get(pk=notification_id)
    rule = RULES.get(notification.rule)
    subject = notification.subject
    if rule is None or subject is None or not rule.still_current(subject, notification.occasion, now):
        Notification.objects.filter(pk=notification_id).update(status=Status.CANCELLED)
        return "cancelled"
    recipient = notification.recipient
    if notification.channel == Notification.Channel.DASHBOARD or not recipient.email:
        _finish(notification, Status.SENT, now, "", note="no email address: shown in the dashboard only")
        return "sent"
    try:
        send_templated_mail(
            [recipient.email],
            "reminder",
            _mail_context(notification),
            recipient.language,
            headers={"Message-ID": message_id(notification)},
        )
    except (SMTPException, OSError) as error:
        message = f"{error.__class__.__name__}: {error}"
        DeliveryAttempt.objects.create(notification=notification, at=now, succeeded=False, error=message)
        if notification.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification_id).update(status=Status.FAILED, last_error=message)
            return "failed"
        Notification.objects.filter(pk=notification_id).update(status=Status.PENDING, last_error=message)
        return "retry"
    _finish(notification, Status.SENT, now, "")
    return "sent"


def _finish(notification: Notification, status: str, now: dt.datetime, error: str, note: str = "") -> None:
    DeliveryAttempt.objects.create(notification=notification, at=now, succeeded=True, error=note)
    Notification.objects.filter(pk=notification.pk).update(status=status, sent_at=now, last_error=error)


def message_id(notification: Notification) -> str:
    """The same for every attempt at one reminder, so a receiving server can drop a repeat."""
    return f"<reminder-{notification.pk}@{settings.ICAL_UID_DOMAIN}>"


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: doubling from the base, at most six hours."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600)


def resend(notifications: list[Notification]) -> int:
    """The admin's resend: failed (or sent) reminders go back to pending, to be queued by the next sweep."""
    ids = [n.pk for n in notifications if n.status in (Status.FAILED, Status.SENT, Status.CANCELLED)]
    return Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0, queued_at=None)


def _mail_context(notification: Notification) -> dict:
    """What the mail templates need, worded in the recipient's language."""
    rule = RULES[notification.rule]
    with translation.override(notification.recipient.language):
        context = {
            key: _resolve(value)
            for key, value in rule.context(notification.subject, notification.occasion).items()
        }
    return {
        **context,
        "notification": notification,
        "recipient": notification.recipient,
        "portal_url": settings.PORTAL_URL,
    }


def _resolve(value: object) -> object:
    """Lazy translations become text while the recipient's language is active."""
    if isinstance(value, list | tuple):
        return [str(item) if item is not None else "" for item in value]
    return str(value) if value is not None else ""


def preview(notification: Notification) -> tuple[str, str, str]:
    """The mail as the recipient would get it, for the admin."""
    return render_mail("reminder", _mail_context(notification), notification.recipient.language)
