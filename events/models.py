"""Cultural and art events across the zones: what they are, who joins, what became of them.

State changes happen only in ``events.services``; these models hold the data
and the invariants a single row can check.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from zones_portal.dates import within_sane_years
from zones_portal.fields import WebsiteField
from zones_portal.files import ContentValidator, PrivatePath
from zones_portal.models import BilingualLookup, Institution, StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet
from zones_portal.search import Searchable

if TYPE_CHECKING:
    pass

ATTACHMENT_KINDS = ("pdf", "jpeg", "png")
ATTACHMENT_MAX_MEGABYTES = 10


def week_start(moment: dt.datetime) -> dt.date:
    """The Saturday that opens the Tehran week of ``moment``: the unit of the same-week conflict."""
    local = timezone.localtime(moment).date()
    return local - dt.timedelta(days=(local.weekday() - 5) % 7)


class EventCategory(BilingualLookup):
    is_creative_industry = models.BooleanField(
        _("creative-industry export"),
        default=False,
        help_text=_(
            "Reports of these events also record export contracts, their value and buyers' countries."
        ),
    )

    class Meta(BilingualLookup.Meta):
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")


class EventSeries(models.Model):
    """Events that repeat (a yearly festival, a monthly evening): each edition is an event of its own;
    the next is proposed from the last with one action, and the scorecard compares them year on year."""

    class Recurrence(models.TextChoices):
        YEARLY = "yearly", _("Every year")
        MONTHLY = "monthly", _("Every month")
        IRREGULAR = "irregular", _("At no fixed interval")

    title = models.CharField(_("title"), max_length=200)
    host_zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="event_series", verbose_name=_("host zone")
    )
    recurrence = models.CharField(
        _("repeats"), max_length=16, choices=Recurrence.choices, default=Recurrence.YEARLY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["host_zone__sort_order", "title"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return self.title


class EventQuerySet(ScopedQuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status__in=Event.PUBLISHED)

    def with_conflicts(self) -> EventQuerySet:
        """Annotates whether an approved event clashes with another (warnings, never blocks)."""
        approved = Event.objects.filter(status__in=Event.PUBLISHED).exclude(pk=models.OuterRef("pk"))
        return self.annotate(
            has_overlap=models.Exists(
                approved.filter(
                    host_zone=models.OuterRef("host_zone"),
                    starts_at__lt=models.OuterRef("ends_at"),
                    ends_at__gt=models.OuterRef("starts_at"),
                )
            ),
            has_same_week=models.Exists(
                approved.filter(
                    category=models.OuterRef("category"), week_start=models.OuterRef("week_start")
                ).exclude(host_zone=models.OuterRef("host_zone"))
            ),
        )

    def for_lists(self) -> EventQuerySet:
        return self.select_related("category", "host_zone")


class Event(Searchable):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("event status", "Submitted")
        APPROVED = "approved", pgettext_lazy("event status", "Approved")
        REJECTED = "rejected", pgettext_lazy("event status", "Rejected")
        HELD = "held", pgettext_lazy("event status", "Held")
        REPORTED = "reported", pgettext_lazy("event status", "Reported")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    # Approved and after: on the shared calendar, in the feeds, public. The one definition (the
    # permissions, the feeds and the scorecard read it).
    PUBLISHED = (Status.APPROVED, Status.HELD, Status.REPORTED)
    SEARCH_FIELDS = ("title", "description", "venue")
    EDITABLE = (Status.DRAFT, Status.REJECTED)  # what the host zone may still change and submit
    OPEN_FOR_ANSWERS = (Status.SUBMITTED, Status.APPROVED)  # when invited zones may answer
    REPORTABLE = (Status.HELD, Status.REPORTED)  # filing again corrects the report

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        EventCategory, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    host_zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="hosted_events", verbose_name=_("host zone")
    )
    participating_zones = models.ManyToManyField(
        Zone,
        through="Participation",
        related_name="joined_events",
        blank=True,
        verbose_name=_("participating zones"),
    )
    co_organisers = models.ManyToManyField(
        Institution,
        related_name="co_organised_events",
        blank=True,
        verbose_name=_("co-organising institutions"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("agreement it carries out"),
    )
    planned_activity = models.ForeignKey(
        "programmes.PlannedActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("planned activity it delivers"),
        help_text=_(
            "An activity of the host zone's approved annual programme; empty for an unplanned event."
        ),
    )
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("series"),
        help_text=_("The repeating event this is an edition of."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    map_link = WebsiteField(
        _("map link"),
        blank=True,
        max_length=500,
        help_text=_("The venue on a map (Neshan, Balad, OpenStreetMap ...); the public page links to it."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    week_start = models.DateField(_("week"), editable=False, db_index=True)
    expected_audience = models.PositiveIntegerField(_("expected audience"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was last rejected or cancelled.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()
    # every version (zones_portal.history); the search text is derived, not a change anybody made
    history = HistoricalRecords(m2m_fields=["co_organisers"], excluded_fields=["search_text"])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["starts_at", "id"], name="event_start_id"),  # the API's and lists' order
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["status", "ends_at"], name="event_status_end"),  # held, reports overdue
            models.Index(fields=["host_zone", "status", "starts_at"], name="event_zone_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        if self.starts_at:
            self.week_start = week_start(self.starts_at)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "starts_at" in update_fields:
                kwargs["update_fields"] = {*update_fields, "week_start"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment and not within_sane_years(moment):
                errors[name] = _(
                    "Give a date between 1300 and 1500 (Solar Hijri), 1921 and 2121 (Gregorian)."
                )
        if errors:
            raise ValidationError(errors)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Participation(models.Model):
    """A zone invited to another zone's event, and its answer."""

    class Answer(models.TextChoices):
        INVITED = "invited", _("Invited, no answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("event")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="participations", verbose_name=_("zone")
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, default=Answer.INVITED)
    note = models.TextField(_("note"), blank=True)
    invited_at = models.DateTimeField(
        _("invited"),
        null=True,
        blank=True,
        help_text=_("Set when the event is submitted; drafts invite nobody yet."),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "zone__sort_order"]
        verbose_name = _("participation")
        verbose_name_plural = _("participating zones")
        constraints = [
            models.UniqueConstraint(fields=["event", "zone"], name="one_participation_per_zone_and_event"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.get_answer_display()}"


class StatusChange(StatusChangeRecord):
    """Every move of an event's status: the audit trail the secretariat reads back."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("event")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Event.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Event.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        # The scorecard counts proposals and approvals by when they happened.
        indexes = [models.Index(fields=["to_status", "changed_at"], name="event_change_status_when")]


class EventReport(models.Model):
    """What happened: filed by the host zone after the event is held."""

    class Currency(models.TextChoices):
        IRR = "IRR", _("Iranian rial")
        USD = "USD", _("US dollar")
        EUR = "EUR", _("Euro")
        AED = "AED", _("UAE dirham")
        CNY = "CNY", _("Chinese yuan")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("event")
    )
    attendance = models.PositiveIntegerField(_("attendance"), validators=[MinValueValidator(0)])
    artists_count = models.PositiveIntegerField(_("artists taking part"), validators=[MinValueValidator(0)])
    outcomes = models.TextField(_("outcomes"))
    export_contracts = models.PositiveIntegerField(
        _("export contracts signed"), default=0, validators=[MinValueValidator(0)]
    )
    export_value = models.DecimalField(
        _("value of export contracts"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    export_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    buyer_countries = CountryField(_("buyers' countries"), multiple=True, blank=True)
    # What was actually spent, against the planned activity's budget (scorecard's plan against delivery).
    public_figures = models.BooleanField(
        _("figures shown to the public"),
        default=False,
        help_text=_(
            "Set by the secretariat: the event's public page shows the attendance and the number of "
            "artists. Outcomes, money and export figures are never public."
        ),
    )
    spent = models.DecimalField(
        _("amount spent (rials)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["filed_at"], name="event_report_filed")]
        verbose_name = _("post-event report")
        verbose_name_plural = _("post-event reports")

    def __str__(self) -> str:
        return str(self.event)


class ReportAttachmentQuerySet(models.QuerySet):
    def current(self) -> ReportAttachmentQuerySet:
        """What the report shows: the attachments not withdrawn (those stay in the event's history)."""
        return self.filter(withdrawn_at__isnull=True)


class ReportAttachment(models.Model):
    """A file of a post-event report. Taken back by the host zone, it is withdrawn, never erased."""

    report = models.ForeignKey(
        EventReport, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report")
    )
    file = models.FileField(
        _("file"),
        upload_to=PrivatePath("event-reports"),
        validators=[ContentValidator(ATTACHMENT_KINDS, ATTACHMENT_MAX_MEGABYTES)],
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = ReportAttachmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
