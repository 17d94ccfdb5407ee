"""What each change tells which institution: the receivers of the core's signals (zones_portal.signals),
connected in ``WebhooksConfig.ready``, and the periodic announcement of calls that opened after they
were published.

Each receiver runs inside the service's transaction: it finds the institutions concerned, asks whether a
representative of each may see the resource, and records the body as the API's serializer shows it. It
does so in a savepoint of its own (``apart``): a webhook is news of a change, never a condition of it, so
a fault while recording one is logged and rolled back alone, and the decision it reports stands.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from agreements.api import ObligationSerializer
from agreements.models import Obligation, Party
from events.api import EventSerializer, ParticipationSerializer
from events.models import Event, Participation
from talent.api import NominationReceiptSerializer, TalentCallSerializer
from talent.models import Application, TalentCall
from webhooks import services
from webhooks.models import Topic, WebhookDelivery, WebhookEndpoint
from zones_portal.models import Membership, User

logger = logging.getLogger(__name__)

# The moves that decide a nomination (talent.services.APPLICATION_LIFECYCLE).
NOMINATION_DECISIONS = ("shortlist", "select", "turn_down")


def apart(receiver: Callable[..., None]) -> Callable[..., None]:
    """Runs a receiver in a savepoint and logs its failure instead of raising it into the service."""

    @functools.wraps(receiver)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            with transaction.atomic():
                receiver(*args, **kwargs)
        except Exception:
            logger.exception("Could not record the webhooks of a change; the change itself is saved.")

    return guarded


@apart
def on_status_changed(
    sender: type, record: Any, move: str, from_status: str, to_status: str, **kwargs: Any
) -> None:
    if sender is Event:
        event_status_changed(record, from_status, to_status)
    elif sender is Obligation:
        obligation_status_changed(record, from_status, to_status)
    elif sender is Application and move in NOMINATION_DECISIONS:
        nomination_decided(record, from_status, to_status)


@apart
def on_invitation_answered(sender: type, participation: Participation, **kwargs: Any) -> None:
    invitation_answered(participation)


@apart
def on_call_opened(sender: type, call: TalentCall, **kwargs: Any) -> None:
    call_opened(call)


# Events -------------------------------------------------------------------------------------------------


def institutions_of(event: Event) -> set[int]:
    """The institutions an event is theirs: its co-organisers, and the one it was proposed on behalf of
    (its proposer's institution)."""
    ids = set(event.co_organisers.values_list("pk", flat=True))
    if event.created_by_id is not None:
        ids |= set(
            Membership.objects.filter(
                user_id=event.created_by_id, role=Membership.Role.INSTITUTION, institution__isnull=False
            ).values_list("institution_id", flat=True)
        )
    return ids


def _event_as_shown(event_id: int) -> dict[str, Any]:
    event = (
        Event.objects.select_related("category", "host_zone")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("zone")), "co_organisers"
        )
        .get(pk=event_id)
    )
    return dict(EventSerializer(event).data)


def _event_data(event_id: int, extra: dict[str, Any]) -> Any:
    """The event as the events API shows it, built once, sent only to those who may see it."""
    shown: dict[str, Any] = {}

    def data_for(person: User) -> dict[str, Any] | None:
        if not Event.objects.visible_to(person).filter(pk=event_id).exists():
            return None
        if not shown:
            shown.update(_event_as_shown(event_id))
        return {**shown, **extra}

    return data_for


def _any_active_endpoint() -> bool:
    """One cheap question before the rest: most changes concern no endpoint at all. (Which topics each
    endpoint asked for is read later, with the endpoints themselves.)"""
    return WebhookEndpoint.objects.filter(is_active=True).exists()


def event_status_changed(event: Event, from_status: str, to_status: str) -> None:
    if not _any_active_endpoint():
        return
    endpoints = services.subscribed(Topic.EVENT_STATUS, institutions_of(event))
    if endpoints:
        extra = {"previous_status": from_status, "status": to_status}
        services.record(Topic.EVENT_STATUS, endpoints, _event_data(event.pk, extra))


def invitation_answered(participation: Participation) -> None:
    if not _any_active_endpoint():
        return
    event = participation.event
    endpoints = services.subscribed(Topic.INVITATION_ANSWERED, institutions_of(event))
    if endpoints:
        participation = Participation.objects.select_related("zone").get(pk=participation.pk)
        extra = {"invitation": dict(ParticipationSerializer(participation).data)}
        services.record(Topic.INVITATION_ANSWERED, endpoints, _event_data(event.pk, extra))


# Obligations and nominations ---------------------------------------------------------------------------


def obligation_status_changed(obligation: Obligation, from_status: str, to_status: str) -> None:
    if not _any_active_endpoint():
        return
    parties = Party.objects.filter(
        agreement_id=obligation.agreement_id, kind=Party.Kind.INSTITUTION
    ).values_list("institution_id", flat=True)
    endpoints = services.subscribed(Topic.OBLIGATION_STATUS, parties)
    if not endpoints:
        return

    def data_for(person: User) -> dict[str, Any] | None:
        shown = Obligation.objects.visible_to(person).select_related("party").filter(pk=obligation.pk).first()
        if shown is None:
            return None
        return {**ObligationSerializer(shown).data, "previous_status": from_status, "status": to_status}

    services.record(Topic.OBLIGATION_STATUS, endpoints, data_for)


def nomination_decided(application: Application, from_status: str, to_status: str) -> None:
    if application.nominated_by_id is None or not _any_active_endpoint():
        return
    endpoints = services.subscribed(Topic.NOMINATION_DECIDED, [application.nominated_by_id])
    if not endpoints:
        return

    def data_for(person: User) -> dict[str, Any] | None:
        if not Application.objects.visible_to(person).filter(pk=application.pk).exists():
            return None
        receipt = {"id": application.pk, "tracking_code": application.tracking_code, "status": to_status}
        return {
            **NominationReceiptSerializer(receipt).data,
            "call": application.call_id,
            "previous_status": from_status,
        }

    services.record(Topic.NOMINATION_DECIDED, endpoints, data_for)


# Talent calls ------------------------------------------------------------------------------------------


def _call_data(call_id: int) -> Any:
    shown: dict[str, Any] = {}

    def data_for(person: User) -> dict[str, Any] | None:
        # The talent calls API shows every published call to any signed-in caller.
        if not shown:
            call = (
                TalentCall.objects.published()
                .prefetch_related("disciplines", "eligible_zones", "criteria")
                .filter(pk=call_id)
                .first()
            )
            if call is None:
                return None
            shown.update(TalentCallSerializer(call).data)
        return dict(shown)

    return data_for


def call_opened(call: TalentCall, endpoints: list[WebhookEndpoint] | None = None) -> int:
    if endpoints is None:
        if not _any_active_endpoint():
            return 0
        endpoints = services.subscribed(Topic.CALL_OPENED)
    if not endpoints:
        return 0
    return len(services.record(Topic.CALL_OPENED, endpoints, _call_data(call.pk)))


def announce_opened_calls(now: dt.datetime | None = None) -> int:
    """Calls published before their opening are announced once it has passed: to each endpoint that
    asked and existed at the opening, once (a call and an endpoint already told are skipped). Each call
    is locked while its announcements are recorded, so two overlapping runs (or a publication) never
    tell an endpoint twice. Calls that opened longer ago than the window are left alone."""
    now = now or timezone.now()
    window = now - dt.timedelta(hours=settings.WEBHOOK_CALL_ANNOUNCE_HOURS)
    candidates = list(
        TalentCall.objects.published()
        .filter(opens_at__lte=now, opens_at__gt=window, closes_at__gt=now)
        .values_list("pk", flat=True)
    )
    if not candidates or not _any_active_endpoint():
        return 0
    recorded = 0
    for call_id in candidates:
        with transaction.atomic():
            call = TalentCall.objects.select_for_update().filter(pk=call_id).first()
            if call is None:
                continue
            endpoints = [
                endpoint
                for endpoint in services.subscribed(Topic.CALL_OPENED)
                if endpoint.created_at <= call.opens_at
            ]
            told = set(
                WebhookDelivery.objects.filter(
                    topic=Topic.CALL_OPENED, endpoint__in=endpoints, payload__data__id=call.pk
                ).values_list("endpoint_id", flat=True)
            )
            fresh = [endpoint for endpoint in endpoints if endpoint.pk not in told]
            recorded += call_opened(call, fresh)
    return recorded
