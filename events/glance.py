"""Events on the home page: what waits for the reader's zone, or for the secretariat's decision."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Participation
from events.signals import EVENTS
from zones_portal import permissions
from zones_portal.glance import Panel, register

Status = Event.Status


@register(counters=(EVENTS,))  # a zone's counts, or the secretariat's: kept per scope
def panels(user: Any) -> list[Panel]:
    scope = permissions.scope_of(user)
    now = timezone.now()
    url = reverse("events:list")
    if scope.zone_id is not None:
        counts = Event.objects.filter(host_zone_id=scope.zone_id).aggregate(
            upcoming=Count("pk", filter=Q(status=Status.APPROVED, ends_at__gt=now)),
            to_report=Count("pk", filter=Q(status__in=[Status.APPROVED, Status.HELD], ends_at__lte=now)),
        )
        invitations = Participation.objects.filter(
            zone_id=scope.zone_id,
            answer=Participation.Answer.INVITED,
            invited_at__isnull=False,
            event__status__in=[Status.SUBMITTED, Status.APPROVED],
            event__starts_at__gt=now,
        ).count()
        return [
            Panel(_("Invitations to answer"), invitations, url + "#invitations", urgent=bool(invitations)),
            Panel(
                _("Reports to file"),
                counts["to_report"],
                url + "#awaiting-report",
                urgent=bool(counts["to_report"]),
            ),
            Panel(_("Upcoming events"), counts["upcoming"], url + "#upcoming"),
        ]
    if scope.secretariat:
        waiting = Event.objects.filter(status=Status.SUBMITTED).count()
        return [Panel(_("Events awaiting your decision"), waiting, url + "#submitted", urgent=bool(waiting))]
    return []
