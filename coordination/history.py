"""The timeline of a meeting (zones_portal.history): the meeting, its invitees and their answers, its
agenda items, and its status moves.

Who reads it sees no more than the page shows them: an invitee reads the history of the agenda items it
may see (the accepted agenda and its own proposals), and the minutes' drafts (the general record, each
item's minutes, the attendance) only once the minutes are circulated.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from coordination.models import AgendaItem, Invitee, Meeting, MeetingStatusChange
from zones_portal.history import Moves, Track
from zones_portal.permissions import AnyUser, is_secretariat

MEETING_STATUS_FIELDS = ("status", "cancellation_reason")
MINUTES_FIELDS = ("minutes_summary", "comments_until", "minutes_approved_at")


def _invitee(version: Any) -> str:
    name = Invitee(kind=version.kind, zone=version.zone, institution=version.institution).organisation_name
    return _("Invitee %(name)s") % {"name": name}


def _agenda_item(version: Any) -> str:
    return _("Agenda item: %(title)s") % {"title": version.title}


def meeting_timeline(meeting: Meeting, user: AnyUser | None) -> tuple[list[Track], list[Moves]]:
    secretariat = is_secretariat(user)
    minutes_shown = secretariat or meeting.status in Meeting.MINUTES_SHOWN
    items = AgendaItem.history.filter(meeting_id=meeting.pk).select_related("zone", "institution")
    if not secretariat:
        items = items.filter(id__in=AgendaItem.objects.visible_to(user).filter(meeting=meeting).values("pk"))
    tracks = [
        Track(
            Meeting.history.filter(id=meeting.pk),
            hidden=(*MEETING_STATUS_FIELDS, *(() if minutes_shown else MINUTES_FIELDS)),
        ),
        Track(
            Invitee.history.filter(meeting_id=meeting.pk).select_related("zone", "institution"),
            subject=_invitee,
            hidden=("meeting", "kind", *(() if minutes_shown else ("attendance", "attended_by"))),
        ),
        Track(
            items,
            subject=_agenda_item,
            hidden=("meeting", "kind", *(() if minutes_shown else ("minutes",))),
        ),
    ]
    moves = [Moves(MeetingStatusChange.objects.filter(meeting_id=meeting.pk))]
    return tracks, moves
