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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections, models, router, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation

from reminders.models import DeliveryAttempt, Notification, RuleSetting
from reminders.registry import RULES, Rule, offsets_for, one_sweep
from zones_portal import versions
from zones_portal.health import record_heartbeat
from zones_portal.mail import render_mail, send_templated_mail
from zones_portal.models import User
from zones_portal.queueing import lease_kept

logger = logging.getLogger(__name__)
Status = Notification.Status
REQUEUE_AFTER = dt.timedelta(minutes=10)
# What a person sees of their reminders, in the list and in the bell: not what was missed or cancelled.
SHOWN = (Status.PENDING, Status.SENDING, Status.SENT, Status.FAILED)


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
    # Rules whose recording or cancelling raised, by slug, with the error: the other rules went on.
    failed: dict[str, str] = field(default_factory=dict)


def _title(rule: Rule, subject: object, occasion: str, language: str) -> str:
    with translation.override(language):
        return _worded(rule, subject, occasion)


def _worded(rule: Rule, subject: object, occasion: str) -> str:
    """The title in the active language."""
    if rule.headline is not None:
        return str(rule.headline(subject, occasion))[:300]
    return str(rule.context(subject, occasion).get("headline", rule.title))[:300]


def _chosen(only: list[str] | None) -> list[Rule]:
    return [rule for rule in RULES.values() if not only or rule.slug in only]


def _rule_settings() -> dict[str, RuleSetting]:
    return {setting.rule: setting for setting in RuleSetting.objects.all()}


def _notification_maker() -> Callable[..., Notification]:
    """Builds unsaved notifications through the model's positional path, the one Django uses to load
    rows: keyword arguments cost several times more, and a sweep may build tens of thousands."""
    fields = Notification._meta.concrete_fields
    defaults = {field.attname: field.get_default() for field in fields}
    names = [field.attname for field in fields]

    def make(**values: object) -> Notification:
        return Notification(*[values.get(name, defaults[name]) for name in names])

    return make


def _record_rule(
    rule: Rule, offsets: list[int], now: dt.datetime, dry_run: bool
) -> tuple[list[Notification], list[Notification]]:
    """One rule's due reminders, recorded once: (created, missed). A bounded number of queries, however
    many items are due: the rule's collect batches its own lookups; here one query for what is already
    recorded, one for the recipients and one insert that returns what it inserted (``_insert_once``)."""
    catch_up_from = now - settings.REMINDER_CATCH_UP
    horizon = now - settings.REMINDER_LOOKBACK
    dues = [due for due in rule.collect(now, offsets, horizon) if due.due_at <= now]
    if not dues:
        return [], []
    # (subject's type, subject's id) of each due item, in order: a Due is not hashed (its subject would be).
    keys = [(ContentType.objects.get_for_model(due.subject), due.subject.pk) for due in dues]
    # What earlier sweeps recorded is skipped before its title is worded (the database would refuse it).
    recorded = set(
        Notification.objects.filter(
            rule=rule.slug,
            content_type__in={content_type.pk for content_type, _pk in keys},
            object_id__in={object_id for _ct, object_id in keys},
            occasion__in={due.occasion for due in dues},
        ).values_list("content_type_id", "object_id", "recipient_id", "occasion")
    )
    wanted = [
        (
            due,
            content_type,
            object_id,
            [
                uid
                for uid in dict.fromkeys(due.recipients)
                if (content_type.pk, object_id, uid, due.occasion) not in recorded
            ],
        )
        for due, (content_type, object_id) in zip(dues, keys, strict=True)
    ]
    people = {
        pk: (language, email)
        for pk, language, email in User.objects.filter(
            pk__in={uid for *_due, recipients in wanted for uid in recipients}
        ).values_list("pk", "language", "email")
    }
    stamp = timezone.now()
    new_notification = _notification_maker()
    titles = _titles(rule, wanted, people)
    rows = []
    for index, (due, content_type, object_id, recipients) in enumerate(wanted):
        status = Status.PENDING if due.due_at >= catch_up_from else Status.MISSED
        for recipient_id in recipients:
            if recipient_id not in people:
                continue
            language, email = people[recipient_id]
            rows.append(
                new_notification(
                    rule=rule.slug,
                    content_type_id=content_type.pk,
                    object_id=object_id,
                    recipient_id=recipient_id,
                    occasion=due.occasion,
                    due_at=due.due_at,
                    status=status,
                    title=titles[index, language],
                    channel=Notification.Channel.EMAIL if email else Notification.Channel.DASHBOARD,
                    created_at=stamp,
                )
            )
    if not rows:
        return [], []
    fresh = rows if dry_run else _insert_once(rows)
    return (
        [n for n in fresh if n.status == Status.PENDING],
        [n for n in fresh if n.status == Status.MISSED],
    )


def _titles(
    rule: Rule, wanted: list[tuple[Any, ContentType, int, list[int]]], people: dict[int, tuple[str, str]]
) -> dict[tuple[int, str], str]:
    """Each due item's title in each language its recipients read, by (item's index, language): worded
    once per item and language, with each language switched on once for the whole rule rather than once
    per item (switching costs more than wording)."""
    needed: dict[str, list[int]] = {}
    for index, (_due, _content_type, _object_id, recipients) in enumerate(wanted):
        for language in dict.fromkeys(people[uid][0] for uid in recipients if uid in people):
            needed.setdefault(language, []).append(index)
    titles: dict[tuple[int, str], str] = {}
    for language, indexes in needed.items():
        with translation.override(language):
            for index in indexes:
                due = wanted[index][0]
                titles[index, language] = _worded(rule, due.subject, due.occasion)
    return titles


def _insert_once(rows: list[Notification]) -> list[Notification]:
    """Inserts the rows the once-only constraint lets in and returns them, with their ids: what this
    sweep inserted, not what a concurrent one did. One ``INSERT ... ON CONFLICT DO NOTHING RETURNING``
    per batch (SQLite and PostgreSQL both speak it, and batches are sized as bulk_create sizes them), so
    no second query reads the ids back. Written out rather than through bulk_create, which prepares
    every value through its field and then cannot say which rows it inserted: at 6,000 reminders that
    preparation and the read-back cost more than the insert itself."""
    alias = router.db_for_write(Notification)
    connection = connections[alias]
    meta = Notification._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    prepare = [_preparer(field, connection) for field in fields]
    quote = connection.ops.quote_name
    key_columns = [
        meta.get_field(name).column for name in ("content_type", "object_id", "recipient", "occasion")
    ]
    # Names from the model's own options, quoted by the backend; every value is a parameter.
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) VALUES "  # noqa: S608
        "{values} ON CONFLICT DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}, {', '.join(quote(column) for column in key_columns)}"
    )
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    by_key = {(row.content_type_id, row.object_id, row.recipient_id, row.occasion): row for row in rows}
    size = max(connection.ops.bulk_batch_size(fields, rows), 1)
    # A row's values in one call, and converted only where the driver needs it (most values go as they
    # are): at 30,000 reminders a getattr and a call per value was a fifth of the recording.
    values_of = attrgetter(*(field.attname for field in fields))
    converted = [(index, convert) for index, convert in enumerate(prepare) if convert is not _as_is]
    fresh = []
    with connection.cursor() as cursor:
        for first in range(0, len(rows), size):
            batch = rows[first : first + size]
            values = []
            for row in batch:
                row_values = list(values_of(row))
                for index, convert in converted:
                    row_values[index] = convert(row_values[index])
                values += row_values
            cursor.execute(statement.format(values=", ".join([one_row] * len(batch))), values)
            for pk, *key in cursor.fetchall():
                row = by_key[tuple(key)]
                row.pk = pk
                row._state.adding = False
                row._state.db = alias
                fresh.append(row)
    return fresh


def _as_is(value: Any) -> Any:
    return value


def _preparer(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    """How a value of ``field`` goes to the database driver: dates through the backend's adapter (time
    zones), plain text and numbers as they are, anything else through the field as Django would."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: None if value is None else str(value)
    if isinstance(field, models.IntegerField | models.BooleanField | models.ForeignKey):
        return _as_is
    return lambda value: field.get_db_prep_save(value, connection)


def _cancel_rule(rule: Rule, now: dt.datetime) -> int:
    """Cancels the rule's pending reminders that no longer stand, in a few set-based queries."""
    pending = Notification.objects.filter(status=Status.PENDING, rule=rule.slug)
    if rule.stale is not None:
        stale = rule.stale(pending, now)
        if isinstance(stale, QuerySet):
            return Notification.objects.filter(pk__in=stale.values("pk"), status=Status.PENDING).update(
                status=Status.CANCELLED
            )
        return _cancel_ids(list(stale))
    # A rule without a batched check: each pending reminder asked in turn.
    ids = [
        notification.pk
        for notification in pending.select_related("content_type").iterator()
        if notification.subject is None
        or not rule.still_current(notification.subject, notification.occasion, now)
    ]
    return _cancel_ids(ids)


CANCEL_CHUNK = 5_000  # ids per UPDATE: well within every database's limit on parameters


def _cancel_ids(ids: list[int]) -> int:
    return sum(
        Notification.objects.filter(pk__in=ids[first : first + CANCEL_CHUNK], status=Status.PENDING).update(
            status=Status.CANCELLED
        )
        for first in range(0, len(ids), CANCEL_CHUNK)
    )


def _cancel_unknown() -> int:
    """Pending reminders of a rule that no longer exists."""
    return (
        Notification.objects.filter(status=Status.PENDING)
        .exclude(rule__in=list(RULES))
        .update(status=Status.CANCELLED)
    )


def _guarded(report: SweepReport, rule: Rule, work: Callable[[], None]) -> None:
    """Runs one rule's share of the sweep in its own transaction; a failure is logged and reported, and
    loses nothing of the other rules."""
    try:
        with transaction.atomic():
            work()
    except Exception as error:
        logger.exception("Reminder rule %s failed; the other rules went on.", rule.slug)
        report.failed[rule.slug] = f"{error.__class__.__name__}: {error}"


def _record_into(
    report: SweepReport, rule: Rule, now: dt.datetime, dry_run: bool, setting: RuleSetting | None
) -> None:
    offsets = offsets_for(rule, setting)
    if offsets is None:
        return
    created, missed = _record_rule(rule, offsets, now, dry_run)
    report.created += created
    report.missed += missed


def record_due(now: dt.datetime, only: list[str] | None = None, dry_run: bool = False) -> SweepReport:
    """Records each due reminder once; those whose moment passed beyond the catch-up window as missed.
    Each rule in its own transaction."""
    report = SweepReport()
    rule_settings = _rule_settings()
    with one_sweep():
        for rule in _chosen(only):
            outcome = SweepReport()
            _guarded(
                report,
                rule,
                lambda rule=rule, outcome=outcome: _record_into(
                    outcome, rule, now, dry_run, rule_settings.get(rule.slug)
                ),
            )
            if rule.slug not in report.failed:  # a failed rule's rows were rolled back
                report.created += outcome.created
                report.missed += outcome.missed
    if report.created and not dry_run:
        notifications_changed()
    return report


def cancel_stale(now: dt.datetime) -> int:
    """Pending reminders whose reason has gone (a moved date, a cancelled event, a task done) are cancelled:
    a few queries per rule, each rule in its own transaction."""
    report = SweepReport()
    with one_sweep():
        for rule in RULES.values():
            outcome = SweepReport()

            def work(rule: Rule = rule, outcome: SweepReport = outcome) -> None:
                outcome.cancelled = _cancel_rule(rule, now)

            _guarded(report, rule, work)
            report.cancelled += outcome.cancelled
    report.cancelled += _cancel_unknown()
    if report.cancelled:
        notifications_changed()
    return report.cancelled


def reset_stuck(now: dt.datetime) -> int:
    """A worker that died mid-send leaves its row 'sending' and stops renewing its lease; once the lease
    has run out the row waits again, to be queued and claimed anew. A live worker renews its lease, so
    its row is never taken from it. (A row claimed before leases were kept counts from its claim.)"""
    lease = dt.timedelta(seconds=settings.REMINDER_SENDING_LEASE_SECONDS)
    ran_out = Q(lease_until__lt=now) | Q(lease_until__isnull=True, queued_at__lt=now - lease)
    return Notification.objects.filter(ran_out, status=Status.SENDING).update(
        status=Status.PENDING, queued_at=None, lease_until=None
    )


def requeue_stuck(now: dt.datetime | None = None) -> list[int]:
    """Between sweeps (every minute): what a dead worker left 'sending' goes back to waiting once its
    lease ran out, and what waits unqueued (the broker was down) is queued, so neither waits for the
    next sweep. Returns what was queued; a broker still down is logged and tried next time."""
    now = now or timezone.now()
    reset_stuck(now)
    try:
        return queue_pending(now)
    except BrokerUnavailableError as error:
        logger.warning("%s", error)
        return []


# Reminders per delivery task. Publishing a message costs about half a millisecond of the sweep and a
# round trip to the broker, so a sweep that finds thousands waiting sends them in batches; a batch is
# small enough that a few workers share a burst, and that one slow mail server delays few others.
DELIVERY_BATCH = 50


def queue_pending(now: dt.datetime) -> list[int]:
    """Queues delivery of what waits and was not queued in the last minutes, ``DELIVERY_BATCH`` reminders
    to a task. Raises when the broker is down."""
    from reminders.tasks import deliver_notification  # noqa: PLC0415 - tasks.py imports this module

    not_recently_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    waiting = Notification.objects.filter(not_recently_queued, status=Status.PENDING, due_at__lte=now)
    ids = list(waiting.order_by("due_at", "pk").values_list("pk", flat=True))
    queued: list[int] = []
    try:
        for first in range(0, len(ids), DELIVERY_BATCH):
            batch = ids[first : first + DELIVERY_BATCH]
            try:
                deliver_notification.apply_async(tuple(batch), retry=False)
            except Exception as error:
                raise BrokerUnavailableError(
                    f"Could not queue reminders ({error.__class__.__name__}: {error}); "
                    f"{len(queued)} queued, the rest stay pending for the next sweep."
                ) from error
            queued += batch
    finally:
        # What went to the broker is marked in a few updates, not one per reminder. Should the process
        # die before this, the rows are queued again next time; delivery's claim sends each once.
        stamp = timezone.now()
        for first in range(0, len(queued), CANCEL_CHUNK):
            Notification.objects.filter(pk__in=queued[first : first + CANCEL_CHUNK]).update(queued_at=stamp)
    return queued


def sweep(
    now: dt.datetime | None = None, *, only: list[str] | None = None, dry_run: bool = False
) -> SweepReport:
    """Each rule records what is due and cancels what no longer stands in its own transaction, so a
    rule that fails loses nothing of the others (``report.failed`` names it); then delivery is queued."""
    now = now or timezone.now()
    report = SweepReport()
    rule_settings = _rule_settings()
    with one_sweep():
        for rule in RULES.values():
            chosen = not only or rule.slug in only
            if dry_run and not chosen:
                continue
            outcome = SweepReport()

            def work(rule: Rule = rule, outcome: SweepReport = outcome, chosen: bool = chosen) -> None:
                if chosen:
                    _record_into(outcome, rule, now, dry_run, rule_settings.get(rule.slug))
                if not dry_run:  # every rule's stale reminders, as before, whichever rules record
                    outcome.cancelled += _cancel_rule(rule, now)

            _guarded(report, rule, work)
            if rule.slug not in report.failed:
                report.created += outcome.created
                report.missed += outcome.missed
                report.cancelled += outcome.cancelled
    if dry_run:
        return report
    report.cancelled += _cancel_unknown()
    if report.created or report.cancelled:
        notifications_changed()  # the bells and lists of the people concerned count again
    report.reset = reset_stuck(now)
    try:
        report.queued = queue_pending(now)
    except BrokerUnavailableError as error:
        logger.error("%s", error)
        report.error = str(error)
    # The sweep completed even when queueing failed (or a rule did): what waits stays pending for the next.
    record_heartbeat("reminders.sweep")
    return report


# Delivery ---------------------------------------------------------------------------------------


def deliver(notification_id: int, now: dt.datetime | None = None) -> str:
    """Sends one reminder. Returns sent, skipped (not pending: sent already or taken by another
    worker), cancelled, retry or failed. Safe to call again for the same row."""
    now = now or timezone.now()
    lease = settings.REMINDER_SENDING_LEASE_SECONDS
    claimed = Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        queued_at=now,
        lease_until=now + dt.timedelta(seconds=lease),
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("recipient", "content_type").get(pk=notification_id)
    # This claim, and only while it holds: its attempt number tells it from a later worker's.
    mine = Notification.objects.filter(
        pk=notification_id, status=Status.SENDING, attempts=notification.attempts
    )
    rule = RULES.get(notification.rule)
    subject = notification.subject
    if rule is None or subject is None or not rule.still_current(subject, notification.occasion, now):
        if mine.update(status=Status.CANCELLED, lease_until=None):
            forget_counts(notification.recipient_id)
        return "cancelled"
    recipient = notification.recipient
    if notification.channel == Notification.Channel.DASHBOARD or not recipient.email:
        _finish(mine, notification, now, note="no email address: shown in the dashboard only")
        return "sent"
    try:
        with lease_kept(mine, "lease_until", lease):
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
            mine.update(status=Status.FAILED, last_error=message, lease_until=None)
            return "failed"
        mine.update(status=Status.PENDING, last_error=message, lease_until=None)
        return "retry"
    _finish(mine, notification, now)
    return "sent"


def _finish(mine: QuerySet, notification: Notification, now: dt.datetime, note: str = "") -> None:
    DeliveryAttempt.objects.create(notification=notification, at=now, succeeded=True, error=note)
    if not mine.update(status=Status.SENT, sent_at=now, last_error="", lease_until=None):
        # Only when this worker stalled past its lease without renewing it: the Message-ID lets the
        # receiving server drop the other copy.
        logger.warning("Reminder %s was taken over while this worker sent it.", notification.pk)


def message_id(notification: Notification) -> str:
    """The same for every attempt at one reminder, so a receiving server can drop a repeat."""
    return f"<reminder-{notification.pk}@{settings.ICAL_UID_DOMAIN}>"


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: doubling from the base, at most six hours."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600)


def resend(notifications: list[Notification]) -> int:
    """The admin's resend: failed (or sent) reminders go back to pending, to be queued by the next sweep."""
    ids = [n.pk for n in notifications if n.status in (Status.FAILED, Status.SENT, Status.CANCELLED)]
    count = Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0, queued_at=None)
    if count:
        notifications_changed()
    return count


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


# What a person's list and bell count --------------------------------------------------------------

# The version counter of everyone's counts: bumped when reminders appear or leave the shown statuses in
# bulk (a sweep, a resend, a save in the admin). One person's own change (read, cancelled at delivery)
# forgets only their counts.
NOTIFICATIONS = "notifications"
# A kept count is trusted at most this long, whatever the counters say: a bump lost while the cache was
# away, or a reminder recorded with a moment still ahead, shows within it.
COUNTS_TIMEOUT = 300


@dataclass(frozen=True)
class Counts:
    shown: int
    unread: int
    # Made afresh each time the counts are counted: content kept under it (the list's page) is kept
    # exactly as long as the counts are, since everything that changes the one changes the other.
    token: int = 0


def shown_to(user: User) -> QuerySet[Notification]:
    """The person's reminders as their list shows them: due, and neither missed nor cancelled."""
    return Notification.objects.filter(recipient=user, status__in=SHOWN, due_at__lte=timezone.now())


def _counts_key(user_id: int) -> str:
    return f"notifications:counts:{user_id}"


def counts_for(user: User) -> Counts:
    """How many reminders the person's list holds and how many are unread: counted once and kept in the
    shared cache until a sweep or their own reading changes them, so the bell on every page and the
    list's pager cost one cache read instead of two counts over the person's whole history."""
    return _kept_counts(user)


def counts_for_request(request: HttpRequest) -> Counts:
    """``counts_for`` the signed-in person, read once per request (the list and the bell both ask)."""
    counts = getattr(request, "_reminder_counts", None)
    if counts is None:
        counts = request._reminder_counts = _kept_counts(request.user)
    return counts


def _personal_key(user_id: int) -> str:
    return f"notifications:personal:{user_id}"


def _kept_counts(user: User) -> Counts:
    key, personal_key = _counts_key(user.pk), _personal_key(user.pk)
    version_key = versions.PREFIX + NOTIFICATIONS
    personal = None
    try:
        found = cache.get_many([version_key, key, personal_key])
    except Exception:
        logger.warning("Notification counts unavailable from the cache; counting afresh.", exc_info=True)
        found = None
    version = None
    if found is not None:
        version = found.get(version_key)
        if version is None:
            version = (versions.current(NOTIFICATIONS) or (None,))[0]
        personal = found.get(personal_key)
        kept = found.get(key)
        if version is not None and kept is not None and kept[0] == (version, personal):
            return Counts(shown=kept[1], unread=kept[2], token=kept[3])
    counted = shown_to(user).aggregate(shown=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    counts = Counts(**counted, token=time.time_ns())
    if version is not None:
        try:
            # Kept under both counters as read before counting: a reading that commits meanwhile moves
            # the personal one, so these counts are never served after it.
            cache.set(key, ((version, personal), counts.shown, counts.unread, counts.token), COUNTS_TIMEOUT)
        except Exception:
            logger.warning("Could not keep notification counts.", exc_info=True)
    return counts


def forget_counts(user_id: int) -> None:
    """The person's counts changed (they read, or a reminder of theirs was cancelled): counted afresh on
    their next page, now and again once the change commits, so a count made in between is not kept."""

    def forget() -> None:
        key = _personal_key(user_id)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet (or evicted): a value never used before
                cache.add(key, time.time_ns(), timeout=None)
        except Exception:
            logger.warning("Could not forget notification counts.", exc_info=True)

    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget, robust=True)


def notifications_changed() -> None:
    """Everyone's counts are counted afresh: at once, and again once the change commits."""
    versions.bump(NOTIFICATIONS)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: versions.bump(NOTIFICATIONS), robust=True)


def mark_read(user: User, pk: int | None = None) -> int:
    """Marks one of the person's reminders read, or all of them: how many were unread."""
    unread = shown_to(user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    count = unread.update(read_at=timezone.now())
    if count:
        forget_counts(user.pk)
    return count
