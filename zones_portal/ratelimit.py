"""A per-client limit on how often a public form may be posted, kept in the cache.

Production points CACHE_URL at Redis so every gunicorn worker counts the same
hits; the in-process default is fine for one developer machine.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client as our own proxies saw it: ``NUM_PROXIES`` entries from the right of X-Forwarded-For
    (each of our proxies appends the address it was reached from; anything further left the client
    wrote itself). With no proxies, the connection's own address."""
    hops = settings.NUM_PROXIES
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-min(hops, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def too_many(request: HttpRequest, scope: str, limit: int, window: int) -> int:
    """Counts this hit; returns 0 when allowed, else the seconds until the window resets.

    With the cache unreachable it lets the hit through and logs: a public form that cannot be limited
    for a while is better than one that refuses everyone (and loses what they typed).
    """
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{address}:{bucket}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        logger.warning("Rate limit %s not applied: the cache did not answer.", scope, exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, window - int(time.time() % window))


def limit_posts(scope: str, setting: str) -> Callable:
    """Refuses a client's POSTs beyond ``settings.<setting>`` = (count, seconds) with a 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method == "POST":
                limit, window = getattr(settings, setting)
                retry_after = too_many(request, scope, limit, window)
                if retry_after:
                    minutes = -(-retry_after // 60)
                    response = render(request, "429.html", {"minutes": minutes}, status=429)
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
