"""Setting up rounds, entering contestants, review scoring, revealing, ranking and advancing.

The dashboard, the admin and the tests call these functions; none repeats a rule. Refusals raise
``ValidationError`` with a message per field (bad input), ``PermissionDenied`` (wrong person) or
``InvalidMoveError`` (wrong moment), as every app's services do.

Totals are on one scale for every round: each criterion's mean score as a share of its maximum, weighted,
divided by the total weight, times 100 (as the talent ranking does), so criteria scored out of 10 and
out of 20 weigh what their weights say and a lowest score to go on reads the same in every round.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests import permissions
from contests.models import (
    Conflict,
    Entry,
    Judge,
    PanelScore,
    ReviewScore,
    Round,
    RoundCriterion,
    Turn,
)
from contests.services import (
    ENTRY_LIFECYCLE,
    ROUND_LIFECYCLE,
    RUN_BY_OTHERS,
    Standing,
    weighted_total,
)
from contests.services import live as live_services
from events import services as event_services
from events.models import EventSeries
from talent.models import Application, JuryMember, ScoringCriterion, TalentCall
from talent.services import checked_scores
from zones_portal.lifecycle import InvalidMoveError, on_behalf_of
from zones_portal.models import User, Zone
from zones_portal.permissions import is_secretariat
from zones_portal.queueing import queue_after_commit
from zones_portal.widgets import readers_number

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

SECRETARIAT_SETS_UP = _("Only the secretariat sets up a competition's rounds.")
REVEALED_STAYS_CLOSED = _(
    "The names in this round are revealed: scoring cannot open again, as the judges would see whom "
    "they score."
)
# A blind round's entry numbers are drawn at random from 1 to this many times the number of entries (at
# least BLIND_NUMBERS_FROM), so neither their order nor their size says who applied first, came from
# which zone or was entered late.
BLIND_NUMBER_SPREAD = 4
BLIND_NUMBERS_FROM = 100
# A final that does not say how many places it gives: the usual three.
DEFAULT_PLACES = 3
# (name, weight, maximum score) of one criterion, as the forms and the tests give them.
CriterionSpec = tuple[str, Decimal | int | str, int]


def _require_secretariat(actor: Actor) -> None:
    if not is_secretariat(actor):
        raise PermissionDenied(SECRETARIAT_SETS_UP)


def _require_runner(actor: Actor, round_: Round) -> None:
    if not permissions.can_run_round(actor, round_):
        raise PermissionDenied(RUN_BY_OTHERS)


def _lock(round_: Round) -> Round:
    return ROUND_LIFECYCLE.lock(round_)


# Setting up ----------------------------------------------------------------------------------------


def criteria_specs(call: TalentCall, source: Round | None = None) -> list[CriterionSpec]:
    """What a new round is scored on: another round's criteria, or else the call's own."""
    rows = source.criteria.all() if source is not None else call.criteria.all()
    return [(row.name, row.weight, row.max_score) for row in rows]


def _add_criteria(round_: Round, specs: Sequence[CriterionSpec]) -> None:
    for order, (name, weight, maximum) in enumerate(specs):
        criterion = RoundCriterion(
            round=round_, name=name, weight=Decimal(str(weight)), max_score=int(maximum), sort_order=order
        )
        criterion.full_clean(exclude=["round"])
        criterion.save()


def _checked(round_: Round) -> None:
    """The round's own rules (counts, dates, a live round is not blind) as form errors."""
    round_.full_clean(exclude=["call", "zone", "next_round", "created_by", "revealed_by"])


@transaction.atomic
def create_preliminaries(
    actor: Actor,
    call: TalentCall,
    zones: Iterable[Zone],
    *,
    scoring_opens_at: dt.datetime,
    scoring_closes_at: dt.datetime,
    advance_rule: str,
    advance_count: int | None = None,
    advance_min_score: Decimal | None = None,
    tie_break: str = Round.TieBreak.CRITERIA,
    blind: bool = False,
    criteria_from: Round | None = None,
    next_round: Round | None = None,
) -> list[Round]:
    """One action for the first stage: a review round in each chosen zone, run by its deputy, with the
    same criteria, dates and rule. A zone that already has its preliminary keeps it as it is, so the
    action can be repeated to add the zones left out the first time."""
    _require_secretariat(actor)
    zones = list(zones)
    if not zones:
        raise ValidationError({"zones": [_("Choose at least one zone.")]})
    specs = criteria_specs(call, criteria_from)
    if not specs:
        raise ValidationError(
            {"criteria_from": [_("The call has no scoring criteria: add them, or copy another round's.")]}
        )
    if next_round is not None and next_round.call_id != call.pk:
        raise ValidationError({"next_round": [_("The next round must belong to the same call.")]})
    existing = {
        row.zone_id: row for row in Round.objects.filter(call=call, stage=1, zone__in=[z.pk for z in zones])
    }
    made = []
    for zone in zones:
        if zone.pk in existing:
            made.append(existing[zone.pk])
            continue
        round_ = Round(
            call=call,
            stage=1,
            name=_("Preliminary: %(zone)s") % {"zone": zone.name_fa},
            kind=Round.Kind.PRELIMINARY,
            mode=Round.Mode.REVIEW,
            zone=zone,
            blind=blind,
            scoring_opens_at=scoring_opens_at,
            scoring_closes_at=scoring_closes_at,
            advance_rule=advance_rule,
            advance_count=advance_count,
            advance_min_score=advance_min_score,
            tie_break=tie_break,
            next_round=next_round,
            created_by=actor,
        )
        _checked(round_)
        on_behalf_of(actor, round_)
        round_.save()
        ROUND_LIFECYCLE.begin(actor, round_)
        _add_criteria(round_, specs)
        made.append(round_)
    return made


ROUND_FIELDS = (
    "stage",
    "name",
    "kind",
    "mode",
    "zone",
    "blind",
    "scoring_opens_at",
    "scoring_closes_at",
    "held_at",
    "venue",
    "advance_rule",
    "advance_count",
    "advance_min_score",
    "tie_break",
    "drop_extremes",
    "next_round",
)


@transaction.atomic
def create_round(
    actor: Actor,
    call: TalentCall,
    *,
    criteria: Sequence[CriterionSpec] | None = None,
    criteria_from: Round | None = None,
    fed_by: Iterable[Round] = (),
    **values: object,
) -> Round:
    """A later round (a joint round hosted by one zone, judged on stage or at the jurors' pace), and
    the rounds whose contestants go on to it. A round already decided keeps where it sent people."""
    _require_secretariat(actor)
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Not round fields: {', '.join(sorted(unknown))}")
    round_ = Round(call=call, created_by=actor, **values)
    specs = list(criteria) if criteria else criteria_specs(call, criteria_from)
    errors: dict[str, list[str]] = {}
    try:
        _checked(round_)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not specs:
        errors.setdefault("criteria_from", []).append(
            _("The call has no scoring criteria: add them, or copy another round's.")
        )
    if Round.objects.filter(call=call, stage=round_.stage, zone=round_.zone).exists():
        errors.setdefault("stage", []).append(_("This call already has a round at this stage in this zone."))
    feeders = list(fed_by)
    for feeder in feeders:
        if feeder.call_id != call.pk or feeder.stage >= (round_.stage or 0):
            errors.setdefault("fed_by", []).append(
                _("Only earlier rounds of the same call can send contestants to this one.")
            )
            break
        if feeder.status == Round.Status.DECIDED:
            errors.setdefault("fed_by", []).append(
                _("“%(round)s” is decided already; where its contestants went stays as it is.")
                % {"round": feeder.name}
            )
    if errors:
        raise ValidationError(errors)
    on_behalf_of(actor, round_)
    round_.save()
    ROUND_LIFECYCLE.begin(actor, round_)
    _add_criteria(round_, specs)
    for feeder in feeders:
        feeder.next_round = round_
        on_behalf_of(actor, feeder)
        feeder.save(update_fields=["next_round", "updated_at"])
    return round_


def candidate_judges() -> QuerySet[User]:
    """Whom a round's runner may seat: people already on a talent call's jury or on a round's panel,
    as the secretariat names jurors (people with no membership need an account first)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(jury_memberships__isnull=False) | Q(contest_seats__isnull=False))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def name_judges(actor: Actor, round_: Round, people: Iterable[User], chair: User | None = None) -> Round:
    """Seats the round's jury or panel: those named keep their seat (and their scores), the others are
    added; a seat without scores that is no longer named is given up. Before the round is decided."""
    round_ = _lock(round_)
    _require_runner(actor, round_)
    if round_.status == Round.Status.DECIDED:
        raise InvalidMoveError(_("The results of this round are decided; its jury stays as it was."))
    people = list(dict.fromkeys(people))
    allowed = set(candidate_judges().filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in people):
        raise ValidationError({"judges": [_("Choose judges among the jurors and panel members.")]})
    if chair is not None and chair not in people:
        raise ValidationError({"chair": [_("The chair must be one of the judges.")]})
    named = {person.pk for person in people}
    for seat in Judge.objects.filter(round=round_).exclude(user_id__in=named):
        if seat.review_scores.exists() or seat.panel_scores.exists():
            raise ValidationError(
                {"judges": [_("%(name)s has scored already and keeps the seat.") % {"name": seat.user}]}
            )
        seat.delete()
    Judge.objects.filter(round=round_, is_chair=True).exclude(user=chair).update(is_chair=False)
    for person in people:
        seat, _created = Judge.objects.get_or_create(round=round_, user=person)
        wanted = chair is not None and person.pk == chair.pk
        if seat.is_chair != wanted:
            seat.is_chair = wanted
            on_behalf_of(actor, seat)
            seat.save(update_fields=["is_chair"])
    return round_


def _blind_top(count: int) -> int:
    return max(BLIND_NUMBERS_FROM, BLIND_NUMBER_SPREAD * count)


def _blind_numbers(taken: set[int], count: int) -> list[int]:
    """``count`` numbers drawn at random among those not taken, from a range a few times wider than the
    round, so a late entry's number is as likely to be small as large."""
    top = _blind_top(len(taken) + count)
    free = [number for number in range(1, top + 1) if number not in taken]
    return random.SystemRandom().sample(free, count)


def _next_numbers(round_: Round, count: int, *, shuffle: bool) -> list[int]:
    """Fresh entry numbers: after the round's last, or for a blind round drawn at random (see
    ``_blind_numbers``). The caller holds the round's lock."""
    if shuffle:
        return _blind_numbers(set(Entry.objects.filter(round=round_).values_list("number", flat=True)), count)
    start = (Entry.objects.filter(round=round_).aggregate(top=Max("number"))["top"] or 0) + 1
    return list(range(start, start + count))


def _renumber_blind(round_: Round) -> None:
    """Draws every entry's number afresh as a blind round opens, before any judge sees one: entries
    carried in from the zones' rounds came in zone by zone, and numbers given in that order would say
    where each came from."""
    entries = list(Entry.objects.filter(round=round_).order_by("pk"))
    if not entries:
        return
    # Moved out of the way first (the numbers are unique within the round): above both the old numbers
    # and every number that can be drawn.
    shift = max(entry.number for entry in entries) + _blind_top(len(entries))
    Entry.objects.filter(round=round_).update(number=F("number") + shift)
    for entry, number in zip(entries, _blind_numbers(set(), len(entries)), strict=True):
        entry.number = number
    Entry.objects.bulk_update(entries, ["number"])


def zone_applications(round_: Round) -> QuerySet[Application]:
    """A preliminary's contestants: the call's applications from the round's zone, in the call's
    disciplines, not withdrawn."""
    return (
        Application.objects.filter(
            call_id=round_.call_id,
            zone_id=round_.zone_id,
            discipline__in=round_.call.disciplines.all(),
        )
        .exclude(status=Application.Status.WITHDRAWN)
        .order_by("submitted_at", "pk")
    )


def _new_entry(actor: Actor, round_: Round, application: Application, number: int, came_from=None) -> Entry:
    entry = Entry(round=round_, application=application, number=number, came_from=came_from)
    on_behalf_of(actor, entry)
    entry.save()
    ENTRY_LIFECYCLE.begin(actor, entry)
    if round_.is_live:
        Turn.objects.get_or_create(entry=entry)  # the live pages expect one turn per contestant, waiting
    return entry


@transaction.atomic
def enter_zone_applications(actor: Actor, round_: Round) -> list[Entry]:
    """One action: every application of the zone not entered yet joins the preliminary. Running it again
    adds only what came since (nothing, once the call has closed)."""
    round_ = _lock(round_)
    _require_runner(actor, round_)
    if round_.kind != Round.Kind.PRELIMINARY:
        raise InvalidMoveError(_("A joint round takes its contestants from the rounds that feed it."))
    if round_.status not in (Round.Status.DRAFT, Round.Status.SCORING):
        raise InvalidMoveError(_("Scoring has closed: nobody joins this round any more."))
    entered = set(Entry.objects.filter(round=round_).values_list("application_id", flat=True))
    waiting = [application for application in zone_applications(round_) if application.pk not in entered]
    numbers = _next_numbers(round_, len(waiting), shuffle=round_.blind)
    return [
        _new_entry(actor, round_, application, number)
        for application, number in zip(waiting, numbers, strict=True)
    ]


@transaction.atomic
def open_scoring(actor: Actor, round_: Round) -> Round:
    """A review round opens for its jurors (a blind one with its entry numbers drawn afresh); a round
    judged on stage opens through the live checks (a chair, turns, the running order, the display)."""
    if round_.is_live:
        return live_services.open_live_scoring(actor, round_)
    round_ = ROUND_LIFECYCLE.enter("open_scoring", actor, round_)
    problems = []
    if not round_.criteria.exists():
        problems.append(_("Add the round's criteria."))
    if not round_.judges.exists():
        problems.append(_("Name the judges."))
    if not round_.entries.exists():
        problems.append(_("Enter the contestants."))
    if problems:
        raise InvalidMoveError(problems)
    if round_.blind:
        _renumber_blind(round_)
    return ROUND_LIFECYCLE.move("open_scoring", actor, round_)


@transaction.atomic
def close_scoring(actor: Actor, round_: Round) -> Round:
    """Scoring ends; a round judged on stage closes through the live checks (nobody on stage, nobody
    still waiting)."""
    if round_.is_live:
        return live_services.close_live_scoring(actor, round_)
    round_ = ROUND_LIFECYCLE.enter("close_scoring", actor, round_)
    return ROUND_LIFECYCLE.move("close_scoring", actor, round_)


def may_reopen(actor: Actor, round_: Round) -> bool:
    """Whether the page offers to open scoring again: never once the names are revealed."""
    return round_.revealed_at is None and ROUND_LIFECYCLE.allows("reopen_scoring", actor, round_)


@transaction.atomic
def reopen_scoring(actor: Actor, round_: Round, reason: str) -> Round:
    """Scoring opens again with a reason, unless a blind round's names were revealed: its judges would
    then score people they know."""
    round_ = ROUND_LIFECYCLE.enter("reopen_scoring", actor, round_, reason)
    if round_.revealed_at is not None:
        raise InvalidMoveError(REVEALED_STAYS_CLOSED)
    return ROUND_LIFECYCLE.move("reopen_scoring", actor, round_, reason)


@transaction.atomic
def reveal(actor: Actor, round_: Round) -> Round:
    """Lifts a blind round's veil once scoring has closed: who did it and when are kept on the round
    (and in its history). Asked again, it changes nothing."""
    round_ = _lock(round_)
    if not permissions.can_reveal(actor, round_):
        raise PermissionDenied(_("Only the secretariat reveals who the contestants of a blind round are."))
    if not round_.blind:
        raise InvalidMoveError(_("This round is not blind: its judges see who the contestants are."))
    if round_.revealed_at is not None:
        return round_
    if round_.status in (Round.Status.DRAFT, Round.Status.SCORING):
        raise InvalidMoveError(_("Names are revealed only once scoring has closed."))
    round_.revealed_at = timezone.now()
    round_.revealed_by = actor
    on_behalf_of(actor, round_)
    round_.save(update_fields=["revealed_at", "revealed_by", "updated_at"])
    return round_


# Review scoring ------------------------------------------------------------------------------------


def _seat_for_scoring(actor: Actor, entry: Entry) -> Judge:
    seat = permissions.judge_seat(actor, entry.round)
    if seat is None:
        raise PermissionDenied(_("Only the judges of this round score its entries."))
    if Conflict.objects.filter(entry=entry, judge=seat).exists():
        raise PermissionDenied(_("You declared a conflict of interest with this entry."))
    if entry.round.mode != Round.Mode.REVIEW:
        raise InvalidMoveError(_("This round is scored on stage, turn by turn."))
    if entry.round.status != Round.Status.SCORING:
        raise InvalidMoveError(_("This round is not open for scoring."))
    if entry.status != Entry.Status.COMPETING:
        raise InvalidMoveError(_("This entry is no longer competing."))
    return seat


@transaction.atomic
def score_entry(actor: Actor, entry: Entry, values: Mapping[int, Decimal | int | str]) -> list[ReviewScore]:
    """A judge scores every criterion of an entry, each from 0 to its maximum; scoring again while the
    round is open replaces their earlier scores."""
    entry = Entry.objects.select_related("round").get(pk=entry.pk)
    Round.objects.select_for_update().filter(pk=entry.round_id).order_by("pk").values_list("pk").first()
    entry.round.refresh_from_db()
    seat = _seat_for_scoring(actor, entry)
    clean = checked_scores(entry.round.criteria.all(), values)
    now = timezone.now()
    saved = []
    for criterion, value in clean.items():
        score, _created = ReviewScore.objects.get_or_create(
            entry=entry, judge=seat, criterion=criterion, defaults={"value": value, "scored_at": now}
        )
        if score.value != value:
            score.value, score.scored_at = value, now
            on_behalf_of(actor, score)
            score.save(update_fields=["value", "scored_at"])
        saved.append(score)
    return saved


@transaction.atomic
def declare_conflict(actor: Actor, entry: Entry, note: str) -> Conflict:
    """The judge steps aside: the entry leaves their queue and their scores of it stop counting (they
    are kept, so the record shows what was set aside). Declared twice, the first declaration stands."""
    entry = Entry.objects.select_related("round").get(pk=entry.pk)
    seat = permissions.judge_seat(actor, entry.round)
    if seat is None:
        raise PermissionDenied(_("Only the judges of this round declare conflicts with its entries."))
    if entry.round.status in (Round.Status.CLOSED, Round.Status.DECIDED):
        raise InvalidMoveError(_("Scoring has closed; a conflict can no longer be declared."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say briefly what the conflict of interest is.")]})
    conflict, _created = Conflict.objects.get_or_create(entry=entry, judge=seat, defaults={"note": note})
    return conflict


def queue_for(seat: Judge) -> list[Entry]:
    """A judge's entries, those still to score first, without the ones they stepped aside from.
    Each entry carries ``scored`` (how many criteria this judge has scored)."""
    entries = list(
        Entry.objects.filter(round_id=seat.round_id)
        .exclude(status=Entry.Status.WITHDRAWN)
        .exclude(conflicts__judge=seat)
        .order_by("number")
    )
    counts: dict[int, int] = defaultdict(int)
    for entry_id in ReviewScore.objects.filter(judge=seat, entry__round_id=seat.round_id).values_list(
        "entry_id", flat=True
    ):
        counts[entry_id] += 1
    criteria = RoundCriterion.objects.filter(round_id=seat.round_id).count()
    for entry in entries:
        entry.scored = counts.get(entry.pk, 0)
        entry.done = criteria > 0 and entry.scored >= criteria
    entries.sort(key=lambda entry: (entry.done, entry.number))
    return entries


# Ranking and advancing -----------------------------------------------------------------------------


def _review_scores(round_: Round, criteria: Sequence[RoundCriterion]) -> dict[int, tuple[dict, int]]:
    """Per entry: the mean of each criterion over its judges, and how many judges scored it. A judge's
    scores of an entry they declared a conflict with never count."""
    conflicted = set(Conflict.objects.filter(entry__round=round_).values_list("entry_id", "judge_id"))
    sums: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    judges: dict[int, set[int]] = defaultdict(set)
    for entry_id, judge_id, criterion_id, value in ReviewScore.objects.filter(
        entry__round=round_
    ).values_list("entry_id", "judge_id", "criterion_id", "value"):
        if (entry_id, judge_id) in conflicted:
            continue
        sums[entry_id][criterion_id].append(Decimal(value))
        judges[entry_id].add(judge_id)
    return {
        entry_id: ({cid: sum(values) / len(values) for cid, values in per.items()}, len(judges[entry_id]))
        for entry_id, per in sums.items()
    }


def _panel_means(round_: Round) -> dict[int, tuple[dict, int]]:
    """Per entry of a live round: each criterion's mean over the panel's scores of its closed turn that
    counted (for breaking ties by criterion; the total itself is the one the closed turn stored). When
    the round drops the highest and lowest, the criteria are read from the scores the result kept."""
    by_turn: dict[int, list[PanelScore]] = defaultdict(list)
    for score in PanelScore.objects.filter(
        turn__entry__round=round_, turn__status=Turn.Status.CLOSED
    ).select_related("turn"):
        by_turn[score.turn_id].append(score)
    sums: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[int, int] = defaultdict(int)
    for scores in by_turn.values():
        dropped = set(live_services.turn_result(scores, round_.drop_extremes).dropped)
        for score in scores:
            if score.pk not in dropped:
                _add_panel_values(sums, counts, score.turn.entry_id, score.values)
    return {
        entry_id: ({cid: sum(v) / len(v) for cid, v in per.items()}, counts[entry_id])
        for entry_id, per in sums.items()
    }


def _add_panel_values(
    sums: dict[int, dict[int, list[Decimal]]], counts: dict[int, int], entry_id: int, values: Mapping
) -> None:
    counts[entry_id] += 1
    for key, value in (values or {}).items():
        try:
            sums[entry_id][int(key)].append(Decimal(str(value)))
        except (ArithmeticError, ValueError, TypeError):
            continue


def _order_key(round_: Round, standing: Standing) -> tuple:
    application = standing.entry.application
    unscored = standing.total is None
    total = -(standing.total or 0)
    later = (application.submitted_at, application.pk)
    if round_.tie_break == Round.TieBreak.CRITERIA:
        return (unscored, total, tuple(-value for value in standing.by_criterion), *later)
    return (unscored, total, *later)


def _tied(round_: Round, one: Standing, other: Standing) -> bool:
    """Whether the round's tie rule leaves two standings level: under ALL only the total counts."""
    if one.total is None or other.total is None:
        return False
    if round_.tie_break == Round.TieBreak.ALL:
        return one.total == other.total
    return False


def rank_round(round_: Round) -> list[Standing]:
    """The round's entries, best first, with their totals and places (withdrawn ones left out).

    A review round's totals are computed here from its judges' scores; a live round's are those its
    closed turns stored on the entries. Ties are broken by the round's rule: by each criterion in order
    then the earlier application, by the earlier application, or not at all (ALL: level entries share
    a place). Entries nobody scored come last, without a place."""
    criteria = list(RoundCriterion.objects.filter(round=round_).order_by("sort_order", "pk"))
    entries = list(
        Entry.objects.filter(round=round_)
        .exclude(status=Entry.Status.WITHDRAWN)
        .select_related("application__zone")
    )
    scores = _panel_means(round_) if round_.is_live else _review_scores(round_, criteria)
    standings = []
    for entry in entries:
        means, judges = scores.get(entry.pk, ({}, 0))
        total = entry.total if round_.is_live else weighted_total(criteria, means) if means else None
        by_criterion = [means.get(c.pk, Decimal(0)) for c in criteria]
        standings.append(Standing(entry, total, by_criterion, judges))
    standings.sort(key=lambda standing: _order_key(round_, standing))
    previous = None
    for position, standing in enumerate(standings, start=1):
        if standing.total is None:
            break
        if previous is not None and _tied(round_, previous, standing):
            standing.place = previous.place
        else:
            standing.place = position
        previous = standing
    return standings


def _best(round_: Round, standings: Sequence[Standing], count: int) -> list[Standing]:
    """The first ``count`` scored standings; under ALL, everyone level with the last of them too."""
    scored = [standing for standing in standings if standing.total is not None]
    chosen = scored[:count]
    if chosen and round_.tie_break == Round.TieBreak.ALL:
        last = chosen[-1]
        chosen += [standing for standing in scored[count:] if _tied(round_, last, standing)]
    return chosen


def going_on(round_: Round, standings: Sequence[Standing]) -> list[Standing]:
    """Who the round's rule sends on (for a final: who is placed)."""
    rule = round_.advance_rule
    if rule == Round.Advance.MIN_SCORE:
        bar = round_.advance_min_score if round_.advance_min_score is not None else Decimal(0)
        return [standing for standing in standings if standing.total is not None and standing.total >= bar]
    if rule == Round.Advance.TOP_PER_ZONE:
        by_zone: dict[int, list[Standing]] = defaultdict(list)
        for standing in standings:
            by_zone[standing.entry.application.zone_id].append(standing)
        chosen = {
            id(standing)
            for group in by_zone.values()
            for standing in _best(round_, group, round_.advance_count or 0)
        }
        return [standing for standing in standings if id(standing) in chosen]
    if rule == Round.Advance.FINAL:
        return _best(round_, standings, round_.advance_count or DEFAULT_PLACES)
    return _best(round_, standings, round_.advance_count or 0)


def _carry(actor: Actor, entry: Entry, next_round: Round) -> Entry:
    """The entry's contestant joins the next round once, with a number of that round's own."""
    existing = Entry.objects.filter(round=next_round, application_id=entry.application_id).first()
    if existing is not None:
        return existing
    (number,) = _next_numbers(next_round, 1, shuffle=next_round.blind)
    return _new_entry(actor, next_round, entry.application, number, came_from=entry)


class NotEveryoneScoredError(InvalidMoveError):
    """Deciding a review round some judges have not finished: said, and done only when asked again."""

    def __init__(self, count: int) -> None:
        super().__init__(
            ngettext(
                "%(count)s entry has not been scored by every judge; decide anyway?",
                "%(count)s entries have not been scored by every judge; decide anyway?",
                count,
            )
            % {"count": readers_number(str(count))},
            code="not_everyone_scored",
        )
        self.count = count


def not_fully_scored(round_: Round) -> int:
    """How many entries still competing lack the full scores of a judge of the jury who declared no
    conflict with them: results decided then rest on fewer judges than the round has."""
    criteria = RoundCriterion.objects.filter(round=round_).count()
    judges = set(Judge.objects.filter(round=round_).values_list("pk", flat=True))
    conflicted = set(Conflict.objects.filter(entry__round=round_).values_list("entry_id", "judge_id"))
    complete = {
        (row["entry_id"], row["judge_id"])
        for row in ReviewScore.objects.filter(entry__round=round_)
        .values("entry_id", "judge_id")
        .annotate(scored=Count("pk"))
        if row["scored"] >= criteria
    }
    missing = 0
    for entry_id in Entry.objects.filter(round=round_, status=Entry.Status.COMPETING).values_list(
        "pk", flat=True
    ):
        expected = {judge for judge in judges if (entry_id, judge) not in conflicted}
        if any((entry_id, judge) not in complete for judge in expected):
            missing += 1
    return missing


@transaction.atomic
def decide(actor: Actor, round_: Round, *, anyway: bool = False) -> Round:
    """Closes a round's results: ranks it, stores each entry's total and place, moves every contestant
    (went on, did not go on, or placed in a final) with who and when, enters those who go on into the
    next round, and mails them in their language once the decision is saved. A review round some judge
    has not finished is decided only ``anyway`` (the page asks first). Asked again once decided, it
    changes nothing."""
    from contests import tasks  # noqa: PLC0415 - tasks.py imports the services

    round_ = _lock(round_)
    if round_.status == Round.Status.DECIDED:
        _require_runner(actor, round_)
        return round_
    ROUND_LIFECYCLE.check("decide", actor, round_)
    next_round = None
    if round_.advance_rule != Round.Advance.FINAL:
        if round_.next_round_id is None:
            raise InvalidMoveError(_("Name the round the contestants go on to before deciding."))
        next_round = _lock(Round.objects.get(pk=round_.next_round_id))
        if next_round.status != Round.Status.DRAFT:
            raise InvalidMoveError(
                _("“%(round)s” has started already; nobody can join it now.") % {"round": next_round.name}
            )
    if not round_.is_live and not anyway:
        missing = not_fully_scored(round_)
        if missing:
            raise NotEveryoneScoredError(missing)
    standings = rank_round(round_)
    chosen = {standing.entry.pk for standing in going_on(round_, standings)}
    advanced = []
    for standing in standings:
        entry = ENTRY_LIFECYCLE.lock(standing.entry)
        if entry.status != Entry.Status.COMPETING:
            continue
        entry.total, entry.rank = standing.total, standing.place
        on_behalf_of(actor, entry)
        entry.save(update_fields=["total", "rank", "updated_at"])
        if entry.pk not in chosen:
            ENTRY_LIFECYCLE.move("eliminate", actor, entry)
        elif next_round is None:
            ENTRY_LIFECYCLE.move("place", actor, entry)
        else:
            ENTRY_LIFECYCLE.move("advance", actor, entry)
            _carry(actor, entry, next_round)
            advanced.append(entry.pk)
    ROUND_LIFECYCLE.move("decide", actor, round_)
    for entry_id in advanced:
        queue_after_commit(tasks.send_advanced_mail, entry_id)
    return round_


# Next year's edition ------------------------------------------------------------------------------------


@transaction.atomic
def propose_next_edition(actor: Actor, call: TalentCall) -> TalentCall:
    """Next year's edition of a competition with one press: a draft call a Solar Hijri year on (its title's
    year moved on, the same disciplines, zones, ages, criteria and jury) with the same rounds (stages,
    zones, modes, blindness, criteria, rules for who goes on, judges and chairs, dates a year on, each
    round feeding the same next one), every round being prepared. Applications, entries, scores and
    certificates stay with this year's. One edition a year: a call already proposed under the new title
    is named instead."""
    _require_secretariat(actor)
    call = TalentCall.objects.select_for_update().get(pk=call.pk)
    opens_at = event_services.shifted(call.opens_at, EventSeries.Recurrence.YEARLY)
    title = event_services.advanced_title(call.title, call.opens_at, opens_at)
    proposed = TalentCall.objects.filter(title=title).exclude(pk=call.pk).first()
    if proposed is not None:
        raise InvalidMoveError(
            _("Next year's edition is already proposed: “%(title)s”.") % {"title": proposed.title}
        )

    def a_year_on(moment: dt.datetime | None) -> dt.datetime | None:
        return None if moment is None else event_services.shifted(moment, EventSeries.Recurrence.YEARLY)

    edition = TalentCall(
        title=title,
        description=call.description,
        min_age=call.min_age,
        max_age=call.max_age,
        opens_at=opens_at,
        closes_at=a_year_on(call.closes_at),
        status=TalentCall.Status.DRAFT,
    )
    on_behalf_of(actor, edition)
    edition.save()
    edition.disciplines.set(call.disciplines.all())
    edition.eligible_zones.set(call.eligible_zones.all())
    ScoringCriterion.objects.bulk_create(
        ScoringCriterion(
            call=edition,
            name=criterion.name,
            weight=criterion.weight,
            max_score=criterion.max_score,
            sort_order=criterion.sort_order,
        )
        for criterion in call.criteria.all()
    )
    JuryMember.objects.bulk_create(JuryMember(call=edition, user_id=seat.user_id) for seat in call.jury.all())
    copies: dict[int, Round] = {}
    feeds: dict[int, int] = {}
    for round_ in call.rounds.order_by("stage", "pk").prefetch_related("criteria", "judges"):
        copy = Round(
            call=edition,
            stage=round_.stage,
            name=event_services.advanced_title(round_.name, call.opens_at, opens_at),
            kind=round_.kind,
            mode=round_.mode,
            zone_id=round_.zone_id,
            blind=round_.blind,
            scoring_opens_at=a_year_on(round_.scoring_opens_at),
            scoring_closes_at=a_year_on(round_.scoring_closes_at),
            held_at=a_year_on(round_.held_at),
            venue=round_.venue,
            advance_rule=round_.advance_rule,
            advance_count=round_.advance_count,
            advance_min_score=round_.advance_min_score,
            tie_break=round_.tie_break,
            drop_extremes=round_.drop_extremes,
            created_by=actor,
        )
        on_behalf_of(actor, copy)
        copy.save()
        ROUND_LIFECYCLE.begin(actor, copy)
        RoundCriterion.objects.bulk_create(
            RoundCriterion(
                round=copy,
                name=criterion.name,
                weight=criterion.weight,
                max_score=criterion.max_score,
                sort_order=criterion.sort_order,
            )
            for criterion in round_.criteria.all()
        )
        Judge.objects.bulk_create(
            Judge(round=copy, user_id=judge.user_id, is_chair=judge.is_chair) for judge in round_.judges.all()
        )
        copies[round_.pk] = copy
        if round_.next_round_id is not None:
            feeds[round_.pk] = round_.next_round_id
    for source, target in feeds.items():
        if target in copies:
            copies[source].next_round = copies[target]
            copies[source].save(update_fields=["next_round", "updated_at"])
    return edition
