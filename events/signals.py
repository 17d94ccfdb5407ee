"""What changes the events' answers: every save or delete of the rows the API and feeds show bumps the
``events`` version counter (zones_portal.versions), so cached answers and ETags follow at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from events.models import Event, EventCategory, Participation
from zones_portal.models import Institution, Zone
from zones_portal.versions import bump

EVENTS = "events"
SHOWN = (Event, Participation, EventCategory, Zone, Institution)


def _changed(**kwargs: Any) -> None:
    # Now, and again once the transaction commits: an answer built in between, from the data as it was
    # before the commit, is cached under the first bump's value and so is never served after the second.
    bump(EVENTS)
    transaction.on_commit(lambda: bump(EVENTS))


def connect() -> None:
    for model in SHOWN:
        post_save.connect(_changed, sender=model, dispatch_uid=f"events-version-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"events-version-delete-{model._meta.label}")
    m2m_changed.connect(
        _changed, sender=Event.co_organisers.through, dispatch_uid="events-version-co-organisers"
    )
