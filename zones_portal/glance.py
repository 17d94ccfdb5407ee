"""The home page's "at a glance" panels. Each app may offer ``glance.py`` with ``panels(user)``; this
module imports none of them (they are discovered at start-up, as the admin discovers ``admin.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROVIDERS: list[Callable[[Any], list[Panel]]] = []


@dataclass(frozen=True)
class Panel:
    title: str
    count: int
    url: str
    urgent: bool = False  # shown in the warning colour when there is something to do


def register(provider: Callable[[Any], list[Panel]]) -> Callable[[Any], list[Panel]]:
    PROVIDERS.append(provider)
    return provider


def panels_for(user: Any) -> list[Panel]:
    return [panel for provider in PROVIDERS for panel in provider(user)]
