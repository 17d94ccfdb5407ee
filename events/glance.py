"""Events on the home page: what waits for the reader's zone, or for the secretariat's decision; the
week's events across the zones; a partner's co-organised events. A card leads to the section of the
events page that lists exactly what it counts; a section shows the first few rows and the next step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.calendar import overlapping
from events.models import Event, Participation, week_start
from events.signals import EVENTS
from zones_portal import permissions
from zones_portal.glance import ROWS, Glance, Panel, register, section

Status = Event.Status
WEEK_ROWS = 10  # a week across seven zones; the calendar shows the rest


def this_week(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """Saturday to Friday of the Tehran week that holds ``now``: the Iranian week."""
    saturday = week_start(now)
    return saturday, saturday + dt.timedelta(days=6)


def _rows(events: QuerySet[Event]) -> QuerySet[Event]:
    # A row shows its title, host, category and start: the long description stays behind.
    return events.select_related("category", "host_zone").defer("description")


def _week_section(user: Any, now: dt.datetime, zone_id: int | None) -> Glance:
    """The week's published events across every zone the reader may see; for a zone, its part in each."""
    saturday, friday = this_week(now)
    # The week's first rows in two steps. Asked with LIMIT, PostgreSQL walked the start-time index from
    # the first event ever (it cannot know that an event ends soon after it starts: 17 ms at 20,000
    # events, growing with history); the week's ids alone, in order and unlimited, come through the
    # end-time index, a few dozen of them (0.5 ms), and the rows follow by id.
    week = overlapping(Event.objects.visible_to(user).filter(status__in=Event.PUBLISHED), saturday, friday)
    first = list(week.values_list("pk", flat=True))[:WEEK_ROWS]
    events = _rows(Event.objects.filter(pk__in=first)).order_by("starts_at", "pk")
    if zone_id is not None:
        answer = Participation.objects.filter(
            event_id=OuterRef("pk"), zone_id=zone_id, invited_at__isnull=False
        )
        events = events.annotate(my_answer=Subquery(answer.values("answer")[:1]))
    answers = dict(Participation.Answer.choices)
    rows = list(events)
    for event in rows:
        if zone_id is not None and event.host_zone_id == zone_id:
            event.part = "host"
            event.part_label = _("Your zone hosts")
        elif getattr(event, "my_answer", None):
            event.part = event.my_answer
            event.part_label = answers[event.my_answer]
    return section(
        "home-week",
        _("This week"),
        "zones_portal/_home_week.html",
        {"events": rows, "saturday": saturday, "friday": friday},
        more_url=reverse("events:calendar") + f"?date={saturday.isoformat()}",
        more_label=_("See the calendar"),
        order=20,
    )


@register(counters=(EVENTS,))  # a zone's counts and rows, or the secretariat's: kept per scope
def panels(user: Any) -> list[Glance]:
    scope = permissions.scope_of(user)
    now = timezone.now()
    url = reverse("events:list")
    if scope.zone_id is not None:
        return _zone_glance(user, scope.zone_id, now, url)
    if scope.secretariat:
        waiting = Event.objects.filter(status=Status.SUBMITTED)
        count = waiting.count()
        return [
            Panel(_("Events awaiting your decision"), count, url + "#submitted", urgent=bool(count)),
            section(
                "home-decisions",
                _("Events awaiting your decision"),
                "zones_portal/_home_events.html",
                {"events": list(_rows(waiting).order_by("starts_at", "pk")[:ROWS]), "next_step": "decide"},
                more_url=url + "#submitted",
                more_label=_("See all events awaiting a decision"),
                order=10,
            ),
            _week_section(user, now, None),
        ]
    if scope.institution_id is not None:
        co_organised = _rows(
            Event.objects.visible_to(user).filter(
                co_organisers=scope.institution_id,
                status__in=[Status.SUBMITTED, *Event.PUBLISHED],
            )
        )
        return [
            section(
                "home-co-organised",
                _("Events your institution co-organises"),
                "zones_portal/_home_co_organised.html",
                {
                    "upcoming": list(co_organised.filter(ends_at__gt=now).order_by("starts_at", "pk")[:ROWS]),
                    "recent": list(
                        co_organised.filter(ends_at__lte=now).order_by("-starts_at", "-pk")[:ROWS]
                    ),
                },
                more_url=url + "#co-organised",
                more_label=_("See all the events your institution co-organises"),
                order=10,
            )
        ]
    return []


def _zone_glance(user: Any, zone_id: int, now: dt.datetime, url: str) -> list[Glance]:
    counts = Event.objects.filter(host_zone_id=zone_id).aggregate(
        upcoming=Count("pk", filter=Q(status=Status.APPROVED, ends_at__gt=now)),
        to_report=Count("pk", filter=Q(status__in=[Status.APPROVED, Status.HELD], ends_at__lte=now)),
    )
    to_answer = Participation.objects.filter(
        zone_id=zone_id,
        answer=Participation.Answer.INVITED,
        invited_at__isnull=False,
        event__status__in=[Status.SUBMITTED, Status.APPROVED],
        event__starts_at__gt=now,
    )
    invitations = to_answer.count()
    to_report = Event.objects.filter(
        host_zone_id=zone_id, status__in=[Status.APPROVED, Status.HELD], ends_at__lte=now
    )
    return [
        Panel(_("Invitations to answer"), invitations, url + "#invitations", urgent=bool(invitations)),
        Panel(
            _("Reports to file"),
            counts["to_report"],
            url + "#awaiting-report",
            urgent=bool(counts["to_report"]),
        ),
        Panel(_("Upcoming events"), counts["upcoming"], url + "#upcoming"),
        _week_section(user, now, zone_id),
        section(
            "home-invitations",
            _("Invitations to answer"),
            "zones_portal/_home_invitations.html",
            {
                "invitations": list(
                    to_answer.select_related("event__category", "event__host_zone")
                    .defer("note", "event__description")
                    .order_by("event__starts_at", "pk")[:ROWS]
                )
            },
            more_url=url + "#invitations",
            more_label=_("See all invitations to your zone"),
            order=30,
        ),
        section(
            "home-reports",
            _("Reports due"),
            "zones_portal/_home_events.html",
            {"events": list(_rows(to_report).order_by("ends_at", "pk")[:ROWS]), "next_step": "report"},
            more_url=url + "#awaiting-report",
            more_label=_("See all events awaiting your report"),
            order=40,
        ),
    ]
