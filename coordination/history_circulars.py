"""The timeline of a circular (zones_portal.history): its versions and status moves, and each recipient
zone's acknowledgement. The secretariat reads all of it; a recipient zone reads the moves and its own
acknowledgement, not the draft's earlier versions nor the other zones' answers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from coordination.models import Acknowledgement, Circular, CircularStatusChange
from zones_portal.history import Moves, Track

CIRCULAR_STATUS_FIELDS = ("status", "withdrawal_reason")


def _recipient(version: Any) -> str:
    return _("Recipient zone %(name)s") % {"name": version.zone}


def circular_timeline(
    circular: Circular, *, whole: bool, zone_id: int | None = None
) -> tuple[list[Track], list[Moves]]:
    """``whole`` for the secretariat; otherwise only the moves and the acknowledgement of ``zone_id``."""

    def file_url(version: Any, field: str) -> str | None:
        # Only the file the circular carries now is served; an earlier draft's file is named, not linked.
        return (
            reverse("coordination:circular-file", args=[circular.pk])
            if version.file == circular.file.name
            else None
        )

    acknowledgements = Acknowledgement.history.filter(circular_id=circular.pk)
    tracks = [
        Track(
            acknowledgements if whole else acknowledgements.filter(zone_id=zone_id),
            subject=_recipient,
            hidden=("circular",),
        )
    ]
    if whole:
        tracks.insert(
            0,
            Track(
                Circular.history.filter(id=circular.pk),
                files={"file": "file_name"},
                file_url=file_url,
                hidden=CIRCULAR_STATUS_FIELDS,
            ),
        )
    return tracks, [Moves(CircularStatusChange.objects.filter(circular_id=circular.pk))]
