"""Set-up for the programme tests: a year, a programme and its activities, written directly (the
services are what the tests exercise)."""

import datetime as dt

from events.models import EventCategory
from programmes.models import PlannedActivity, Programme, ProgrammeYear


def make_year(year=1405, due_on=None, **extra):
    return ProgrammeYear.objects.create(year=year, due_on=due_on or dt.date(2026, 2, 19), **extra)


def make_programme(zone, year=None, *, status="draft", **extra):
    return Programme.objects.create(zone=zone, year=year or make_year(), status=status, **extra)


def make_activity(programme, *, title=None, quarter=1, month=None, category="festival", **extra):
    return PlannedActivity.objects.create(
        programme=programme,
        title=title or f"فعالیت {PlannedActivity.objects.count() + 1}",
        category=EventCategory.objects.get(slug=category),
        quarter=quarter,
        month=month,
        **extra,
    )
