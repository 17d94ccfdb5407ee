"""Partner institutions' webhook endpoints and every delivery made to them.

An institution registers an endpoint (an https address and the topics it wants); each change it may see
becomes one delivery per endpoint: a JSON body signed as the Standard Webhooks convention says, sent by a
Celery task with retries and back-off, its every attempt noted here. An endpoint that keeps failing is
switched off and its owner told.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones_portal.models import Institution
from zones_portal.querysets import ScopedQuerySet


class Topic(models.TextChoices):
    """What an endpoint may be told of; the value is the delivery's ``type``."""

    EVENT_STATUS = "event.status_changed", _("An event of ours changes status")
    INVITATION_ANSWERED = "event.invitation_answered", _("An invitation to an event of ours is answered")
    OBLIGATION_STATUS = "obligation.status_changed", _("An obligation we are party to changes status")
    NOMINATION_DECIDED = "nomination.decided", _("A nomination of ours is decided")
    CALL_OPENED = "talent_call.opened", _("A new talent call opens")


def new_secret() -> str:
    """A signing secret as the Standard Webhooks convention writes it: ``whsec_`` and base64 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("institution"),
    )
    url = models.URLField(_("address"), max_length=500, help_text=_("Where the notices are sent (https)."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    topics = models.JSONField(_("topics"), default=list, help_text=_("What this address is told of."))
    # Kept readable: the portal signs every delivery with it. Shown to the institution once, on creation
    # or rotation, and never written into the history.
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was switched off"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("deliveries failed in a row"), default=0)
    # Switched off by the portal because deliveries kept failing (its owner is told), not by a person.
    switched_off_for_failures = models.BooleanField(_("switched off after failures"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["institution", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryQuerySet(ScopedQuerySet):
    def due(self, now=None):
        """Deliveries waiting for their next attempt (the partial index below serves this)."""
        return self.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now or timezone.now())


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, no more attempts")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    # The Webhook-Id header: the same on every attempt and on a resend, so a receiver can drop repeats.
    message_id = models.CharField(_("message id"), max_length=40, db_index=True, editable=False)
    topic = models.CharField(_("topic"), max_length=40, choices=Topic.choices)
    payload = models.JSONField(_("body"), editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker claims a delivery until then (a conditional update), so two workers never send it at once.
    lease_until = models.DateTimeField(_("being sent until"), null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_pending",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what came back, or why nothing did."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(_("when"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"
