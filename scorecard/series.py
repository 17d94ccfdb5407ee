"""A series year on year: each edition of a repeating event (a yearly festival, a monthly evening) with what
its report says, side by side, so a zone and the secretariat see whether it grows.

One query for every edition, whatever their number: the report comes with its event, and the partners are
counted in the same query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jdatetime
from django.db.models import Count, Q
from django.utils import timezone

from events.models import Event, EventSeries, Participation
from scorecard.measures import REPORT_GRACE
from scorecard.periods import SOLAR_HIJRI


@dataclass(frozen=True)
class Edition:
    event: Event
    year: int  # in the page's calendar
    attendance: int | None  # None: no report (yet)
    artists: int | None
    partner_zones: int  # zones that accepted the invitation
    partner_institutions: int  # co-organising institutions
    spent: Decimal | None
    on_time: bool | None  # its report filed within a week of its end; None while not due or not held

    @property
    def reported(self) -> bool:
        return self.attendance is not None


def _year(moment: dt.datetime, calendar: str) -> int:
    day = timezone.localtime(moment).date()
    return jdatetime.date.fromgregorian(date=day).year if calendar == SOLAR_HIJRI else day.year


def _on_time(event: Event, report: Any, now: dt.datetime) -> bool | None:
    """Delivered on time, as the scorecard's own measure reads it: the report filed within a week of
    the edition's end. Not due yet (or not held): no answer either way."""
    due = event.ends_at + REPORT_GRACE
    if report is not None:
        return report.filed_at <= due
    if event.status in (Event.Status.HELD, Event.Status.APPROVED) and due < now:
        return False
    return None


def editions(series: EventSeries, user: Any, calendar: str, now: dt.datetime | None = None) -> list[Edition]:
    """The editions the reader may see, oldest first; rejected and cancelled ones are not editions that
    took place and are left out."""
    now = now or timezone.now()
    events = (
        Event.objects.visible_to(user)
        .filter(series=series)
        .exclude(status__in=(Event.Status.REJECTED, Event.Status.CANCELLED))
        .select_related("report")
        .defer("description", "search_text")
        .annotate(
            accepted_zones=Count(
                "participations",
                filter=Q(participations__answer=Participation.Answer.ACCEPTED),
                distinct=True,
            ),
            institutions=Count("co_organisers", distinct=True),
        )
        .order_by("starts_at", "pk")
    )
    result = []
    for event in events:
        report = getattr(event, "report", None)
        result.append(
            Edition(
                event=event,
                year=_year(event.starts_at, calendar),
                attendance=report.attendance if report else None,
                artists=report.artists_count if report else None,
                partner_zones=event.accepted_zones,
                partner_institutions=event.institutions,
                spent=report.spent if report else None,
                on_time=_on_time(event, report, now),
            )
        )
    return result
