"""A zone's last activity and when it counts as quiet: one definition for the zone-quiet reminder and the
scorecard's "days since last activity" (docs/domain.md).

Activity is proposing an event (the move to submitted: a draft is not yet a proposal) or holding one
(its end). The quiet window is the zone-quiet rule's offset, ``ZONE_QUIET_DAYS`` unless the secretariat
changed it in the admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Max

from events.models import Event, StatusChange
from reminders.registry import RULES, offsets_for


def last_activity(zone_ids: Iterable[int], before: dt.datetime | None = None) -> dict[int, dt.datetime]:
    """The latest proposal or held event of each zone (before ``before``): two grouped queries."""
    zone_ids = list(zone_ids)
    proposals = StatusChange.objects.filter(
        event__host_zone_id__in=zone_ids, to_status=Event.Status.SUBMITTED
    )
    held = Event.objects.filter(host_zone_id__in=zone_ids, status__in=Event.REPORTABLE)
    if before is not None:
        proposals = proposals.filter(changed_at__lt=before)
        held = held.filter(ends_at__lt=before)
    proposed = dict(
        proposals.values("event__host_zone_id")
        .annotate(last=Max("changed_at"))
        .values_list("event__host_zone_id", "last")
        .order_by()
    )
    ended = dict(
        held.values("host_zone_id")
        .annotate(last=Max("ends_at"))
        .values_list("host_zone_id", "last")
        .order_by()
    )
    return {
        zone_id: max(moment for moment in (proposed.get(zone_id), ended.get(zone_id)) if moment)
        for zone_id in zone_ids
        if proposed.get(zone_id) or ended.get(zone_id)
    }


def quiet_days() -> int:
    """After how many days without activity a zone counts as quiet."""
    rule = RULES.get("zone_quiet")
    offsets = offsets_for(rule) if rule is not None else None
    return int(offsets[0]) if offsets else settings.ZONE_QUIET_DAYS
