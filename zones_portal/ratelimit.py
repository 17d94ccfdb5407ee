"""A per-client limit on how often a public form may be posted, kept in the cache.

Production points CACHE_URL at Redis so every gunicorn worker counts the same
hits; the in-process default is fine for one developer machine.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def too_many(request: HttpRequest, scope: str, limit: int, window: int) -> int:
    """Counts this hit; returns 0 when allowed, else the seconds until the window resets."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{address}:{bucket}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
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
