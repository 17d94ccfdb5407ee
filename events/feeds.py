"""iCalendar (RFC 5545) feeds of published events, for subscribing from any calendar app.

A feed covers a window of days, by default from 90 days ago to a year ahead (``?from=`` and ``?to=``, ISO
dates, widen or move it, at most three years at a time): calendar apps poll their feeds every hour or so,
and five years of history in every poll cost seconds of CPU and megabytes for nothing.

Each answer carries a validator so that polls of an unchanged feed are answered with 304 before anything
is built. The validator (see ``_measure``: one aggregate query over the events and one over the zones'
and categories' names) is kept under the ``events`` version counter (``zones_portal.versions``, bumped by
``events.signals`` on every change) for at most a minute, so a poll costs one cache read. The body is
cached under its ETag, so a new subscriber costs the validator only. ``DTSTAMP`` and ``LAST-MODIFIED``
are the event's last change: the same data gives the same bytes, hence the same ETag on every node.

The body is written line by line here rather than through icalendar's component objects, which cost
about a millisecond an event (five years of events took seconds of CPU); the lines follow icalendar's
text escaping, property order and folding (75 octets, never inside a character), so the bytes are the
ones it would write. The tests parse every feed back with icalendar and compare the two writers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, EventCategory
from zones_portal import versions
from zones_portal.dates import latin_digits
from zones_portal.models import Zone, in_active_language

DAYS_BACK = 90  # the default window: what happened lately, and what is planned for the coming year
DAYS_AHEAD = 365
MAX_DAYS = 3 * 365 + 1  # the widest window one request may ask for
VALIDATOR_SECONDS = 60  # a lost or early version bump (see zones_portal.versions) costs at most this long
BODY_SECONDS = 6 * 60 * 60  # bodies are keyed by their ETag, so this only bounds the memory they hold
# Part of every cache key and ETag: change it when the output changes, so no old body or ETag is reused.
FORMAT = "2"

PRODID = "-//Zones Portal//Free zones cultural calendar//EN"
CRLF = b"\r\n"
LINE_OCTETS = 75  # RFC 5545: lines SHOULD NOT be longer than 75 octets
ESCAPES = b"\\^"  # a backslash (TEXT escape) or a caret (RFC 6868 parameter escape)


class WindowError(ValueError):
    """A ``from``/``to`` the feed cannot serve; the message is a sentence for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Window:
    """The days a feed covers, both included, in Tehran time."""

    first: dt.date
    last: dt.date

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=timezone.get_default_timezone())

    @property
    def ends(self) -> dt.datetime:
        """The midnight after the last day."""
        return dt.datetime.combine(
            self.last + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_default_timezone()
        )


@dataclass(frozen=True)
class Feed:
    """One subscribable calendar: a cache key, its name, and which events it holds (before the window)."""

    key: str
    name: str
    scope: Q


@dataclass(frozen=True)
class Version:
    """The validator of one feed answer: an ETag, and the last change for ``If-Modified-Since``."""

    etag: str
    last_modified: dt.datetime | None


def _day(query: Mapping[str, str], parameter: str) -> dt.date | None:
    text = latin_digits((query.get(parameter) or "").strip())
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:  # beyond these lie typos, not events
        raise WindowError(
            _("“%(parameter)s” must be a date written as YYYY-MM-DD, for example %(example)s.")
            % {"parameter": parameter, "example": "2026-03-21"}
        )
    return day


def window_from(query: Mapping[str, str], today: dt.date) -> Window:
    """The window a request asks for: ``from`` and ``to`` (ISO dates, any digits), else the default."""
    first = _day(query, "from") or today - dt.timedelta(days=DAYS_BACK)
    last = _day(query, "to") or today + dt.timedelta(days=DAYS_AHEAD)
    if last < first:
        raise WindowError(_("The window ends before it starts: “to” must not be earlier than “from”."))
    if (last - first).days + 1 > MAX_DAYS:
        raise WindowError(
            _("A feed covers at most three years at a time; ask for less with “from” and “to”.")
        )
    return Window(first, last)


def _shown(feed: Feed, window: Window) -> Q:
    """The feed's events in the window: published, and overlapping it by at least a moment."""
    return Q(status__in=Event.PUBLISHED, starts_at__lt=window.ends, ends_at__gt=window.starts) & feed.scope


def _measure(feed: Feed, window: Window) -> tuple[int, int, dt.datetime | None, str]:
    """What the body depends on, in two small queries (run only when the cached copy is stale).

    Count and the sum of ids of the events shown change whenever one enters or leaves the window. The
    last change is taken over every published or cancelled event, in any zone and at any date: an event
    that leaves the feed (cancelled, moved to other dates or to another zone) moved its ``updated_at``
    but is no longer in it, and ``If-Modified-Since`` has only that date to go by. Events are never
    deleted (the admin forbids it), so nothing leaves the feed without a change recorded here. The
    names of zones and categories are printed too and have no change time: a digest of them is taken.
    """
    shown = _shown(feed, window)
    totals = Event.objects.filter(status__in=(*Event.PUBLISHED, Event.Status.CANCELLED)).aggregate(
        changed=Max("updated_at"),
        count=Count("pk", filter=shown),
        ids=Sum("pk", filter=shown),
    )
    lookups = (
        Zone.objects.order_by()
        .values_list("pk", "name_fa", "name_en")
        .union(EventCategory.objects.order_by().values_list("pk", "name_fa", "name_en"), all=True)
    )
    names = hashlib.sha256(repr(sorted(lookups)).encode()).hexdigest()
    return totals["count"], totals["ids"] or 0, totals["changed"], names


# This process's copy of the measures it used last. It is trusted only under the counter just read from
# the shared cache, so every node still answers alike; it spares the 304 a second cache round trip,
# which cost as much as the rest of the answer.
_recent: dict[str, tuple[tuple[int, ...], float, tuple]] = {}
RECENT_LIMIT = 256


def _recall(key: str, counter: tuple[int, ...] | None) -> tuple | None:
    if counter is None:  # the cache is unreachable: measure every time
        return None
    recent = _recent.get(key)
    if recent is not None and recent[0] == counter and recent[1] > time.monotonic():
        return recent[2]
    stored = cache.get(key)
    if stored is not None and stored[0] == counter:
        _remember(key, counter, stored[1])
        return stored[1]
    return None


def _remember(key: str, counter: tuple[int, ...], measured: tuple) -> None:
    if len(_recent) >= RECENT_LIMIT:
        _recent.clear()
    _recent[key] = (counter, time.monotonic() + VALIDATOR_SECONDS, measured)


def current_version(feed: Feed, window: Window, link: str, language: str) -> Version:
    """The feed's validator, measured again only when the ``events`` counter has moved.

    ``link`` is the address pattern of the events' pages (it carries the host), ``language`` the one the
    names are printed in: both shape the body, so both are in the ETag.
    """
    key = f"feeds:{FORMAT}:measure:{feed.key}:{window.first}:{window.last}"
    counter = versions.current("events")
    measured = _recall(key, counter)
    if measured is None:
        measured = _measure(feed, window)
        if counter is not None:
            cache.set(key, (counter, measured), VALIDATOR_SECONDS)
            _remember(key, counter, measured)
    count, ids, changed, names = measured
    parts = (
        FORMAT,
        feed.key,
        feed.name,
        language,
        link,
        window.first,
        window.last,
        count,
        ids,
        changed,
        names,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return Version(etag=f'"{digest}"', last_modified=changed)


def feed_body(feed: Feed, window: Window, version: Version, url_for: Callable[[int], str]) -> bytes:
    """The feed's bytes, built once per ETag: a cache hit costs nothing more than the validator."""
    key = f"feeds:{FORMAT}:body:" + version.etag.strip('"')
    content = cache.get(key)
    if content is None:
        content = build_calendar(_rows(feed, window), feed.name, url_for)
        cache.set(key, content, BODY_SECONDS)
    return content


# The columns ``build_calendar`` prints, in the order it reads them.
ROW_COLUMNS = (
    "pk",
    "title",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "updated_at",
    "host_zone__name_fa",
    "host_zone__name_en",
    "category__name_fa",
    "category__name_en",
)


def _rows(feed: Feed, window: Window) -> Iterable[tuple]:
    """Only the printed columns, zone and category names joined in, as tuples: no model instances."""
    return Event.objects.filter(_shown(feed, window)).order_by("starts_at", "pk").values_list(*ROW_COLUMNS)


def event_calendar(pk: int, url: str) -> bytes | None:
    """One published event as a calendar file ("add to calendar" on its public page), written by the
    same lines as the feeds, so the event keeps the feeds' UID and a subscriber's app sees one event,
    not two. None when no published event has that id. ``url`` is the page the event links back to."""
    rows = list(Event.objects.filter(pk=pk, status__in=Event.PUBLISHED).values_list(*ROW_COLUMNS))
    if not rows:
        return None
    return build_calendar(rows, rows[0][1], lambda _pk: url)


def event_uid(pk: int, domain: str | None = None) -> str:
    """Stable across edits and deploys, so a subscriber's app updates the event instead of duplicating it."""
    return f"event-{pk}@{domain or settings.ICAL_UID_DOMAIN}"


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (backslash first; every line break becomes ``\\n``)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(moment: dt.datetime) -> str:
    """A UTC DATE-TIME (``20261128T083000Z``); by hand, since strftime costs twice as much."""
    moment = moment.astimezone(dt.UTC)
    return "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031 - the quickest of the ways to write it
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


def _fold(line: str) -> bytes:
    """Folds a content line as icalendar does (RFC 5545 3.1): pieces of at most 74 octets, never inside a
    UTF-8 character, and never right after a backslash or caret, so an escape stays whole."""
    data = line.encode()
    if len(data) < LINE_OCTETS:
        return data
    pieces, start = [], 0
    while len(data) - start >= LINE_OCTETS:
        cut = start + LINE_OCTETS - 1
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: move back to the character's start
            cut -= 1
        if cut - start > 1 and data[cut - 1] in ESCAPES:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def build_calendar(rows: Iterable[tuple], name: str, url_for: Callable[[int], str]) -> bytes:
    """The VCALENDAR for rows as ``_rows`` gives them, as bytes ready to send.

    Properties come in icalendar's order, so the output is byte for byte what it would write. About
    10 microseconds an event: what repeats (names, the UID's domain) is worked out once.
    """
    lines = [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:" + PRODID.encode(),
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        _fold(f"X-WR-CALNAME:{_text(name)}"),
        _fold(f"X-WR-TIMEZONE:{_text(settings.TIME_ZONE)}"),
    ]
    domain = settings.ICAL_UID_DOMAIN
    names: dict[tuple[str, str], str] = {}
    categories: dict[tuple[str, str], bytes] = {}

    def named(persian: str, english: str) -> str:
        if (persian, english) not in names:
            names[persian, english] = in_active_language(persian, english)
        return names[persian, english]

    for pk, title, description, venue, starts, ends, changed, zone_fa, zone_en, cat_fa, cat_en in rows:
        stamp = _utc(changed)
        if (cat_fa, cat_en) not in categories:
            categories[cat_fa, cat_en] = _fold(f"CATEGORIES:{_text(named(cat_fa, cat_en))}")
        location = f"{venue}, {named(zone_fa, zone_en)}" if venue else named(zone_fa, zone_en)
        lines.append(b"BEGIN:VEVENT")
        lines.append(_fold(f"SUMMARY:{_text(title)}"))
        # Three lines of fixed length, well under the fold: encoded as one.
        lines.append(f"DTSTART:{_utc(starts)}\r\nDTEND:{_utc(ends)}\r\nDTSTAMP:{stamp}".encode())
        lines.append(_fold(f"UID:{event_uid(pk, domain)}"))
        lines.append(categories[cat_fa, cat_en])
        if description:
            lines.append(_fold(f"DESCRIPTION:{_text(description)}"))
        lines.append(f"LAST-MODIFIED:{stamp}".encode())
        lines.append(_fold(f"LOCATION:{_text(location)}"))
        lines.append(b"STATUS:CONFIRMED")
        lines.append(_fold(f"URL:{url_for(pk)}"))
        lines.append(b"END:VEVENT")
    lines.append(b"END:VCALENDAR")
    lines.append(b"")
    return CRLF.join(lines)
