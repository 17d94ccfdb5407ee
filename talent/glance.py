"""Talent on the home page: applications waiting for the reader's scores, the first few linked to
their score sheets. A juror may have no zone or institution: this is what their home is for."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from talent.models import Application, Assignment, TalentCall
from zones_portal import versions
from zones_portal.glance import ROWS, Glance, Panel, register, section

# The counter of what "waiting for your scores" reads: assignments, applications and calls.
JURY = "jury"
KEPT_SECONDS = 300


def connect() -> None:
    """Called once the app registry is ready (TalentConfig.ready)."""
    versions.watch(JURY, (Assignment, Application, TalentCall))


def _waiting(user: Any) -> QuerySet[Assignment]:
    """The reader's assignments not scored yet, in calls still running, on applications not withdrawn."""
    return (
        Assignment.objects.filter(juror=user, scored_at__isnull=True, conflict_declared_at__isnull=True)
        .exclude(application__status=Application.Status.WITHDRAWN)
        .exclude(application__call__status=TalentCall.Status.FINISHED)
    )


@register
def panels(user: Any) -> list[Glance]:
    if not user.is_authenticated:
        return []
    # Kept per person under the jury counter: almost nobody who opens the home page is a juror, and
    # counting across three tables on every visit was a sixth of the page's work (building the query
    # alone, a tenth: it is built only when the count is not kept).
    count = versions.kept(
        (JURY,), f"jury-waiting:{user.pk}", lambda: _waiting(user).count(), timeout=KEPT_SECONDS
    )
    if not count:
        return []
    waiting = _waiting(user)
    url = reverse("talent:jury")
    rows = list(
        waiting.select_related("application__call", "application__discipline", "application__zone")
        .defer("application__statement", "application__call__description")
        .order_by("application__call__closes_at", "application__submitted_at", "pk")[:ROWS]
    )
    return [
        Panel(_("Applications waiting for your scores"), count, url, urgent=True),
        section(
            "home-jury",
            _("Applications to score"),
            "zones_portal/_home_jury.html",
            {"assignments": rows},
            more_url=url,
            more_label=_("See all the applications before you"),
            order=60,
        ),
    ]
