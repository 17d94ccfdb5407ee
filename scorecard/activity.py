"""A zone's last activity and when it counts as quiet: one definition for the zone-quiet reminder and the
scorecard's "days since last activity" (docs/domain.md).

Activity is proposing an event (the move to submitted: a draft is not yet a proposal) or holding one
(its end). The quiet window is the zone-quiet rule's offset, ``ZONE_QUIET_DAYS`` unless the secretariat
changed it in the admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Case, F, IntegerField, Max, QuerySet, Value, When

from events.models import Event, StatusChange
from reminders.registry import RULES, offsets_for


def _activities(zone_ids: list[int]) -> list[tuple[QuerySet, str, str]]:
    """What counts as activity, as (rows, their zone, their moment): the proposals and the held events."""
    return [
        (
            StatusChange.objects.filter(event__host_zone_id__in=zone_ids, to_status=Event.Status.SUBMITTED),
            "event__host_zone_id",
            "changed_at",
        ),
        (
            Event.objects.filter(host_zone_id__in=zone_ids, status__in=Event.REPORTABLE),
            "host_zone_id",
            "ends_at",
        ),
    ]


def last_activity(zone_ids: Iterable[int], before: dt.datetime | None = None) -> dict[int, dt.datetime]:
    """The latest proposal or held event of each zone (before ``before``): two grouped queries."""
    latest: dict[int, dt.datetime] = {}
    for rows, zone_field, moment in _activities(list(zone_ids)):
        within = rows.filter(**{f"{moment}__lt": before}) if before is not None else rows
        found = (
            within.values(zone_field).annotate(last=Max(moment)).values_list(zone_field, "last").order_by()
        )
        for zone_id, last in found:
            latest[zone_id] = max(last, latest.get(zone_id, last))
    return latest


def last_activity_as_of(
    zone_ids: Iterable[int], ends: Sequence[dt.datetime]
) -> dict[tuple[int, int], dt.datetime]:
    """Each zone's latest activity before each moment of ``ends``, keyed by (zone, index in ``ends``).

    Two grouped queries whatever the number of moments: the time before the last of them is cut into
    slices (before the earliest, then up to each next one), each slice's latest activity is found per
    zone, and the latest so far is carried forward. So a month followed by later activity still counts
    from the activity before it.
    """
    if not ends:
        return {}
    order = sorted(range(len(ends)), key=ends.__getitem__)
    by_slice: dict[tuple[int, int], dt.datetime] = {}
    for rows, zone_field, moment in _activities(list(zone_ids)):
        # CASE takes the first match: a moment falls in the slice of the earliest end after it.
        slice_of = Case(
            *[When(**{f"{moment}__lt": ends[index]}, then=Value(rank)) for rank, index in enumerate(order)],
            output_field=IntegerField(),
        )
        found = (
            rows.filter(**{f"{moment}__lt": ends[order[-1]]})
            .annotate(activity_zone=F(zone_field), activity_slice=slice_of)
            .values("activity_zone", "activity_slice")
            .annotate(last=Max(moment))
            .values_list("activity_zone", "activity_slice", "last")
            .order_by()
        )
        for zone_id, rank, last in found:
            key = (zone_id, rank)
            by_slice[key] = max(last, by_slice.get(key, last))
    latest: dict[tuple[int, int], dt.datetime] = {}
    for zone_id in {zone_id for zone_id, _rank in by_slice}:
        so_far: dt.datetime | None = None
        for rank, index in enumerate(order):
            found_in_slice = by_slice.get((zone_id, rank))
            if found_in_slice is not None and (so_far is None or found_in_slice > so_far):
                so_far = found_in_slice
            if so_far is not None:
                latest[(zone_id, index)] = so_far
    return latest


def quiet_days() -> int:
    """After how many days without activity a zone counts as quiet."""
    rule = RULES.get("zone_quiet")
    offsets = offsets_for(rule) if rule is not None else None
    return int(offsets[0]) if offsets else settings.ZONE_QUIET_DAYS
