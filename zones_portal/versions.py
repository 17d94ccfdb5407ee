"""Version counters in the shared cache: one number per kind of data, bumped whenever it changes.

A page or API answer built from that data is cached under, and validated by, the counters it read, so
answering "nothing changed" (a 304, or a cached body) costs a cache read instead of the whole query.
The counters live in the shared cache (Redis in production), so every node sees a bump at once. A cache
that cannot be reached makes ``current`` answer None: callers then build the answer afresh, uncached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)
PREFIX = "version:"
# Counters do not expire; cached answers keyed by them do (see each caller), so a bump that was lost
# (the cache was down while something changed) costs at most that long.
FOREVER = None


def current(*names: str) -> tuple[int, ...] | None:
    """The counters' values, creating those not yet there; None when the cache is unreachable."""
    keys = [PREFIX + name for name in names]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, _fresh(), timeout=FOREVER)
                found[key] = cache.get(key, 0)
    except Exception:
        logger.warning("Version counters unavailable; serving uncached.", exc_info=True)
        return None
    return tuple(int(found[key]) for key in keys)


def kept(counters: Iterable[str], name: str, compute: Callable[[], Any], *, timeout: int) -> Any:
    """``compute()``, kept in the shared cache under ``name`` and the counters' current values, so a
    bump is seen at the next call; with the cache unreachable, computed every time. ``name`` must
    name everything else the value depends on (the person, their scope, the language, the minute)."""
    values = current(*counters)
    if values is None:
        return compute()
    key = f"kept:{name}:" + ":".join(str(value) for value in values)
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("The cache did not answer; computing %s afresh.", name, exc_info=True)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, timeout=timeout)
        except Exception:
            logger.warning("Could not keep %s in the cache.", name, exc_info=True)
    return found


def bump(*names: str) -> None:
    """Marks the data as changed. Called from signal receivers; never raises."""
    for name in names:
        key = PREFIX + name
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet (or evicted): a value never used before invalidates
                cache.add(key, _fresh(), timeout=FOREVER)
        except Exception:
            logger.warning("Could not bump the %s version counter.", name, exc_info=True)


def _fresh() -> int:
    """A starting value no earlier counter can have had: the time in microseconds."""
    return time.time_ns() // 1000


def watch(name: str, models: Iterable[type[Model]], m2m: Iterable[type[Model]] = ()) -> None:
    """Bumps the counter ``name`` whenever a row of ``models`` is saved or deleted, or a link of ``m2m``
    changes: at once, and again once the transaction commits, so an answer built in between (from the
    rows as they were) is kept under the first bump's value and never served after the second."""

    def changed(sender: Any, using: str | None = None, action: str | None = None, **kwargs: Any) -> None:
        if action is not None and not action.startswith("post_"):
            return  # m2m_changed: only once the links have changed
        bump(name)
        if transaction.get_connection(using or DEFAULT_DB_ALIAS).in_atomic_block:
            transaction.on_commit(lambda: bump(name), using=using, robust=True)

    _receivers[name] = changed  # signals keep weak references: the receiver must live on
    for model in models:
        label = model._meta.label_lower
        post_save.connect(changed, sender=model, dispatch_uid=f"{name}-version-save-{label}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{name}-version-delete-{label}")
    for through in m2m:
        m2m_changed.connect(
            changed, sender=through, dispatch_uid=f"{name}-version-{through._meta.label_lower}"
        )


_receivers: dict[str, Callable[..., None]] = {}

# The core's own counter: zones, institutions, people, memberships and API keys. The API's kept key
# scopes (zones_portal.api.fastpath) are trusted only while it holds still, and the home page's zone
# cards are kept under it.
PEOPLE = "people"


def connect_core() -> None:
    """Called once the app registry is ready (ZonesPortalConfig.ready)."""
    from zones_portal.models import ApiToken, Institution, Membership, User, Zone  # noqa: PLC0415

    watch(PEOPLE, (Zone, Institution, User, Membership, ApiToken))
