"""iCalendar (RFC 5545) feeds of approved events, for subscribing from any calendar app."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from events.models import Event


def event_uid(event: Event) -> str:
    """Stable across edits and deploys, so a subscriber's app updates the event instead of duplicating it."""
    return f"event-{event.pk}@{settings.ICAL_UID_DOMAIN}"


def build_calendar(events: Iterable[Event], name: str, url_for: callable) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Zones Portal//Free zones cultural calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for event in events:
        entry = VEvent()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", stamp)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        if event.description:
            entry.add("description", event.description)
        location = ", ".join(part for part in (event.venue, event.host_zone.name) if part)
        entry.add("location", location)
        entry.add("categories", [event.category.name])
        entry.add("status", "CONFIRMED")
        entry.add("url", url_for(event))
        calendar.add_component(entry)
    return calendar.to_ical()
