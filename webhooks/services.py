"""Every write about webhooks: registering an endpoint, recording a delivery at a change, sending it with
retries, switching off an endpoint that keeps failing, resending, pruning.

A delivery's body is built at the change, inside its transaction, from what a representative of the
institution may see; the send is queued once the transaction commits (``queue_after_commit``), so a
change rolled back tells nobody. Sending claims the row with a conditional update and a lease, so two
workers (a retry and the periodic sweep, or two sweeps) never send one delivery at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from webhooks import permissions, signing, targets
from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret
from zones_portal.lifecycle import on_behalf_of
from zones_portal.models import User
from zones_portal.permissions import institution_acting_for, is_secretariat
from zones_portal.queueing import lease_kept, queue_after_commit, queue_now
from zones_portal.widgets import readers_number

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
ERROR_LENGTH = 1000
# What the notice rule (webhooks/reminders.py) is called; the sweep of that rule alone is queued at once.
DISABLED_RULE = "webhook-endpoint-disabled"


# Registration ----------------------------------------------------------------------------------------


def _clean_topics(topics: object) -> tuple[list[str], list[str]]:
    """(the topics, each once and in the catalogue's order; the problems, worded for the person)."""
    if not isinstance(topics, list | tuple) or not topics:
        return [], [gettext("Choose at least one topic.")]
    known = set(Topic.values)
    unknown = [str(topic) for topic in topics if topic not in known]
    if unknown:
        return [], [
            gettext("Unknown topic: %(topic)s. Choose among %(known)s.")
            % {"topic": ", ".join(unknown), "known": ", ".join(Topic.values)}
        ]
    return [value for value in Topic.values if value in topics], []


def endpoint_errors(url: str | None, topics: object | None) -> dict[str, list[str]]:
    """Every problem with an address and its topics at once, per field (None: not being changed)."""
    errors: dict[str, list[str]] = {}
    if url is not None:
        try:
            targets.check(url)
        except targets.UnsafeTarget as error:
            errors["url"] = [str(error)]
    if topics is not None:
        _topics, problems = _clean_topics(topics)
        if problems:
            errors["topics"] = problems
    return errors


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


@transaction.atomic
def register_endpoint(actor: User, *, url: str, topics: list[str], description: str = "") -> WebhookEndpoint:
    """An institution's representative registers an address for its institution."""
    institution_id = institution_acting_for(actor)
    _require(institution_id is not None, gettext("Only a partner institution registers webhook endpoints."))
    errors = endpoint_errors(url, topics)
    if errors:
        raise ValidationError(errors)
    return WebhookEndpoint.objects.create(
        institution_id=institution_id,
        url=url.strip(),
        description=description,
        topics=_clean_topics(topics)[0],
        created_by=actor,
    )


@transaction.atomic
def update_endpoint(actor: User, endpoint: WebhookEndpoint, **fields: Any) -> WebhookEndpoint:
    """The institution changes its address, topics or description, or switches it on or off. Switching
    it on again starts the failure count afresh."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    _require(
        WebhookEndpoint.objects.editable_by(actor).filter(pk=endpoint.pk).exists(),
        gettext("Only the institution's representatives change its endpoints."),
    )
    unknown = set(fields) - {"url", "topics", "description", "is_active"}
    if unknown:
        raise ValueError(f"Not an endpoint's field: {', '.join(sorted(unknown))}")
    errors = endpoint_errors(fields.get("url"), fields.get("topics"))
    if errors:
        raise ValidationError(errors)
    if "url" in fields:
        endpoint.url = fields["url"].strip()
    if "topics" in fields:
        endpoint.topics = _clean_topics(fields["topics"])[0]
    if "description" in fields:
        endpoint.description = fields["description"]
    if "is_active" in fields:
        if fields["is_active"] and not endpoint.is_active:
            switch_on(endpoint)
        elif not fields["is_active"] and endpoint.is_active:
            switch_off(endpoint, gettext("Switched off by the institution."), actor)
    endpoint.save()
    return endpoint


def switch_on(endpoint: WebhookEndpoint) -> None:
    """Back in service with a clean slate (the caller saves): the admin and the API both call this."""
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.switched_off_for_failures = False


def switch_off(endpoint: WebhookEndpoint, reason: str, actor: User | None) -> None:
    """Out of service by a person's choice (the caller saves): the admin and the API both call this.
    The failure count is kept for the record, but no "switched off after failures" notice follows:
    whoever switched it off knows. ``actor`` is who did it, for the endpoint's history."""
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason
    endpoint.switched_off_for_failures = False
    on_behalf_of(actor, endpoint)


@transaction.atomic
def delete_endpoint(actor: User, endpoint: WebhookEndpoint) -> None:
    _require(
        WebhookEndpoint.objects.editable_by(actor).filter(pk=endpoint.pk).exists(),
        gettext("Only the institution's representatives change its endpoints."),
    )
    endpoint.delete()


@transaction.atomic
def rotate_secret(actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret at once: deliveries from now on (retries included) are signed with it."""
    _require(
        is_secretariat(actor) or WebhookEndpoint.objects.editable_by(actor).filter(pk=endpoint.pk).exists(),
        gettext("Only the institution's representatives change its endpoints."),
    )
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


# Recording deliveries at a change --------------------------------------------------------------------


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(16)


def subscribed(topic: str, institution_ids: Iterable[int] | None = None) -> list[WebhookEndpoint]:
    """Active endpoints that asked for ``topic``, of those institutions (None: of every institution)."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True)
    if institution_ids is not None:
        ids = {pk for pk in institution_ids if pk is not None}
        if not ids:
            return []
        endpoints = endpoints.filter(institution_id__in=ids)
    return [endpoint for endpoint in endpoints.order_by("pk") if topic in (endpoint.topics or [])]


def as_json(data: Any) -> Any:
    """What a serializer gave, as plain JSON values (dates as text), fit for the JSON column."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    topic: str,
    endpoints: Iterable[WebhookEndpoint],
    data_for: Callable[[User], dict[str, Any] | None],
    now: dt.datetime | None = None,
) -> list[WebhookDelivery]:
    """One delivery per endpoint whose institution may see the resource, each queued after the commit.

    ``data_for(person)`` returns the resource as the API shows it to ``person``, a representative of the
    endpoint's institution, or None when that person may not see it: then nothing is sent."""
    from webhooks import tasks  # noqa: PLC0415 - tasks.py imports this module

    now = now or timezone.now()
    recorded = []
    for endpoint in endpoints:
        person = permissions.representative_for(endpoint)
        if person is None:
            continue
        data = data_for(person)
        if data is None:
            continue
        message_id = new_message_id()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=message_id,
            topic=topic,
            payload={
                "id": message_id,
                "type": topic,
                "timestamp": timezone.localtime(now).isoformat(),
                "data": as_json(data),
            },
            next_attempt_at=now,
            created_at=now,
        )
        queue_after_commit(tasks.send_delivery, delivery.pk)
        recorded.append(delivery)
    return recorded


# Sending -----------------------------------------------------------------------------------------------


def retry_delays() -> list[float]:
    return [float(seconds) for seconds in settings.WEBHOOK_RETRY_DELAYS]


def claim(delivery_id: int, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Takes a pending, due delivery for this worker, or None when it is not due, done, or another
    worker's lease on it still holds. One conditional UPDATE: of two workers, one wins."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(lease_until=now + lease, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def deliver(delivery_id: int, now: dt.datetime | None = None) -> tuple[str, float]:
    """Sends one delivery: (delivered | retry | failed | skipped, seconds until the retry). Safe to call
    again for the same id: a delivery already sent, or held by another worker, is skipped."""
    delivery = claim(delivery_id, now)
    if delivery is None:
        return "skipped", 0
    return send_claimed(delivery)


def send_claimed(delivery: WebhookDelivery) -> tuple[str, float]:
    # This claim, and only while it holds: its attempt number tells it from a later worker's.
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING, attempts=delivery.attempts)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        mine.update(
            status=Status.FAILED,
            lease_until=None,
            next_attempt_at=None,
            last_error=gettext("The endpoint is switched off."),
        )
        return "failed", 0
    started = time.monotonic()
    attempted_at = timezone.now()
    try:
        target = targets.check(endpoint.url)
    except targets.UnsafeTarget as refusal:
        answer = signing.Answer(None, str(refusal))
    else:
        body = signing.body_of(delivery.payload)
        headers = signing.headers_for(endpoint.secret, delivery.message_id, body)
        with lease_kept(mine, "lease_until", settings.WEBHOOK_LEASE_SECONDS):
            answer = signing.post(target, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=answer.status_code,
        error=answer.error[:ERROR_LENGTH],
        duration_ms=duration_ms,
    )
    finished = timezone.now()
    if answer.status_code is not None and 200 <= answer.status_code < 300:
        if mine.update(
            status=Status.DELIVERED,
            delivered_at=finished,
            last_status_code=answer.status_code,
            last_error="",
            lease_until=None,
            next_attempt_at=None,
        ):
            WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(consecutive_failures=0).update(
                consecutive_failures=0
            )
        return "delivered", 0
    error = answer.error or f"HTTP {answer.status_code}"
    delays = retry_delays()
    if delivery.attempts > len(delays):
        if mine.update(
            status=Status.FAILED,
            last_status_code=answer.status_code,
            last_error=error[:ERROR_LENGTH],
            lease_until=None,
            next_attempt_at=None,
        ):
            _count_failure(endpoint.pk, finished)
        return "failed", 0
    delay = delays[delivery.attempts - 1]
    mine.update(
        last_status_code=answer.status_code,
        last_error=error[:ERROR_LENGTH],
        lease_until=None,
        next_attempt_at=finished + dt.timedelta(seconds=delay),
    )
    return "retry", delay


@transaction.atomic
def _count_failure(endpoint_id: int, now: dt.datetime) -> None:
    """One more delivery failed for good; too many in a row, or failing for more than a day, switches the
    endpoint off and its institution is told (the notice rule in webhooks/reminders.py)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.consecutive_failures += 1
    fields = ["consecutive_failures", "updated_at"]
    reason = _why_switched_off(endpoint, now) if endpoint.is_active else ""
    if reason:
        endpoint.disabled_reason = reason
        endpoint.is_active = False
        endpoint.disabled_at = now
        endpoint.switched_off_for_failures = True
        fields += ["is_active", "disabled_at", "disabled_reason", "switched_off_for_failures"]
        _tell_the_owner()
    endpoint.save(update_fields=fields)


def _why_switched_off(endpoint: WebhookEndpoint, now: dt.datetime) -> str:
    """Why the endpoint should be switched off now, in the portal's own language (for the admin; the
    notice is worded for each reader); "" while it may go on."""
    count, hours = endpoint.consecutive_failures, settings.WEBHOOK_DISABLE_AFTER_HOURS
    with translation.override(settings.LANGUAGE_CODE):
        if count >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
            return ngettext(
                "%(count)s delivery in a row could not be delivered.",
                "%(count)s deliveries in a row could not be delivered.",
                count,
            ) % {"count": readers_number(str(count))}
        if _failing_since(endpoint) <= now - dt.timedelta(hours=hours):
            return gettext("Deliveries have been failing for more than %(hours)s hours.") % {
                "hours": readers_number(str(hours))
            }
    return ""


def _failing_since(endpoint: WebhookEndpoint) -> dt.datetime:
    """When the first delivery of the current run of failures was made (none succeeded since)."""
    last_success = endpoint.deliveries.filter(status=Status.DELIVERED).aggregate(at=Max("delivered_at"))["at"]
    failures = endpoint.deliveries.filter(status=Status.FAILED)
    if last_success is not None:
        failures = failures.filter(created_at__gt=last_success)
    return failures.aggregate(at=Min("created_at"))["at"] or timezone.now()


def _tell_the_owner() -> None:
    """The notice is a reminder of its own rule: a notification in the portal and a mail, in each
    recipient's language, once. Its sweep is queued at once; the regular sweep catches up otherwise."""
    from reminders import tasks as reminder_tasks  # noqa: PLC0415 - only when an endpoint is switched off

    queue_after_commit(reminder_tasks.sweep, only=[DISABLED_RULE])


# The admin's and the API's resend, the periodic sweep and pruning ------------------------------------


def _free(now: dt.datetime) -> Q:
    """No worker holds the delivery: never claimed, or its lease ran out."""
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def resend(deliveries: Iterable[WebhookDelivery]) -> int:
    """Sends again, with the same message id (so a receiver can drop a repeat), as a fresh series of
    attempts. Only deliveries not being sent right now, to an endpoint that is on.

    One claim, not a look then a write: the rows are locked as they are chosen (a worker sending one
    holds its row and is skipped) and the reset is filtered by the same condition, so a worker that
    claimed a row in between keeps it and the reset leaves it alone. Otherwise the reset would clear
    that worker's lease and a second task would send the same delivery while the first one does."""
    from webhooks import tasks  # noqa: PLC0415 - tasks.py imports this module

    ids = [delivery.pk for delivery in deliveries]
    with transaction.atomic():
        now = timezone.now()
        sendable = WebhookDelivery.objects.filter(pk__in=ids, endpoint__is_active=True).filter(_free(now))
        chosen = list(
            sendable.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        reset = []
        for pk in chosen:
            if sendable.filter(pk=pk).update(
                status=Status.PENDING, attempts=0, next_attempt_at=now, lease_until=None, delivered_at=None
            ):
                reset.append(pk)
                queue_after_commit(tasks.send_delivery, pk)
    return len(reset)


def why_not_resent(delivery: WebhookDelivery, now: dt.datetime | None = None) -> str:
    """Why a delivery was not sent again, in the reader's language (the API's refusal)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.is_active:
        return gettext("Switch the endpoint on before sending its deliveries again.")
    if delivery.lease_until is not None and delivery.lease_until >= now:
        return gettext("This delivery is being sent right now; try again once the attempt is over.")
    return gettext("This delivery could not be sent again; try again in a moment.")


def due_ids(now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries due for a while whose task seems lost (the broker dropped it, a worker died):
    the grace leaves a queued retry its own chance first."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    return list(
        WebhookDelivery.objects.due(now - grace)
        .filter(_free(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.WEBHOOK_SWEEP_BATCH]
    )


def prune(now: dt.datetime | None = None) -> int:
    """Deliveries older than the keeping period go, with their attempts; pending ones stay."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    old = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(status=Status.PENDING)
    deleted, _by_model = old.delete()
    return deleted


def queue_due(now: dt.datetime | None = None) -> list[int]:
    """Queues each due delivery's send; the send's claim makes a delivery queued twice harmless."""
    from webhooks import tasks  # noqa: PLC0415 - tasks.py imports this module

    queued = []
    for pk in due_ids(now):
        if queue_now(tasks.send_delivery, pk):
            queued.append(pk)
    return queued
