"""Talent-scouting calls (فراخوان استعدادیابی): public applications, jury review, and the artist network.

State changes happen only in ``talent.services``; these models hold the data
and the invariants a single row can check.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zones_portal.fields import WebsiteField
from zones_portal.files import ContentValidator, PrivatePath
from zones_portal.models import BilingualLookup, Institution, StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet
from zones_portal.search import Searchable

if TYPE_CHECKING:
    pass

# The largest file of each kind an applicant may send, in megabytes.
PORTFOLIO_LIMITS = {"pdf": 20, "jpeg": 10, "png": 10, "mp3": 30, "mp4": 100}
PORTFOLIO_MAX_FILES = 5
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on ``day``: the one definition of an applicant's age (a 29 February birthday
    counts from 1 March in a common year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Discipline(BilingualLookup):
    class Meta(BilingualLookup.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")


class TalentCallQuerySet(models.QuerySet):
    def published(self) -> TalentCallQuerySet:
        return self.exclude(status=TalentCall.Status.DRAFT)

    def open_at(self, moment: dt.datetime | None = None) -> TalentCallQuerySet:
        moment = moment or timezone.now()
        return self.filter(status=TalentCall.Status.PUBLISHED, opens_at__lte=moment, closes_at__gt=moment)

    def eligible_for_zone(self, zone_id: int) -> TalentCallQuerySet:
        """Calls open to every zone (no zone named) or naming this one."""
        named = TalentCall.eligible_zones.through.objects.filter(talentcall_id=models.OuterRef("pk"))
        return self.filter(~models.Exists(named) | models.Exists(named.filter(zone_id=zone_id)))


class TalentCall(Searchable):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call status", "Draft")
        PUBLISHED = "published", pgettext_lazy("call status", "Published")
        FINISHED = "finished", pgettext_lazy("call status", "Finished")

    class Phase(models.TextChoices):
        """What a published call is doing now, read from its dates."""

        DRAFT = "draft", pgettext_lazy("call phase", "Draft")
        UPCOMING = "upcoming", pgettext_lazy("call phase", "Opens soon")
        OPEN = "open", pgettext_lazy("call phase", "Open")
        REVIEW = "review", pgettext_lazy("call phase", "Closed, under review")
        FINISHED = "finished", pgettext_lazy("call phase", "Finished")

    SEARCH_FIELDS = ("title", "description")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    disciplines = models.ManyToManyField(Discipline, related_name="calls", verbose_name=_("disciplines"))
    eligible_zones = models.ManyToManyField(
        Zone,
        related_name="talent_calls",
        blank=True,
        verbose_name=_("eligible zones"),
        help_text=_("Leave empty to open the call to applicants from every zone."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    jurors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="JuryMember",
        related_name="jury_calls",
        blank=True,
        verbose_name=_("jury"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TalentCallQuerySet.as_manager()
    history = HistoricalRecords(  # zones_portal.history
        m2m_fields=["disciplines", "eligible_zones"], excluded_fields=["search_text"]
    )

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("talent call")
        verbose_name_plural = _("talent calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="call_age_range_is_a_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("A call must close after it opens.")
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            errors["max_age"] = _("The maximum age cannot be below the minimum age.")
        if errors:
            raise ValidationError(errors)

    def phase(self, moment: dt.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if self.status == self.Status.FINISHED:
            return self.Phase.FINISHED
        if moment < self.opens_at:
            return self.Phase.UPCOMING
        if moment < self.closes_at:
            return self.Phase.OPEN
        return self.Phase.REVIEW

    def get_phase_display(self) -> str:
        return self.Phase(self.phase()).label

    @property
    def is_open(self) -> bool:
        return self.phase() == self.Phase.OPEN


class JuryMember(models.Model):
    """A juror on one call; with disciplines named, they judge only applications in those."""

    call = models.ForeignKey(
        TalentCall, on_delete=models.CASCADE, related_name="jury", verbose_name=_("call")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jury_memberships",
        verbose_name=_("juror"),
    )
    disciplines = models.ManyToManyField(
        Discipline,
        blank=True,
        verbose_name=_("disciplines judged"),
        help_text=_("Leave empty for all the call's disciplines."),
    )

    history = HistoricalRecords(m2m_fields=["disciplines"])

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jury")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="one_seat_per_juror_and_call")]

    def __str__(self) -> str:
        return str(self.user)


class ScoringCriterion(models.Model):
    call = models.ForeignKey(
        TalentCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "sort_order", "pk"]
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(ScopedQuerySet):
    pass


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("application status", "Under review")
        SHORTLISTED = "shortlisted", pgettext_lazy("application status", "Shortlisted")
        SELECTED = "selected", pgettext_lazy("application status", "Selected")
        NOT_SELECTED = "not_selected", pgettext_lazy("application status", "Not selected")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")

    call = models.ForeignKey(
        TalentCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    tracking_code = models.CharField(_("tracking code"), max_length=9, unique=True, default=new_tracking_code)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="applications", verbose_name=_("zone")
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="applications", verbose_name=_("discipline")
    )
    statement = models.TextField(_("artist's statement"))
    portfolio_links = models.TextField(_("portfolio links"), blank=True, help_text=_("One address per line."))
    consent = models.BooleanField(_("consent"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    nominated_by = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("nominated by"),
    )
    language = models.CharField(_("language"), max_length=8, default="fa")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # The same person (by email, stored lower-cased) applies once to a call.
            models.UniqueConstraint(fields=["call", "email"], name="one_application_per_person_and_call"),
        ]
        indexes = [models.Index(fields=["call", "status"], name="application_call_status")]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.full_name}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.portfolio_links.splitlines() if line.strip()]


class Receipt(models.Model):
    """The email an applicant is owed with their tracking code: an outbox row.

    It is written in the transaction that saves the application, so a broker that is down at that moment
    loses nothing: the receipt sweep queues what is still owed. ``lease_until`` is the claim of the worker
    sending it (kept fresh while it sends), so two workers never mail the same receipt.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="receipt", verbose_name=_("application")
    )
    created_at = models.DateTimeField(_("owed since"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    lease_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [
            # The receipt sweep reads only what is still owed; this stays small however many were sent.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="receipt_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.sent_at or '-'}"


class ApplicationStatusChange(StatusChangeRecord):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Application.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class PortfolioFile(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="files", verbose_name=_("application")
    )
    file = models.FileField(
        _("file"),
        upload_to=PrivatePath("portfolios"),
        validators=[ContentValidator(PORTFOLIO_LIMITS, max(PORTFOLIO_LIMITS.values()))],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("portfolio file")
        verbose_name_plural = _("portfolio files")

    def __str__(self) -> str:
        return self.original_name


class Assignment(models.Model):
    """An application put before one juror."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("juror"),
    )
    conflict_declared_at = models.DateTimeField(_("conflict of interest declared"), null=True, blank=True)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror"], name="one_assignment_per_juror_and_application"
            )
        ]
        indexes = [models.Index(fields=["juror", "scored_at"], name="assignment_juror_scored")]

    def __str__(self) -> str:
        return f"{self.application} → {self.juror}"

    @property
    def has_conflict(self) -> bool:
        return self.conflict_declared_at is not None


class Score(models.Model):
    """One juror's score for one criterion of one application."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment")
    )
    criterion = models.ForeignKey(
        ScoringCriterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class ArtistQuerySet(ScopedQuerySet):
    pass


class Artist(Searchable):
    """A member of the artist network: selected through a call, or added by the secretariat."""

    SEARCH_FIELDS = ("full_name", "bio")

    full_name = models.CharField(_("full name"), max_length=200)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="artists", verbose_name=_("zone"))
    disciplines = models.ManyToManyField(Discipline, related_name="artists", verbose_name=_("disciplines"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="artist",
        verbose_name=_("selected through"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ArtistQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["disciplines"], excluded_fields=["search_text"])

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("artist")
        verbose_name_plural = _("artist network")

    def __str__(self) -> str:
        return self.full_name


class StagedUploadQuerySet(models.QuerySet):
    def expired(self, now: dt.datetime | None = None) -> StagedUploadQuerySet:
        return self.filter(created_at__lte=(now or timezone.now()) - STAGED_UPLOAD_MAX_AGE)


# How long files attached to a public form that was sent back with errors wait for the corrected form.
STAGED_UPLOAD_MAX_AGE = dt.timedelta(hours=24)


class StagedUpload(models.Model):
    """A portfolio file that came with a public form the applicant must correct (consent not ticked, a
    date mistyped): kept so they are not asked for it again, and attached when the corrected form is sent.

    The form carries the ids of its staged files in a signed hidden field (``talent.staging``), so
    nobody reaches another person's files by guessing an id. Rows not touched for
    ``STAGED_UPLOAD_MAX_AGE`` are removed, with their files, by a periodic task.
    """

    call = models.ForeignKey(
        TalentCall, on_delete=models.CASCADE, related_name="staged_uploads", verbose_name=_("call")
    )
    file = models.FileField(
        _("file"),
        upload_to=PrivatePath("staged-portfolios"),
        validators=[ContentValidator(PORTFOLIO_LIMITS, max(PORTFOLIO_LIMITS.values()))],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("attached"), default=timezone.now, db_index=True)

    objects = StagedUploadQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("staged upload")
        verbose_name_plural = _("staged uploads")

    def __str__(self) -> str:
        return self.original_name
