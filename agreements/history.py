"""The timelines of an agreement and of one obligation (zones_portal.history).

An agreement's timeline holds the agreement, its parties, its signed documents and its obligations, withdrawn
ones too, and the status moves of the agreement and its obligations. Every version of an evidence file and
every signed document stays downloadable through the views that check who asks.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementStatusChange,
    Obligation,
    ObligationStatusChange,
    Party,
    SignedDocument,
)
from zones_portal.history import Moves, Track

AGREEMENT_STATUS_FIELDS = ("status", "termination_reason")
OBLIGATION_STATUS_FIELDS = ("status",)


def _party(version: Any) -> str:
    return _("Party %(name)s") % {
        "name": Party(kind=version.kind, zone=version.zone, institution=version.institution).name
    }


def _document(version: Any) -> str:
    return _("Signed document, version %(version)s") % {"version": version.version}


def _document_url(version: Any, field: str) -> str:
    return reverse("agreements:document", args=[version.id])


def _obligation(version: Any) -> str:
    return _("Obligation: %(what)s") % {"what": Truncator(version.description).chars(80)}


def _obligation_move(change: ObligationStatusChange) -> str:
    return _("Obligation: %(what)s") % {"what": Truncator(change.obligation.description).chars(80)}


def evidence_url(version: Any, field: str) -> str:
    return reverse("agreements:evidence-version", args=[version.id, version.history_id])


def obligation_track(history: Any, *, subject: bool) -> Track:
    return Track(
        history,
        subject=_obligation if subject else None,
        files={"evidence_file": "evidence_file_name"},
        file_url=evidence_url,
        hidden=(*OBLIGATION_STATUS_FIELDS, "agreement"),
    )


def agreement_timeline(agreement: Agreement) -> tuple[list[Track], list[Moves]]:
    tracks = [
        Track(Agreement.history.filter(id=agreement.pk), hidden=AGREEMENT_STATUS_FIELDS),
        Track(
            Party.history.filter(agreement_id=agreement.pk).select_related("zone", "institution"),
            subject=_party,
            hidden=("agreement",),
        ),
        Track(
            SignedDocument.history.filter(agreement_id=agreement.pk),
            subject=_document,
            files={"file": "original_name"},
            file_url=_document_url,
            hidden=("agreement", "size"),
        ),
        obligation_track(Obligation.history.filter(agreement_id=agreement.pk), subject=True),
    ]
    moves = [
        Moves(AgreementStatusChange.objects.filter(agreement_id=agreement.pk)),
        Moves(
            ObligationStatusChange.objects.filter(obligation__agreement_id=agreement.pk).select_related(
                "obligation"
            ),
            subject=_obligation_move,
        ),
    ]
    return tracks, moves


def obligation_timeline(obligation: Obligation) -> tuple[list[Track], list[Moves]]:
    return (
        [obligation_track(Obligation.history.filter(id=obligation.pk), subject=False)],
        [Moves(ObligationStatusChange.objects.filter(obligation_id=obligation.pk))],
    )
