"""The coordination desk on the home page.

A zone's or institution's people see the action items they owe (overdue first), the circulars their zone
has still to acknowledge, and the next council meeting they are invited to, with its agenda cut-off and
their answer. The secretariat sees the overdue action items across the zones, the circulars whose deadline
passed with acknowledgements missing, and the next meeting. Each card and section leads to the desk's
page that lists exactly what it counts; the rows are capped at ``ROWS``, one query per section.

The panels depend on the reader's scope alone, so they are kept per scope under the ``coordination``
version counter (``zones_portal.versions``), which every change of what they show bumps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.filters import status_q
from coordination.models import Acknowledgement, ActionItem, Circular, Invitee, Meeting, Side
from zones_portal import permissions
from zones_portal.glance import ROWS, Glance, Panel, register, section
from zones_portal.models import Institution, Zone
from zones_portal.versions import watch

COORDINATION = "coordination"
# Everything the panels show, names included.
SHOWN = (Meeting, Invitee, ActionItem, Circular, Acknowledgement, Zone, Institution)
OWED = (ActionItem.Status.OPEN, ActionItem.Status.MISSED)


def connect() -> None:
    """Bump the ``coordination`` counter on every change of what the panels show. Called once, when the
    home page's discovery imports this module at start-up (``ZonesPortalConfig.ready``)."""
    watch(COORDINATION, SHOWN)


connect()


def overdue_q(today: dt.date) -> Q:
    """Owed and late: recorded missed, or open past its due date before the nightly job records it (the
    one rule of ``coordination.filters.status_q``, which the list this panel links to filters by)."""
    return status_q(ActionItem.Status.MISSED, today)


def owed_q(scope: permissions.Scope) -> Q | None:
    """The action items the reader's zone or institution owes; None for anyone else."""
    if scope.zone_id is not None:
        return Q(kind=Side.ZONE, zone_id=scope.zone_id)
    if scope.institution_id is not None:
        return Q(kind=Side.INSTITUTION, institution_id=scope.institution_id)
    return None


def owed_items(owed: Q) -> QuerySet[ActionItem]:
    """Still owed, from minutes the owner can read (circulated or approved)."""
    return ActionItem.objects.filter(
        owed, status__in=OWED, decision__meeting__status__in=Meeting.MINUTES_SHOWN
    )


def _item_rows(items: QuerySet[ActionItem], today: dt.date) -> list[ActionItem]:
    return list(
        items.select_related("decision__meeting", "zone", "institution")
        .defer("evidence_note", "drop_reason", "decision__text", "decision__meeting__minutes_summary")
        .overdue_first(today)[:ROWS]
    )


def _next_meeting(now: dt.datetime, scope: permissions.Scope) -> Meeting | None:
    """The next scheduled meeting the reader is invited to (any, for the secretariat), with their
    answer (``my_answer``) and, for the secretariat, how many invitees have said they attend."""
    meetings = Meeting.objects.upcoming(now).defer("notes", "minutes_summary")
    if scope.secretariat:
        meetings = meetings.annotate(
            invited=Count("invitees"),
            attending=Count("invitees", filter=Q(invitees__answer=Invitee.Answer.ATTENDING)),
        )
    else:
        if scope.zone_id is not None:
            mine = Invitee.objects.filter(meeting_id=OuterRef("pk"), kind=Side.ZONE, zone_id=scope.zone_id)
        else:
            mine = Invitee.objects.filter(
                meeting_id=OuterRef("pk"), kind=Side.INSTITUTION, institution_id=scope.institution_id
            )
        meetings = meetings.filter(Exists(mine)).annotate(my_answer=Subquery(mine.values("answer")[:1]))
    meeting = meetings.first()
    if meeting is not None and not scope.secretariat:
        meeting.my_answer_label = Invitee.Answer(meeting.my_answer).label
    return meeting


def _meeting_section(meeting: Meeting | None, now: dt.datetime, secretariat: bool) -> Glance:
    return section(
        "home-next-meeting",
        _("Next council meeting"),
        "coordination/_home_meeting.html",
        {"meeting": meeting, "now": now, "secretariat": secretariat},
        more_url=reverse("coordination:meetings"),
        more_label=_("See all meetings"),
        order=25,
    )


@register(counters=(COORDINATION,))  # a zone's, an institution's or the secretariat's: kept per scope
def panels(user: Any) -> list[Glance]:
    scope = permissions.scope_of(user)
    now = timezone.now()
    today = timezone.localdate(now)
    if scope.secretariat:
        return _secretariat_glance(scope, now, today)
    owed = owed_q(scope)
    if owed is None:
        return []
    items = owed_items(owed)
    counts = items.aggregate(owed=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
    url = reverse("coordination:action-items") + "#owed"
    glance: list[Glance] = [
        Panel(_("Action items overdue"), counts["overdue"], url, urgent=bool(counts["overdue"])),
        Panel(_("Action items we owe"), counts["owed"], url),
        section(
            "home-action-items",
            _("Action items we owe"),
            "coordination/_home_action_items.html",
            {"items": _item_rows(items, today), "today": today, "show_owner": False},
            more_url=url,
            more_label=_("See all your action items"),
            order=45,
        ),
    ]
    if scope.zone_id is not None:
        glance += _circulars_to_acknowledge(scope.zone_id)
    glance.append(_meeting_section(_next_meeting(now, scope), now, secretariat=False))
    return glance


def _circulars_to_acknowledge(zone_id: int) -> list[Glance]:
    waiting = Acknowledgement.objects.filter(
        zone_id=zone_id, acknowledged_at__isnull=True, circular__status=Circular.Status.SENT
    )
    count = waiting.count()
    rows = list(
        waiting.select_related("circular")
        .defer("circular__body", "circular__withdrawal_reason")
        .order_by("circular__acknowledge_by", "pk")[:ROWS]
    )
    url = reverse("coordination:circulars")
    return [
        Panel(_("Circulars to acknowledge"), count, url, urgent=bool(count)),
        section(
            "home-circulars",
            _("Circulars to acknowledge"),
            "coordination/_home_circulars.html",
            {"acknowledgements": rows, "today": timezone.localdate()},
            more_url=url,
            more_label=_("See all circulars"),
            order=46,
        ),
    ]


def _secretariat_glance(scope: permissions.Scope, now: dt.datetime, today: dt.date) -> list[Glance]:
    overdue = owed_items(Q()).filter(overdue_q(today))
    count = overdue.count()
    items_url = reverse("coordination:action-items") + "?overdue=true#all"
    missing = Acknowledgement.objects.filter(circular_id=OuterRef("pk"), acknowledged_at__isnull=True)
    late_circulars = Circular.objects.filter(
        Exists(missing), status=Circular.Status.SENT, acknowledge_by__lt=today
    )
    late_count = late_circulars.count()
    circulars = list(
        late_circulars.defer("body", "withdrawal_reason")
        .annotate(
            recipients_count=Count("recipients"),
            missing_count=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=True)),
        )
        .order_by("acknowledge_by", "pk")[:ROWS]
    )
    circulars_url = reverse("coordination:circulars")
    return [
        Panel(_("Action items overdue"), count, items_url, urgent=bool(count)),
        Panel(
            _("Circulars past their deadline, not all acknowledged"),
            late_count,
            circulars_url,
            urgent=bool(late_count),
        ),
        section(
            "home-action-items",
            _("Overdue action items"),
            "coordination/_home_action_items.html",
            {"items": _item_rows(overdue, today), "today": today, "show_owner": True},
            more_url=items_url,
            more_label=_("See all overdue action items"),
            order=45,
        ),
        section(
            "home-circulars",
            _("Circulars with acknowledgements missing"),
            "coordination/_home_circulars_missing.html",
            {"circulars": circulars},
            more_url=circulars_url,
            more_label=_("See all circulars"),
            order=46,
        ),
        _meeting_section(_next_meeting(now, scope), now, secretariat=True),
    ]
