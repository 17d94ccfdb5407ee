"""Reminder rules that read the annual programmes: a programme falling due, a programme returned for
revision, and a planned activity whose quarter begins with no event proposed to deliver it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.calendar import quarter_name, quarter_starts, solar_year_of
from programmes.models import PlannedActivity, Programme, ProgrammeStatusChange, ProgrammeYear
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    in_readers_digits,
    moment_key,
    morning,
    occasion_parts,
    register,
    stale_subjects,
    zone_people_by_zone,
)
from zones_portal.dates import format_date
from zones_portal.models import Zone

Status = Programme.Status
ON_TIME = (Status.SUBMITTED, Status.APPROVED)  # a zone that has sent its programme is not reminded


# Programme due: days before the date the secretariat set for the year, to zones that have not submitted.


def due_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    today = timezone.localtime(now).date()
    first_day = timezone.localtime(horizon).date()
    reach = max(offsets, default=0)
    years = list(ProgrammeYear.objects.filter(due_on__gt=first_day, due_on__lte=today + days(reach)))
    if not years:
        return
    zones = list(Zone.objects.filter(is_active=True).only("pk", "name_fa", "name_en", "sort_order"))
    sent = set(Programme.objects.filter(year__in=years, status__in=ON_TIME).values_list("year_id", "zone_id"))
    deputies = zone_people_by_zone(zone.pk for zone in zones)
    for year in years:
        for offset in offsets:
            if not (first_day < year.due_on - days(offset) <= today):
                continue
            for zone in zones:
                if (year.pk, zone.pk) in sent or not deputies.get(zone.pk):
                    continue
                yield Due(
                    zone,
                    f"before-{offset}d:{year.year}:{year.due_on.isoformat()}",
                    morning(year.due_on - days(offset)),
                    deputies[zone.pk],
                )


def _due_occasion(occasion: str) -> tuple[int, str]:
    year, _sep, due_on = occasion_parts(occasion)[1].partition(":")
    return int(year), due_on


def due_current(zone: Zone, occasion: str, now: dt.datetime) -> bool:
    year, due_on = _due_occasion(occasion)
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    return (
        programme_year is not None
        and programme_year.due_on.isoformat() == due_on
        and not Programme.objects.filter(zone=zone, year=programme_year, status__in=ON_TIME).exists()
    )


def due_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    due_dates = {str(y.year): y.due_on.isoformat() for y in ProgrammeYear.objects.all()}
    sent = {
        (str(year), zone_id)
        for year, zone_id in Programme.objects.filter(status__in=ON_TIME).values_list("year__year", "zone_id")
    }

    def stands(zone: Zone, occasion: str) -> bool:
        year, _sep, due_on = occasion_parts(occasion)[1].partition(":")
        return due_dates.get(year) == due_on and (year, zone.pk) not in sent

    return stale_subjects(pending, Zone.objects.only("pk"), stands)


def due_headline(zone: Zone, occasion: str) -> str:
    year, due_on = _due_occasion(occasion)
    return _("Your zone's programme for %(year)s is due on %(day)s") % {
        "year": in_readers_digits(year),
        "day": format_date(dt.date.fromisoformat(due_on)),
    }


def due_context(zone: Zone, occasion: str) -> dict:
    return {
        "headline": due_headline(zone, occasion),
        "details": [zone.name],
        "path": reverse("programmes:list"),
    }


register(
    Rule(
        slug="programme-due",
        title=_("Annual programme due"),
        description=_(
            "Days before the date the secretariat set for the year's programmes; to the people of the zones that have not submitted theirs."
        ),
        collect=due_collect,
        still_current=due_current,
        context=due_context,
        headline=due_headline,
        stale=due_stale,
    )
)


# Programme returned: news, at the next sweep after the secretariat returns or reopens a programme.


def returned_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    changes = list(
        ProgrammeStatusChange.objects.filter(
            to_status=Status.RETURNED, changed_at__gt=horizon, changed_at__lte=now
        ).select_related("programme__zone", "programme__year")
    )
    deputies = zone_people_by_zone({change.programme.zone_id for change in changes})
    for change in changes:
        recipients = deputies.get(change.programme.zone_id, ())
        if recipients:
            yield Due(
                change.programme, f"returned:{moment_key(change.changed_at)}", change.changed_at, recipients
            )


def _returned_stands(programme: Programme, occasion: str) -> bool:
    return programme.status == Status.RETURNED


def returned_current(programme: Programme, occasion: str, now: dt.datetime) -> bool:
    return _returned_stands(programme, occasion)


def returned_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Programme.objects.only("pk", "status"), _returned_stands)


def returned_headline(programme: Programme, occasion: str) -> str:
    return _("The secretariat returned your programme for %(year)s for revision") % {
        "year": in_readers_digits(programme.year.year)
    }


def returned_context(programme: Programme, occasion: str) -> dict:
    details = [programme.zone.name]
    if programme.return_comment:
        details.insert(0, _("Comment: %(comment)s") % {"comment": programme.return_comment})
    return {
        "headline": returned_headline(programme, occasion),
        "details": details,
        "path": reverse("programmes:detail", args=[programme.pk]),
    }


register(
    Rule(
        slug="programme-returned",
        title=_("Programme returned for revision"),
        description=_(
            "News, at the next sweep after the secretariat returns or reopens a zone's programme; to the zone's deputy and staff."
        ),
        collect=returned_collect,
        still_current=returned_current,
        context=returned_context,
        headline=returned_headline,
        stale=returned_stale,
    )
)


# Planned activity unstarted: days before its quarter begins, an approved activity no event delivers yet.


def _delivered_by_an_event() -> bool:
    """Whether events can name the activity they deliver (``Event.planned_activity``, related name
    ``events``); until then no activity counts as delivered."""
    try:
        PlannedActivity._meta.get_field("events")
    except FieldDoesNotExist:
        return False
    return True


def _undelivered(activities: QuerySet[PlannedActivity]) -> QuerySet[PlannedActivity]:
    if _delivered_by_an_event():
        return activities.filter(events__isnull=True)
    return activities


def unstarted_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    today = timezone.localtime(now).date()
    first_day = timezone.localtime(horizon).date()
    this_year = solar_year_of(today)
    activities = list(
        _undelivered(
            PlannedActivity.objects.filter(
                programme__status=Status.APPROVED, programme__year__year__in=[this_year, this_year + 1]
            )
        )
        .select_related("programme__year")
        .only("pk", "title", "quarter", "programme__zone", "programme__status", "programme__year__year")
        .distinct()
        .order_by("pk")
    )
    deputies = zone_people_by_zone({activity.programme.zone_id for activity in activities})
    for activity in activities:
        starts = quarter_starts(activity.programme.year.year, activity.quarter)
        for offset in offsets:
            if first_day < starts - days(offset) <= today and starts >= today:
                recipients = deputies.get(activity.programme.zone_id, ())
                if recipients:
                    yield Due(
                        activity,
                        f"before-{offset}d:{starts.isoformat()}",
                        morning(starts - days(offset)),
                        recipients,
                    )


def _unstarted_stands(activity: PlannedActivity, occasion: str) -> bool:
    starts = quarter_starts(activity.programme.year.year, activity.quarter)
    return (
        activity.programme.status == Status.APPROVED
        and occasion_parts(occasion)[1] == starts.isoformat()
        and not getattr(activity, "delivered", False)
    )


def unstarted_current(activity: PlannedActivity, occasion: str, now: dt.datetime) -> bool:
    if _delivered_by_an_event() and activity.events.exists():
        return False
    return _unstarted_stands(activity, occasion)


def unstarted_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    activities = PlannedActivity.objects.select_related("programme__year").only(
        "pk", "quarter", "programme__status", "programme__year__year"
    )
    if _delivered_by_an_event():
        delivering = PlannedActivity.objects.filter(pk=OuterRef("pk"), events__isnull=False)
        activities = activities.annotate(delivered=Exists(delivering))
    return stale_subjects(pending, activities, _unstarted_stands)


def unstarted_headline(activity: PlannedActivity, occasion: str) -> str:
    return _("“%(title)s” is planned for %(quarter)s and no event is proposed for it yet") % {
        "title": activity.title,
        "quarter": quarter_name(activity.quarter),
    }


def unstarted_context(activity: PlannedActivity, occasion: str) -> dict:
    return {
        "headline": unstarted_headline(activity, occasion),
        "details": [
            _("The quarter begins on %(day)s.")
            % {"day": format_date(dt.date.fromisoformat(occasion_parts(occasion)[1]))}
        ],
        "path": reverse("programmes:detail", args=[activity.programme_id]),
    }


register(
    Rule(
        slug="planned-activity-unstarted",
        title=_("Planned activity not yet proposed"),
        description=_(
            "Days before the quarter of an approved programme's activity begins, while no event is proposed to deliver it; to the zone's deputy and staff."
        ),
        collect=unstarted_collect,
        still_current=unstarted_current,
        context=unstarted_context,
        headline=unstarted_headline,
        stale=unstarted_stale,
    )
)
