"""The scorecard's measures per zone and period, computed by the database.

Each measure is one grouped query over all zones and all periods at once (the
periods become a CASE expression over the measure's date), so the number of
queries is the same for one month or sixty, for seven zones or seventy.

The pages read them through the cache (``scorecard.caching``): a new measure that reads a model not yet
in ``caching.COUNTED`` adds it there, or its changes would show only when the cached counts expire; a
change to what ``Tally`` holds raises ``caching.SCHEMA``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Obligation, Party
from coordination.models import Acknowledgement, ActionItem, Circular, Invitee, Meeting, Side
from events.models import Event, EventReport, Participation, StatusChange
from events.plan import jalali_quarter, quarter_bounds
from programmes.models import PlannedActivity, Programme
from scorecard.activity import last_activity_as_of, quiet_days
from scorecard.db import Median, SecondsBetween
from scorecard.periods import Period
from talent.models import Application
from zones_portal.models import Zone

PUBLISHED = Event.PUBLISHED
HELD = Event.REPORTABLE  # held, and held then reported
REPORT_GRACE = dt.timedelta(days=7)  # a report filed within a week of the event's end is on time

# The coordination index: each component is a share from 0 to 1, weighted; a component with nothing
# to measure in the span (no invitations received, say) is left out and the others scaled up.
WEIGHTS = {
    "answer_rate": 25,
    "reports_on_time_rate": 20,
    "obligations_on_time_rate": 20,
    "cross_zone_share": 20,
    "recency": 15,
    "attendance_rate": 10,
    "action_items_on_time_rate": 15,
    "circulars_on_time_rate": 10,
    "plan_delivered_rate": 15,
}
COMPONENT_LABELS = {
    "answer_rate": _("invitations answered"),
    "reports_on_time_rate": _("reports filed within a week of the event"),
    "obligations_on_time_rate": _("obligations met by their due date"),
    "cross_zone_share": _("cross-zone events hosted or joined, one a month counting as full"),
    # %(days)s: the quiet window (scorecard.activity.quiet_days)
    "recency": _("recent activity: full at zero days since the last, nothing at %(days)s"),
    "attendance_rate": _("council meetings attended, among those the zone was invited to"),
    "action_items_on_time_rate": _("action items done by their due date"),
    "circulars_on_time_rate": _("circulars acknowledged by their deadline"),
    "plan_delivered_rate": _("planned activities of the approved annual programme held, of quarters ended"),
}


@dataclass
class Score:
    zone: Zone
    period: Period
    proposed: int = 0
    approved: int = 0
    held: int = 0
    reported: int = 0
    cross_hosted: int = 0
    cross_joined: int = 0
    invitations: int = 0
    answered: int = 0
    median_hours_to_answer: float | None = None
    reports_due: int = 0
    reports_on_time: int = 0
    obligations_due: int = 0
    obligations_on_time: int = 0
    applications: int = 0
    meeting_invitations: int = 0
    meetings_attended: int = 0
    action_items_due: int = 0
    action_items_on_time: int = 0
    circulars_due: int = 0
    circulars_on_time: int = 0
    plan_due: int = 0
    plan_held: int = 0
    days_since_activity: int | None = None
    components: dict[str, float] = field(default_factory=dict)
    index: float | None = 0.0
    future: bool = False

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.invitations if self.invitations else None

    @property
    def reports_on_time_rate(self) -> float | None:
        return self.reports_on_time / self.reports_due if self.reports_due else None

    @property
    def obligations_on_time_rate(self) -> float | None:
        return self.obligations_on_time / self.obligations_due if self.obligations_due else None

    @property
    def attendance_rate(self) -> float | None:
        return self.meetings_attended / self.meeting_invitations if self.meeting_invitations else None

    @property
    def action_items_on_time_rate(self) -> float | None:
        return self.action_items_on_time / self.action_items_due if self.action_items_due else None

    @property
    def circulars_on_time_rate(self) -> float | None:
        return self.circulars_on_time / self.circulars_due if self.circulars_due else None

    @property
    def plan_delivered_rate(self) -> float | None:
        return self.plan_held / self.plan_due if self.plan_due else None


def _bucket(field_name: str, periods: Sequence[Period], dates: bool = False) -> Case:
    whens = []
    for index, period in enumerate(periods):
        low, high = (period.start, period.end) if dates else (period.start_at, period.end_at)
        whens.append(When(**{f"{field_name}__gte": low, f"{field_name}__lt": high}, then=Value(index)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def _span(field_name: str, periods: Sequence[Period], dates: bool = False) -> Q:
    first, last = periods[0], periods[-1]
    if dates:
        return Q(**{f"{field_name}__gte": first.start, f"{field_name}__lt": last.end})
    return Q(**{f"{field_name}__gte": first.start_at, f"{field_name}__lt": last.end_at})


def _grouped(
    queryset: QuerySet,
    zone_field: str,
    date_field: str,
    periods: Sequence[Period],
    dates: bool = False,
    **aggregates: Any,
) -> dict[tuple[int, int], dict[str, Any]]:
    rows = (
        queryset.filter(_span(date_field, periods, dates))
        .annotate(score_zone=F(zone_field), score_bucket=_bucket(date_field, periods, dates))
        .values("score_zone", "score_bucket")
        .annotate(**aggregates)
        .order_by()
    )
    return {(row["score_zone"], row["score_bucket"]): row for row in rows}


@dataclass
class Tally:
    """What the database counted for some zones over some periods, before any of it is read against now.

    Plain numbers and moments keyed by (zone id, index of the period): nothing in it depends on the
    reader's language or on the moment it is read, so the cache can keep it (``scorecard.caching``).
    """

    measures: dict[str, dict[tuple[int, int], dict[str, Any]]]
    last_seen: dict[tuple[int, int], dt.datetime]


def tally(periods: Sequence[Period], zone_ids: Sequence[int]) -> Tally:
    """Every measure for these zones and periods: one grouped query each (proposals and approvals share
    one), and two for last activity."""
    zone_ids = list(zone_ids)
    measures: dict[str, dict[tuple[int, int], dict[str, Any]]] = {}

    # Proposals and approvals in one pass over the history (its join to the events is most of the cost).
    measures["moves"] = _grouped(
        StatusChange.objects.filter(
            event__host_zone_id__in=zone_ids, to_status__in=[Event.Status.SUBMITTED, Event.Status.APPROVED]
        ),
        "event__host_zone_id",
        "changed_at",
        periods,
        proposed=Count("event", distinct=True, filter=Q(to_status=Event.Status.SUBMITTED)),
        approved=Count("event", distinct=True, filter=Q(to_status=Event.Status.APPROVED)),
    )
    # One report at most per event, so a join counts each held event once (cheaper than a subquery per row).
    measures["held"] = _grouped(
        Event.objects.filter(host_zone_id__in=zone_ids, status__in=HELD),
        "host_zone_id",
        "ends_at",
        periods,
        n=Count("pk"),
        on_time=Count("pk", filter=Q(report__filed_at__lte=F("ends_at") + REPORT_GRACE)),
    )
    measures["reported"] = _grouped(
        EventReport.objects.filter(event__host_zone_id__in=zone_ids),
        "event__host_zone_id",
        "filed_at",
        periods,
        n=Count("pk"),
    )
    joined = Participation.objects.filter(event_id=OuterRef("pk"), answer=Participation.Answer.ACCEPTED)
    measures["cross_hosted"] = _grouped(
        Event.objects.filter(Exists(joined), host_zone_id__in=zone_ids, status__in=PUBLISHED),
        "host_zone_id",
        "starts_at",
        periods,
        n=Count("pk"),
    )
    measures["cross_joined"] = _grouped(
        Participation.objects.filter(
            zone_id__in=zone_ids, answer=Participation.Answer.ACCEPTED, event__status__in=PUBLISHED
        ),
        "zone_id",
        "event__starts_at",
        periods,
        n=Count("pk"),
    )
    answered = ~Q(answer=Participation.Answer.INVITED)
    measures["invitations"] = _grouped(
        Participation.objects.filter(zone_id__in=zone_ids, invited_at__isnull=False),
        "zone_id",
        "invited_at",
        periods,
        n=Count("pk"),
        answered=Count("pk", filter=answered),
        median=Median(
            SecondsBetween(F("answered_at"), F("invited_at")), filter=answered & Q(answered_at__isnull=False)
        ),
    )
    measures["obligations"] = _grouped(
        Obligation.objects.current().filter(  # a withdrawn obligation was never owed
            party__kind=Party.Kind.ZONE,
            party__zone_id__in=zone_ids,
            agreement__status__in=["active", "expired", "terminated"],
        ),
        "party__zone_id",
        "due_on",
        periods,
        dates=True,
        n=Count("pk"),
        on_time=Count("pk", filter=Q(status=Obligation.Status.DONE, done_on__lte=F("due_on"))),
    )
    measures["applications"] = _grouped(
        Application.objects.filter(zone_id__in=zone_ids), "zone_id", "submitted_at", periods, n=Count("pk")
    )
    _coordination(measures, periods, zone_ids)
    measures["plan"] = _plan_delivered(periods, zone_ids)
    # As of each period's end, so a month before a later activity still counts from the one before it.
    last_seen = last_activity_as_of(zone_ids, [period.end_at for period in periods])
    return Tally(measures=measures, last_seen=last_seen)


def _coordination(
    measures: dict[str, dict[tuple[int, int], dict[str, Any]]], periods: Sequence[Period], zone_ids: list[int]
) -> None:
    """The coordination desk's follow-through, one grouped query each. What is not yet due is not yet
    counted: an action item or a circular's deadline still ahead counts once it passes, or once it is done
    (the counts are kept per day, ``scorecard.caching``)."""
    today = timezone.localdate()
    # Attendance as the minutes record it; an invitation whose attendance is not yet recorded waits.
    measures["attendance"] = _grouped(
        Invitee.objects.filter(
            kind=Side.ZONE, zone_id__in=zone_ids, meeting__status__in=Meeting.MINUTES_SHOWN
        ).exclude(attendance=Invitee.Attendance.UNKNOWN),
        "zone_id",
        "meeting__starts_at",
        periods,
        n=Count("pk"),
        present=Count("pk", filter=Q(attendance=Invitee.Attendance.PRESENT)),
    )
    done = Q(status=ActionItem.Status.DONE)
    measures["action_items"] = _grouped(
        ActionItem.objects.filter(
            Q(due_on__lt=today) | done,
            kind=Side.ZONE,
            zone_id__in=zone_ids,
            # Counted once the minutes are circulated: before that the zone has not been told of them.
            decision__meeting__status__in=Meeting.MINUTES_SHOWN,
        ).exclude(
            status=ActionItem.Status.DROPPED  # dropped by the secretariat: never owed
        ),
        "zone_id",
        "due_on",
        periods,
        dates=True,
        n=Count("pk"),
        on_time=Count("pk", filter=done & Q(done_on__lte=F("due_on"))),
    )
    acknowledged = Q(acknowledged_at__isnull=False)
    measures["circulars"] = _grouped(
        Acknowledgement.objects.filter(
            Q(circular__acknowledge_by__lt=today) | acknowledged,
            zone_id__in=zone_ids,
            circular__status=Circular.Status.SENT,  # a withdrawn circular asks nothing any more
        ),
        "zone_id",
        "circular__acknowledge_by",
        periods,
        dates=True,
        n=Count("pk"),
        # The day in Tehran time (the active time zone) against the deadline, as Acknowledgement.on_time.
        on_time=Count(
            "pk", filter=acknowledged & Q(acknowledged_at__date__lte=F("circular__acknowledge_by"))
        ),
    )


def _plan_delivered(periods: Sequence[Period], zone_ids: list[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """Activities of approved annual programmes whose Solar Hijri quarter ended in each period (and has
    ended by today: a quarter still running is not yet owed), and how many of them an event held. One
    query: a quarter's end is no column, so the activities are bucketed here, a few hundred a year."""
    today = timezone.localdate()
    first_year = jalali_quarter(periods[0].start)[0]
    last_year = jalali_quarter(periods[-1].end)[0]
    delivered = Event.objects.filter(planned_activity=OuterRef("pk"), status__in=HELD)
    rows = (
        PlannedActivity.objects.filter(
            programme__status=Programme.Status.APPROVED,
            programme__zone_id__in=zone_ids,
            programme__year__year__gte=first_year,
            programme__year__year__lte=last_year,
        )
        .annotate(was_held=Exists(delivered))
        .values_list("programme__zone_id", "programme__year__year", "quarter", "was_held")
        .order_by()
    )
    counted: dict[tuple[int, int], dict[str, Any]] = {}
    for zone_id, year, quarter, was_held in rows:
        last_day = quarter_bounds(year, quarter)[1] - dt.timedelta(days=1)
        if last_day >= today:
            continue
        for index, period in enumerate(periods):
            if period.start <= last_day < period.end:
                entry = counted.setdefault((zone_id, index), {"n": 0, "held": 0})
                entry["n"] += 1
                entry["held"] += int(was_held)
                break
    return counted


def scores(
    counted: Tally,
    periods: Sequence[Period],
    zones: Sequence[Zone],
    now: dt.datetime,
    quiet_window: int,
) -> list[Score]:
    """The scores read from what was counted, as of ``now``: no queries."""
    measures = counted.measures
    result = []
    for zone in zones:
        for index, period in enumerate(periods):
            key = (zone.pk, index)

            def value(name: str, column: str = "n", key: tuple[int, int] = key) -> Any:
                return measures[name].get(key, {}).get(column) or 0

            median = measures["invitations"].get(key, {}).get("median")
            as_of = min(now, period.end_at)
            seen = counted.last_seen.get(key)
            score = Score(
                zone=zone,
                period=period,
                proposed=value("moves", "proposed"),
                approved=value("moves", "approved"),
                held=value("held"),
                reported=value("reported"),
                cross_hosted=value("cross_hosted"),
                cross_joined=value("cross_joined"),
                invitations=value("invitations"),
                answered=value("invitations", "answered"),
                median_hours_to_answer=round(median / 3600, 1) if median is not None else None,
                reports_due=value("held"),
                reports_on_time=value("held", "on_time"),
                obligations_due=value("obligations"),
                obligations_on_time=value("obligations", "on_time"),
                applications=value("applications"),
                meeting_invitations=value("attendance"),
                meetings_attended=value("attendance", "present"),
                action_items_due=value("action_items"),
                action_items_on_time=value("action_items", "on_time"),
                circulars_due=value("circulars"),
                circulars_on_time=value("circulars", "on_time"),
                plan_due=value("plan"),
                plan_held=value("plan", "held"),
                days_since_activity=max((as_of - seen).days, 0) if seen and seen <= as_of else None,
            )
            if period.start_at > now:
                score.future = True  # nothing has happened yet: no index, not a zero
                score.index = None
            else:
                _index(score, quiet_window)
            result.append(score)
    return result


def compute(
    periods: Sequence[Period],
    zones: Sequence[Zone] | None = None,
    now: dt.datetime | None = None,
    quiet_window: int | None = None,
) -> list[Score]:
    """Scores for each zone (rows) and each period (in order), zones in their usual order; uncached."""
    now = now or timezone.now()
    zones = list(zones) if zones is not None else list(Zone.objects.filter(is_active=True))
    counted = tally(periods, [zone.pk for zone in zones])
    return scores(counted, periods, zones, now, quiet_window or quiet_days())


def _index(score: Score, quiet_window: int | None = None) -> None:
    """0 to 100 from the components that have something to measure; the formula is shown on the page."""
    window = quiet_window or quiet_days()
    components: dict[str, float | None] = {
        "answer_rate": score.answer_rate,
        "reports_on_time_rate": score.reports_on_time_rate,
        "obligations_on_time_rate": score.obligations_on_time_rate,
        "cross_zone_share": min((score.cross_hosted + score.cross_joined) / score.period.months, 1.0),
        "recency": max(0.0, 1 - score.days_since_activity / window)
        if score.days_since_activity is not None
        else 0.0,
        "attendance_rate": score.attendance_rate,
        "action_items_on_time_rate": score.action_items_on_time_rate,
        "circulars_on_time_rate": score.circulars_on_time_rate,
        "plan_delivered_rate": score.plan_delivered_rate,
    }
    counted = {name: share for name, share in components.items() if share is not None}
    weight = sum(WEIGHTS[name] for name in counted)
    score.components = counted
    score.index = (
        round(sum(WEIGHTS[name] * share for name, share in counted.items()) * 100 / weight, 1)
        if weight
        else 0.0
    )


def by_zone(scores: list[Score]) -> dict[int, list[Score]]:
    grouped: dict[int, list[Score]] = defaultdict(list)
    for score in scores:
        grouped[score.zone.pk].append(score)
    return grouped
