"""Every write to the export register: a zone's creative businesses and their export deals.

The dashboard, the admin and any command call these functions; each checks who acts, validates and saves
under the person's name in the record's history. A business is never deleted (its deals point at it): it
is retired, and can be brought back. A deal recorded by mistake may be deleted; its history keeps it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Party
from events.models import Event, Participation
from exports import permissions
from exports.models import CreativeBusiness, ExportDeal
from zones_portal.lifecycle import on_behalf_of, reject_unknown_fields, who

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

BUSINESS_FIELDS = (
    "name",
    "field",
    "size",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
)
DEAL_FIELDS = (
    "business",
    "buyer_country",
    "product",
    "value",
    "currency",
    "rate_to_rial",
    "signed_on",
    "event",
    "agreement",
    "note",
)
NOT_YOUR_ZONE = _("Only the zone's own staff and the secretariat keep a zone's export register.")
RETIRED_BUSINESS = _("This business is retired; bring it back before recording new deals for it.")


def _require_keeper(actor: Actor, zone_id: int | None) -> None:
    if not permissions.can_keep_register(actor, zone_id):
        raise PermissionDenied(NOT_YOUR_ZONE)


def _check_field(field: Any, was_id: int | None = None) -> None:
    if field is not None and not field.is_active and field.pk != was_id:
        raise ValidationError({"field": _("This creative field is no longer in use; choose another.")})


@transaction.atomic
def add_business(actor: Actor, *, zone: Any, **fields: Any) -> CreativeBusiness:
    """Adds a creative business to a zone's register."""
    _require_keeper(actor, zone.pk)
    reject_unknown_fields(fields, BUSINESS_FIELDS, "business")
    business = CreativeBusiness(zone=zone, **fields)
    _check_field(business.field if business.field_id else None)
    business.full_clean()
    on_behalf_of(actor, business)
    business.save()
    return business


@transaction.atomic
def update_business(actor: Actor, business: CreativeBusiness, **fields: Any) -> CreativeBusiness:
    """Corrects a business's details; its zone stays (its deals were that zone's)."""
    business = CreativeBusiness.objects.select_for_update().get(pk=business.pk)
    _require_keeper(actor, business.zone_id)
    reject_unknown_fields(fields, BUSINESS_FIELDS, "business")
    was_field_id = business.field_id
    for name, value in fields.items():
        setattr(business, name, value)
    _check_field(business.field, was_field_id)
    business.full_clean()
    on_behalf_of(actor, business)
    business.save()
    return business


@transaction.atomic
def retire_business(actor: Actor, business: CreativeBusiness, *, active: bool = False) -> CreativeBusiness:
    """A business that closed or stopped exporting leaves the lists and the deal form; its deals stay
    in the sums. ``active=True`` brings it back."""
    business = CreativeBusiness.objects.select_for_update().get(pk=business.pk)
    _require_keeper(actor, business.zone_id)
    if business.is_active != active:
        business.is_active = active
        on_behalf_of(actor, business)
        business.save(update_fields=["is_active", "updated_at"])
    return business


def _event_of_zone(event: Event, zone_id: int) -> bool:
    """The zone hosted the event, or accepted its invitation and took part."""
    return event.host_zone_id == zone_id or (
        Participation.objects.filter(
            event_id=event.pk, zone_id=zone_id, answer=Participation.Answer.ACCEPTED
        ).exists()
    )


def _deal_errors(deal: ExportDeal, today: dt.date) -> dict[str, list[Any]]:
    """The rules beyond one field's type: a deal is a fact already made, valued at a real rate, from a
    fair or an agreement its zone had a part in."""
    errors: dict[str, list[Any]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    if deal.value is not None and deal.value < 0:
        add("value", _("A deal's value cannot be negative."))
    if deal.currency == ExportDeal.Currency.IRR and deal.rate_to_rial != 1:
        add("rate_to_rial", _("A deal in rials has the rate 1."))
    elif deal.rate_to_rial is None or deal.rate_to_rial <= 0:
        add("rate_to_rial", _("Give the rate of the deal's day: how many rials one unit was worth."))
    if deal.signed_on is not None and deal.signed_on > today:
        add("signed_on", _("Record a deal once it is made: its date cannot be in the future."))
    zone_id = deal.business.zone_id if deal.business_id else None
    if deal.event_id and zone_id is not None:
        event = deal.event
        if event.status not in Event.PUBLISHED:
            add("event", _("Only an approved, held or reported event can have deals come from it."))
        elif not _event_of_zone(event, zone_id):
            add("event", _("Choose an event the business's zone hosted or took part in."))
    if deal.agreement_id and zone_id is not None:
        party = Party.objects.filter(agreement_id=deal.agreement_id, kind=Party.Kind.ZONE, zone_id=zone_id)
        if not party.exists():
            add("agreement", _("Choose an agreement the business's zone is a party to."))
    return errors


def _validate_deal(deal: ExportDeal, today: dt.date | None) -> None:
    if deal.currency == ExportDeal.Currency.IRR and deal.rate_to_rial is None:
        deal.rate_to_rial = Decimal(1)  # a deal in rials needs no rate typed
    errors = _deal_errors(deal, today or timezone.localdate())
    try:
        deal.full_clean(exclude=["zone", "value_rial", "recorded_by", *errors])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_deal(
    actor: Actor, *, business: CreativeBusiness, today: dt.date | None = None, **fields: Any
) -> ExportDeal:
    """Records an export deal of a business of the actor's zone (or any, for the secretariat)."""
    _require_keeper(actor, business.zone_id)
    if not business.is_active:
        raise ValidationError({"business": RETIRED_BUSINESS})
    reject_unknown_fields({"business", *fields}, DEAL_FIELDS, "export deal")
    deal = ExportDeal(business=business, recorded_by=who(actor), **fields)
    _validate_deal(deal, today)
    on_behalf_of(actor, deal)
    deal.save()
    return deal


@transaction.atomic
def update_deal(actor: Actor, deal: ExportDeal, *, today: dt.date | None = None, **fields: Any) -> ExportDeal:
    """Corrects a deal. Moving it to another business is allowed within what the actor keeps."""
    deal = ExportDeal.objects.select_for_update().get(pk=deal.pk)
    _require_keeper(actor, deal.zone_id)
    reject_unknown_fields(fields, DEAL_FIELDS, "export deal")
    business = fields.get("business")
    if business is not None and business.pk != deal.business_id:
        _require_keeper(actor, business.zone_id)
        if not business.is_active:
            raise ValidationError({"business": RETIRED_BUSINESS})
    for name, value in fields.items():
        setattr(deal, name, value)
    _validate_deal(deal, today)
    on_behalf_of(actor, deal)
    deal.save()
    return deal


@transaction.atomic
def delete_deal(actor: Actor, deal: ExportDeal) -> None:
    """Removes a deal recorded by mistake; the history keeps what it was and who removed it."""
    deal = ExportDeal.objects.select_for_update().get(pk=deal.pk)
    _require_keeper(actor, deal.zone_id)
    on_behalf_of(actor, deal)
    deal.delete()
