"""Who may see an event, prepare it, decide on it, answer its invitations and report on it.

Built on the core's ``Scope`` (docs/architecture.md); ``Event.objects.visible_to(user)`` filters by
``events_visible_q``, and the services, views, admin and API ask the functions below.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from events.models import Event, EventSeries, Participation
from zones_portal.permissions import NOTHING, AnyUser, acts_for_zone, is_secretariat, scope_of
from zones_portal.querysets import edit_rule, visibility_rule


@visibility_rule(Event)
def events_visible_q(user: AnyUser | None) -> Q:
    """Published events for all; a zone also sees what it hosts and what it was invited to; an
    institution what it co-organises. Nobody but the host and the secretariat sees a draft."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    published = Q(status__in=Event.PUBLISHED)
    if scope.zone_id is not None:
        invited = Participation.objects.filter(
            event_id=OuterRef("pk"), zone_id=scope.zone_id, invited_at__isnull=False
        )
        return published | Q(host_zone_id=scope.zone_id) | Q(Exists(invited))
    if scope.institution_id is not None:
        co_organised = Event.co_organisers.through.objects.filter(
            event_id=OuterRef("pk"), institution_id=scope.institution_id
        )
        return published | Q(Exists(co_organised))
    return published


def can_propose_event(user: AnyUser | None, host_zone_id: int | None) -> bool:
    return is_secretariat(user) or acts_for_zone(user, host_zone_id)


def can_prepare_event(user: AnyUser | None, event: Event) -> bool:
    """Edit or submit: the host zone's people, and the secretariat on their behalf."""
    return is_secretariat(user) or acts_for_zone(user, event.host_zone_id)


def can_decide_event(user: AnyUser | None, event: Event | None = None) -> bool:
    """Approve, reject, cancel: the secretariat's call alone."""
    return is_secretariat(user)


def can_answer_invitation(user: AnyUser | None, participation: Participation) -> bool:
    """The invited zone's people, or the secretariat recording an answer given by other means."""
    return is_secretariat(user) or acts_for_zone(user, participation.zone_id)


def can_report_event(user: AnyUser | None, event: Event) -> bool:
    return is_secretariat(user) or acts_for_zone(user, event.host_zone_id)


def by_the_portal(user: AnyUser | None, event: Event) -> bool:
    """Moves the portal makes by itself on a schedule (an approved event that has ended is held)."""
    return True


@visibility_rule(EventSeries)
def series_visible_q(user: AnyUser | None) -> Q:
    """A series is seen by whoever sees any of its editions (a published one: everybody), and by its
    host zone and the secretariat even before its first edition is out of draft."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    editions = Event.objects.visible_to(user).filter(series_id=OuterRef("pk"))
    visible = Q(Exists(editions))
    if scope.zone_id is not None:
        visible |= Q(host_zone_id=scope.zone_id)
    return visible


@edit_rule(EventSeries)
def series_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(host_zone_id=scope.zone_id)
    return NOTHING


def can_manage_series(user: AnyUser | None, host_zone_id: int | None) -> bool:
    """Start a series, put an event in it, propose its next edition: the host zone's people (deputy and
    staff, as for proposing events) and the secretariat."""
    return is_secretariat(user) or acts_for_zone(user, host_zone_id)
