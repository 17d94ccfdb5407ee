"""The scorecard's counts, kept in the shared cache until something they count changes.

What is kept is a ``measures.Tally`` (plain numbers and moments per zone and period) with the zones it
covers and the quiet window: nothing in the reader's language and nothing read against the clock, so
exports work out labels, days since activity, future periods and the index afresh on each request.
Beside it, under the same key, the pages keep their content (the charts, the table, the formula) per
language and query, since drawing it costs more than counting does once counted: what the content
says about days since activity may then be up to ``TIMEOUT`` old.

The key names the periods' bounds, the zone (or "every active zone"), today's date in Tehran and a
version number. Saving or deleting anything the scorecard counts bumps the version (receivers connected
in ``ScorecardConfig.ready``), so the next page counts again. A change that sends no signal (a
``QuerySet.update`` or ``bulk_create``) shows once the entry expires, after ``TIMEOUT``; today's date makes
sure no entry outlives its day. A cache that cannot be reached costs speed, never the page: the counts
are then made afresh and the failure logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString

from agreements.models import Agreement, Obligation, Party
from coordination.models import Acknowledgement, ActionItem, Circular, Invitee, Meeting
from events.models import Event, EventReport, Participation, StatusChange
from programmes.models import PlannedActivity, Programme
from reminders.models import RuleSetting
from scorecard import measures
from scorecard.activity import quiet_days
from scorecard.periods import Period
from talent.models import Application
from zones_portal import versions
from zones_portal.models import Zone
from zones_portal.versions import current, watch

logger = logging.getLogger(__name__)

VERSION = "scorecard"
# Raised whenever what is kept changes shape, the drawn content included, so entries left by the
# previous release are never read (2: grouped columns, calendar choice, charts with gaps; 3: the
# coordination desk's measures; 4: plan delivered).
SCHEMA = 4
# How long counts are kept: the longest a change that sent no signal can go unseen.
TIMEOUT = 5 * 60

# Everything the measures, last activity and the quiet window read. Agreements and parties count too:
# an obligation is counted by its agreement's status and its party's zone.
COUNTED = (
    Event,
    StatusChange,
    Participation,
    EventReport,
    Agreement,
    Party,
    Obligation,
    Application,
    Zone,
    RuleSetting,
    # The coordination desk: attendance by the meeting's status and start, action items, circulars'
    # acknowledgements by their circular's status and deadline.
    Meeting,
    Invitee,
    ActionItem,
    Circular,
    Acknowledgement,
    # Plan delivered: activities of approved programmes (a programme's status moves them in and out).
    Programme,
    PlannedActivity,
)


@dataclass
class Kept:
    """One page's counts as the cache keeps them."""

    zones: list[Zone]  # every active zone for the overview; empty for one zone's page (the caller has it)
    counted: measures.Tally
    quiet_window: int


def version() -> int:
    """The counts' version (``zones_portal.versions``); raises when the cache cannot be reached."""
    found = current(VERSION)
    if found is None:
        raise ConnectionError("The cache did not answer.")
    return found[0]


def bump() -> None:
    """Marks the counts as out of date (the receivers do it on every change; benchmarks call it)."""
    versions.bump(VERSION)


def connect() -> None:
    """Bump the version whenever a row the scorecard counts is saved or deleted."""
    watch(VERSION, COUNTED, m2m=[Event.participating_zones.through])


def _key(periods: Sequence[Period], zone: Zone | None, today: dt.date) -> str:
    """The periods by their bounds only (their labels depend on the language), the zones, the day."""
    bounds = ";".join(f"{period.start.isoformat()}/{period.end.isoformat()}" for period in periods)
    covered = f"zone:{zone.pk}" if zone is not None else "active"
    digest = hashlib.sha256(f"{covered}|{bounds}".encode()).hexdigest()[:32]
    return f"scorecard:scores:{SCHEMA}:{version()}:{today.isoformat()}:{digest}"


class Counts:
    """One page's counts, and the content drawn from them, each read from the cache or made afresh."""

    def __init__(self, periods: Sequence[Period], zone: Zone | None = None, now: dt.datetime | None = None):
        self.periods = list(periods)
        self.zone = zone
        self.now = now or timezone.now()
        self._scores: tuple[list[measures.Score], int] | None = None
        try:
            # The version is read before counting: a change made while we count leaves this entry behind.
            self.key: str | None = _key(self.periods, zone, timezone.localdate(self.now))
        except Exception:  # an unreachable or failing cache must not take the page down
            logger.warning("The scorecard's cache could not be read; counting afresh.", exc_info=True)
            self.key = None

    def scores(self) -> tuple[list[measures.Score], int]:
        """The scores of every active zone (or of the one zone) for the periods, and the quiet window."""
        if self._scores is None:
            kept = self._get(self.key)
            if kept is None:
                zones = [self.zone] if self.zone is not None else list(Zone.objects.filter(is_active=True))
                kept = Kept(
                    zones=zones if self.zone is None else [],
                    counted=measures.tally(self.periods, [each.pk for each in zones]),
                    quiet_window=quiet_days(),
                )
                self._set(self.key, kept)
            zones = [self.zone] if self.zone is not None else kept.zones
            self._scores = (
                measures.scores(kept.counted, self.periods, zones, self.now, kept.quiet_window),
                kept.quiet_window,
            )
        return self._scores

    def html(self, variant: str, render: Callable[[], SafeString]) -> SafeString:
        """Content drawn from these counts, kept beside them: ``variant`` names all else it depends on
        (the page, the language, the query)."""
        key = f"{self.key}:html:{hashlib.sha256(variant.encode()).hexdigest()[:32]}" if self.key else None
        found = self._get(key)
        if isinstance(found, SafeString):
            return found
        content = render()
        self._set(key, content)
        return content

    @staticmethod
    def _get(key: str | None) -> Any:
        if key is None:
            return None
        try:
            return cache.get(key)
        except Exception:  # an unreachable or failing cache must not take the page down
            logger.warning("The scorecard's cache could not be read; counting afresh.", exc_info=True)
            return None

    @staticmethod
    def _set(key: str | None, value: object) -> None:
        if key is None:
            return
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:  # the page is right; only keeping it failed
            logger.warning("The scorecard's counts could not be kept in the cache.", exc_info=True)


def page_scores(
    periods: Sequence[Period], zone: Zone | None = None, now: dt.datetime | None = None
) -> tuple[list[measures.Score], int]:
    """The scores of every active zone (or of ``zone``) for ``periods``, and the quiet window they used."""
    return Counts(periods, zone, now).scores()
