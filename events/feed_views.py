"""The iCalendar feeds: public, since approved events are published information and calendar apps cannot
sign in. How a feed is windowed, validated and cached is in ``events.feeds``."""

from __future__ import annotations

import functools
from http import HTTPStatus

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import feeds
from events.models import Participation
from zones_portal.models import Zone

# Stands for an event's id in its page's address, so the address is reversed once per feed, not per event.
PK_MARK = 987654321


@functools.lru_cache(maxsize=16)
def _detail_pattern(prefix: str, urlconf: str | None) -> str:
    """The events' page address with ``PK_MARK`` for the id, reversed once per process (calendar apps
    poll the feed all day): keyed on all that can change it."""
    return reverse("events:detail", args=[PK_MARK], urlconf=urlconf)


def _headers(version: feeds.Version) -> dict[str, str]:
    headers = {"ETag": version.etag}
    if version.last_modified is not None:
        headers["Last-Modified"] = http_date(version.last_modified.timestamp())
    return headers


def _validate(
    request: HttpRequest, feed: feeds.Feed, window: feeds.Window
) -> tuple[feeds.Version, str, HttpResponse | None]:
    """The validator, the events' address pattern, and the conditional answer (304, or 412 for a
    failed precondition) when there is one: what both the long way and the early one need."""
    link = request.build_absolute_uri(_detail_pattern(get_script_prefix(), get_urlconf()))
    version = feeds.current_version(feed, window, link, get_language())
    # What django.views.decorators.http.condition does, called directly so that the window, the 400
    # and the validator are worked out once for both the conditional answer and the body.
    last_modified = int(version.last_modified.timestamp()) if version.last_modified else None
    conditional = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
    if conditional is not None:
        for name, value in _headers(version).items():
            conditional[name] = value
    return version, link, conditional


def _answer(request: HttpRequest, feed: feeds.Feed) -> HttpResponse:
    """400 for a window the feed cannot serve; 304 when the validator matches, before anything is built."""
    try:
        window = feeds.window_from(request.GET, timezone.localdate())
    except feeds.WindowError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    version, link, conditional = _validate(request, feed, window)
    if conditional is not None:
        return conditional
    before, after = link.rsplit(str(PK_MARK), 1)
    content = feeds.feed_body(feed, window, version, lambda pk: f"{before}{pk}{after}")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8", headers=_headers(version))
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def _all_zones() -> feeds.Feed:
    return feeds.Feed(key="all", name=_("Free zones: cultural events"), scope=Q())


def _feed_all_early(request: HttpRequest) -> HttpResponse | None:
    """The 304 of ``feed_all`` for ``zones_portal.middleware.VisitorConditionalMiddleware``, which asks
    before sessions and the rest of the middleware run; None for anything but a 304."""
    try:
        window = feeds.window_from(request.GET, timezone.localdate())
    except feeds.WindowError:
        return None
    conditional = _validate(request, _all_zones(), window)[2]
    if conditional is None or conditional.status_code != HTTPStatus.NOT_MODIFIED:
        return None
    return conditional


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    """Every zone's published events (approved, held, reported).

    Holds the events that overlap a window of days: by default from 90 days ago to a year ahead;
    ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (both days included, Persian or Arabic digits accepted) asks for
    another, of at most three years. A date that is not one, or a longer window, is answered with 400.
    Answers carry an ETag and Last-Modified; ``If-None-Match`` / ``If-Modified-Since`` get 304.
    """
    return _answer(request, _all_zones())


@require_safe
def feed_zone(request: HttpRequest, slug: str) -> HttpResponse:
    """One zone's published events: those it hosts and those it takes part in.

    The same window and parameters as the feed of all zones (``feed_all``): by default 90 days ago to a
    year ahead, ``?from=`` and ``?to=`` for another of at most three years.
    """
    zone = get_object_or_404(Zone.objects.visible_to(request.user), slug=slug)
    # The rule of EventFilter.filter_zone (hosts or takes part), written as a condition rather than taken
    # as its queryset: as a subquery inside the validator's aggregate it cost PostgreSQL three times as
    # much (200 ms against 70 at 20,000 events). tests/events/test_feeds_cost.py holds the two equal.
    joined = Participation.objects.filter(event_id=OuterRef("pk"), zone=zone)
    feed = feeds.Feed(
        key=f"zone:{zone.pk}",
        name=_("%(zone)s: cultural events") % {"zone": zone.name},
        scope=Q(host_zone=zone) | Q(Exists(joined)),
    )
    return _answer(request, feed)


# Calendar apps poll the feed of all zones every hour or so: their 304 is given early. A zone's feed
# looks its zone up first, so it goes the long way.
feed_all.visitor_not_modified = _feed_all_early
