"""Writes that matter for zones and people, each checking who may make it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zones_portal import permissions
from zones_portal.models import User, Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class InvalidMoveError(ValidationError):
    """A move that does not fit the record's current state (a service of any app raises it); the
    message says why, so the dashboard, the admin and the API can show it as it is."""


ZONE_CONTACT_FIELDS = ("phone", "email", "website", "address")


@transaction.atomic
def update_zone_contacts(actor: User | AnonymousUser, zone: Zone, **changes: str) -> Zone:
    """A deputy keeps their own zone's contact details current; the secretariat may fix any."""
    if not permissions.can_change_zone(actor, zone.pk):
        raise PermissionDenied(_("Only the secretariat or this zone's deputy may change its details."))
    unknown = set(changes) - set(ZONE_CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact fields: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(zone, field, value)
    zone.full_clean()
    zone.save(update_fields=list(changes))
    return zone


def set_language(user: User, language: str) -> None:
    """Remembered on the account so mail and pages follow the person, not the browser."""
    if language not in User.Language.values:
        raise ValueError(f"Unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def set_preferences(user: User, *, language: str, wants_digest: bool | None = None) -> None:
    set_language(user, language)
    if wants_digest is not None and user.wants_digest != wants_digest:
        user.wants_digest = wants_digest
        user.save(update_fields=["wants_digest"])
