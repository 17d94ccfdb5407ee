"""Where an event meets the zone's annual programme: the Solar Hijri quarter of a moment, and the order
in which the event form offers the planned activities (those of the event's category and quarter first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext

from programmes.calendar import quarter_name
from programmes.models import PlannedActivity
from zones_portal.widgets import readers_number


def jalali_quarter(moment: dt.date | dt.datetime) -> tuple[int, int]:
    """The Solar Hijri year and quarter (1 spring … 4 winter) of a day, or of a moment in Tehran time."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    day = jdatetime.date.fromgregorian(date=moment)
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first day of a Solar Hijri quarter and the first day of the next one (Gregorian dates)."""
    start = jdatetime.date(year, (quarter - 1) * 3 + 1, 1).togregorian()
    end = (
        jdatetime.date(year + 1, 1, 1) if quarter == 4 else jdatetime.date(year, quarter * 3 + 1, 1)
    ).togregorian()
    return start, end


def activity_label(activity: PlannedActivity, with_zone: bool = False) -> str:
    """How the form and the admin name an activity as people say it: its title, season and year in the
    reader's digits ("… · بهار ۱۴۰۶"), and its zone for the secretariat."""
    label = gettext("%(title)s · %(season)s %(year)s") % {
        "title": activity.title,
        "season": quarter_name(activity.quarter),
        "year": readers_number(str(activity.programme.year.year)),
    }
    return f"{activity.programme.zone.name} · {label}" if with_zone else label


def ordered_activities(
    activities: list[PlannedActivity], category_id: Any, starts_at: dt.datetime | None, with_zone: bool
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The activities as (id, label) choices split in two: suggested (same category and, once the event's
    start is known, same year and quarter) and the others, each in the programme's order."""
    when = jalali_quarter(starts_at) if starts_at else None
    suggested, others = [], []
    for activity in activities:
        choice = (activity.pk, activity_label(activity, with_zone))
        same_category = category_id is not None and str(activity.category_id) == str(category_id)
        same_quarter = when is None or (activity.programme.year.year, activity.quarter) == when
        (suggested if same_category and same_quarter else others).append(choice)
    return suggested, others
