"""Handing work to Celery without losing it, and holding a claim on work while it runs.

Every write that queues follow-up work first records in the database that the work is owed (an outbox
row, a pending notification), then queues it once the transaction commits. By then the person's data is
saved: a broker that does not answer must not turn that into an error page, so the failure is logged and
the work waits for the periodic sweep that queues whatever is still owed. A task queued twice (by the
commit and by the sweep) is harmless: each task claims its row with a conditional update first.

A claim is a lease (a time until which the row is the worker's). A worker that dies stops renewing it,
so the sweep may hand the work to another worker once it has run out; a worker that is alive but slow
(a mail server taking its time) keeps it fresh with ``lease_kept``, so nobody takes it while it works.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from celery import Task
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What publishing raises when the broker is down, refuses or times out: kombu wraps the transport's
# connection and channel errors in KombuError subclasses; a socket may fail before kombu sees it.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError)


def queue_now(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Publishes ``task(*args, **kwargs)``; False (logged) when the broker could not take it.

    No publish retries: the caller's work is already recorded as owed and its sweep queues it again, so
    waiting here would only keep a person waiting for an answer."""
    try:
        task.apply_async(args, kwargs, retry=False)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not queue %s%r (%s: %s); it stays owed and the next sweep queues it.",
            task.name,
            args,
            error.__class__.__name__,
            error,
        )
        return False
    return True


def queue_after_commit(
    task: Task,
    *args: Any,
    using: str | None = None,
    on_queued: Callable[[], object] | None = None,
    **kwargs: Any,
) -> None:
    """Queues the task once the current transaction commits, and never raises to the person whose data
    it saved: a broker that is down is logged, and the sweep of the work still owed catches up.
    ``on_queued`` runs only when the broker took the task (to note it, so the sweep does not queue it
    again while it waits its turn)."""

    def publish() -> None:
        if queue_now(task, *args, **kwargs) and on_queued is not None:
            on_queued()

    transaction.on_commit(publish, using=using)


@contextlib.contextmanager
def lease_kept(rows: QuerySet, field: str, seconds: float) -> Iterator[None]:
    """While the block runs, pushes ``field`` of ``rows`` to now + ``seconds`` every third of the lease.

    ``rows`` should select the claimed row only while this worker still holds it (its status, its claim
    number), so a renewal never revives a claim that was finished or taken over. The renewal runs in a
    thread with its own database connection, so it goes on while the block waits on a slow server; a
    process that dies takes the thread with it and its lease runs out."""
    stop = threading.Event()
    every = max(seconds / 3, 0.05)

    def renew() -> None:
        try:
            while not stop.wait(every):
                try:
                    rows.update(**{field: timezone.now() + dt.timedelta(seconds=seconds)})
                except Exception:
                    logger.warning("Could not renew a lease on %s.", rows.model.__name__, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections only

    thread = threading.Thread(target=renew, name=f"lease-{rows.model.__name__}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=max(every * 2, 5))
