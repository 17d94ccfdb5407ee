"""Each zone's annual cultural programme for a Solar Hijri year: the activities it plans, by quarter or
month, with audience, partners and budget; the versions it was submitted, returned and approved in.

State changes happen only in ``programmes.services``. An event names the planned activity it delivers
(``events.Event.planned_activity``): events sit above this app, as they do above agreements, so this app
imports nothing of events; a planned activity's category is an event category, named by its label.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zones_portal.models import Institution, StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet


class ProgrammeYear(models.Model):
    """A Solar Hijri year the zones plan for, and the date the secretariat wants the programmes by
    (e.g. the end of Bahman of the year before)."""

    year = models.PositiveSmallIntegerField(
        _("Solar Hijri year"), unique=True, validators=[MinValueValidator(1390), MaxValueValidator(1500)]
    )
    due_on = models.DateField(_("programmes due on"))
    notes = models.TextField(_("guidance for the zones"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")

    def __str__(self) -> str:
        return str(self.year)


class Programme(models.Model):
    """One zone's programme for one year. Each submission freezes a numbered version (``ProgrammeVersion``);
    the activities themselves stay editable while it is a draft or returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("programme status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("programme status", "Submitted")
        RETURNED = "returned", pgettext_lazy("programme status", "Returned for revision")
        APPROVED = "approved", pgettext_lazy("programme status", "Approved")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("zone")
    )
    year = models.ForeignKey(
        ProgrammeYear, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("year")
    )
    summary = models.TextField(_("aims of the year"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_comment = models.TextField(_("secretariat's comment"), blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "zone__sort_order"]
        verbose_name = _("annual programme")
        verbose_name_plural = _("annual programmes")
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="one_programme_per_zone_year")]

    def __str__(self) -> str:
        return f"{self.zone} {self.year}"


class ProgrammeStatusChange(StatusChangeRecord):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("programme")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Programme.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Programme.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class PlannedActivity(models.Model):
    """One activity a zone plans for the year: when (a quarter, or a month within it), what kind of
    event, for how many people, with whom, and at what cost split by who pays."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="activities", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        "events.EventCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Spring is the first quarter of the Solar Hijri year."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Optional: the Solar Hijri month, within the quarter."),
    )
    expected_audience = models.PositiveIntegerField(_("expected audience"), default=0)
    partner_zones = models.ManyToManyField(
        Zone, blank=True, related_name="+", verbose_name=_("partner zones")
    )
    partner_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="+", verbose_name=_("partner institutions")
    )
    budget_zone = models.DecimalField(
        _("funded by the zone (rials)"),
        max_digits=18,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_secretariat = models.DecimalField(
        _("funded by the secretariat (rials)"),
        max_digits=18,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_partner = models.DecimalField(
        _("funded by partners (rials)"),
        max_digits=18,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[partner_zones, partner_institutions])

    class Meta:
        ordering = ["programme", "quarter", "month", "sort_order", "pk"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        constraints = [
            models.CheckConstraint(
                name="planned_month_within_its_quarter",
                condition=Q(month__isnull=True)
                | Q(month__gte=(models.F("quarter") - 1) * 3 + 1, month__lte=models.F("quarter") * 3),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_total(self):
        return self.budget_zone + self.budget_secretariat + self.budget_partner

    def clean(self) -> None:
        if self.month and self.quarter and not ((self.quarter - 1) * 3 < self.month <= self.quarter * 3):
            raise ValidationError({"month": _("The month must fall within the quarter.")})


class ProgrammeVersion(models.Model):
    """What the programme said when it was submitted or approved, frozen, so any two can be compared:
    ``content`` holds the summary and every activity's fields (names, not ids, for people to read)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("programme version", "As submitted")
        APPROVED = "approved", pgettext_lazy("programme version", "As approved")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    content = models.JSONField(_("content"))
    comment = models.TextField(_("comment"), blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    made_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="one_programme_version_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.number}"
