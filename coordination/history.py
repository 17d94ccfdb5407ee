"""The timeline of a meeting (zones_portal.history): the meeting, its invitees and their answers, its
agenda items, and its status moves.

The invitees named when the meeting is scheduled come with its creation (its "scheduled" move and the
invitees' list on the page say who they are): one "created" entry each would bury the rest of the
timeline on a phone (eight for the council). Their later versions (an answer, attendance) and any
invitee added or taken off afterwards are shown.

Who reads it sees no more than the page shows them: an invitee reads the history of the agenda items it
may see (the accepted agenda and its own proposals), and the minutes' drafts (the general record, each
item's minutes, the attendance) only once the minutes are circulated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from coordination.models import AgendaItem, Invitee, Meeting, MeetingStatusChange
from zones_portal.history import Moves, Track
from zones_portal.permissions import AnyUser, is_secretariat

MEETING_STATUS_FIELDS = ("status", "cancellation_reason")
MINUTES_FIELDS = ("minutes_summary", "comments_until", "minutes_approved_at")
# Invitees created this soon after the meeting came with its scheduling (the same request saves them).
WITH_THE_MEETING = dt.timedelta(minutes=1)


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
            # A later version still reads the creation as the version before it (the timeline looks it
            # up among all versions), so an answer shows as a change from "no answer yet".
            Invitee.history.filter(meeting_id=meeting.pk)
            .exclude(history_type="+", history_date__lte=meeting.created_at + WITH_THE_MEETING)
            .select_related("zone", "institution"),
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
