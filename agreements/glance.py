"""Agreements on the home page: the obligations the reader's zone or institution owes, or, for the
secretariat, every party's. Each card leads to the agreements page filtered to exactly what it counts
(``?due=overdue`` or ``?due=soon``, read by ``agreements.views``); the section lists the first few."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, Obligation, Party
from agreements.signals import AGREEMENTS
from zones_portal import permissions
from zones_portal.glance import ROWS, Glance, Panel, register, section

SOON_DAYS = 30  # "due soon": the card, the section and the agreements page's ?due=soon agree on it
OPEN = (Obligation.Status.PENDING, Obligation.Status.IN_PROGRESS, Obligation.Status.MISSED)


def due_q(due: str, today: dt.date) -> Q | None:
    """What ``?due=`` names: ``overdue`` (past its date) or ``soon`` (from today to ``SOON_DAYS`` on)."""
    if due == "overdue":
        return Q(due_on__lt=today)
    if due == "soon":
        return Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS))
    return None


def open_obligations(owed: Q) -> QuerySet[Obligation]:
    """Still owed, under an agreement in force: what the cards count and the filtered list shows."""
    return Obligation.objects.filter(owed, agreement__status__in=Agreement.IN_FORCE, status__in=OPEN)


def owed_q(scope: permissions.Scope) -> Q | None:
    if scope.zone_id is not None:
        return Q(party__kind=Party.Kind.ZONE, party__zone_id=scope.zone_id)
    if scope.institution_id is not None:
        return Q(party__kind=Party.Kind.INSTITUTION, party__institution_id=scope.institution_id)
    if scope.secretariat:
        return Q(pk__isnull=False)  # the secretariat follows every obligation
    return None


@register(counters=(AGREEMENTS,))  # a zone's or institution's counts: kept per scope
def panels(user: Any) -> list[Glance]:
    scope = permissions.scope_of(user)
    owed = owed_q(scope)
    if owed is None:
        return []
    today = timezone.localdate()
    obligations = open_obligations(owed)
    counts = obligations.aggregate(
        overdue=Count("pk", filter=due_q("overdue", today)),
        soon=Count("pk", filter=due_q("soon", today)),
    )
    url = reverse("agreements:list")
    overdue_url, soon_url = f"{url}?due=overdue#owed", f"{url}?due=soon#owed"
    # The secretariat follows what is late; a party, what it must do next, late or soon.
    shown = (
        due_q("overdue", today) if scope.secretariat else Q(due_on__lte=today + dt.timedelta(days=SOON_DAYS))
    )
    rows = list(
        obligations.filter(shown)
        .select_related("agreement", "party__zone", "party__institution")
        .defer("evidence_note", "agreement__summary", "agreement__termination_reason")
        .order_by("due_on", "pk")[:ROWS]
    )
    return [
        Panel(_("Obligations overdue"), counts["overdue"], overdue_url, urgent=bool(counts["overdue"])),
        Panel(_("Obligations due within 30 days"), counts["soon"], soon_url),
        section(
            "home-obligations",
            _("Overdue obligations") if scope.secretariat else _("Obligations due"),
            "zones_portal/_home_obligations.html",
            {"obligations": rows, "today": today, "show_party": scope.secretariat},
            more_url=overdue_url if scope.secretariat else url + "#owed",
            more_label=_("See all overdue obligations")
            if scope.secretariat
            else _("See all your obligations"),
            order=50,
        ),
    ]
