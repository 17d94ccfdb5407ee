"""Clashes between events: warnings for the secretariat and the proposing zone, never blocks.

Two kinds (docs/domain.md, Events): two approved events of one zone that overlap in
time; and the same category in two zones in the same (Saturday-to-Friday)
week, since they compete for the same artists and audience.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from events.models import Event, week_start


@dataclass(frozen=True)
class Conflict:
    kind: str  # "overlap" or "same_week"
    other: Event

    @property
    def message(self) -> str:
        if self.kind == "overlap":
            return _("Overlaps “%(title)s”, another approved event of %(zone)s.") % {
                "title": self.other.title,
                "zone": self.other.host_zone.name,
            }
        return _("“%(title)s” in %(zone)s is in the same category in the same week.") % {
            "title": self.other.title,
            "zone": self.other.host_zone.name,
        }


def conflicts_for(event: Event) -> list[Conflict]:
    """What ``event`` would clash with among the approved events (whatever its own state); saved or
    not yet, so that the form can warn while its dates are still being chosen."""
    if event.status in (Event.Status.CANCELLED, Event.Status.REJECTED):
        return []
    approved = Event.objects.filter(status__in=Event.PUBLISHED).select_related("host_zone")
    if event.pk is not None:
        approved = approved.exclude(pk=event.pk)
    overlapping = approved.filter(
        host_zone_id=event.host_zone_id, starts_at__lt=event.ends_at, ends_at__gt=event.starts_at
    )
    same_week = approved.filter(
        category_id=event.category_id, week_start=week_start(event.starts_at)
    ).exclude(host_zone_id=event.host_zone_id)
    return [Conflict("overlap", other) for other in overlapping] + [
        Conflict("same_week", other) for other in same_week
    ]
