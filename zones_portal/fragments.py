"""Dashboard pages' content kept in the shared cache, so a page costs its top bar and a cache read.

A list page's content (its sections, counts and rows, or the month grid) takes tens of milliseconds of
queries and template work; the same reader asking again, or anyone with the same view of the data,
gets the same HTML until something it shows changes. The content is kept under a key naming:

- the page, and the version counters (``zones_portal.versions``) of the data it shows: any save or
  delete of that data bumps them, so the next request builds afresh (change an event, see it at once);
- whose view it is (``per``): the reader's scope for pages that show what a scope may see, nothing
  for pages that show everyone the same (the shared calendar). Never the top bar: the person's name,
  unread count and menu are drawn per request around the kept content;
- the language, the query string (filters, pages, month) and ``extra`` (today's date, or the minute
  for content that sorts by "has it ended yet").

Entries expire after ``seconds`` in any case, so a change that sends no signal (a ``QuerySet.update``)
shows within that. With the cache unreachable the content is built every time, never refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from zones_portal.permissions import Scope
from zones_portal.versions import current

logger = logging.getLogger(__name__)

PREFIX = "page-content:"
SECONDS = 60


def scope_key(scope: Scope) -> list[Any]:
    """What of a reader's scope decides what a dashboard page shows them."""
    return [scope.secretariat, scope.role, scope.zone_id, scope.institution_id]


def content_key(
    request: HttpRequest, name: str, versions: Iterable[int], per: Any = None, extra: Any = None
) -> str:
    identity = [name, list(versions), per, get_language(), sorted(request.GET.lists()), extra]
    digest = hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:40]
    return f"{PREFIX}{name}:{digest}"


def cached_content(
    request: HttpRequest,
    name: str,
    counters: Iterable[str],
    build: Callable[[], str],
    *,
    per: Any = None,
    extra: Any = None,
    seconds: int = SECONDS,
) -> SafeString:
    """The page's content from the cache, or ``build()`` (rendered HTML) kept there for next time."""
    versions = current(*counters)
    if versions is None:
        return mark_safe(build())  # noqa: S308 - a template's own rendering
    key = content_key(request, name, versions, per, extra)
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("The cache did not answer; building the page afresh.", exc_info=True)
        found = None
    if found is None:
        found = str(build())
        try:
            cache.set(key, found, timeout=seconds)
        except Exception:
            logger.warning("Could not keep a page's content in the cache.", exc_info=True)
    return mark_safe(found)  # noqa: S308 - a template's own rendering, as it was rendered
