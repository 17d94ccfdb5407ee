"""Memoranda of understanding (تفاهم‌نامه): their parties, signed documents, and the obligations they carry.

State changes happen only in ``agreements.services``; these models hold the
data and the invariants a single row can check.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zones_portal.fields import WebsiteField
from zones_portal.files import ContentValidator, PrivatePath
from zones_portal.models import Institution, StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet
from zones_portal.search import Searchable

if TYPE_CHECKING:
    pass

FILE_MAX_MEGABYTES = 20
DOCUMENT_KINDS = ("pdf",)
EVIDENCE_KINDS = ("pdf", "jpeg", "png")


class AgreementQuerySet(ScopedQuerySet):
    def expiring_within(self, days: int, today: dt.date | None = None) -> AgreementQuerySet:
        today = today or timezone.localdate()
        return self.filter(
            status=Agreement.Status.ACTIVE,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days),
        )


class Agreement(Searchable):
    class Subject(models.TextChoices):
        CULTURE_ART = "culture_art", _("Culture and art")
        CREATIVE_EXPORT = "creative_export", _("Creative industries export")
        QURAN = "quran", _("Quran")
        TALENT = "talent", _("Talent scouting")
        TOURISM = "tourism", _("Cultural tourism")
        TRAINING = "training", _("Training and exchange of experience")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
        NEGOTIATION = "negotiation", pgettext_lazy("agreement status", "In negotiation")
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")
        EXPIRED = "expired", pgettext_lazy("agreement status", "Expired")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "Terminated")

    # In force: its obligations are reported on and reminded of (an expired one's are still owed).
    IN_FORCE = (Status.ACTIVE, Status.EXPIRED)
    ENDED = (Status.EXPIRED, Status.TERMINATED)  # kept as it was
    SEARCH_FIELDS = ("title", "summary")

    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(_("subject area"), max_length=32, choices=Subject.choices)
    summary = models.TextField(_("summary"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("notice days before expiry"),
        default=60,
        help_text=_("How many days before it expires the parties are reminded."),
    )
    notice_starts_on = models.DateField(
        _("notice period begins"), null=True, blank=True, editable=False, db_index=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])  # every version: zones_portal.history

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["status", "expires_on"], name="agreement_status_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_on__gt=models.F("effective_from")),
                name="agreement_expires_after_it_takes_effect",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        # Kept on the row so the reminder sweep finds agreements entering their notice with an index.
        self.notice_starts_on = (
            self.expires_on - dt.timedelta(days=self.notice_days) if self.expires_on else None
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"expires_on", "notice_days"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "notice_starts_on"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.effective_from and self.expires_on and self.expires_on <= self.effective_from:
            raise ValidationError({"expires_on": _("An agreement must expire after it takes effect.")})
        if self.signed_on and self.effective_from and self.effective_from < self.signed_on:
            raise ValidationError(
                {"effective_from": _("An agreement cannot take effect before it is signed.")}
            )

    def current_status(self, today: dt.date | None = None) -> str:
        """The status as a person should read it: an active agreement past its end is expired,
        even before the nightly job has recorded it."""
        today = today or timezone.localdate()
        if self.status == self.Status.ACTIVE and self.expires_on and self.expires_on < today:
            return self.Status.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status()).label


class AgreementStatusChange(StatusChangeRecord):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("agreement")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Agreement.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Agreement.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class Party(models.Model):
    """One side of an agreement: the secretariat, a zone, or an institution, in some role."""

    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        ZONE = "zone", _("Zone")
        INSTITUTION = "institution", _("Institution")

    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("Signatory")
        IMPLEMENTER = "implementer", _("Implementing party")
        SUPPORTER = "supporter", _("Supporting party")
        OBSERVER = "observer", _("Observer")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("zone"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("institution"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SIGNATORY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "kind", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                name="party_kind_matches_its_organisation",
                condition=Q(kind="secretariat", zone__isnull=True, institution__isnull=True)
                | Q(kind="zone", zone__isnull=False, institution__isnull=True)
                | Q(kind="institution", zone__isnull=True, institution__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["agreement", "zone"], condition=Q(kind="zone"), name="one_party_per_zone"
            ),
            models.UniqueConstraint(
                fields=["agreement", "institution"],
                condition=Q(kind="institution"),
                name="one_party_per_institution",
            ),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(kind="secretariat"), name="one_secretariat_party"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.kind == self.Kind.ZONE and self.zone is not None:
            return self.zone.name
        if self.kind == self.Kind.INSTITUTION and self.institution is not None:
            return self.institution.name
        return str(_("The secretariat"))

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.ZONE and not self.zone_id:
            errors["zone"] = _("Choose the zone.")
        if self.kind == self.Kind.INSTITUTION and not self.institution_id:
            errors["institution"] = _("Choose the institution.")
        if self.kind != self.Kind.ZONE and self.zone_id:
            errors["zone"] = _("Only a zone party names a zone.")
        if self.kind != self.Kind.INSTITUTION and self.institution_id:
            errors["institution"] = _("Only an institution party names an institution.")
        if errors:
            raise ValidationError(errors)


class SignedDocument(models.Model):
    """A signed copy of the agreement. A new upload is a new version; none is ever overwritten."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(
        _("file"),
        upload_to=PrivatePath("agreements"),
        validators=[ContentValidator(DOCUMENT_KINDS, FILE_MAX_MEGABYTES)],
        help_text=_("PDF only, at most 20 MB."),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "-version"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="one_document_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class ObligationQuerySet(ScopedQuerySet):
    def current(self) -> ObligationQuerySet:
        """The obligations lists show: every one not withdrawn."""
        return self.exclude(status=Obligation.Status.WITHDRAWN)

    def overdue_first(self, today: dt.date | None = None) -> ObligationQuerySet:
        """Open obligations past their due date first, then by due date."""
        today = today or timezone.localdate()
        open_and_late = Q(due_on__lt=today) & ~Q(
            status__in=[Obligation.Status.DONE, Obligation.Status.WITHDRAWN]
        )
        return self.annotate(
            overdue=models.Case(
                models.When(open_and_late, then=0), default=1, output_field=models.IntegerField()
            )
        ).order_by("overdue", "due_on", "pk")


class Obligation(models.Model):
    """What one party owes under an agreement, by when, and the evidence that it was done."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("obligation status", "Pending")
        IN_PROGRESS = "in_progress", pgettext_lazy("obligation status", "In progress")
        DONE = "done", pgettext_lazy("obligation status", "Done")
        MISSED = "missed", pgettext_lazy("obligation status", "Missed")
        # Recorded by mistake, or no longer owed: off every list, the reminders and the scorecard, and
        # kept in the agreement's history (``ObligationQuerySet.current`` leaves it out).
        WITHDRAWN = "withdrawn", pgettext_lazy("obligation status", "Withdrawn")

    OPEN = (Status.PENDING, Status.IN_PROGRESS)  # owed and not yet past its due date

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("agreement")
    )
    description = models.TextField(_("what is owed"))
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("owed by")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_link = WebsiteField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=PrivatePath("obligations"),
        validators=[ContentValidator(EVIDENCE_KINDS, FILE_MAX_MEGABYTES)],
        blank=True,
        help_text=_("PDF, JPEG or PNG, at most 20 MB."),
    )
    evidence_file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ObligationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        indexes = [models.Index(fields=["status", "due_on"], name="obligation_status_due")]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_note.strip() or self.evidence_link or self.evidence_file)

    def clean(self) -> None:
        if self.party_id and self.agreement_id and self.party.agreement_id != self.agreement_id:
            raise ValidationError({"party": _("The party that owes it must be a party to this agreement.")})
        if self.status == self.Status.DONE and not self.has_evidence:
            raise ValidationError(
                {
                    "evidence_note": _(
                        "An obligation can be marked done only with evidence: a note, a link or a file."
                    )
                }
            )

    def current_status(self, today: dt.date | None = None) -> str:
        """Past its due date and not done reads as missed, before the nightly job records it."""
        today = today or timezone.localdate()
        if self.status in (self.Status.PENDING, self.Status.IN_PROGRESS) and self.due_on < today:
            return self.Status.MISSED
        return self.status

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status()).label

    @property
    def is_overdue(self) -> bool:
        return self.current_status() == self.Status.MISSED


class ObligationStatusChange(StatusChangeRecord):
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("obligation")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Obligation.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Obligation.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass
