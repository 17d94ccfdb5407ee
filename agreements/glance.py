"""Agreements on the home page: the obligations the reader's zone or institution owes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, Obligation, Party
from agreements.signals import AGREEMENTS
from zones_portal import permissions
from zones_portal.glance import Panel, register


@register(counters=(AGREEMENTS,))  # a zone's or institution's counts: kept per scope
def panels(user: Any) -> list[Panel]:
    scope = permissions.scope_of(user)
    if scope.zone_id is not None:
        owed = Q(party__kind=Party.Kind.ZONE, party__zone_id=scope.zone_id)
    elif scope.institution_id is not None:
        owed = Q(party__kind=Party.Kind.INSTITUTION, party__institution_id=scope.institution_id)
    elif scope.secretariat:
        owed = Q(pk__isnull=False)  # the secretariat follows every obligation
    else:
        return []
    today = timezone.localdate()
    counts = Obligation.objects.filter(
        owed,
        agreement__status__in=Agreement.IN_FORCE,
        status__in=[Obligation.Status.PENDING, Obligation.Status.IN_PROGRESS, Obligation.Status.MISSED],
    ).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=30))),
    )
    url = reverse("agreements:list") + "#owed"
    return [
        Panel(_("Obligations overdue"), counts["overdue"], url, urgent=bool(counts["overdue"])),
        Panel(_("Obligations due within 30 days"), counts["soon"], url),
    ]
