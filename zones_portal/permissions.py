"""The one place that knows who may see and change what.

The admin, the dashboard and the API all ask these functions, directly or
through the ``visible_to(user)`` / ``editable_by(user)`` queryset methods built
on them, so a rule is written once. Each person's standing comes from their
``Membership``: secretariat staff, a zone's deputy or staff, or an
institution's representative. Superusers count as secretariat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agreements.models import Obligation, Party
    from events.models import Event, Participation
    from talent.models import Artist, Assignment
    from zones_portal.models import User

    AnyUser = User | AnonymousUser

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """What one person stands for; computed once per user object."""

    authenticated: bool = False
    secretariat: bool = False
    role: str = ""
    zone_id: int | None = None
    institution_id: int | None = None

    @property
    def is_zone_member(self) -> bool:
        return self.zone_id is not None

    @property
    def is_deputy(self) -> bool:
        return self.role == "deputy"

    @property
    def is_institution(self) -> bool:
        return self.institution_id is not None


ANONYMOUS = Scope()


def scope_of(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    from zones_portal.models import Membership

    membership = (
        Membership.objects.filter(user_id=user.pk).values("role", "zone_id", "institution_id").first()
    )
    role = membership["role"] if membership else ""
    scope = Scope(
        authenticated=True,
        secretariat=user.is_superuser or role == Membership.Role.SECRETARIAT,
        role=role,
        zone_id=membership["zone_id"] if membership else None,
        institution_id=membership["institution_id"] if membership else None,
    )
    user._portal_scope = scope
    return scope


def forget_scope(user: AnyUser) -> None:
    """Call after changing a membership so the next check reads it afresh."""
    if hasattr(user, "_portal_scope"):
        del user._portal_scope


def is_secretariat(user: AnyUser | None) -> bool:
    return scope_of(user).secretariat


def can_use_admin(user: AnyUser | None) -> bool:
    """The admin is the secretariat's tool; is_staff alone does not open it."""
    return bool(user is not None and user.is_staff and is_secretariat(user))


def acts_for_zone(user: AnyUser | None, zone_id: int | None) -> bool:
    """True for the deputy and the staff of that zone: they propose and answer for it."""
    scope = scope_of(user)
    return zone_id is not None and scope.zone_id == zone_id


def is_deputy_of(user: AnyUser | None, zone_id: int | None) -> bool:
    scope = scope_of(user)
    return scope.is_deputy and zone_id is not None and scope.zone_id == zone_id


def acts_for_institution(user: AnyUser | None, institution_id: int | None) -> bool:
    scope = scope_of(user)
    return institution_id is not None and scope.institution_id == institution_id


def can_change_zone(user: AnyUser | None, zone_id: int | None) -> bool:
    """A zone's own details (contacts, address): the secretariat, or that zone's deputy."""
    return is_secretariat(user) or is_deputy_of(user, zone_id)


def zones_visible_q(user: AnyUser | None) -> Q:
    """Zones are public knowledge; only the secretariat sees the deactivated ones."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.zone_id is not None:
        return Q(is_active=True) | Q(pk=scope.zone_id)
    return Q(is_active=True)


def zones_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.is_deputy:
        return Q(pk=scope.zone_id)
    return NOTHING


def institutions_visible_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    if scope.institution_id is not None:
        return Q(is_active=True) | Q(pk=scope.institution_id)
    return Q(is_active=True)


def institutions_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.institution_id is not None:
        return Q(pk=scope.institution_id)
    return NOTHING


# Events -----------------------------------------------------------------------------------------

# Approved and after: on the shared calendar and in the feeds, for everyone to see.
PUBLISHED_EVENT_STATES = ("approved", "held", "reported")


def events_visible_q(user: AnyUser | None) -> Q:
    """Published events for all; a zone also sees what it hosts and what it was invited to; an
    institution what it co-organises. Nobody but the host and the secretariat sees a draft."""
    from django.apps import apps

    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    published = Q(status__in=PUBLISHED_EVENT_STATES)
    if scope.zone_id is not None:
        participation = apps.get_model("events", "Participation")
        invited = participation.objects.filter(
            event_id=OuterRef("pk"), zone_id=scope.zone_id, invited_at__isnull=False
        )
        return published | Q(host_zone_id=scope.zone_id) | Q(Exists(invited))
    if scope.institution_id is not None:
        event = apps.get_model("events", "Event")
        co_organised = event.co_organisers.through.objects.filter(
            event_id=OuterRef("pk"), institution_id=scope.institution_id
        )
        return published | Q(Exists(co_organised))
    return published


def can_propose_event(user: AnyUser | None, host_zone_id: int | None) -> bool:
    return is_secretariat(user) or acts_for_zone(user, host_zone_id)


def can_prepare_event(user: AnyUser | None, event: Event) -> bool:
    """Edit or submit: the host zone's people, and the secretariat on their behalf."""
    return is_secretariat(user) or acts_for_zone(user, event.host_zone_id)


def can_decide_event(user: AnyUser | None) -> bool:
    """Approve, reject, cancel: the secretariat's call alone."""
    return is_secretariat(user)


def can_answer_invitation(user: AnyUser | None, participation: Participation) -> bool:
    """The invited zone's people, or the secretariat recording an answer given by other means."""
    return is_secretariat(user) or acts_for_zone(user, participation.zone_id)


def can_report_event(user: AnyUser | None, event: Event) -> bool:
    return is_secretariat(user) or acts_for_zone(user, event.host_zone_id)


# Agreements ---------------------------------------------------------------------------------------


def agreements_visible_q(user: AnyUser | None) -> Q:
    """An agreement is seen by the secretariat and by its parties, nobody else."""
    from django.apps import apps

    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    party = apps.get_model("agreements", "Party")
    if scope.zone_id is not None:
        return Q(Exists(party.objects.filter(agreement_id=OuterRef("pk"), zone_id=scope.zone_id)))
    if scope.institution_id is not None:
        return Q(
            Exists(party.objects.filter(agreement_id=OuterRef("pk"), institution_id=scope.institution_id))
        )
    return NOTHING


def can_manage_agreements(user: AnyUser | None) -> bool:
    """Recording agreements, their parties, documents and obligations is the secretariat's work."""
    return is_secretariat(user)


def acts_for_party(user: AnyUser | None, party: Party) -> bool:
    """The people who answer for one party: its zone's deputy and staff, its institution's
    representatives, or the secretariat for the secretariat's own side."""
    if party.kind == "zone":
        return acts_for_zone(user, party.zone_id)
    if party.kind == "institution":
        return acts_for_institution(user, party.institution_id)
    return is_secretariat(user)


def can_update_obligation(user: AnyUser | None, obligation: Obligation) -> bool:
    """The party that owes an obligation reports on it; the secretariat may record anything."""
    return is_secretariat(user) or acts_for_party(user, obligation.party)


# Talent calls ---------------------------------------------------------------------------------------


def applications_visible_q(user: AnyUser | None) -> Q:
    """An applicant's personal data: the secretariat, and the jurors it is assigned to (unless they
    declared a conflict of interest), and the institution that nominated them. Nobody else."""
    from django.apps import apps

    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    assignment = apps.get_model("talent", "Assignment")
    assigned = assignment.objects.filter(
        application_id=OuterRef("pk"), juror_id=user.pk, conflict_declared_at__isnull=True
    )
    visible = Q(Exists(assigned))
    if scope.institution_id is not None:
        visible |= Q(nominated_by_id=scope.institution_id)
    return visible


def can_manage_calls(user: AnyUser | None) -> bool:
    """Opening calls, naming juries, shortlisting and selecting: the secretariat's work."""
    return is_secretariat(user)


def is_juror(user: AnyUser | None) -> bool:
    """Someone on at least one call's jury: they get the jury pages."""
    return bool(user is not None and user.is_authenticated and user.jury_memberships.exists())


def can_score(user: AnyUser | None, assignment: Assignment) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and assignment.juror_id == user.pk
        and assignment.conflict_declared_at is None
    )


def artists_visible_q(user: AnyUser | None) -> Q:
    """The network is for the people who coordinate the zones' cultural work, not the public."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if may_browse_network(user):
        return Q(is_active=True)
    return NOTHING


def may_browse_network(user: AnyUser | None) -> bool:
    scope = scope_of(user)
    return scope.secretariat or scope.zone_id is not None or scope.institution_id is not None


def can_see_artist_contact(user: AnyUser | None, artist: Artist) -> bool:
    """Contact details go to the secretariat and to the deputies and staff of the artist's own zone."""
    return is_secretariat(user) or acts_for_zone(user, artist.zone_id)


# The scorecard ------------------------------------------------------------------------------------


def can_see_scorecard(user: AnyUser | None) -> bool:
    """The secretariat and the zones' own people; every zone sees the others' numbers too."""
    scope = scope_of(user)
    return scope.secretariat or scope.zone_id is not None


def institution_acting_for(user: AnyUser | None) -> int | None:
    """The institution a partner's representative acts for: it proposes events and nominates artists
    in that institution's name. None for everyone else."""
    return scope_of(user).institution_id
