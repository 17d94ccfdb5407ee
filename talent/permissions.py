"""Who may see an applicant's details, score an application, manage calls and browse the artist network.

Built on the core's ``Scope`` (docs/architecture.md). Jurors are people with no membership: what makes
them jurors is their place on a call's jury.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from talent.models import Application, Artist, Assignment, JuryMember
from zones_portal.permissions import (
    NOTHING,
    AnyUser,
    acts_for_zone,
    fact_of,
    is_secretariat,
    scope_of,
)
from zones_portal.querysets import visibility_rule


@visibility_rule(Application)
def applications_visible_q(user: AnyUser | None) -> Q:
    """An applicant's personal data: the secretariat, and the jurors it is assigned to (unless they
    declared a conflict of interest), and the institution that nominated them. Nobody else."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    assigned = Assignment.objects.filter(
        application_id=OuterRef("pk"), juror_id=user.pk, conflict_declared_at__isnull=True
    )
    visible = Q(Exists(assigned))
    if scope.institution_id is not None:
        visible |= Q(nominated_by_id=scope.institution_id)
    return visible


def can_manage_calls(user: AnyUser | None, record: object = None) -> bool:
    """Opening calls, naming juries, shortlisting and selecting: the secretariat's work."""
    return is_secretariat(user)


def is_juror(user: AnyUser | None) -> bool:
    """Someone on at least one call's jury: they get the jury pages. Read with the person's scope
    (``JUROR``, registered in ``TalentConfig.ready``), so the menu's Jury link costs no query."""
    return fact_of(user, JUROR)


JUROR = "juror"


def juror_expression() -> Exists:
    return Exists(JuryMember.objects.filter(user_id=OuterRef("pk")))


def can_score(user: AnyUser | None, assignment: Assignment) -> bool:
    """Only the assigned juror, and not once they declared a conflict of interest."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and assignment.juror_id == user.pk
        and assignment.conflict_declared_at is None
    )


@visibility_rule(Artist)
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


def the_applicant(user: AnyUser | None, application: Application) -> bool:
    """A withdrawal is made by whoever holds the tracking code and the email; the service checks both."""
    return True


def by_the_portal(user: AnyUser | None, record: object) -> bool:
    """Moves the portal makes by itself (an application goes under review at its first score)."""
    return True
