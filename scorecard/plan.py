"""Plan against delivery: each zone's approved annual programme for a Solar Hijri year beside what its
events delivered, quarter by quarter.

An activity is *held* once an event delivering it is held or reported, *reported* once that event's
report is filed, and has *slipped* once its quarter has ended with no held event. Events delivering no
activity are counted apart, as unplanned. Budget planned is the activities' total (zone, secretariat and
partner shares); spent is what the reports of the delivering events say was spent. Three queries, however
many zones and activities: the zones, the activities with what delivered them, the unplanned events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, EventReport
from events.plan import jalali_quarter, quarter_bounds
from programmes.models import PlannedActivity, Programme
from zones_portal.models import Zone

QUARTERS = (1, 2, 3, 4)
HELD = Event.REPORTABLE


@dataclass(frozen=True)
class Activity:
    pk: int
    zone_id: int
    title: str
    quarter: int
    budget: Decimal
    held: bool
    reported: bool
    spent: Decimal
    slipped: bool
    programme_id: int | None = None
    event_id: int | None = None  # the approved or later event delivering it (the latest), if any
    event_title: str = ""


@dataclass
class Line:
    """One zone's (or all zones') quarter, or whole year when ``quarter`` is None."""

    quarter: int | None
    planned: int = 0
    held: int = 0
    reported: int = 0
    slipped: int = 0
    unplanned: int = 0
    budget_planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    def add(self, activity: Activity) -> None:
        self.planned += 1
        self.held += activity.held
        self.reported += activity.reported
        self.slipped += activity.slipped
        self.budget_planned += activity.budget
        self.spent += activity.spent

    @property
    def held_rate(self) -> float | None:
        """The share of planned activities held, in percent; None when nothing was planned."""
        return round(self.held * 100 / self.planned, 1) if self.planned else None


@dataclass
class ZonePlan:
    zone: Zone
    approved: bool  # whether the zone has an approved programme for the year
    quarters: list[Line] = field(default_factory=lambda: [Line(q) for q in QUARTERS])
    year_total: Line = field(default_factory=lambda: Line(None))
    activities: list[Activity] = field(default_factory=list)

    @property
    def slipped(self) -> list[Activity]:
        return [activity for activity in self.activities if activity.slipped]


@dataclass
class Plan:
    year: int
    zones: list[ZonePlan]
    quarters: list[Line]  # all zones together
    year_total: Line


def current_year(today: dt.date | None = None) -> int:
    return jalali_quarter(today or timezone.localdate())[0]


def plan_against_delivery(
    year: int, zones: Sequence[Zone] | None = None, today: dt.date | None = None
) -> Plan:
    """The year's plan and its delivery for these zones (every active zone by default)."""
    today = today or timezone.localdate()
    zones = list(zones) if zones is not None else list(Zone.objects.filter(is_active=True))
    zone_ids = [zone.pk for zone in zones]
    delivering = Event.objects.filter(planned_activity=OuterRef("pk"))
    shown_event = delivering.filter(status__in=Event.PUBLISHED).order_by("-starts_at", "-pk")
    spent = (
        EventReport.objects.filter(event__planned_activity=OuterRef("pk"))
        .order_by()
        .values("event__planned_activity")
        .annotate(total=Sum("spent"))
        .values("total")
    )
    rows = (
        PlannedActivity.objects.filter(
            programme__year__year=year,
            programme__status=Programme.Status.APPROVED,
            programme__zone_id__in=zone_ids,
        )
        .annotate(
            zone_id=F("programme__zone_id"),
            is_held=Exists(delivering.filter(status__in=HELD)),
            is_reported=Exists(delivering.filter(status=Event.Status.REPORTED)),
            event_pk=Subquery(shown_event.values("pk")[:1]),
            event_title=Subquery(shown_event.values("title")[:1]),
            spent_total=Coalesce(
                Subquery(spent, output_field=DecimalField(max_digits=20, decimal_places=0)),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=20, decimal_places=0),
            ),
        )
        .values_list(
            "pk",
            "zone_id",
            "title",
            "quarter",
            "budget_zone",
            "budget_secretariat",
            "budget_partner",
            "is_held",
            "is_reported",
            "spent_total",
            "programme_id",
            "event_pk",
            "event_title",
        )
        .order_by("programme__zone__sort_order", "quarter", "month", "sort_order", "pk")
    )
    ended = {quarter: quarter_bounds(year, quarter)[1] <= today for quarter in QUARTERS}
    plans = {zone.pk: ZonePlan(zone, approved=False) for zone in zones}
    for (
        pk,
        zone_id,
        title,
        quarter,
        b_zone,
        b_secretariat,
        b_partner,
        held,
        reported,
        spent_total,
        programme_id,
        event_pk,
        event_title,
    ) in rows:
        activity = Activity(
            pk=pk,
            zone_id=zone_id,
            title=title,
            quarter=quarter,
            budget=(b_zone or 0) + (b_secretariat or 0) + (b_partner or 0),
            held=held,
            reported=reported,
            spent=Decimal(spent_total or 0),
            slipped=ended[quarter] and not held,
            programme_id=programme_id,
            event_id=event_pk,
            event_title=event_title or "",
        )
        plan = plans[zone_id]
        plan.approved = True
        plan.activities.append(activity)
        plan.quarters[quarter - 1].add(activity)
        plan.year_total.add(activity)
    _count_unplanned(plans, year)
    totals = [Line(q) for q in QUARTERS]
    year_total = Line(None)
    for plan in plans.values():
        for line, sum_line in zip(plan.quarters, totals, strict=True):
            _merge(sum_line, line)
        _merge(year_total, plan.year_total)
    return Plan(year=year, zones=list(plans.values()), quarters=totals, year_total=year_total)


def _count_unplanned(plans: dict[int, ZonePlan], year: int) -> None:
    """Held or reported events of the year that deliver no planned activity, by host zone and quarter."""
    bounds = [quarter_bounds(year, quarter) for quarter in QUARTERS]
    first, last = bounds[0][0], bounds[-1][1]
    bucket = Case(
        *[
            When(starts_at__gte=_aware(start), starts_at__lt=_aware(end), then=Value(quarter))
            for quarter, (start, end) in zip(QUARTERS, bounds, strict=True)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        Event.objects.filter(
            Q(planned_activity__isnull=True),
            host_zone_id__in=list(plans),
            status__in=HELD,
            starts_at__gte=_aware(first),
            starts_at__lt=_aware(last),
        )
        .annotate(plan_quarter=bucket)
        .values("host_zone_id", "plan_quarter")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["plan_quarter"]:
            plan = plans[row["host_zone_id"]]
            plan.quarters[row["plan_quarter"] - 1].unplanned += row["n"]
            plan.year_total.unplanned += row["n"]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _merge(into: Line, line: Line) -> None:
    into.planned += line.planned
    into.held += line.held
    into.reported += line.reported
    into.slipped += line.slipped
    into.unplanned += line.unplanned
    into.budget_planned += line.budget_planned
    into.spent += line.spent
