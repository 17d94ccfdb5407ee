"""Probes for load balancers and orchestrators, and the heartbeat that periodic jobs leave behind.

``/healthz`` says the process answers: it touches no database, cache or broker, so a shared service
going down never makes every web node look dead at once (and get restarted for nothing).
``/readyz`` says whether this node can serve: it tries each shared service with a short deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from zones_portal.celery import app
from zones_portal.models import Heartbeat

logger = logging.getLogger(__name__)
SWEEP = "reminders.sweep"
# A fixed name that is never written: asking whether it exists is a read the storage must answer.
STORAGE_PROBE = "readyz-probe"


def record_heartbeat(name: str) -> None:
    """Notes that the periodic job ``name`` has just run to the end. Two beats at once are harmless."""
    Heartbeat.objects.update_or_create(name=name, defaults={"completed_at": timezone.now()})


@dataclass
class Outcome:
    ok: bool
    ms: float
    error: str = ""
    value: object = None

    def as_json(self) -> dict[str, object]:
        answer: dict[str, object] = {"ok": self.ok, "ms": self.ms}
        if not self.ok:
            answer["error"] = self.error
        return answer


def check_database() -> dt.datetime | None:
    """A trivial query, then the last sweep's time, read on the same connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Heartbeat.objects.filter(name=SWEEP).values_list("completed_at", flat=True).first()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=30)
    try:
        if cache.get(key) != "1":
            raise LookupError(key)
    finally:
        cache.delete(key)


def check_broker() -> None:
    timeout = settings.READYZ_TIMEOUT_SECONDS
    with app.connection_for_write(connect_timeout=timeout) as broker:
        broker.ensure_connection(max_retries=0, timeout=timeout)


def check_storage() -> None:
    """A read the storage must answer. A folder must also be there: a missing one (a shared mount
    that failed) would otherwise read as "no such file" and pass."""
    if isinstance(default_storage, FileSystemStorage) and not Path(default_storage.location).is_dir():
        raise FileNotFoundError(STORAGE_PROBE)
    default_storage.exists(STORAGE_PROBE)


CHECKS: dict[str, Callable[[], object]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def _run(name: str, check: Callable[[], object], outcomes: dict[str, Outcome]) -> None:
    started = time.monotonic()
    try:
        value = check()
    except Exception as error:  # noqa: BLE001 - whatever the failure, the component is down
        # The class name only: a message may hold a host, a URL or a key.
        outcomes[name] = Outcome(False, _ms_since(started), error=type(error).__name__)
    else:
        outcomes[name] = Outcome(True, _ms_since(started), value=value)
    finally:
        connections.close_all()  # this thread's own connection; the request's is not touched


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def run_checks(timeout: float) -> dict[str, Outcome]:
    """Runs every check at once, each in a thread of its own, and waits at most ``timeout`` seconds.

    A check still running at the deadline counts as down (TimeoutError); its daemon thread is left to
    finish on its own, so a dead service costs the probe its deadline and no more.
    """
    outcomes: dict[str, Outcome] = {}
    started = time.monotonic()
    threads = [
        threading.Thread(target=_run, args=(name, check, outcomes), name=f"readyz-{name}", daemon=True)
        for name, check in CHECKS.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, started + timeout - time.monotonic()))
    return {
        name: outcomes.get(name) or Outcome(False, _ms_since(started), error=TimeoutError.__name__)
        for name in CHECKS
    }


def sweep_status(completed_at: dt.datetime | None, now: dt.datetime) -> dict[str, object] | None:
    if completed_at is None:
        return None
    age = max(0, int((now - completed_at).total_seconds()))
    return {
        "at": completed_at.isoformat(),
        "age_seconds": age,
        "stale": age > settings.READYZ_SWEEP_STALE_SECONDS,
    }


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive. Touches nothing shared; a load balancer may ask every second."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this web node can serve: 503 when the database, cache, broker or storage is down.

    The last reminder sweep is reported, and flagged ``stale`` past ``READYZ_SWEEP_STALE_SECONDS``, but a
    stale sweep does not make the node unready: beat and the workers are separate processes, and taking
    web nodes out of the balancer would not bring them back. Alert on ``sweep.stale`` instead. ``sweep``
    is null when no sweep has completed yet, or when the database could not be read.
    """
    outcomes = run_checks(settings.READYZ_TIMEOUT_SECONDS)
    for name, outcome in outcomes.items():
        if not outcome.ok:
            logger.warning("readyz: %s is down (%s)", name, outcome.error)
    ready = all(outcome.ok for outcome in outcomes.values())
    database = outcomes["database"]
    body = {
        "status": "ok" if ready else "down",
        "components": {name: outcome.as_json() for name, outcome in outcomes.items()},
        "sweep": sweep_status(database.value if database.ok else None, timezone.now()),
    }
    return JsonResponse(body, status=200 if ready else 503)
