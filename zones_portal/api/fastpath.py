"""The conditional-GET fast path: "nothing changed" for a partner's key in one cache round trip.

A partner's calendar client asks again and again whether the events changed. Answering that through
DRF costs a key lookup, a membership lookup, a throttle round trip and the view's machinery: as much
as answering with the cached body. Here an API key's scope is kept in the shared cache under the key's
digest, so a matching ``If-None-Match`` is answered with 304 before any of that runs, while still
deciding who may see what: the ETag covers the caller's scope (see ``answer_etag``), and the scope is
the one the key had when DRF last authenticated it.

A kept scope is trusted only while the ``people`` version counter (``zones_portal.versions``) has the
value it had *before* DRF read the key from the database. Any save or delete of a key, a person, a
membership, a zone or an institution bumps that counter (at once and again on commit; a key is
revoked by saving it, in ``zones_portal.services.revoke_api_tokens``), so a revoked or expired
key, a deactivated person or a changed membership is never answered from here: the next request
goes through DRF, which refuses it or keeps the new scope. Entries also expire after
``ENTRY_SECONDS``, so a change made behind the portal's back (SQL by hand) is seen within that, and a
key's ``last_used_at`` stays within a couple of minutes of the truth (DRF notes the use when the
entry is made again).

A plain GET is answered here too, with the 200 DRF gave last time for the same ETag: DRF marks the
request (``KEEP_ANSWER``) and the middleware keeps the answer as the middleware below it finished it
(its bytes and headers), so the kept answer is the long way's, byte for byte. It is kept under the
ETag, which names the caller's scope, the request and the versions of the data: any change is a new
ETag, hence a miss.

The throttle: a 304 from here is not counted against the key's rate, and is given even to a key that
is over its rate. It costs less than the 429 that would refuse it, and it carries nothing the key
has not already been given. A 200 from here is counted as DRF counts it (the key's history is read in
the same round trip as the kept answer); a key over its rate goes the long way, to its 429.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from zones_portal.middleware import early_match
from zones_portal.models import ApiToken
from zones_portal.versions import PEOPLE, PREFIX, current

logger = logging.getLogger(__name__)

ACCESS = PEOPLE  # the version counter of zones, institutions, people, memberships and keys
ENTRY_PREFIX = "api-key-scope:2:"
ENTRY_SECONDS = 60
ANSWER_PREFIX = "api-kept-answer:"
ANSWER_SECONDS = 600
# Set by CachedReadMixin on a request it answered with a 200: the ETag to keep the finished answer under.
KEEP_ANSWER = "_api_keep_answer"
# Headers that belong to one answer only; the middleware above this one adds them to a kept one anew.
OWN_HEADERS = frozenset({"date", "x-request-id", "set-cookie"})
KEYWORD = b"token"
# Set on a request whose key had no usable entry: the access counter read before DRF authenticates,
# which the entry DRF then makes is tagged with.
ACCESS_SEEN = "_api_access_seen"


class KeyScope(NamedTuple):
    """What the fast path needs to know about a key, as DRF last found it."""

    access: int  # the api-access counter read before the key was read from the database
    token_id: int  # the key's row: what the throttle counts under
    expires_at: float | None  # the key's expiry as a timestamp
    scope: tuple[bool, int | None, int | None]  # secretariat, zone, institution


def presented_key(request: HttpRequest) -> str | None:
    """The key of ``Authorization: Token <key>``, as TokenAuthentication reads it; None otherwise."""
    header = request.META.get("HTTP_AUTHORIZATION", "").encode("iso-8859-1", "replace").split()
    if len(header) != 2 or header[0].lower() != KEYWORD:
        return None
    try:
        return header[1].decode()
    except UnicodeError:
        return None


def _entry_key(key: str) -> str:
    return ENTRY_PREFIX + ApiToken.digest_of(key)


def _secret() -> bytes:
    return hashlib.sha256(b"zones-portal-etag:" + settings.SECRET_KEY.encode()).digest()


def answer_etag(request: HttpRequest, scope: Sequence[Any], versions: Sequence[int]) -> str:
    """The ETag of an API answer: the request (host and scheme, which its paging links carry; path,
    query, the Accept header that picks the format, language), the caller's scope, which decides what
    they may see, and the versions of the data it shows. Keyed with the secret key, so nobody can work
    out the tag of an answer they were never given."""
    identity = [
        request.build_absolute_uri("/"),
        request.path,
        sorted(request.GET.lists()),
        request.META.get("HTTP_ACCEPT", ""),
        get_language(),
        list(scope),
        list(versions),
    ]
    data = json.dumps(identity, default=str, separators=(",", ":")).encode()
    return f'"{hmac.new(_secret(), data, hashlib.sha256).hexdigest()[:32]}"'


def wanted_etags(request: HttpRequest) -> set[str]:
    return {tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",") if tag.strip()}


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # a partner's client may keep it, but must ask
    response["Vary"] = "Accept"
    return response


def try_early(request: HttpRequest, counters: Iterable[str]) -> HttpResponse | None:  # noqa: PLR0911 - each return is a reason to go the long way
    """For a GET with a key whose scope is kept and trusted: a 304 when the ETag matches, else the
    kept 200 of the same ETag; None to let DRF answer (and, on a miss, the access counter it must tag
    the new entry with)."""
    conditional = "HTTP_IF_NONE_MATCH" in request.META
    if request.method != "GET" and not (request.method == "HEAD" and conditional):
        return None
    key = presented_key(request)
    if key is None:
        return None
    names = [PREFIX + ACCESS, *(PREFIX + name for name in counters)]
    entry_key = _entry_key(key)
    try:
        found = cache.get_many([entry_key, *names])
    except Exception:
        logger.warning("The cache did not answer; the request goes the long way.", exc_info=True)
        return None
    access = found.get(names[0])
    if access is None:  # the counter's first use (or it was evicted): make it before DRF reads the key
        made = current(ACCESS)
        access = made[0] if made else None
    setattr(request, ACCESS_SEEN, access)
    entry = found.get(entry_key)
    if not isinstance(entry, KeyScope) or access is None or entry.access != access:
        return None
    if entry.expires_at is not None and entry.expires_at <= time.time():
        return None
    versions = [found.get(name) for name in names[1:]]
    if any(version is None for version in versions):
        return None
    etag = answer_etag(request, entry.scope, versions)
    if conditional and etag in wanted_etags(request):
        return not_modified(etag)
    if request.method != "GET":
        return None
    return _kept_answer(etag, entry)


def _kept_answer(etag: str, entry: KeyScope) -> HttpResponse | None:
    """The 200 kept under ``etag``, counted against the key's rate; None on a miss or over the rate."""
    from zones_portal.api.throttling import TokenRateThrottle  # noqa: PLC0415 - DRF's settings load late

    throttle = TokenRateThrottle()
    history_key = TokenRateThrottle.key_of_token(entry.token_id)
    answer_key = ANSWER_PREFIX + etag
    try:
        found = cache.get_many([answer_key, history_key])
        kept = found.get(answer_key)
        if kept is None:
            return None
        if throttle.rate is not None and not throttle.allow_counted(history_key, found.get(history_key, [])):
            return None  # DRF reads the same history and answers 429 with its wait
    except Exception:
        logger.warning("The cache did not answer; the request goes the long way.", exc_info=True)
        return None
    content, headers = kept
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def keep_answer(request: HttpRequest, response: HttpResponse) -> None:
    """After the long way answered a request ``CachedReadMixin`` marked: keep the finished 200 (JSON
    only: the browsable API's pages carry a form token) for the next GET of the same ETag."""
    etag = getattr(request, KEEP_ANSWER, None)
    if (
        etag is None
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or not response.get("Content-Type", "").startswith("application/json")
        or response.get("ETag") != etag
    ):
        return
    headers = [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS]
    try:
        cache.set(ANSWER_PREFIX + etag, (response.content, headers), timeout=ANSWER_SECONDS)
    except Exception:
        logger.warning("Could not keep an API answer; the next request builds it again.", exc_info=True)


def keep_scope(request: HttpRequest, token: ApiToken, scope: Sequence[Any]) -> None:
    """After DRF authenticated a GET's key: keep its scope for the fast path, tagged with the access
    counter read before the key was, so a change made meanwhile leaves it untrusted."""
    access = getattr(request, ACCESS_SEEN, None)
    key = presented_key(request)
    if access is None or key is None:
        return
    expires_at = token.expires_at.timestamp() if token.expires_at is not None else None
    entry = KeyScope(access=int(access), token_id=token.pk, expires_at=expires_at, scope=tuple(scope))
    try:
        cache.set(_entry_key(key), entry, timeout=ENTRY_SECONDS)
    except Exception:
        logger.warning(
            "Could not keep an API key's scope; its next request goes the long way.", exc_info=True
        )


class ConditionalFirstMiddleware:
    """Answers a GET of a marked API route (``CachedReadMixin.as_view``) with a key whose scope is kept
    (a 304 for a matching ``If-None-Match``, else the kept 200) before sessions, CSRF, messages, the
    locale middleware and DRF run: in MIDDLEWARE right after the request id and the security
    middleware (HTTPS redirect, headers), so every answer still carries those. Anything it cannot
    answer goes on down the chain unchanged, and a 200 made there is kept on the way back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_AUTHORIZATION" not in request.META:
            return self.get_response(request)
        response = self.early(request) if request.method in ("GET", "HEAD") else None
        if response is not None:
            return response
        response = self.get_response(request)
        keep_answer(request, response)
        return response

    @staticmethod
    def early(request: HttpRequest) -> HttpResponse | None:
        match = early_match(request.path_info)
        if match is None:
            return None
        counters = getattr(match.func, "conditional_counters", None)
        if counters is None:
            return None
        language = translation.get_language_from_request(request)  # the API's rule (PortalLocaleMiddleware)
        with translation.override(language):
            response = try_early(request, counters)
        if response is not None and response.status_code == 304:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response["Content-Language"] = language
        return response
