"""Dashboard pages' content kept in the shared cache, so a page costs its top bar and a cache read.

A list page's content (its sections, counts and rows, or the month grid) takes tens of milliseconds of
queries and template work; the same reader asking again, or anyone with the same view of the data,
gets the same HTML until something it shows changes. The content is kept under a key naming:

- the page, and the version counters (``zones_portal.versions``) of the data it shows: any save or
  delete of that data bumps them, so the next request builds afresh (change an event, see it at once);
- whose view it is (``per``): the reader's scope for pages that show what a scope may see, nothing
  for pages that show everyone the same (the shared calendar). Never the top bar: the person's name
  and unread count are drawn per request around the kept content (the menu is kept apart, below);
- the language, the query string (filters, pages, month) and ``extra`` (today's date).

Entries expire after ``seconds`` in any case, so a change that sends no signal (a ``QuerySet.update``)
shows within that. Content that sorts by "has it ended yet" is renewed every ``renew_after`` seconds
instead, by one request. With the cache unreachable the content is built every time, never refused.

The parts of every page that depend only on the language and on who is looking (the menu, the footer,
the style sheets' addresses) are kept in each process's memory instead, by ``{% cache %}`` blocks in
the templates (``CACHES["template_fragments"]``). What else they depend on cannot change while a
process runs, except in tests that change the settings and under runserver when a template is edited:
both empty that cache here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import InvalidCacheBackendError, cache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.autoreload import file_changed
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
    renew_after: int | None = None,
) -> SafeString:
    """The page's content from the cache, or ``build()`` (rendered HTML) kept there for next time.

    ``renew_after``: for content that moves with the clock (what is overdue, this week's events), the
    age after which it is built again, by one request only: the others meanwhile get the copy they
    find, at most a build's time older. Keying such content on the minute instead had every worker
    build it at once when the minute turned, and the requests queued behind them waited for all."""
    versions = current(*counters)
    if versions is None:
        return mark_safe(build())  # noqa: S308 - a template's own rendering
    key = content_key(request, name, versions, per, extra)
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("The cache did not answer; building the page afresh.", exc_info=True)
        found = None
    if renew_after is not None and found is not None:
        built_at, html = found
        if time.time() - built_at < renew_after or not _claim(key, renew_after):
            return mark_safe(html)  # noqa: S308 - a template's own rendering, as it was rendered
        found = None  # this request builds it again
    if found is None:
        html = str(build())
        try:
            cache.set(key, html if renew_after is None else (time.time(), html), timeout=seconds)
        except Exception:
            logger.warning("Could not keep a page's content in the cache.", exc_info=True)
        return mark_safe(html)  # noqa: S308 - a template's own rendering
    return mark_safe(found)  # noqa: S308 - a template's own rendering, as it was rendered


def _claim(key: str, seconds: int) -> bool:
    """True for the one request that renews ``key``; the claim lapses on its own should it fail."""
    try:
        return bool(cache.add(f"{key}:renewing", 1, timeout=seconds))
    except Exception:
        logger.warning("The cache did not answer; serving the kept copy.", exc_info=True)
        return False


# The settings a kept part of a page is drawn with: its addresses, static files, language and templates.
FRAGMENT_SETTINGS = frozenset(
    {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "STATIC_URL", "STORAGES", "LANGUAGES", "TEMPLATES", "CACHES"}
)


def forget_fragments() -> None:
    # Settings without it (a test's): the tag falls back to the shared cache, which tests empty.
    with contextlib.suppress(InvalidCacheBackendError):
        caches["template_fragments"].clear()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting in FRAGMENT_SETTINGS:
        forget_fragments()


@receiver(file_changed)
def _file_changed(*, file_path: Any, **kwargs: object) -> None:
    """runserver: an edited template shows at the next request (Django resets its template loaders
    the same way, without restarting)."""
    if str(file_path).endswith((".html", ".txt", ".mo")):
        forget_fragments()
