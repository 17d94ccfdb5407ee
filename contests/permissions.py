"""Who runs, judges and sees a competition's rounds.

Built on the core's ``Scope`` (docs/architecture.md). The secretariat runs every round; a zone's deputy
runs their zone's preliminary; judges (people with no membership, like talent jurors, or anyone named to a
round) see the rounds they sit on and, in them, the entries they have no conflict with. A blind round hides
who a contestant is from its judges until the secretariat reveals it; the display page of a live round is
public behind its unguessable key.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from contests.models import Entry, Judge, Round
from zones_portal.permissions import NOTHING, AnyUser, fact_of, is_deputy_of, is_secretariat, scope_of
from zones_portal.querysets import edit_rule, visibility_rule


def can_run_round(user: AnyUser | None, round_: Round) -> bool:
    """Opening and closing scoring, entering contestants, deciding who goes on: the secretariat, and for
    a zone preliminary that zone's deputy."""
    if is_secretariat(user):
        return True
    return round_.kind == Round.Kind.PRELIMINARY and is_deputy_of(user, round_.zone_id)


def can_reveal(user: AnyUser | None, round_: Round) -> bool:
    """Who may lift a blind round's veil: the secretariat only. When (once scoring has closed) is the
    service's check, ``rounds.reveal``."""
    return is_secretariat(user)


def takes_part_in_contests(user: AnyUser | None) -> bool:
    """Whoever the competitions' pages are for: the secretariat, a zone's people, and anyone judging a
    round not yet decided."""
    scope = scope_of(user)
    return scope.secretariat or scope.zone_id is not None or sits_on_a_panel(user)


def judge_seat(user: AnyUser | None, round_: Round) -> Judge | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Judge.objects.filter(round=round_, user=user).first()


def is_judge(user: AnyUser | None, round_: Round) -> bool:
    return judge_seat(user, round_) is not None


def is_chair(user: AnyUser | None, round_: Round) -> bool:
    seat = judge_seat(user, round_)
    return seat is not None and seat.is_chair


def sits_on_a_panel(user: AnyUser | None) -> bool:
    """Someone judging at least one round that is not decided yet: they get the judging pages. Read
    with the person's scope (``JUDGE``, registered in ``ContestsConfig.ready``): no query of its own."""
    return fact_of(user, JUDGE)


JUDGE = "judge"


def judge_expression() -> Exists:
    return Exists(Judge.objects.filter(user_id=OuterRef("pk")).exclude(round__status=Round.Status.DECIDED))


def sees_identity(user: AnyUser | None, round_: Round) -> bool:
    """Whether the person may see who a contestant of this round is (name, zone, age, contact)."""
    if can_run_round(user, round_):
        return True
    return not round_.hides_identity


@visibility_rule(Round)
def rounds_visible_q(user: AnyUser | None) -> Q:
    """The secretariat: every round. A zone's people: their zone's rounds and every joint round (all
    seven zones take part in a final). A judge: the rounds they sit on."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    visible = Q(Exists(Judge.objects.filter(round_id=OuterRef("pk"), user_id=user.pk)))
    if scope.zone_id is not None:
        visible |= Q(zone_id=scope.zone_id) | Q(kind=Round.Kind.JOINT)
    return visible


@edit_rule(Round)
def rounds_editable_q(user: AnyUser | None) -> Q:
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if scope.is_deputy and scope.zone_id is not None:
        return Q(kind=Round.Kind.PRELIMINARY, zone_id=scope.zone_id)
    return NOTHING


@visibility_rule(Entry)
def entries_visible_q(user: AnyUser | None) -> Q:
    """Those who run the round; its judges, except for entries they declared a conflict with; a zone's
    people for their own contestants."""
    scope = scope_of(user)
    if scope.secretariat:
        return Q()
    if not scope.authenticated:
        return NOTHING
    judging = Judge.objects.filter(round_id=OuterRef("round_id"), user_id=user.pk).exclude(
        conflicts__entry_id=OuterRef("pk")
    )
    visible = Q(Exists(judging))
    if scope.zone_id is not None:
        visible |= Q(application__zone_id=scope.zone_id)
        if scope.is_deputy:
            visible |= Q(round__kind=Round.Kind.PRELIMINARY, round__zone_id=scope.zone_id)
    return visible
