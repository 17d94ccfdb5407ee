"""The notification record: one reminder, about one thing, to one person, for one occasion.

A row is created once however often (and however concurrently) the sweep runs:
the unique constraint on (rule, object, recipient, occasion) makes a second
insert a no-op. The row is the dashboard notification; its status follows the
email that goes with it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed: found too late to send")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email and dashboard")
        DASHBOARD = "dashboard", _("Dashboard only (no email address)")

    rule = models.CharField(_("rule"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("about (type)"))
    object_id = models.PositiveBigIntegerField(_("about (id)"))
    subject = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    occasion = models.CharField(
        _("occasion"),
        max_length=80,
        help_text=_("Which reminder of the rule this is, tied to the date it counts from."),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("What the reminder says, in the recipient's language.")
    )
    due_at = models.DateTimeField(_("due"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # The claim of the worker sending it: kept fresh while the mail server talks, so the requeue of rows
    # left 'sending' takes only those whose worker died.
    lease_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "recipient", "occasion"],
                name="one_notification_per_occasion_and_recipient",
            )
        ]
        indexes = [
            # The delivery sweep reads only what is waiting; this stays small however big the table grows.
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="notification_pending_due"),
            # A person's list, newest first, read a page at a time however long their history; and their
            # counts, when counted. Only the rows a person is shown: most of five years' reminders were
            # recorded as missed, and a page walked past them row by row before.
            models.Index(
                fields=["recipient", "-due_at", "-id"],
                condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                name="notification_shown_recipient",
            ),
            models.Index(fields=["content_type", "object_id", "rule"], name="notification_subject_rule"),
            # The requeue reads only rows being sent.
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="notification_sending_lease"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.occasion} → {self.recipient}"


class DeliveryAttempt(models.Model):
    """Every attempt to send, successful or not, with the error it met."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
        verbose_name=_("notification"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.notification_id} · {'ok' if self.succeeded else self.error[:60]}"


class RuleSetting(models.Model):
    """The secretariat's choice of offsets for a rule, overriding the defaults in settings."""

    rule = models.CharField(_("rule"), max_length=40, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    offsets = models.JSONField(
        _("offsets in days"),
        default=list,
        blank=True,
        help_text=_(
            "Days, as a list such as [14, 7, 1]; what each number counts from is in the rule's description."
        ),
    )

    history = HistoricalRecords()  # who changed a rule's offsets, and when (zones_portal.history)

    class Meta:
        ordering = ["rule"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return self.rule
