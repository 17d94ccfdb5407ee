"""The timelines of a talent call and of an application (zones_portal.history).

A call's timeline holds the call (its disciplines and eligible zones too), its scoring criteria and, for
the admin, its jury. An application's holds the application, its portfolio files, every score given to
it and its status moves; it carries an applicant's personal data, so only the admin shows it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from talent.models import (
    Application,
    ApplicationStatusChange,
    Assignment,
    JuryMember,
    PortfolioFile,
    Score,
    ScoringCriterion,
    TalentCall,
)
from zones_portal.history import Moves, Track


def _criterion(version: Any) -> str:
    return _("Scoring criterion %(name)s") % {"name": version.name}


def _juror(version: Any) -> str:
    return _("Juror %(name)s") % {"name": version.user}


def _portfolio(version: Any) -> str:
    return _("Portfolio file %(name)s") % {"name": version.original_name}


def _portfolio_url(version: Any, field: str) -> str:
    return reverse("talent:file", args=[version.id])


def _score(version: Any) -> str:
    return _("Score of %(juror)s for %(criterion)s") % {
        "juror": version.assignment.juror if version.assignment else "—",
        "criterion": version.criterion or "—",
    }


def call_timeline(call: TalentCall, *, with_jury: bool) -> tuple[list[Track], list[Moves]]:
    tracks = [
        Track(TalentCall.history.filter(id=call.pk)),
        Track(ScoringCriterion.history.filter(call_id=call.pk), subject=_criterion, hidden=("call",)),
    ]
    if with_jury:
        tracks.append(
            Track(
                JuryMember.history.filter(call_id=call.pk).select_related("user"),
                subject=_juror,
                hidden=("call",),
            )
        )
    return tracks, []


def application_timeline(application: Application) -> tuple[list[Track], list[Moves]]:
    assignments = Assignment.objects.filter(application_id=application.pk).values("pk")
    tracks = [
        Track(Application.history.filter(id=application.pk), hidden=("status",)),
        Track(
            PortfolioFile.history.filter(application_id=application.pk),
            subject=_portfolio,
            files={"file": "original_name"},
            file_url=_portfolio_url,
            hidden=("application", "kind", "size"),
        ),
        Track(
            Score.history.filter(assignment_id__in=assignments).select_related(
                "assignment__juror", "criterion"
            ),
            subject=_score,
            hidden=("assignment", "criterion"),
        ),
    ]
    return tracks, [Moves(ApplicationStatusChange.objects.filter(application_id=application.pk))]
