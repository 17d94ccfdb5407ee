"""Who may see and change an institution's webhook endpoints and their deliveries.

An institution's representatives keep their own institution's endpoints; the secretariat sees every
one (and changes them in the admin); a zone's people have nothing to do with them.
"""

from __future__ import annotations

from django.db.models import Q

from webhooks.models import WebhookDelivery, WebhookEndpoint
from zones_portal.models import Membership, User
from zones_portal.permissions import NOTHING, AnyUser, scope_of
from zones_portal.querysets import edit_rule, visibility_rule


@edit_rule(WebhookEndpoint)
@visibility_rule(WebhookEndpoint)
def endpoints_q(user: AnyUser | None) -> Q:
    """Who sees an endpoint changes it: its institution's representatives, and the secretariat."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.institution_id is not None:
        return Q(institution_id=scope.institution_id)
    return NOTHING


@visibility_rule(WebhookDelivery)
def deliveries_visible_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.institution_id is not None:
        return Q(endpoint__institution_id=scope.institution_id)
    return NOTHING


def keeps_webhooks(user: AnyUser | None) -> bool:
    """Registers and changes endpoints: an institution's representative."""
    return scope_of(user).institution_id is not None


def reads_webhooks(user: AnyUser | None) -> bool:
    """Sees endpoints and deliveries: an institution's representative, or the secretariat."""
    scope = scope_of(user)
    return scope.secretariat or scope.institution_id is not None


def representative_for(endpoint: WebhookEndpoint) -> User | None:
    """Whose eyes a delivery is judged with: the person who registered the endpoint while they still
    represent its institution, else any active representative of it; None when it has none.

    Everything sent must be something this person could see in the portal or through the API."""
    people = User.objects.filter(
        is_active=True,
        membership__role=Membership.Role.INSTITUTION,
        membership__institution_id=endpoint.institution_id,
    )
    if endpoint.created_by_id is not None:
        owner = people.filter(pk=endpoint.created_by_id).first()
        if owner is not None:
            return owner
    return people.order_by("pk").first()
