"""Who may see and keep the export register: the creative businesses of a zone and their export deals.

Built on the core's ``Scope`` (docs/architecture.md). A zone's people (its deputy and staff) keep their
own zone's register and the secretariat sees every zone's. A business's contact details are for those
two only. A partner institution sees, through the API, the deals that came from its own agreements (it is
a party) and from the events it co-organised, without the business's contact; never the register itself.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from agreements.models import Party
from events.models import Event
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from zones_portal.permissions import NOTHING, AnyUser, acts_for_zone, is_secretariat, scope_of
from zones_portal.querysets import edit_rule, visibility_rule


@visibility_rule(CreativeField)
def fields_visible_q(user: AnyUser | None) -> Q:
    """The list of creative fields is public vocabulary, like event categories."""
    return Q()


@edit_rule(CreativeField)
def fields_editable_q(user: AnyUser | None) -> Q:
    """The list is the secretariat's to keep (in the admin)."""
    return Q() if is_secretariat(user) else NOTHING


def _own_zone_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(zone_id=scope.zone_id)
    return NOTHING


@visibility_rule(CreativeBusiness)
def businesses_visible_q(user: AnyUser | None) -> Q:
    """The register of a zone is its own people's and the secretariat's: it holds contacts."""
    return _own_zone_q(user)


@edit_rule(CreativeBusiness)
def businesses_editable_q(user: AnyUser | None) -> Q:
    """The zone's staff keep their register; the secretariat may correct any."""
    return _own_zone_q(user)


@visibility_rule(ExportDeal)
def deals_visible_q(user: AnyUser | None) -> Q:
    """The zone and the secretariat see a zone's deals; an institution those of its own agreements and
    of the events it co-organised (what it helped bring about), nothing else."""
    scope = scope_of(user)
    if scope.institution_id is not None and not scope.secretariat:
        party = Party.objects.filter(
            agreement_id=OuterRef("agreement_id"),
            kind=Party.Kind.INSTITUTION,
            institution_id=scope.institution_id,
        )
        co_organised = Event.co_organisers.through.objects.filter(
            event_id=OuterRef("event_id"), institution_id=scope.institution_id
        )
        return Q(Exists(party)) | Q(Exists(co_organised))
    return _own_zone_q(user)


@edit_rule(ExportDeal)
def deals_editable_q(user: AnyUser | None) -> Q:
    """Only the zone that made the deal (and the secretariat) records or corrects it."""
    return _own_zone_q(user)


def can_keep_register(user: AnyUser | None, zone_id: int | None) -> bool:
    """Adding and changing a zone's businesses and deals: its deputy and staff, or the secretariat."""
    return is_secretariat(user) or acts_for_zone(user, zone_id)


def sees_contacts(user: AnyUser | None, business: CreativeBusiness) -> bool:
    """A business's contact person, phone and e-mail: the secretariat and the business's zone only."""
    return can_keep_register(user, business.zone_id)
