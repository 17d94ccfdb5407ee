"""Public pages kept for a crowd: each page's content is built once per version of what it shows.

A public page is the same for every reader of a language, so its content (title, the head's sharing
tags, the main column) is kept in the shared cache under a key naming the page, its query string, the
language, the host it was asked on (its links are absolute) and the version counters of what it shows
(``zones_portal.versions``): ``events`` (events, their zones, categories, institutions and partners,
bumped by ``events.signals``) and ``public`` (reports, whose figures the secretariat may publish, and
talent calls, watched here). Any change bumps a counter, so the next request builds afresh; entries also
expire after ``SECONDS`` in any case (a bulk ``.update()`` sends no signal).

The top bar is never kept: it is drawn per request around the kept content, so a signed-in reader sees
their own name and menu, and every visitor's language switch carries their own CSRF token. That is why
the kept part is a fragment and not the whole answer: the language switch is a POST form, and a whole
page kept for one visitor would hand their token to the next.

Only the query parameters a page reads make a different page (``serve``'s ``params``, and ``lang``
when it names a language): every other one (``utm_source``, ``fbclid``...) is dropped from the request
before anything is built, so a link decorated by a newsletter or a social network neither builds and
keeps a copy of its own nor shows up in the kept page's links, and shares the page's ETag.

Every answer carries an ETag: the content's identity plus who is looking (their account, and their CSRF
cookie, which the page's forms are bound to). A matching ``If-None-Match`` is answered with 304 before
anything is built or rendered: one cache read. The ETag names the visitor, so a browser's copy is
revalidated, never shared (``Cache-Control: private, no-cache`` for visitors; signed-in answers are
``no-store``, as every signed-in page is).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from events.models import EventReport
from events.signals import EVENTS
from talent.models import TalentCall
from zones_portal import versions

logger = logging.getLogger(__name__)

PUBLIC = "public"  # the counter of what public pages show beyond the events: reports' figures, talent calls
COUNTERS = (EVENTS, PUBLIC)
SECONDS = 300
PREFIX = "public-page:"
# Part of every key and ETag: change it when the pages' markup changes, so no old copy is served.
FORMAT = "2"
HTML_PARTS = ("head", "content")  # kept as rendered HTML; every other part is text, escaped when shown
LANGUAGE_PARAM = "lang"  # ?lang=en: the page in that language (zones_portal.middleware reads it)
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def connect() -> None:
    """Called once the app registry is ready (PublicConfig.ready)."""
    versions.watch(PUBLIC, (EventReport, TalentCall), m2m=[TalentCall.eligible_zones.through])


@dataclass(frozen=True)
class Built:
    """What a public page's builder returns: its status and its parts (see ``HTML_PARTS``)."""

    status: int
    parts: dict[str, str]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()[:40]


def keep_only(request: HttpRequest, params: Iterable[str]) -> None:
    """Drops every query parameter but ``params`` (and ``lang`` naming a language) from the request:
    what follows (the cache key, the ETag, the page's form and pager) sees only what the page reads."""
    kept = QueryDict(mutable=True)
    for name in params:
        values = request.GET.getlist(name)
        if values:
            kept.setlist(name, values)
    if request.GET.get(LANGUAGE_PARAM) in LANGUAGES:
        kept[LANGUAGE_PARAM] = request.GET[LANGUAGE_PARAM]
    kept._mutable = False
    request.GET = kept


def _identity(request: HttpRequest, name: str, counters: Iterable[int], extra: Any) -> list[Any]:
    return [
        FORMAT,
        name,
        list(counters),
        get_language(),
        request.scheme,
        request.get_host(),
        sorted(request.GET.lists()),
        extra,
    ]


def _visitor(request: HttpRequest) -> list[Any]:
    """Who the answer is drawn for: the account (the top bar) and the CSRF cookie (the forms' token)."""
    user = getattr(request, "user", None)
    account = user.pk if user is not None and user.is_authenticated else None
    return [account, request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")]


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _finish(request: HttpRequest, response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag is not None:
        response["ETag"] = etag
    if not _signed_in(request):
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _recall(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("The cache did not answer; building the public page afresh.", exc_info=True)
        return None


def _keep(key: str, built: object) -> None:
    try:
        cache.set(key, built, timeout=SECONDS)
    except Exception:
        logger.warning("Could not keep a public page in the cache.", exc_info=True)


def _validated(
    request: HttpRequest, name: str, params: Iterable[str], extra: Any, *, for_visitor: bool
) -> tuple[str, list[Any]] | None:
    """A page's ETag and the identity of its content, or None when the counters cannot be read. A page
    with forms (``serve``) is bound to its visitor; a file (``serve_bytes``) is the same for everyone."""
    keep_only(request, params)
    counters = versions.current(*COUNTERS)
    if counters is None:
        return None
    identity = _identity(request, name, counters, extra)
    etag = f'"{_digest([*identity, *_visitor(request)] if for_visitor else identity)}"'
    return etag, identity


@dataclass(frozen=True)
class Page:
    """What ``serve`` or ``serve_bytes`` is given for a page besides its builder: enough to work out its
    ETag without building it (``answer_early``)."""

    name: str
    params: tuple[str, ...] = ()
    extra: Any = None
    file: bool = False  # served by serve_bytes: the same bytes for every visitor


def answer_early(request: HttpRequest, page: Page) -> HttpResponse | None:
    """The 304 that ``serve`` or ``serve_bytes`` would give this request, or None when it would give
    anything else. Called by ``zones_portal.middleware.VisitorConditionalMiddleware`` for a visitor with
    no session, before sessions, CSRF, messages and the view run: the same ETag, worked out the same way
    (a visitor with no session is no account, as ``_visitor`` sees it), so the long way and the short
    one never disagree."""
    validated = _validated(request, page.name, page.params, page.extra, for_visitor=not page.file)
    if validated is None:
        return None
    etag = validated[0]
    conditional = get_conditional_response(request, etag=etag)
    if conditional is None or conditional.status_code != HTTPStatus.NOT_MODIFIED:
        return None
    if page.file:
        conditional["ETag"] = etag
        return conditional
    return _finish(request, conditional, etag)


def answers_early(describe: Callable[..., Page]) -> Callable[[Callable], Callable]:
    """Marks a public view whose 304 may be given before the middleware below sessions runs:
    ``describe(request, **kwargs)`` names the page as the view names it to ``serve``."""

    def mark(view: Callable) -> Callable:
        def early(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse | None:
            return answer_early(request, describe(request, *args, **kwargs))

        view.visitor_not_modified = early
        return view

    return mark


def serve(
    request: HttpRequest,
    name: str,
    build: Callable[[], Built],
    *,
    params: Iterable[str] = (),
    extra: Any = None,
    template: str = "public/page.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A public page: 304 for a matching ``If-None-Match`` before anything is built, else the kept
    content in a freshly drawn page. ``name`` names the page (with its record's id), ``params`` the
    query parameters it reads (the others are dropped, see ``keep_only``), ``extra`` what else its
    content depends on (today's date, for "upcoming")."""
    validated = _validated(request, name, params, extra, for_visitor=True)
    if validated is not None:
        etag, identity = validated
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            return _finish(request, conditional, etag)
        key = PREFIX + _digest(identity)
        built = _recall(key)
        if built is None:
            built = build()
            _keep(key, built)
    else:
        etag, built = None, build()
    parts = {
        part: mark_safe(text) if part in HTML_PARTS else text  # noqa: S308 - our templates' own rendering
        for part, text in built.parts.items()
    }
    response = render(request, template, {**(context or {}), **parts}, status=built.status)
    return _finish(request, response, etag if built.status == 200 else None)


def serve_bytes(
    request: HttpRequest,
    name: str,
    build: Callable[[], tuple[bytes, str] | None],
    *,
    params: Iterable[str] = (),
    extra: Any = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse | None:
    """A public file with no form in it (the sitemap, an event's calendar file): the same for every
    visitor, so its ETag names no visitor. None when ``build`` finds nothing (the caller answers 404)."""
    validated = _validated(request, name, params, extra, for_visitor=False)
    etag = key = None
    if validated is not None:
        etag, identity = validated
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            conditional["ETag"] = etag
            return conditional
        key = PREFIX + "bytes:" + _digest(identity)
        found = _recall(key)
    else:
        found = None
    if found is None:
        found = build()
        if found is None:
            return None
        if key is not None:
            _keep(key, found)
    content, content_type = found
    response = HttpResponse(content, content_type=content_type, headers=headers or {})
    if etag is not None:
        response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response
