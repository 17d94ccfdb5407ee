"""Zones, partner institutions, and the people who act for them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones_portal.fields import WebsiteField
from zones_portal.querysets import ScopedQuerySet

if TYPE_CHECKING:
    pass


def in_active_language(persian: str, english: str) -> str:
    """Persian where Persian is active; English otherwise, falling back to Persian when blank."""
    if (get_language() or "fa").startswith("fa"):
        return persian
    return english or persian


class BilingualLookup(models.Model):
    """A short list the secretariat keeps (event categories, disciplines): a slug, a Persian and an
    English name, an order, and a switch to retire an entry without losing the records that use it."""

    slug = models.SlugField(_("short name"), unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order in lists"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)


class User(AbstractUser):
    """A person with an account. Their organisation is on their Membership."""

    class Language(models.TextChoices):
        PERSIAN = "fa", _("Persian")
        ENGLISH = "en", _("English")

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.PERSIAN,
        help_text=_("Pages and messages are shown to this person in this language."),
    )

    wants_digest = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_("Secretariat staff get a digest of the week in the zones every Saturday morning."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Zone(models.Model):
    """A free trade-industrial zone or a special economic zone."""

    class Kind(models.TextChoices):
        FREE = "free", _("Free trade-industrial zone")
        SPECIAL_ECONOMIC = "special", _("Special economic zone")

    slug = models.SlugField(_("short name"), unique=True, help_text=_("Used in addresses and the API."))
    name_fa = models.CharField(_("name in Persian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    province_fa = models.CharField(_("province in Persian"), max_length=100)
    province_en = models.CharField(_("province in English"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FREE)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order in lists"), default=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)

    @property
    def province(self) -> str:
        return in_active_language(self.province_fa, self.province_en)


class Institution(models.Model):
    """A partner institution: co-organises events, signs agreements, nominates artists."""

    slug = models.SlugField(_("short name"), unique=True, help_text=_("Used in addresses and the API."))
    name_fa = models.CharField(_("name in Persian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name_fa"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)


class Membership(models.Model):
    """Where a person belongs: the secretariat, one zone, or one institution.

    Everything a person may see or change follows from this one row, read by
    ``zones_portal.permissions``.
    """

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat staff")
        DEPUTY = "deputy", _("Zone deputy")
        ZONE_STAFF = "zone_staff", _("Zone staff")
        INSTITUTION = "institution", _("Institution representative")

    ZONE_ROLES = (Role.DEPUTY, Role.ZONE_STAFF)

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("zone"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)

    history = HistoricalRecords()  # where a person belonged, and who moved them (zones_portal.history)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_zone_roles_have_a_zone_only",
                condition=(
                    Q(role__in=["deputy", "zone_staff"], zone__isnull=False, institution__isnull=True)
                    | Q(role="institution", zone__isnull=True, institution__isnull=False)
                    | Q(role="secretariat", zone__isnull=True, institution__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        place = self.zone or self.institution
        if place:
            return f"{self.user} · {self.get_role_display()} · {place}"
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.role in self.ZONE_ROLES:
            if not self.zone_id:
                errors["zone"] = _("A zone deputy or zone staff member needs a zone.")
            if self.institution_id:
                errors["institution"] = _("A zone deputy or zone staff member has no institution.")
        elif self.role == self.Role.INSTITUTION:
            if not self.institution_id:
                errors["institution"] = _("An institution representative needs an institution.")
            if self.zone_id:
                errors["zone"] = _("An institution representative has no zone.")
        elif self.role == self.Role.SECRETARIAT:
            if self.zone_id:
                errors["zone"] = _("Secretariat staff belong to no single zone.")
            if self.institution_id:
                errors["institution"] = _("Secretariat staff belong to no institution.")
        if errors:
            raise ValidationError(errors)


class StatusChangeRecord(models.Model):
    """Who moved a record from one status to another, when, and why: the audit trail's shape.

    Each domain app subclasses it with ``from_status`` and ``to_status`` carrying its own choices.
    """

    changed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ApiToken(models.Model):
    """A key for the REST API. Only its SHA-256 digest is stored: a leaked database leaks no key."""

    PREFIX = "zp_"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("What the key is for, to tell keys apart.")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    hint = models.CharField(_("key begins"), max_length=12, editable=False)
    write_enabled = models.BooleanField(
        _("may write"),
        default=True,
        help_text=_("A read-only key can read but not propose, nominate or report."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    # The digest never goes into the history: a copy of it would outlive the key's revocation. The last
    # use is noted by an UPDATE of its own and changes nothing a person decided.
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.name or self.user})"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, *, name: str = "", expires_at: dt.datetime | None = None, write_enabled: bool = True
    ) -> tuple[ApiToken, str]:
        """Creates a key and returns it with its record; the key itself is never stored or shown again."""
        key = cls.PREFIX + secrets.token_urlsafe(30)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=cls.digest_of(key),
            hint=key[:10],
            expires_at=expires_at,
            write_enabled=write_enabled,
        )
        return token, key

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Heartbeat(models.Model):
    """When a periodic job last ran to the end, so the readiness probe can tell a stopped beat from a
    quiet one. One row per job, overwritten each time."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    completed_at = models.DateTimeField(_("last completed"))

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self) -> str:
        return self.name
