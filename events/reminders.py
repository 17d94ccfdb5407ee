"""Reminder rules that read events: upcoming events, unanswered invitations, overdue reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventReport, Participation, StatusChange
from reminders.registry import (
    Due,
    Rule,
    days,
    deputy_ids,
    institution_user_ids,
    moment_key,
    occasion_parts,
    register,
    secretariat_ids,
)
from zones_portal.dates import format_date

Status = Event.Status


def _event_context(event: Event, headline: str) -> dict:
    return {
        "headline": headline,
        "details": [
            f"{event.host_zone.name} · {event.category.name}",
            format_date(event.starts_at, "datetime"),
            event.venue,
        ],
        "path": reverse("events:detail", args=[event.pk]),
    }


# Event upcoming: 14, 7 and 1 days before an approved event starts.


def upcoming_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    for offset in offsets:
        # due_at = starts_at - offset lies in [horizon, now]
        events = (
            Event.objects.filter(
                status=Status.APPROVED,
                starts_at__gt=horizon + days(offset),
                starts_at__lte=now + days(offset),
            )
            .select_related("host_zone", "category")
            .prefetch_related("participations", "co_organisers")
        )
        for event in events:
            zones = [event.host_zone_id] + [
                p.zone_id for p in event.participations.all() if p.answer != Participation.Answer.DECLINED
            ]
            recipients = deputy_ids(zones) + institution_user_ids(i.pk for i in event.co_organisers.all())
            yield Due(
                event,
                f"before-{offset}d:{moment_key(event.starts_at)}",
                event.starts_at - days(offset),
                recipients,
            )


def upcoming_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return event.status == Status.APPROVED and occasion_parts(occasion)[1] == moment_key(event.starts_at)


def upcoming_context(event: Event, occasion: str) -> dict:
    offset = occasion_parts(occasion)[0].removeprefix("before-").removesuffix("d")
    return _event_context(
        event, _("“%(title)s” starts in %(days)s days") % {"title": event.title, "days": offset}
    )


register(
    Rule(
        slug="event_upcoming",
        title=_("Event upcoming"),
        description=_(
            "Days before an approved event starts; to the deputies of the host and participating zones and the co-organising institutions."
        ),
        collect=upcoming_collect,
        still_current=upcoming_current,
        context=upcoming_context,
    )
)


# Invitation unanswered: 7 days after the invitation; 10 days before the event; the secretariat too from 3 days before.


def invitation_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    after_invite, before_event, secretariat_from = [*offsets, 7, 10, 3][:3]
    open_invitations = Participation.objects.filter(
        answer=Participation.Answer.INVITED,
        invited_at__isnull=False,
        event__status__in=[Status.SUBMITTED, Status.APPROVED],
        event__starts_at__gt=now,
    ).select_related("event__host_zone", "event__category", "zone")
    for participation in open_invitations.filter(
        invited_at__gt=horizon - days(after_invite), invited_at__lte=now - days(after_invite)
    ):
        yield Due(
            participation,
            f"after-{after_invite}d:{moment_key(participation.invited_at)}",
            participation.invited_at + days(after_invite),
            deputy_ids([participation.zone_id]),
        )
    for participation in open_invitations.filter(event__starts_at__lte=now + days(before_event)):
        start = participation.event.starts_at
        yield Due(
            participation,
            f"before-{before_event}d:{moment_key(start)}",
            start - days(before_event),
            deputy_ids([participation.zone_id]),
        )
    for participation in open_invitations.filter(event__starts_at__lte=now + days(secretariat_from)):
        start = participation.event.starts_at
        yield Due(
            participation,
            f"secretariat-{secretariat_from}d:{moment_key(start)}",
            start - days(secretariat_from),
            deputy_ids([participation.zone_id]) + secretariat_ids(),
        )


def invitation_current(participation: Participation, occasion: str, now: dt.datetime) -> bool:
    event = participation.event
    if participation.answer != Participation.Answer.INVITED or event.status not in (
        Status.SUBMITTED,
        Status.APPROVED,
    ):
        return False
    kind, key = occasion_parts(occasion)
    if kind.startswith("after-"):
        return participation.invited_at is not None and key == moment_key(participation.invited_at)
    return key == moment_key(event.starts_at)


def invitation_context(participation: Participation, occasion: str) -> dict:
    event = participation.event
    return _event_context(
        event,
        _("%(zone)s has not yet answered the invitation to “%(title)s”")
        % {"zone": participation.zone.name, "title": event.title},
    ) | {"path": reverse("events:invitation", args=[event.pk])}


register(
    Rule(
        slug="invitation_unanswered",
        title=_("Invitation unanswered"),
        description=_(
            "Days after the invitation; days before the event; and from how many days before the event the secretariat is told too."
        ),
        collect=invitation_collect,
        still_current=invitation_current,
        context=invitation_context,
    )
)


# Report overdue: 7 days after a held event with no report; again at 21 days, the secretariat too.


def report_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    last = max(offsets) if offsets else None
    unreported = ~Exists(EventReport.objects.filter(event_id=OuterRef("pk")))
    for offset in offsets:
        events = Event.objects.filter(
            unreported,
            status__in=[Status.HELD, Status.APPROVED],
            ends_at__gt=horizon - days(offset),
            ends_at__lte=now - days(offset),
        ).select_related("host_zone", "category")
        for event in events:
            recipients = deputy_ids([event.host_zone_id]) + (secretariat_ids() if offset == last else ())
            yield Due(
                event,
                f"after-{offset}d:{moment_key(event.ends_at)}",
                event.ends_at + days(offset),
                recipients,
            )


def report_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return (
        event.status in (Status.HELD, Status.APPROVED)
        and not EventReport.objects.filter(event=event).exists()
        and occasion_parts(occasion)[1] == moment_key(event.ends_at)
    )


def report_context(event: Event, occasion: str) -> dict:
    return _event_context(event, _("The report on “%(title)s” is overdue") % {"title": event.title}) | {
        "path": reverse("events:report", args=[event.pk])
    }


register(
    Rule(
        slug="report_overdue",
        title=_("Report overdue"),
        description=_(
            "Days after a held event ends with no report; at the last one the secretariat is told too."
        ),
        collect=report_collect,
        still_current=report_current,
        context=report_context,
    )
)


# News rather than reminders: a decision on a zone's event, and a new invitation. They go out at the
# next sweep (within 15 minutes) through the same once-only record and delivery.

DECISIONS = (Status.APPROVED, Status.REJECTED, Status.CANCELLED)


def decided_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    changes = (
        StatusChange.objects.filter(to_status__in=DECISIONS, changed_at__gt=horizon, changed_at__lte=now)
        .select_related("event")
        .prefetch_related("event__participations")
    )
    for change in changes:
        event = change.event
        zones = [event.host_zone_id]
        if change.to_status == Status.CANCELLED:
            zones += [p.zone_id for p in event.participations.all() if p.invited_at is not None]
        yield Due(
            event, f"{change.to_status}:{moment_key(change.changed_at)}", change.changed_at, deputy_ids(zones)
        )


def decided_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return event.status == occasion_parts(occasion)[0]


def decided_context(event: Event, occasion: str) -> dict:
    headlines = {
        Status.APPROVED: _("The secretariat approved “%(title)s”"),
        Status.REJECTED: _("The secretariat rejected “%(title)s”"),
        Status.CANCELLED: _("“%(title)s” was cancelled"),
    }
    context = _event_context(event, headlines[occasion_parts(occasion)[0]] % {"title": event.title})
    if event.status_reason:
        context["details"] = [_("Reason: %(reason)s") % {"reason": event.status_reason}, *context["details"]]
    return context


register(
    Rule(
        slug="event_decided",
        title=_("Event decided"),
        description=_(
            "When the secretariat approves, rejects or cancels an event; to the host zone's deputies (and, when cancelled, the invited zones')."
        ),
        collect=decided_collect,
        still_current=decided_current,
        context=decided_context,
    )
)


def invited_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    invitations = Participation.objects.filter(
        invited_at__gt=horizon, invited_at__lte=now, answer=Participation.Answer.INVITED
    ).select_related("event__host_zone", "event__category", "zone")
    for participation in invitations:
        yield Due(
            participation,
            f"invited:{moment_key(participation.invited_at)}",
            participation.invited_at,
            deputy_ids([participation.zone_id]),
        )


def invited_current(participation: Participation, occasion: str, now: dt.datetime) -> bool:
    return (
        participation.answer == Participation.Answer.INVITED
        and participation.event.status in (Status.SUBMITTED, Status.APPROVED)
        and participation.invited_at is not None
        and occasion_parts(occasion)[1] == moment_key(participation.invited_at)
    )


def invited_context(participation: Participation, occasion: str) -> dict:
    event = participation.event
    return _event_context(
        event,
        _("%(host)s invites %(zone)s to “%(title)s”")
        % {"host": event.host_zone.name, "zone": participation.zone.name, "title": event.title},
    ) | {"path": reverse("events:invitation", args=[event.pk])}


register(
    Rule(
        slug="invitation_received",
        title=_("Invitation received"),
        description=_("When a zone is invited to another zone's event; to the invited zone's deputies."),
        collect=invited_collect,
        still_current=invited_current,
        context=invited_context,
    )
)
