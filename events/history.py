"""An event's timeline: the event, its invitations, its report and the report's files, and its status moves.

The admin's change page and the dashboard's event page show the same one (zones_portal.history); whoever
may see the event may see all of it, and each attachment, withdrawn or not, downloads through the view
that checks who asks.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Event, EventReport, Participation, ReportAttachment
from zones_portal.history import Moves, Track

# Shown by the status moves, with the reason, rather than again as field changes.
STATUS_FIELDS = ("status", "status_reason")


def _participation(version: Any) -> str:
    return _("Invitation of %(zone)s") % {"zone": version.zone}


REPORT_EXPORT_FIELDS = ("export_contracts", "export_value", "export_currency", "buyer_countries")


def _report(version: Any) -> str:
    return _("Post-event report")


def _attachment(version: Any) -> str:
    return _("Report attachment %(name)s") % {"name": version.original_name}


def _attachment_url(version: Any, field: str) -> str:
    return reverse("events:attachment", args=[version.id])


def event_timeline(event: Event, *, may_see_agreement: bool = True) -> tuple[list[Track], list[Moves]]:
    """``may_see_agreement``: whether the reader may see the agreement the event carries out. A zone
    invited to an event need not be a party to it, and the timeline must not name it where the page
    itself does not."""
    reports = EventReport.objects.filter(event_id=event.pk).values("pk")
    event_hidden = STATUS_FIELDS if may_see_agreement else (*STATUS_FIELDS, "agreement")
    tracks = [
        Track(Event.history.filter(id=event.pk), hidden=event_hidden),
        Track(
            Participation.history.filter(event_id=event.pk).select_related("zone"),
            subject=_participation,
            hidden=("event",),
        ),
        Track(
            EventReport.history.filter(event_id=event.pk),
            subject=_report,
            # The export figures moved to the export register (issue 17), where the deals are kept; the
            # report no longer asks for them, so its history does not show them as zero either.
            hidden=("event", *REPORT_EXPORT_FIELDS),
        ),
        Track(
            ReportAttachment.history.filter(report_id__in=reports),
            subject=_attachment,
            files={"file": "original_name"},
            file_url=_attachment_url,
            hidden=("report", "content_type", "size"),
        ),
    ]
    return tracks, [Moves(event.status_changes.all())]
