"""Competitions run in rounds on a talent call: a preliminary in each zone, then rounds across zones up to
a final judged live on stage.

A round holds the contestants it took in (entries), its own criteria and weights, its jury or panel, and
how many go on. An asynchronous round is scored by jurors at their leisure, blind when the round says so;
a live round is scored turn by turn by a panel from their phones while a display shows each result. State
changes happen only in ``contests.services``; these models hold the data and what one row can check.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from talent.models import Application, TalentCall
from zones_portal.files import ContentValidator, PrivatePath
from zones_portal.models import StatusChangeRecord, Zone
from zones_portal.querysets import ScopedQuerySet


def new_display_key() -> str:
    return secrets.token_urlsafe(18)


def new_check_code() -> str:
    """Twelve letters and digits, easy to read out and type (no 0/O or 1/I)."""
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))


class RoundQuerySet(ScopedQuerySet):
    pass


class Round(models.Model):
    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("Zone preliminary")
        JOINT = "joint", _("Round across the zones")

    class Mode(models.TextChoices):
        REVIEW = "review", _("Jurors score the works at their own pace")
        LIVE = "live", _("A panel scores on stage, turn by turn")

    class Advance(models.TextChoices):
        TOP_PER_ZONE = "top_per_zone", _("The best N of each zone go on")
        TOP = "top", _("The best N go on")
        MIN_SCORE = "min_score", _("Everyone at or above a score goes on")
        FINAL = "final", _("Final round: ranks the winners, nobody goes on")

    class TieBreak(models.TextChoices):
        CRITERIA = "criteria", _("Higher score on the criteria in their order, then earlier application")
        EARLIER = "earlier", _("Earlier application")
        ALL = "all", _("Everyone tied at the last place goes on")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("round status", "Being prepared")
        SCORING = "scoring", pgettext_lazy("round status", "Scoring")
        CLOSED = "closed", pgettext_lazy("round status", "Scoring closed")
        DECIDED = "decided", pgettext_lazy("round status", "Results decided")

    call = models.ForeignKey(
        TalentCall, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("call")
    )
    stage = models.PositiveSmallIntegerField(
        _("stage"),
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("1 for the first round (the zone preliminaries), 2 for the next, and so on."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    mode = models.CharField(_("how it is judged"), max_length=16, choices=Mode.choices, default=Mode.REVIEW)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        related_name="contest_rounds",
        verbose_name=_("zone running it"),
        help_text=_("A preliminary's zone (its deputy runs it), or the zone hosting a joint round."),
    )
    blind = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Jurors see only the work and an entry number: no name, zone, age or contact."),
    )
    scoring_opens_at = models.DateTimeField(_("scoring opens"), null=True, blank=True)
    scoring_closes_at = models.DateTimeField(_("scoring closes"), null=True, blank=True)
    held_at = models.DateTimeField(_("held on stage"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    advance_rule = models.CharField(_("who goes on"), max_length=16, choices=Advance.choices)
    advance_count = models.PositiveSmallIntegerField(_("how many go on (N)"), null=True, blank=True)
    advance_min_score = models.DecimalField(
        _("lowest score that goes on"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    tie_break = models.CharField(
        _("ties"), max_length=16, choices=TieBreak.choices, default=TieBreak.CRITERIA
    )
    drop_extremes = models.BooleanField(
        _("drop the highest and lowest score"),
        default=False,
        help_text=_(
            "For a panel of at least four: each contestant's highest and lowest panel score is left out."
        ),
    )
    next_round = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feeding_rounds",
        verbose_name=_("contestants go on to"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    revealed_at = models.DateTimeField(_("names revealed"), null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revealed by"),
    )
    # The display page's address: a projector shows it without a sign-in, so it is not guessable.
    display_key = models.CharField(max_length=32, unique=True, default=new_display_key, editable=False)
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

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["display_key"])

    class Meta:
        ordering = ["call", "stage", "zone__sort_order", "pk"]
        verbose_name = _("competition round")
        verbose_name_plural = _("competition rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "stage", "zone"], name="one_round_per_call_stage_and_zone"
            ),
            models.CheckConstraint(
                condition=Q(scoring_opens_at__isnull=True)
                | Q(scoring_closes_at__isnull=True)
                | Q(scoring_closes_at__gt=models.F("scoring_opens_at")),
                name="round_scoring_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.advance_rule in (self.Advance.TOP, self.Advance.TOP_PER_ZONE) and not self.advance_count:
            errors["advance_count"] = _("Say how many go on.")
        if self.advance_rule == self.Advance.MIN_SCORE and self.advance_min_score is None:
            errors["advance_min_score"] = _("Give the lowest score that goes on.")
        if self.mode == self.Mode.LIVE and self.blind:
            errors["blind"] = _("A round judged on stage cannot be blind: the panel sees the contestant.")
        if self.mode == self.Mode.LIVE and not self.held_at:
            errors["held_at"] = _("Say when the round is held on stage.")
        if self.mode == self.Mode.REVIEW and not (self.scoring_opens_at and self.scoring_closes_at):
            errors["scoring_closes_at"] = _("Give the days scoring opens and closes.")
        if (
            self.scoring_opens_at
            and self.scoring_closes_at
            and self.scoring_closes_at <= self.scoring_opens_at
        ):
            errors["scoring_closes_at"] = _("Scoring must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self) -> bool:
        return self.mode == self.Mode.LIVE

    @property
    def hides_identity(self) -> bool:
        """Blind and not yet revealed: jurors and their pages, exports and API answers see numbers only."""
        return self.blind and self.revealed_at is None


class RoundStatusChange(StatusChangeRecord):
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("round")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Round.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Round.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class RoundCriterion(models.Model):
    """What a round is scored on (a Quran recitation round: tajwid, voice, melody, memorisation)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round")
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
        ordering = ["round", "sort_order", "pk"]
        verbose_name = _("round criterion")
        verbose_name_plural = _("round criteria")

    def __str__(self) -> str:
        return self.name


class Judge(models.Model):
    """A juror of an asynchronous round, or a member of a live round's panel (one of them chairs it)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges", verbose_name=_("round"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contest_seats",
        verbose_name=_("judge"),
    )
    is_chair = models.BooleanField(_("chairs the panel"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "-is_chair", "pk"]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_seat_per_judge_and_round"),
            models.UniqueConstraint(fields=["round"], condition=Q(is_chair=True), name="one_chair_per_round"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class EntryQuerySet(ScopedQuerySet):
    pass


class Entry(models.Model):
    """A contestant (an application to the call) taking part in one round."""

    class Status(models.TextChoices):
        COMPETING = "competing", pgettext_lazy("entry status", "Competing")
        ADVANCED = "advanced", pgettext_lazy("entry status", "Went on to the next round")
        ELIMINATED = "eliminated", pgettext_lazy("entry status", "Did not go on")
        WINNER = "winner", pgettext_lazy("entry status", "Placed in the final")
        WITHDRAWN = "withdrawn", pgettext_lazy("entry status", "Withdrawn")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="entries", verbose_name=_("round")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="contest_entries", verbose_name=_("application")
    )
    # What a blind jury sees instead of a name: a number within the round, not the tracking code.
    number = models.PositiveIntegerField(_("entry number"))
    running_order = models.PositiveSmallIntegerField(_("running order"), null=True, blank=True)
    came_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="went_on_to",
        verbose_name=_("from the entry of the earlier round"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COMPETING)
    total = models.DecimalField(_("weighted score"), max_digits=9, decimal_places=3, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(pgettext_lazy("standing", "place"), null=True, blank=True)
    # When the contestant was mailed that they went on, set once the mail has gone. Before sending, a
    # worker takes a lease (``telling_until``) by a conditional update, so two workers never mail the
    # same news at once; a worker that dies mid-way leaves a lease that runs out, and the retry sends.
    told_at = models.DateTimeField(_("contestant told"), null=True, blank=True, editable=False)
    telling_until = models.DateTimeField(_("being told until"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "running_order", "number", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "application"], name="one_entry_per_round_and_application"
            ),
            models.UniqueConstraint(fields=["round", "number"], name="one_entry_number_per_round"),
            models.UniqueConstraint(
                fields=["round", "running_order"],
                condition=Q(running_order__isnull=False),
                name="one_place_in_the_running_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.number}"


class EntryStatusChange(StatusChangeRecord):
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("entry")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Entry.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Entry.Status.choices)

    class Meta(StatusChangeRecord.Meta):
        pass


class ReviewScore(models.Model):
    """One juror's score for one criterion of one entry, in an asynchronous round."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="review_scores", verbose_name=_("entry")
    )
    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="review_scores", verbose_name=_("judge")
    )
    criterion = models.ForeignKey(
        RoundCriterion, on_delete=models.CASCADE, related_name="review_scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "criterion"], name="one_review_score_per_criterion"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="review_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Conflict(models.Model):
    """A judge's declared conflict of interest with an entry: they neither see nor score it."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("entry")
    )
    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("judge")
    )
    note = models.TextField(_("why"), blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="one_conflict_per_entry_and_judge")
        ]

    def __str__(self) -> str:
        return f"{self.judge} ≠ {self.entry}"


class Turn(models.Model):
    """One contestant's time on stage in a live round: opened by the chair, scored by the panel, closed
    by the chair (late scores count until then)."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("turn status", "Waiting")
        OPEN = "open", pgettext_lazy("turn status", "On stage, being scored")
        CLOSED = "closed", pgettext_lazy("turn status", "Scored")

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="turn", verbose_name=_("entry")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    result = models.DecimalField(_("result"), max_digits=9, decimal_places=3, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turn on stage")
        verbose_name_plural = _("turns on stage")
        constraints = [
            # One contestant on stage at a time in a round is checked by the service (a turn has no round
            # column of its own); this keeps a closed turn's time and result together.
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="closed_turn_has_its_time"
            ),
        ]

    def __str__(self) -> str:
        return str(self.entry)


class PanelScore(models.Model):
    """One panel member's score of a turn: every criterion at once, sent with one tap. Saved once per
    judge and turn (the constraint), so a phone that re-sends after a dropped connection changes nothing;
    ``request_key`` is the phone's own id for the sending, to answer a repeat with the first answer."""

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="scores", verbose_name=_("turn"))
    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="panel_scores", verbose_name=_("judge")
    )
    values = models.JSONField(_("scores per criterion"))
    total = models.DecimalField(_("weighted score"), max_digits=9, decimal_places=3)
    request_key = models.UUIDField(_("sending id"), default=uuid.uuid4, editable=False)
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["turn", "submitted_at", "pk"]
        verbose_name = _("panel score")
        verbose_name_plural = _("panel scores")
        constraints = [
            models.UniqueConstraint(fields=["turn", "judge"], name="one_panel_score_per_judge_and_turn")
        ]

    def __str__(self) -> str:
        return f"{self.judge}: {self.total}"


class CertificateTemplate(models.Model):
    """The wording of certificates, edited by the secretariat; placeholders in braces are filled in."""

    class Kind(models.TextChoices):
        SELECTED = "selected", _("Selected contestant")
        ROUND_WINNER = "round_winner", _("Round winner")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("for"), max_length=16, choices=Kind.choices)
    call = models.ForeignKey(
        TalentCall,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("call"),
        help_text=_("Empty: the template for every call without one of its own."),
    )
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {name}, {call}, {round}, {place}, {zone}, {date}. "
            "Written in Persian; dates are Solar Hijri."
        ),
    )
    signatory_name = models.CharField(_("signed by"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "call"], name="one_template_per_kind_and_call"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(call__isnull=True), name="one_default_template_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """An issued certificate: the PDF as it was given, with a serial and a code anyone can check."""

    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("template")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("contestant")
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("round"),
    )
    place = models.PositiveSmallIntegerField(pgettext_lazy("standing", "place"), null=True, blank=True)
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    code = models.CharField(
        _("check code"), max_length=16, unique=True, default=new_check_code, editable=False
    )
    file = models.FileField(
        _("PDF"), upload_to=PrivatePath("certificates"), validators=[ContentValidator({"pdf": 5}, 5)]
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "application", "round"],
                name="one_certificate_per_template_contestant_round",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    def contestant_url(self) -> str:
        """The download for the contestant, in the browser that just looked their application up on the
        public status page (no account needed)."""
        return reverse("contests:certificate-contestant", args=[self.pk])
