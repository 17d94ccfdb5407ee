"""The coordination desk: council meetings, their agendas, minutes and numbered decisions, the action
items a decision gives each zone, institution or the secretariat, and circulars each zone acknowledges.

State changes happen only in ``coordination.services``; these models hold the data and the invariants a
single row can check.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agreements.models import Agreement
from events.models import Event
from zones_portal.dates import persian_digits, uses_jalali
from zones_portal.fields import WebsiteField
from zones_portal.files import ContentValidator, PrivatePath
from zones_portal.models import Institution, StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet
from zones_portal.search import Searchable

FILE_MAX_MEGABYTES = 20
EVIDENCE_KINDS = ("pdf", "jpeg", "png")
CIRCULAR_KINDS = ("pdf",)


class Side(models.TextChoices):
    """Who stands on one side of a meeting, an agenda item or an action item."""

    SECRETARIAT = "secretariat", _("Secretariat")
    ZONE = "zone", _("Zone")
    INSTITUTION = "institution", _("Institution")


class OrganisationFields(models.Model):
    """The secretariat, a zone or an institution: the same three-way choice as an agreement's party."""

    kind = models.CharField(_("kind"), max_length=16, choices=Side.choices, default=Side.ZONE)
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("zone")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )

    class Meta:
        abstract = True

    @classmethod
    def organisation_check(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            name=name,
            condition=Q(kind="secretariat", zone__isnull=True, institution__isnull=True)
            | Q(kind="zone", zone__isnull=False, institution__isnull=True)
            | Q(kind="institution", zone__isnull=True, institution__isnull=False),
        )

    @property
    def organisation_name(self) -> str:
        if self.kind == Side.ZONE and self.zone is not None:
            return self.zone.name
        if self.kind == Side.INSTITUTION and self.institution is not None:
            return self.institution.name
        return str(_("The secretariat"))

    def clean(self) -> None:
        errors = {}
        if self.kind == Side.ZONE and not self.zone_id:
            errors["zone"] = _("Choose the zone.")
        if self.kind == Side.INSTITUTION and not self.institution_id:
            errors["institution"] = _("Choose the institution.")
        if self.kind != Side.ZONE and self.zone_id:
            errors["zone"] = _("Only a zone names a zone.")
        if self.kind != Side.INSTITUTION and self.institution_id:
            errors["institution"] = _("Only an institution names an institution.")
        if errors:
            raise ValidationError(errors)


class MeetingQuerySet(ScopedQuerySet):
    def upcoming(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        now = now or timezone.now()
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=now).order_by("starts_at", "pk")


class Meeting(Searchable):
    """A meeting of the council of cultural deputies with the secretariat, or of some zones and
    institutions. Its reference ("1405-07") is the Solar Hijri year and month it is held in, and
    numbers its decisions ("1405-07/3")."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
        HELD = "held", pgettext_lazy("meeting status", "Held, minutes being written")
        IN_COMMENT = "in_comment", pgettext_lazy("meeting status", "Minutes open for comment")
        APPROVED = "approved", pgettext_lazy("meeting status", "Minutes approved")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    # The invitees read the minutes once they are circulated for comment, and for good once approved.
    MINUTES_SHOWN = (Status.IN_COMMENT, Status.APPROVED)
    SEARCH_FIELDS = ("title", "reference", "place", "notes")

    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("The Solar Hijri year and month of the meeting; it numbers the decisions."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = WebsiteField(_("online link"), blank=True, max_length=500)
    agenda_cutoff = models.DateTimeField(
        _("agenda closes"), help_text=_("Zones and institutions propose agenda items until then.")
    )
    notes = models.TextField(_("notes for the invitees"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    minutes_summary = models.TextField(_("minutes: general record"), blank=True)
    comments_until = models.DateTimeField(
        _("comments accepted until"),
        null=True,
        blank=True,
        help_text=_("Invitees may comment on the circulated minutes until then."),
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(agenda_cutoff__lte=models.F("starts_at")),
                name="meeting_agenda_closes_before_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A meeting must end after it starts.")
        if self.starts_at and self.agenda_cutoff and self.agenda_cutoff > self.starts_at:
            errors["agenda_cutoff"] = _("The agenda must close before the meeting starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def agenda_open(self) -> bool:
        return self.status == self.Status.SCHEDULED and timezone.now() < self.agenda_cutoff

    @property
    def reference_display(self) -> str:
        return readers_reference(self.reference)


def readers_reference(reference: str, language: str | None = None) -> str:
    """A meeting or decision reference in the reader's digits (۱۴۰۵-۰۷/۳ in Persian), kept left to right
    as one piece (a left-to-right isolate) so that, after Persian words, it does not read ۰۷-۱۴۰۵."""
    if not reference:
        return ""
    shown = persian_digits(reference) if uses_jalali(language) else reference
    return f"\u2066{shown}\u2069"


class MeetingStatusChange(StatusChangeRecord):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("meeting")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Meeting.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Meeting.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class Invitee(OrganisationFields):
    """A zone or institution invited to a meeting, its answer, and whether it came. The secretariat,
    which holds the meeting, is not an invitee."""

    class Answer(models.TextChoices):
        AWAITING = "awaiting", pgettext_lazy("meeting answer", "No answer yet")
        ATTENDING = "attending", pgettext_lazy("meeting answer", "Attending")
        APOLOGIES = "apologies", pgettext_lazy("meeting answer", "Sends apologies")

    class Attendance(models.TextChoices):
        UNKNOWN = "", pgettext_lazy("meeting attendance", "Not recorded")
        PRESENT = "present", pgettext_lazy("meeting attendance", "Present")
        ABSENT = "absent", pgettext_lazy("meeting attendance", "Absent")
        EXCUSED = "excused", pgettext_lazy("meeting attendance", "Absent with apologies")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("meeting")
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, default=Answer.AWAITING)
    attendees = models.CharField(
        _("who will attend"), max_length=300, blank=True, help_text=_("Names and positions.")
    )
    apology_note = models.CharField(_("apologies"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default="", blank=True
    )
    attended_by = models.CharField(
        _("attended by"), max_length=300, blank=True, help_text=_("Who came, as the minutes record it.")
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "zone__sort_order", "pk"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            OrganisationFields.organisation_check("invitee_kind_matches_its_organisation"),
            models.CheckConstraint(name="invitee_is_not_the_secretariat", condition=~Q(kind="secretariat")),
            models.UniqueConstraint(
                fields=["meeting", "zone"], condition=Q(kind="zone"), name="one_invitee_per_zone"
            ),
            models.UniqueConstraint(
                fields=["meeting", "institution"],
                condition=Q(kind="institution"),
                name="one_invitee_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name


class AgendaItem(OrganisationFields):
    """An item on a meeting's agenda: proposed by an invitee before the cut-off, or by the secretariat
    at any time, then accepted (and ordered) or declined by the secretariat. ``kind``/``zone``/
    ``institution`` name who proposed it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("agenda item status", "Proposed")
        ACCEPTED = "accepted", pgettext_lazy("agenda item status", "On the agenda")
        DECLINED = "declined", pgettext_lazy("agenda item status", "Not taken")
        WITHDRAWN = "withdrawn", pgettext_lazy("agenda item status", "Withdrawn")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    position = models.PositiveSmallIntegerField(
        _("order on the agenda"), null=True, blank=True, help_text=_("Set when it is accepted.")
    )
    decline_reason = models.TextField(_("reason for not taking it"), blank=True)
    minutes = models.TextField(_("minutes of this item"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", models.F("position").asc(nulls_last=True), "proposed_at", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            OrganisationFields.organisation_check("agenda_item_kind_matches_its_organisation"),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(position__isnull=False),
                name="one_agenda_item_per_position",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision of the meeting, numbered within it; its reference is the meeting's and the number
    ("1405-07/3")."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_decision_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}"

    @property
    def reference(self) -> str:
        return f"{self.meeting.reference}/{self.number}"

    @property
    def reference_display(self) -> str:
        return readers_reference(self.reference)


class MinutesComment(OrganisationFields):
    """An invitee's comment on circulated minutes, before they are approved."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="comments", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")
        constraints = [OrganisationFields.organisation_check("comment_kind_matches_its_organisation")]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemQuerySet(ScopedQuerySet):
    def current(self) -> ActionItemQuerySet:
        """What lists show: every action item not dropped."""
        return self.exclude(status=ActionItem.Status.DROPPED)

    def overdue_first(self, today: dt.date | None = None) -> ActionItemQuerySet:
        today = today or timezone.localdate()
        late = Q(status=ActionItem.Status.OPEN, due_on__lt=today) | Q(status=ActionItem.Status.MISSED)
        return self.annotate(
            overdue=models.Case(models.When(late, then=0), default=1, output_field=models.IntegerField())
        ).order_by("overdue", "due_on", "pk")


class ActionItem(OrganisationFields):
    """What a decision asks of a zone, an institution or the secretariat, by when, and the evidence that
    it was done. ``kind``/``zone``/``institution`` name the owner."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item status", "Open")
        DONE = "done", pgettext_lazy("action item status", "Done")
        MISSED = "missed", pgettext_lazy("action item status", "Missed")
        DROPPED = "dropped", pgettext_lazy("action item status", "Dropped")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("decision")
    )
    description = models.TextField(_("what is to be done"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    drop_reason = models.TextField(_("reason for dropping it"), blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_link = WebsiteField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=PrivatePath("action-items"),
        validators=[ContentValidator(EVIDENCE_KINDS, FILE_MAX_MEGABYTES)],
        blank=True,
        help_text=_("PDF, JPEG or PNG, at most 20 MB."),
    )
    evidence_file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("carried out by the event"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("carried out under the agreement"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_item_status_due"),
            models.Index(fields=["zone", "status"], name="action_item_zone_status"),
        ]
        constraints = [OrganisationFields.organisation_check("action_item_kind_matches_its_owner")]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner_name(self) -> str:
        return self.organisation_name

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_note.strip() or self.evidence_link or self.evidence_file)

    def current_status(self, today: dt.date | None = None) -> str:
        """Past its due date and still open reads as missed, before the nightly job records it."""
        today = today or timezone.localdate()
        if self.status == self.Status.OPEN and self.due_on < today:
            return self.Status.MISSED
        return self.status

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status()).label

    @property
    def is_overdue(self) -> bool:
        return self.current_status() == self.Status.MISSED

    @property
    def done_on_time(self) -> bool:
        return self.status == self.Status.DONE and self.done_on is not None and self.done_on <= self.due_on


class ActionItemStatusChange(StatusChangeRecord):
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("action item")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ActionItem.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ActionItem.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class Circular(models.Model):
    """A numbered instruction or announcement the secretariat sends to all zones or some, each of which
    must acknowledge, by a named person, that it has read it. Its number ("1405/12") is the Solar Hijri
    year and the count within it, given when it is sent."""

    class Kind(models.TextChoices):
        INSTRUCTION = "instruction", pgettext_lazy("circular kind", "Instruction")
        ANNOUNCEMENT = "announcement", pgettext_lazy("circular kind", "Announcement")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("circular status", "Draft")
        SENT = "sent", pgettext_lazy("circular status", "Sent")
        WITHDRAWN = "withdrawn", pgettext_lazy("circular status", "Withdrawn")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INSTRUCTION)
    number = models.CharField(_("number"), max_length=20, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    file = models.FileField(
        _("file"),
        upload_to=PrivatePath("circulars"),
        validators=[ContentValidator(CIRCULAR_KINDS, FILE_MAX_MEGABYTES)],
        blank=True,
        help_text=_("PDF only, at most 20 MB."),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    acknowledge_by = models.DateField(_("acknowledge by"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="one_circular_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def number_display(self) -> str:
        return readers_reference(self.number)


class CircularStatusChange(StatusChangeRecord):
    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("circular")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Circular.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Circular.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class Acknowledgement(models.Model):
    """One recipient zone of a circular, and who in it acknowledged reading it, when."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("circular")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="circulars_received", verbose_name=_("zone")
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_by_name = models.CharField(
        _("acknowledged by (name)"),
        max_length=200,
        blank=True,
        help_text=_("Kept as it was at the time, should the account later change."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["circular", "zone__sort_order", "pk"]
        verbose_name = _("recipient zone")
        verbose_name_plural = _("recipient zones")
        indexes = [
            models.Index(fields=["zone"], condition=Q(acknowledged_at__isnull=True), name="ack_pending_zone")
        ]
        constraints = [
            models.UniqueConstraint(fields=["circular", "zone"], name="one_acknowledgement_per_zone"),
        ]

    def __str__(self) -> str:
        return str(self.zone)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def on_time(self) -> bool:
        return self.acknowledged_at is not None and (
            timezone.localdate(self.acknowledged_at) <= self.circular.acknowledge_by
        )
