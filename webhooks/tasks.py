"""Thin Celery tasks: take ids, load, call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from webhooks import receivers, services
from zones_portal.queueing import BROKER_ERRORS

logger = logging.getLogger(__name__)
# A retry further off than this is left to the periodic sweep (it queues a delivery once it is due). On
# Redis a task held back by a countdown is redelivered after the visibility timeout (an hour by default):
# a five-hour countdown would be handed to a worker again every hour, waiting in memory all along.
LONGEST_COUNTDOWN_SECONDS = 3000


@shared_task(acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """One attempt at one delivery; a failed attempt queues the next after its back-off when that is
    near, else the sweep queues it when due. Safe to run twice: the claim lets one worker send, and a
    delivery already sent is skipped."""
    outcome, delay = services.deliver(delivery_id)
    if outcome == "retry" and delay < LONGEST_COUNTDOWN_SECONDS:
        try:
            send_delivery.apply_async((delivery_id,), countdown=delay, retry=False)
        except BROKER_ERRORS:
            # The delivery stays pending with its next attempt noted: the periodic sweep sends it.
            logger.warning("Could not queue the next attempt at webhook delivery %s.", delivery_id)
    return outcome


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Beat runs this every minute: calls that have opened are announced, deliveries whose task was lost
    are queued again, and deliveries past the keeping period are pruned."""
    announced = receivers.announce_opened_calls()
    queued = services.queue_due()
    pruned = services.prune()
    return {"announced": announced, "queued": len(queued), "pruned": pruned}
