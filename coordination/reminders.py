"""Reminder rules that read the coordination desk: an agenda about to close, a meeting tomorrow, minutes
open for comment, action items falling due, overdue and escalated, circulars not yet acknowledged.

Each rule reads its candidates in one query bounded by indexed dates that can be due now, and looks up
the people of all of them at once (one query for the zones' people, one for the institutions', the
secretariat once per sweep); ``stale`` checks every pending reminder of a rule at once. Once-only comes
from the notification's unique constraint, as for every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import Acknowledgement, ActionItem, Circular, Invitee, Meeting, Side
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    in_readers_digits,
    institution_users_by_institution,
    moment_key,
    morning,
    occasion_parts,
    register,
    secretariat_ids,
    stale_subjects,
    zone_people_by_zone,
)
from zones_portal.dates import format_date

MEETING_SCHEDULED = Meeting.Status.SCHEDULED
STILL_OWED = (ActionItem.Status.OPEN, ActionItem.Status.MISSED)  # neither done nor dropped


def _any_of(conditions: list[Q]) -> Q:
    """Rows meeting any of the conditions; none at all when there are none."""
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


class OrganisationPeople:
    """The people who answer for many rows naming a zone, an institution or the secretariat (invitees,
    action items' owners), looked up together."""

    def __init__(self, rows: Iterable[Any]) -> None:
        rows = list(rows)
        self.zones = zone_people_by_zone({r.zone_id for r in rows if r.kind == Side.ZONE})
        self.institutions = institution_users_by_institution(
            {r.institution_id for r in rows if r.kind == Side.INSTITUTION}
        )

    def of(self, row: Any) -> tuple[int, ...]:
        if row.kind == Side.ZONE:
            return self.zones.get(row.zone_id, ())
        if row.kind == Side.INSTITUTION:
            return self.institutions.get(row.institution_id, ())
        return secretariat_ids()


def _meeting_path(meeting_id: int) -> str:
    return reverse("coordination:meeting", args=[meeting_id])


def _meeting_details(meeting: Meeting) -> list[str]:
    return [
        meeting.reference_display,
        format_date(meeting.starts_at, "datetime"),
        meeting.place or meeting.online_link,
    ]


# Meeting agenda closing: days before the agenda's cut-off, to every invitee of a scheduled meeting.


def agenda_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    # due_at = agenda_cutoff - offset lies in (horizon, now]; a cut-off already passed is not worth a word.
    invitees = list(
        Invitee.objects.filter(
            _any_of(
                [
                    Q(meeting__agenda_cutoff__gt=horizon + days(o), meeting__agenda_cutoff__lte=now + days(o))
                    for o in set(offsets)
                ]
            ),
            meeting__status=MEETING_SCHEDULED,
            meeting__agenda_cutoff__gt=now,
        )
        .select_related("meeting", "zone", "institution")
        .order_by("meeting__starts_at", "pk")
    )
    people = OrganisationPeople(invitees)
    for offset in offsets:
        for invitee in invitees:
            due_at = invitee.meeting.agenda_cutoff - days(offset)
            if horizon < due_at <= now:
                yield Due(
                    invitee,
                    f"before-{offset}d:{moment_key(invitee.meeting.agenda_cutoff)}",
                    due_at,
                    people.of(invitee),
                )


def _agenda_stands(invitee: Invitee, occasion: str) -> bool:
    meeting = invitee.meeting
    return meeting.status == MEETING_SCHEDULED and occasion_parts(occasion)[1] == moment_key(
        meeting.agenda_cutoff
    )


def agenda_current(invitee: Invitee, occasion: str, now: dt.datetime) -> bool:
    return _agenda_stands(invitee, occasion) and invitee.meeting.agenda_cutoff > now


def agenda_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    invitees = Invitee.objects.select_related("meeting").only(
        "pk", "meeting__status", "meeting__agenda_cutoff"
    )
    return stale_subjects(pending, invitees, _agenda_stands)


def agenda_headline(invitee: Invitee, occasion: str) -> str:
    return _("The agenda of “%(title)s” closes on %(day)s") % {
        "title": invitee.meeting.title,
        "day": format_date(invitee.meeting.agenda_cutoff, "datetime"),
    }


def agenda_context(invitee: Invitee, occasion: str) -> dict:
    return {
        "headline": agenda_headline(invitee, occasion),
        "details": _meeting_details(invitee.meeting),
        "path": _meeting_path(invitee.meeting_id),
    }


register(
    Rule(
        slug="meeting-agenda-closing",
        title=_("Meeting agenda closing"),
        description=_(
            "Days before the agenda of a scheduled council meeting closes; to the people of every invited zone and institution."
        ),
        collect=agenda_collect,
        still_current=agenda_current,
        context=agenda_context,
        headline=agenda_headline,
        stale=agenda_stale,
    )
)


# Meeting tomorrow: the day before, to invitees attending or not yet answered.

COMING = (Invitee.Answer.ATTENDING, Invitee.Answer.AWAITING)


def tomorrow_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    invitees = list(
        Invitee.objects.filter(
            _any_of(
                [
                    Q(meeting__starts_at__gt=horizon + days(o), meeting__starts_at__lte=now + days(o))
                    for o in set(offsets)
                ]
            ),
            meeting__status=MEETING_SCHEDULED,
            meeting__starts_at__gt=now,
            answer__in=COMING,
        )
        .select_related("meeting", "zone", "institution")
        .order_by("meeting__starts_at", "pk")
    )
    people = OrganisationPeople(invitees)
    for offset in offsets:
        for invitee in invitees:
            due_at = invitee.meeting.starts_at - days(offset)
            if horizon < due_at <= now:
                yield Due(
                    invitee,
                    f"before-{offset}d:{moment_key(invitee.meeting.starts_at)}",
                    due_at,
                    people.of(invitee),
                )


def _tomorrow_stands(invitee: Invitee, occasion: str) -> bool:
    meeting = invitee.meeting
    return (
        meeting.status == MEETING_SCHEDULED
        and invitee.answer in COMING
        and occasion_parts(occasion)[1] == moment_key(meeting.starts_at)
    )


def tomorrow_current(invitee: Invitee, occasion: str, now: dt.datetime) -> bool:
    return _tomorrow_stands(invitee, occasion)


def tomorrow_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    invitees = Invitee.objects.select_related("meeting").only(
        "pk", "answer", "meeting__status", "meeting__starts_at"
    )
    return stale_subjects(pending, invitees, _tomorrow_stands)


def tomorrow_headline(invitee: Invitee, occasion: str) -> str:
    return _("“%(title)s” meets on %(when)s") % {
        "title": invitee.meeting.title,
        "when": format_date(invitee.meeting.starts_at, "datetime"),
    }


def tomorrow_context(invitee: Invitee, occasion: str) -> dict:
    return {
        "headline": tomorrow_headline(invitee, occasion),
        "details": _meeting_details(invitee.meeting),
        "path": _meeting_path(invitee.meeting_id),
    }


register(
    Rule(
        slug="meeting-tomorrow",
        title=_("Council meeting tomorrow"),
        description=_(
            "Days before a council meeting starts; to the invited zones and institutions that attend or have not yet answered."
        ),
        collect=tomorrow_collect,
        still_current=tomorrow_current,
        context=tomorrow_context,
        headline=tomorrow_headline,
        stale=tomorrow_stale,
    )
)


# Minutes awaiting comment: days before the comment window closes, to every invitee.


def comment_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    invitees = list(
        Invitee.objects.filter(
            _any_of(
                [
                    Q(
                        meeting__comments_until__gt=horizon + days(o),
                        meeting__comments_until__lte=now + days(o),
                    )
                    for o in set(offsets)
                ]
            ),
            meeting__status=Meeting.Status.IN_COMMENT,
            meeting__comments_until__gt=now,
        )
        .select_related("meeting", "zone", "institution")
        .order_by("meeting__comments_until", "pk")
    )
    people = OrganisationPeople(invitees)
    for offset in offsets:
        for invitee in invitees:
            due_at = invitee.meeting.comments_until - days(offset)
            if horizon < due_at <= now:
                yield Due(
                    invitee,
                    f"before-{offset}d:{moment_key(invitee.meeting.comments_until)}",
                    due_at,
                    people.of(invitee),
                )


def _comment_stands(invitee: Invitee, occasion: str) -> bool:
    meeting = invitee.meeting
    return (
        meeting.status == Meeting.Status.IN_COMMENT
        and meeting.comments_until is not None
        and occasion_parts(occasion)[1] == moment_key(meeting.comments_until)
    )


def comment_current(invitee: Invitee, occasion: str, now: dt.datetime) -> bool:
    return _comment_stands(invitee, occasion)


def comment_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    invitees = Invitee.objects.select_related("meeting").only(
        "pk", "meeting__status", "meeting__comments_until"
    )
    return stale_subjects(pending, invitees, _comment_stands)


def comment_headline(invitee: Invitee, occasion: str) -> str:
    return _("The minutes of “%(title)s” are open for comment until %(when)s") % {
        "title": invitee.meeting.title,
        "when": format_date(invitee.meeting.comments_until, "datetime"),
    }


def comment_context(invitee: Invitee, occasion: str) -> dict:
    return {
        "headline": comment_headline(invitee, occasion),
        "details": _meeting_details(invitee.meeting),
        "path": _meeting_path(invitee.meeting_id) + "#minutes",
    }


register(
    Rule(
        slug="minutes-awaiting-comment",
        title=_("Minutes awaiting comment"),
        description=_(
            "Days before the comment window on circulated minutes closes; to the people of every invited zone and institution."
        ),
        collect=comment_collect,
        still_current=comment_current,
        context=comment_context,
        headline=comment_headline,
        stale=comment_stale,
    )
)


# Action items: due soon (before due_on), overdue (after it, to the owner), escalated (to the secretariat).


def _action_items(condition: Q, statuses: Iterable[str]) -> list[ActionItem]:
    """The action items of circulated or approved minutes matching ``condition``: one query over the
    index on (status, due_on), with only what the headline and the recipients read."""
    return list(
        ActionItem.objects.filter(
            condition,
            status__in=list(statuses),
            decision__meeting__status__in=Meeting.MINUTES_SHOWN,
        )
        # The owner's name is in the escalation's headline: loaded with the item, not asked per item.
        .select_related("decision__meeting", "zone", "institution")
        .defer("evidence_note", "drop_reason", "decision__text", "decision__meeting__minutes_summary")
        .order_by("due_on", "pk")
    )


def _item_stands(statuses: Iterable[str]) -> Any:
    statuses = tuple(statuses)

    def stands(item: ActionItem, occasion: str) -> bool:
        return (
            item.status in statuses
            and item.decision.meeting.status in Meeting.MINUTES_SHOWN
            and occasion_parts(occasion)[1] == item.due_on.isoformat()
        )

    return stands


def _item_stale(statuses: Iterable[str]) -> Any:
    stands = _item_stands(statuses)

    def stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
        items = ActionItem.objects.select_related("decision__meeting").only(
            "pk", "status", "due_on", "decision__meeting__status"
        )
        return stale_subjects(pending, items, stands)

    return stale


def _item_current(statuses: Iterable[str]) -> Any:
    stands = _item_stands(statuses)
    return lambda item, occasion, now: stands(item, occasion)


def _item_context(headline: Any) -> Any:
    def context(item: ActionItem, occasion: str) -> dict:
        return {
            "headline": headline(item, occasion),
            "details": [
                item.decision.reference_display,
                item.owner_name,
                _("due %(day)s") % {"day": format_date(item.due_on)},
            ],
            "path": reverse("coordination:action-item", args=[item.pk]),
        }

    return context


def due_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    first_day = timezone.localdate(horizon)
    windows = [Q(due_on__gt=first_day + days(o), due_on__lte=today + days(o)) for o in set(offsets)]
    items = _action_items(_any_of(windows) & Q(due_on__gte=today), [ActionItem.Status.OPEN])
    people = OrganisationPeople(items)
    for offset in offsets:
        for item in items:
            if first_day + days(offset) < item.due_on <= today + days(offset):
                yield Due(
                    item,
                    f"before-{offset}d:{item.due_on.isoformat()}",
                    morning(item.due_on - days(offset)),
                    people.of(item),
                )


def due_headline(item: ActionItem, occasion: str) -> str:
    return _("An action item falls due on %(day)s: %(what)s") % {
        "day": format_date(item.due_on),
        "what": item.description[:120],
    }


register(
    Rule(
        slug="action-item-due",
        title=_("Action item due"),
        description=_(
            "Days before the due date of an open action item; to the people of the zone or institution that owns it."
        ),
        collect=due_collect,
        still_current=_item_current([ActionItem.Status.OPEN]),
        context=_item_context(due_headline),
        headline=due_headline,
        stale=_item_stale([ActionItem.Status.OPEN]),
    )
)


def _overdue_items(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> list[ActionItem]:
    today = timezone.localdate(now)
    first_day = timezone.localdate(horizon)
    windows = [Q(due_on__gt=first_day - days(o), due_on__lte=today - days(o)) for o in set(offsets)]
    return _action_items(_any_of(windows), STILL_OWED)


def _after(items: list[ActionItem], offsets: list[int], now: dt.datetime, horizon: dt.datetime) -> Iterator:
    """(item, offset) for each item ``offset`` days past its due date by now, and not before ``horizon``."""
    today = timezone.localdate(now)
    first_day = timezone.localdate(horizon)
    for offset in offsets:
        for item in items:
            if first_day < item.due_on + days(offset) <= today:
                yield item, offset


def overdue_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    items = _overdue_items(now, offsets, horizon)
    people = OrganisationPeople(items)
    for item, offset in _after(items, offsets, now, horizon):
        yield Due(
            item,
            f"after-{offset}d:{item.due_on.isoformat()}",
            morning(item.due_on + days(offset)),
            people.of(item),
        )


def overdue_headline(item: ActionItem, occasion: str) -> str:
    return _("An action item is overdue: %(what)s") % {"what": item.description[:120]}


register(
    Rule(
        slug="action-item-overdue",
        title=_("Action item overdue"),
        description=_(
            "Days after the due date of an action item while it is neither done nor dropped; to the people of the zone or institution that owns it."
        ),
        collect=overdue_collect,
        still_current=_item_current(STILL_OWED),
        context=_item_context(overdue_headline),
        headline=overdue_headline,
        stale=_item_stale(STILL_OWED),
    )
)


def escalated_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    items = _overdue_items(now, offsets, horizon)
    for item, offset in _after(items, offsets, now, horizon):
        yield Due(
            item,
            f"escalated-{offset}d:{item.due_on.isoformat()}",
            morning(item.due_on + days(offset)),
            secretariat_ids(),
        )


def escalated_headline(item: ActionItem, occasion: str) -> str:
    late = occasion_parts(occasion)[0].removeprefix("escalated-").removesuffix("d")
    return _("An action item of %(owner)s is %(days)s days overdue: %(what)s") % {
        "owner": item.owner_name,
        "days": in_readers_digits(late),
        "what": item.description[:120],
    }


register(
    Rule(
        slug="action-item-escalated",
        title=_("Action item escalated"),
        description=_(
            "Days after the due date of an action item, while it is neither done nor dropped, when the secretariat is told."
        ),
        collect=escalated_collect,
        still_current=_item_current(STILL_OWED),
        context=_item_context(escalated_headline),
        headline=escalated_headline,
        stale=_item_stale(STILL_OWED),
    )
)


# Circular unacknowledged: days before its deadline, and once more some days after it, until acknowledged.


def circular_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    *before, after = offsets if len(offsets) >= 2 else [*offsets, 1]
    today = timezone.localdate(now)
    first_day = timezone.localdate(horizon)
    windows = [
        Q(circular__acknowledge_by__gt=first_day + days(o), circular__acknowledge_by__lte=today + days(o))
        for o in set(before)
    ]
    windows.append(
        Q(
            circular__acknowledge_by__gt=first_day - days(after),
            circular__acknowledge_by__lte=today - days(after),
        )
    )
    pending = list(
        Acknowledgement.objects.filter(
            _any_of(windows), acknowledged_at__isnull=True, circular__status=Circular.Status.SENT
        )
        .select_related("circular")
        .only("zone", "circular__number", "circular__title", "circular__acknowledge_by", "circular__status")
        .order_by("circular__acknowledge_by", "pk")
    )
    people = zone_people_by_zone({row.zone_id for row in pending})
    for offset in before:
        for row in pending:
            deadline = row.circular.acknowledge_by
            if first_day + days(offset) < deadline <= today + days(offset) and deadline >= today:
                yield Due(
                    row,
                    f"before-{offset}d:{deadline.isoformat()}",
                    morning(deadline - days(offset)),
                    people.get(row.zone_id, ()),
                )
    for row in pending:
        deadline = row.circular.acknowledge_by
        if first_day < deadline + days(after) <= today:
            yield Due(
                row,
                f"after-{after}d:{deadline.isoformat()}",
                morning(deadline + days(after)),
                people.get(row.zone_id, ()),
            )


def _circular_stands(row: Acknowledgement, occasion: str) -> bool:
    return (
        row.acknowledged_at is None
        and row.circular.status == Circular.Status.SENT
        and occasion_parts(occasion)[1] == row.circular.acknowledge_by.isoformat()
    )


def circular_current(row: Acknowledgement, occasion: str, now: dt.datetime) -> bool:
    return _circular_stands(row, occasion)


def circular_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    rows = Acknowledgement.objects.select_related("circular").only(
        "pk", "acknowledged_at", "circular__status", "circular__acknowledge_by"
    )
    return stale_subjects(pending, rows, _circular_stands)


def circular_headline(row: Acknowledgement, occasion: str) -> str:
    circular = row.circular
    if occasion.startswith("after-"):
        return _("Circular %(number)s, “%(title)s”, was to be acknowledged by %(day)s") % {
            "number": circular.number_display,
            "title": circular.title,
            "day": format_date(circular.acknowledge_by),
        }
    return _("Acknowledge circular %(number)s, “%(title)s”, by %(day)s") % {
        "number": circular.number_display,
        "title": circular.title,
        "day": format_date(circular.acknowledge_by),
    }


def circular_context(row: Acknowledgement, occasion: str) -> dict:
    return {
        "headline": circular_headline(row, occasion),
        "details": [row.circular.get_kind_display(), format_date(row.circular.acknowledge_by)],
        "path": reverse("coordination:circular", args=[row.circular_id]),
    }


register(
    Rule(
        slug="circular-unacknowledged",
        title=_("Circular not acknowledged"),
        description=_(
            "Days before the acknowledgement deadline of a circular, the last number being the days after it when the zone is reminded once more; to the deputy and staff of each zone that has not acknowledged it."
        ),
        collect=circular_collect,
        still_current=circular_current,
        context=circular_context,
        headline=circular_headline,
        stale=circular_stale,
    )
)
