"""Writes that matter for zones and people, each checking who may make it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zones_portal import permissions
from zones_portal.lifecycle import on_behalf_of, reject_unknown_fields
from zones_portal.models import ApiToken, User, Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


ZONE_CONTACT_FIELDS = ("phone", "email", "website", "address")


@transaction.atomic
def update_zone_contacts(actor: User | AnonymousUser, zone: Zone, **changes: str) -> Zone:
    """A deputy keeps their own zone's contact details current; the secretariat may fix any."""
    if not permissions.can_change_zone(actor, zone.pk):
        raise PermissionDenied(_("Only the secretariat or this zone's deputy may change its details."))
    reject_unknown_fields(changes, ZONE_CONTACT_FIELDS, "contact")
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


@transaction.atomic
def revoke_api_tokens(actor: User | AnonymousUser | None, tokens: Iterable[ApiToken]) -> int:
    """Revokes the keys still in use, one save each so that each revocation is in the key's history with
    who made it; returns how many were revoked."""
    if not permissions.can_use_admin(actor):
        raise PermissionDenied(_("Only the secretariat revokes API keys."))
    revoked = 0
    for token in ApiToken.objects.select_for_update().filter(
        pk__in=[token.pk for token in tokens], revoked_at__isnull=True
    ):
        token.revoked_at = timezone.now()
        on_behalf_of(actor, token)
        token.save(update_fields=["revoked_at"])
        revoked += 1
    return revoked
