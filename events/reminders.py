"""Reminder rules that read events: upcoming events, unanswered invitations, overdue reports.

Each rule reads its candidates in a few queries limited to the dates that can be due now, and looks up
the recipients of all of them at once; ``stale`` checks every pending reminder of the rule at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventReport, Participation, StatusChange
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    deputies_by_zone,
    gather,
    in_readers_digits,
    institution_users_by_institution,
    moment_key,
    occasion_parts,
    register,
    secretariat_ids,
    stale_subjects,
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


def _any_of(conditions: list[Q]) -> Q:
    """Rows meeting any of the conditions; none at all when there are none."""
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def _zone_deputies(*zone_groups: list[int]) -> dict[int, tuple[int, ...]]:
    return deputies_by_zone({zone_id for zones in zone_groups for zone_id in zones})


# Event upcoming: 14, 7 and 1 days before an approved event starts.


def upcoming_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    # due_at = starts_at - offset lies in (horizon, now]: one query over the index on (status, starts_at).
    events = list(
        Event.objects.filter(
            _any_of([Q(starts_at__gt=horizon + days(o), starts_at__lte=now + days(o)) for o in set(offsets)]),
            status=Status.APPROVED,
        )
        .select_related("host_zone", "category")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.exclude(answer=Participation.Answer.DECLINED).order_by(),
                to_attr="answering",
            ),
            Prefetch("co_organisers", to_attr="institutions"),
        )
    )
    zones = {event.pk: [event.host_zone_id, *(p.zone_id for p in event.answering)] for event in events}
    deputies = _zone_deputies(*zones.values())
    people = institution_users_by_institution({i.pk for event in events for i in event.institutions})
    for event in events:
        recipients = sorted({uid for zone_id in zones[event.pk] for uid in deputies.get(zone_id, ())}) + [
            uid for i in event.institutions for uid in people.get(i.pk, ())
        ]
        for offset in offsets:
            due_at = event.starts_at - days(offset)
            if horizon < due_at <= now:
                yield Due(
                    event, f"before-{offset}d:{moment_key(event.starts_at)}", due_at, gather(recipients)
                )


def _upcoming_stands(event: Event, occasion: str) -> bool:
    return event.status == Status.APPROVED and occasion_parts(occasion)[1] == moment_key(event.starts_at)


def upcoming_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return _upcoming_stands(event, occasion)


def upcoming_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Event.objects.only("pk", "status", "starts_at"), _upcoming_stands)


def upcoming_headline(event: Event, occasion: str) -> str:
    offset = occasion_parts(occasion)[0].removeprefix("before-").removesuffix("d")
    return _("“%(title)s” starts in %(days)s days") % {
        "title": event.title,
        "days": in_readers_digits(offset),
    }


def upcoming_context(event: Event, occasion: str) -> dict:
    return _event_context(event, upcoming_headline(event, occasion))


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
        headline=upcoming_headline,
        stale=upcoming_stale,
    )
)


# Invitation unanswered: 7 days after the invitation; 10 days before the event; the secretariat too from 3 days before.


def invitation_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    after_invite, before_event, secretariat_from = [*offsets, 7, 10, 3][:3]
    # Open invitations to events still ahead: the index on (status, starts_at) bounds them.
    open_invitations = list(
        Participation.objects.filter(
            Q(invited_at__gt=horizon - days(after_invite), invited_at__lte=now - days(after_invite))
            | Q(event__starts_at__lte=now + days(max(before_event, secretariat_from))),
            answer=Participation.Answer.INVITED,
            invited_at__isnull=False,
            event__status__in=[Status.SUBMITTED, Status.APPROVED],
            event__starts_at__gt=now,
        )
        .select_related("event__host_zone", "event__category", "zone")
        .order_by("event__starts_at", "pk")
    )
    deputies = _zone_deputies([p.zone_id for p in open_invitations])
    for participation in open_invitations:
        invited = participation.invited_at
        if horizon - days(after_invite) < invited <= now - days(after_invite):
            yield Due(
                participation,
                f"after-{after_invite}d:{moment_key(invited)}",
                invited + days(after_invite),
                deputies.get(participation.zone_id, ()),
            )
    for participation in open_invitations:
        start = participation.event.starts_at
        if start <= now + days(before_event):
            yield Due(
                participation,
                f"before-{before_event}d:{moment_key(start)}",
                start - days(before_event),
                deputies.get(participation.zone_id, ()),
            )
    for participation in open_invitations:
        start = participation.event.starts_at
        if start <= now + days(secretariat_from):
            yield Due(
                participation,
                f"secretariat-{secretariat_from}d:{moment_key(start)}",
                start - days(secretariat_from),
                deputies.get(participation.zone_id, ()) + secretariat_ids(),
            )


def _invitation_stands(participation: Participation, occasion: str) -> bool:
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


def invitation_current(participation: Participation, occasion: str, now: dt.datetime) -> bool:
    return _invitation_stands(participation, occasion)


def invitation_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Participation.objects.select_related("event"), _invitation_stands)


def invitation_headline(participation: Participation, occasion: str) -> str:
    return _("%(zone)s has not yet answered the invitation to “%(title)s”") % {
        "zone": participation.zone.name,
        "title": participation.event.title,
    }


def invitation_context(participation: Participation, occasion: str) -> dict:
    event = participation.event
    return _event_context(event, invitation_headline(participation, occasion)) | {
        "path": reverse("events:invitation", args=[event.pk])
    }


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
        headline=invitation_headline,
        stale=invitation_stale,
    )
)


# Report overdue: 7 days after a held event with no report; again at 21 days, the secretariat too.


def report_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    if not offsets:
        return
    last = max(offsets)
    unreported = ~Exists(EventReport.objects.filter(event_id=OuterRef("pk")))
    # due_at = ends_at + offset lies in (horizon, now]. An event starts before it ends, so the upper
    # bound on starts_at lets the index on (status, starts_at) skip every event still ahead.
    events = list(
        Event.objects.filter(
            _any_of([Q(ends_at__gt=horizon - days(o), ends_at__lte=now - days(o)) for o in set(offsets)]),
            unreported,
            status__in=[Status.HELD, Status.APPROVED],
            starts_at__lt=now - days(min(offsets)),
        ).select_related("host_zone", "category")
    )
    deputies = _zone_deputies([event.host_zone_id for event in events])
    for event in events:
        for offset in offsets:
            due_at = event.ends_at + days(offset)
            if horizon < due_at <= now:
                yield Due(
                    event,
                    f"after-{offset}d:{moment_key(event.ends_at)}",
                    due_at,
                    deputies.get(event.host_zone_id, ()) + (secretariat_ids() if offset == last else ()),
                )


def _report_stands(event: Event, occasion: str, *, reported: bool) -> bool:
    return (
        event.status in (Status.HELD, Status.APPROVED)
        and not reported
        and occasion_parts(occasion)[1] == moment_key(event.ends_at)
    )


def report_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return _report_stands(event, occasion, reported=EventReport.objects.filter(event=event).exists())


def report_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    events = Event.objects.only("pk", "status", "ends_at").annotate(
        reported=Exists(EventReport.objects.filter(event_id=OuterRef("pk")))
    )
    return stale_subjects(
        pending, events, lambda event, occasion: _report_stands(event, occasion, reported=event.reported)
    )


def report_headline(event: Event, occasion: str) -> str:
    return _("The report on “%(title)s” is overdue") % {"title": event.title}


def report_context(event: Event, occasion: str) -> dict:
    return _event_context(event, report_headline(event, occasion)) | {
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
        headline=report_headline,
        stale=report_stale,
    )
)


# News rather than reminders: a decision on a zone's event, and a new invitation. They go out at the
# next sweep (within 15 minutes) through the same once-only record and delivery.

DECISIONS = (Status.APPROVED, Status.REJECTED, Status.CANCELLED)


def decided_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    changes = list(
        StatusChange.objects.filter(to_status__in=DECISIONS, changed_at__gt=horizon, changed_at__lte=now)
        .select_related("event__host_zone", "event__category")
        .prefetch_related(
            Prefetch(
                "event__participations",
                queryset=Participation.objects.filter(invited_at__isnull=False).order_by(),
                to_attr="invited",
            )
        )
    )
    zones = {}
    for change in changes:
        event = change.event
        zones[change.pk] = [event.host_zone_id]
        if change.to_status == Status.CANCELLED:
            zones[change.pk] += [p.zone_id for p in event.invited]
    deputies = _zone_deputies(*zones.values())
    for change in changes:
        recipients = sorted({uid for zone_id in zones[change.pk] for uid in deputies.get(zone_id, ())})
        yield Due(
            change.event,
            f"{change.to_status}:{moment_key(change.changed_at)}",
            change.changed_at,
            tuple(recipients),
        )


def _decided_stands(event: Event, occasion: str) -> bool:
    return event.status == occasion_parts(occasion)[0]


def decided_current(event: Event, occasion: str, now: dt.datetime) -> bool:
    return _decided_stands(event, occasion)


def decided_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Event.objects.only("pk", "status"), _decided_stands)


def decided_headline(event: Event, occasion: str) -> str:
    headlines = {
        Status.APPROVED: _("The secretariat approved “%(title)s”"),
        Status.REJECTED: _("The secretariat rejected “%(title)s”"),
        Status.CANCELLED: _("“%(title)s” was cancelled"),
    }
    return headlines[occasion_parts(occasion)[0]] % {"title": event.title}


def decided_context(event: Event, occasion: str) -> dict:
    context = _event_context(event, decided_headline(event, occasion))
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
        headline=decided_headline,
        stale=decided_stale,
    )
)


def invited_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    invitations = list(
        Participation.objects.filter(
            invited_at__gt=horizon, invited_at__lte=now, answer=Participation.Answer.INVITED
        ).select_related("event__host_zone", "event__category", "zone")
    )
    deputies = _zone_deputies([p.zone_id for p in invitations])
    for participation in invitations:
        yield Due(
            participation,
            f"invited:{moment_key(participation.invited_at)}",
            participation.invited_at,
            deputies.get(participation.zone_id, ()),
        )


def _invited_stands(participation: Participation, occasion: str) -> bool:
    return (
        participation.answer == Participation.Answer.INVITED
        and participation.event.status in (Status.SUBMITTED, Status.APPROVED)
        and participation.invited_at is not None
        and occasion_parts(occasion)[1] == moment_key(participation.invited_at)
    )


def invited_current(participation: Participation, occasion: str, now: dt.datetime) -> bool:
    return _invited_stands(participation, occasion)


def invited_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Participation.objects.select_related("event"), _invited_stands)


def invited_headline(participation: Participation, occasion: str) -> str:
    event = participation.event
    return _("%(host)s invites %(zone)s to “%(title)s”") % {
        "host": event.host_zone.name,
        "zone": participation.zone.name,
        "title": event.title,
    }


def invited_context(participation: Participation, occasion: str) -> dict:
    event = participation.event
    return _event_context(event, invited_headline(participation, occasion)) | {
        "path": reverse("events:invitation", args=[event.pk])
    }


register(
    Rule(
        slug="invitation_received",
        title=_("Invitation received"),
        description=_("When a zone is invited to another zone's event; to the invited zone's deputies."),
        collect=invited_collect,
        still_current=invited_current,
        context=invited_context,
        headline=invited_headline,
        stale=invited_stale,
    )
)
