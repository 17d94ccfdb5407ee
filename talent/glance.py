"""Talent on the home page: applications waiting for the reader's scores."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from talent.models import Application, Assignment, TalentCall
from zones_portal.glance import Panel, register


@register
def panels(user: Any) -> list[Panel]:
    if not user.is_authenticated:
        return []
    waiting = (
        Assignment.objects.filter(juror=user, scored_at__isnull=True, conflict_declared_at__isnull=True)
        .exclude(application__status=Application.Status.WITHDRAWN)
        .exclude(application__call__status=TalentCall.Status.FINISHED)
        .count()
    )
    if not waiting:
        return []
    return [Panel(_("Applications waiting for your scores"), waiting, reverse("talent:jury"), urgent=True)]
