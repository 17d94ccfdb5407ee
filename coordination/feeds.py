"""A person's meetings as an iCalendar (RFC 5545) feed, at an address of their own that a calendar app
can poll without signing in.

The address carries the person's id signed with the portal's secret under a salt of its own
(``FEED_SALT``): it cannot be guessed or turned into another person's, and it stays the same, so a
subscription keeps working. The feed holds the meetings the person may see (``visible_to``), from a
year back on; a cancelled meeting stays in it as ``STATUS:CANCELLED`` so the subscriber's app strikes
it out rather than keeping a stale entry. The text is written with the events feed's writer
(``events.feeds``: the same escaping, folding and UTC times); ``DTSTAMP`` and ``LAST-MODIFIED`` are the
meeting's last change, so the same data gives the same bytes and the same ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from coordination.models import Meeting
from events.feeds import CRLF, _fold, _text, _utc
from zones_portal.models import User

FEED_SALT = "coordination.meetings-feed"
PRODID = "-//Zones Portal//Council meetings//EN"
DAYS_BACK = 365
FORMAT = "1"  # part of the ETag: change it when the output changes


def _digest(user_pk: int, password: str) -> str:
    # The password's hash is part of what is signed, as in Django's password-reset tokens: a person
    # whose address leaked changes their password, and the old address stops working.
    return salted_hmac(FEED_SALT, f"{user_pk}:{password}", algorithm="sha256").hexdigest()[:32]


def feed_token(user: User) -> str:
    """The token of a person's feed address; the same every time it is asked for, until the person
    changes their password."""
    return f"{user.pk}.{_digest(user.pk, user.password)}"


def user_from_token(token: str) -> User | None:
    """The active person a token was made for, or None for a token that is not (or no longer) valid."""
    pk, _dot, digest = token.partition(".")
    if not pk.isdecimal() or not digest:
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(digest, _digest(user.pk, user.password)):
        return None
    return user


def meetings_for(user: User, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    since = (now or timezone.now()) - dt.timedelta(days=DAYS_BACK)
    return Meeting.objects.visible_to(user).filter(ends_at__gte=since)


def etag(meetings: QuerySet[Meeting], *parts: object) -> tuple[str, dt.datetime | None]:
    """A validator from one aggregate query: which meetings are in the feed and their last change,
    with what else shapes the body (the language, the pages' address)."""
    totals = meetings.order_by().aggregate(count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"))
    digest = hashlib.sha256(
        repr((FORMAT, totals["count"], totals["ids"], totals["changed"], *parts)).encode()
    ).hexdigest()[:32]
    return f'"{digest}"', totals["changed"]


def rows(meetings: QuerySet[Meeting]) -> Iterable[tuple]:
    return meetings.order_by("starts_at", "pk").values_list(
        "pk",
        "title",
        "reference",
        "notes",
        "place",
        "online_link",
        "starts_at",
        "ends_at",
        "updated_at",
        "status",
    )


def meeting_uid(pk: int) -> str:
    """Stable across edits, so a subscriber's app updates the meeting instead of adding it twice."""
    return f"meeting-{pk}@{settings.ICAL_UID_DOMAIN}"


def build_calendar(meeting_rows: Iterable[tuple], name: str, url_for: Callable[[int], str]) -> bytes:
    lines = [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:" + PRODID.encode(),
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        _fold(f"X-WR-CALNAME:{_text(name)}"),
        _fold(f"X-WR-TIMEZONE:{_text(settings.TIME_ZONE)}"),
    ]
    for pk, title, reference, notes, place, link, starts, ends, changed, status in meeting_rows:
        stamp = _utc(changed)
        location = "، ".join(part for part in (place, link) if part)
        description = "\n\n".join(part for part in (reference, notes, link) if part)
        lines.append(b"BEGIN:VEVENT")
        lines.append(_fold(f"SUMMARY:{_text(title)}"))
        lines.append(f"DTSTART:{_utc(starts)}\r\nDTEND:{_utc(ends)}\r\nDTSTAMP:{stamp}".encode())
        lines.append(_fold(f"UID:{meeting_uid(pk)}"))
        lines.append(_fold(f"DESCRIPTION:{_text(description)}"))
        lines.append(f"LAST-MODIFIED:{stamp}".encode())
        if location:
            lines.append(_fold(f"LOCATION:{_text(location)}"))
        cancelled = status == Meeting.Status.CANCELLED
        lines.append(b"STATUS:CANCELLED" if cancelled else b"STATUS:CONFIRMED")
        lines.append(_fold(f"URL:{url_for(pk)}"))
        lines.append(b"END:VEVENT")
    lines.append(b"END:VCALENDAR")
    lines.append(b"")
    return CRLF.join(lines)
