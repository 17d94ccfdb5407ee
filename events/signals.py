"""What changes the events' answers: every save or delete of the rows the API and feeds show bumps the
``events`` version counter (zones_portal.versions), so cached answers and ETags follow at once."""

from __future__ import annotations

from events.models import Event, EventCategory, Participation
from zones_portal.models import Institution, Zone
from zones_portal.versions import watch

EVENTS = "events"
SHOWN = (Event, Participation, EventCategory, Zone, Institution)


def connect() -> None:
    watch(EVENTS, SHOWN, m2m=[Event.co_organisers.through])
