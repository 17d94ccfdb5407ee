"""The home page's "at a glance" panels and sections. Each app may offer ``glance.py`` with
``panels(user)``; this module imports none of them (they are discovered at start-up, as the admin
discovers ``admin.py``).

A provider answers with counts (``Panel``: a card that leads to the list it counts) and, where the
reader has something to act on, a few rows of it (``Section``: this week's events, the invitations to
answer, ...), rendered by the provider and ending in a link to the full list. The rows are capped at
``ROWS`` and read by one query per section, so the home page costs the same however much there is.

A provider whose panels depend on the reader's scope alone (a zone's counts, the secretariat's) may
name the version counters (``zones_portal.versions``) of what it counts: its panels are then kept in
the shared cache per scope, language and minute until one of those counters moves, so the home page
does not count the same things again for every visit. A provider that counts something of the reader's
own (a juror's applications to score) names none and is asked on every visit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from zones_portal.permissions import scope_of
from zones_portal.versions import kept

logger = logging.getLogger(__name__)

KEEP_SECONDS = 60  # counts against the clock (what is overdue, what is coming) move within a minute


@dataclass(frozen=True)
class Panel:
    title: str
    count: int
    url: str
    urgent: bool = False  # shown in the warning colour when there is something to do


@dataclass(frozen=True)
class Section:
    """A few rows the reader can act on, rendered by the provider that knows them, and the way on."""

    key: str  # its anchor on the home page
    title: str
    html: str  # the rows, rendered (kept in the cache as text, like the panels)
    more_url: str = ""
    more_label: str = ""
    order: int = 50  # where it stands: the apps are discovered in their settings' order, not the page's


ROWS = 5  # rows per section: enough for a morning's work; the rest is one click away on its list

Glance = Panel | Section


def section(
    key: str,
    title: str,
    template: str,
    context: dict[str, Any],
    *,
    more_url: str = "",
    more_label: str = "",
    order: int = 50,
) -> Section:
    """A section whose rows ``template`` renders from ``context`` (in the active language, now)."""
    html = render_to_string(template, context)
    return Section(key, title, html, more_url=more_url, more_label=more_label, order=order)


@dataclass(frozen=True)
class Provider:
    panels: Callable[[Any], list[Glance]]
    counters: tuple[str, ...] = ()  # what its counts read; empty: asked on every visit


PROVIDERS: list[Provider] = []


def register(provider: Callable[[Any], list[Glance]] | None = None, *, counters: Iterable[str] = ()) -> Any:
    """``@register`` or ``@register(counters=("events",))``."""

    def add(function: Callable[[Any], list[Glance]]) -> Callable[[Any], list[Glance]]:
        PROVIDERS.append(Provider(function, tuple(counters)))
        return function

    return add(provider) if provider is not None else add


def panels_for(user: Any) -> list[Panel]:
    return at_a_glance(user)[0]


def at_a_glance(
    user: Any, *, shared_only: bool = False, asked: dict[int, list[Glance]] | None = None
) -> tuple[list[Panel], list[Section]]:
    """Every provider's cards, in the apps' order, and their sections, in the page's order; with
    ``shared_only``, only those of the providers whose counts are kept per scope (``counters``).
    ``asked``: what ``personal`` already found for this reader, not asked twice."""
    found: list[Glance] = []
    for index, provider in enumerate(PROVIDERS):
        if provider.counters:
            found += _panels(provider, user)
        elif not shared_only:
            found += asked[index] if asked is not None and index in asked else provider.panels(user)
    panels = [item for item in found if isinstance(item, Panel)]
    sections = sorted(
        (item for item in found if isinstance(item, Section)), key=lambda section: section.order
    )
    return panels, sections


def personal(user: Any) -> dict[int, list[Glance]]:
    """The cards of the providers counted afresh for the reader on every visit (no ``counters``: the
    jury's applications are the reader's own), by the provider's place in the list."""
    return {index: provider.panels(user) for index, provider in enumerate(PROVIDERS) if not provider.counters}


def shared_counters() -> tuple[str, ...]:
    """Every counter the kept providers read: the home page's kept cards change when one moves."""
    return tuple(dict.fromkeys(name for provider in PROVIDERS for name in provider.counters))


def _panels(provider: Provider, user: Any) -> list[Glance]:
    if not provider.counters:
        return provider.panels(user)
    scope = scope_of(user)
    identity = [
        f"{provider.panels.__module__}.{provider.panels.__qualname__}",
        [scope.secretariat, scope.role, scope.zone_id, scope.institution_id],
        get_language(),
        timezone.now().replace(second=0, microsecond=0),
    ]
    name = "glance:" + hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:40]
    return kept(provider.counters, name, lambda: provider.panels(user), timeout=KEEP_SECONDS)
