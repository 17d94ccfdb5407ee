"""A live round on stage: the running order, turns opened and closed by the chair, the panel's scores
sent from their phones, and the state the projector's display shows.

Why the rules are what they are:
- One contestant is on stage at a time. The turn has no round column, so a unique constraint cannot say
  it; opening a turn locks the round's row first, so two taps on "next" (two people at the desk, or one
  impatient thumb) are serialised and the second finds the first's open turn.
- A judge's score is saved once. Scoring locks the turn's row, so a score and the chair's close are
  serialised too: a late score that reaches the lock before the close counts, one after it is refused.
  A phone that lost its connection re-sends with the same ``request_key`` and gets the first answer back;
  a second, different sending (another key) is refused with the time the first arrived. A correction
  after sending is not offered: the issue's rule is "saved once, never twice", and a judge who changes
  their mind after seeing the others' reactions would defeat independent scoring.
- The display polls every second. Each round has a version counter in the shared cache, keyed by its
  display key and bumped after every change commits; the display's answer carries it as its ETag, so a
  poll that finds nothing new is answered from one cache read, with no database work at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contests import permissions
from contests.models import Conflict, Entry, Judge, PanelScore, Round, RoundCriterion, Turn
from contests.services import ROUND_LIFECYCLE, RUN_BY_OTHERS, THREE_PLACES, Standing, weighted_total
from talent.services import checked_scores
from zones_portal import versions
from zones_portal.dates import format_date
from zones_portal.lifecycle import InvalidMoveError, on_behalf_of, who
from zones_portal.widgets import readers_number

TWO_PLACES = Decimal("0.01")  # what the display shows of a result
# At least this many scores before the highest and lowest are dropped: with three, dropping two would
# leave one judge deciding alone.
DROP_EXTREMES_FROM = 4
DISPLAY_TOP = 10  # how many places of the running ranking the projector shows


class AlreadyScoredError(ValidationError):
    """A second, different sending for a turn the judge has scored: carries the first score."""

    def __init__(self, message: str, score: PanelScore) -> None:
        super().__init__(message, code="already_scored")
        self.score = score


# --- who may -------------------------------------------------------------------------------------------


def can_conduct(user, round_: Round) -> bool:
    """Opening and closing turns: the panel's chair, and whoever runs the round (they stand in for a
    chair who is also scoring, or one whose phone died)."""
    return permissions.can_run_round(user, round_) or permissions.is_chair(user, round_)


def _must_conduct(actor, round_: Round) -> None:
    if not can_conduct(actor, round_):
        raise PermissionDenied(
            _("Only the panel's chair, or whoever runs the round, opens and closes turns.")
        )


def _must_run(actor, round_: Round) -> None:
    if not permissions.can_run_round(actor, round_):
        raise PermissionDenied(RUN_BY_OTHERS)


def _must_be_live(round_: Round) -> None:
    if not round_.is_live:
        raise InvalidMoveError(_("This round is scored by jurors at their own pace, not on stage."))


# --- the display's version counter ---------------------------------------------------------------------


def counter_name(display_key: str) -> str:
    return f"live:{display_key}"


def counter_key(display_key: str) -> str:
    """The cache key of the round's counter, read directly by the display's fast path."""
    return versions.PREFIX + counter_name(display_key)


def known_version(display_key: str) -> int | None:
    """The counter if the cache holds it, without creating it: an unknown key must cost nothing and
    leave nothing behind. None when absent or the cache is unreachable."""
    try:
        value = cache.get(counter_key(display_key))
    except Exception:  # noqa: BLE001 - an unreachable cache means "build it afresh", never an error page
        return None
    return None if value is None else int(value)


def version_of(round_: Round) -> int | None:
    """The counter of a round known to exist (created if the cache lost it)."""
    found = versions.current(counter_name(round_.display_key))
    return None if found is None else found[0]


def _changed(round_: Round) -> None:
    """Bumps the round's counter once the change is committed: a poll in between reads the old rows
    under the old counter, so it is never kept as the new state."""
    name = counter_name(round_.display_key)
    transaction.on_commit(lambda: versions.bump(name), robust=True)


# --- the maths ------------------------------------------------------------------------------------------


def judge_total(criteria: Iterable[RoundCriterion], values: Mapping[str, Decimal]) -> Decimal:
    """A judge's 0-to-100 total, counted as every round's (``weighted_total``); the phone sends the
    criteria by their ids as text."""
    criteria = list(criteria)
    by_id = {criterion.pk: values[str(criterion.pk)] for criterion in criteria}
    return weighted_total(criteria, by_id) or Decimal(0)


@dataclass(frozen=True)
class TurnResult:
    result: Decimal
    dropped: tuple[int, ...] = ()  # the ids of the scores left out (the highest and the lowest)


def turn_result(scores: Iterable[PanelScore], drop_extremes: bool) -> TurnResult:
    """The mean of the judges' totals, to three places; with ``drop_extremes`` and at least four scores,
    one highest and one lowest are left out (ties: the earliest sent of them). Two different scores are
    always dropped, even when every judge gave the same total."""
    scores = list(scores)
    if not scores:
        raise InvalidMoveError(_("No judge has scored this contestant yet."))
    dropped: tuple[int, ...] = ()
    counted = scores
    if drop_extremes and len(scores) >= DROP_EXTREMES_FROM:
        in_order = sorted(scores, key=lambda s: (s.total, s.submitted_at, s.pk))
        lowest = in_order[0]
        highest = next(
            s for s in sorted(scores, key=lambda s: (-s.total, s.submitted_at, s.pk)) if s.pk != lowest.pk
        )
        dropped = (highest.pk, lowest.pk)
        counted = [s for s in scores if s.pk not in dropped]
    mean = sum((s.total for s in counted), Decimal(0)) / len(counted)
    return TurnResult(mean.quantize(THREE_PLACES, rounding=ROUND_HALF_UP), dropped)


def parse_values(criteria: Iterable[RoundCriterion], raw: Mapping[str, object]) -> dict[str, Decimal]:
    """Each criterion's score by the criterion's id as text, checked as every score is
    (talent.services.checked_scores)."""
    return {str(criterion.pk): value for criterion, value in checked_scores(criteria, raw).items()}


# --- setting up ------------------------------------------------------------------------------------------


def ensure_turns(round_: Round) -> int:
    """Every entry of a live round has its turn on stage; entries added after the round was set up get
    theirs here. Returns how many were made."""
    missing = round_.entries.filter(turn__isnull=True)
    made = Turn.objects.bulk_create([Turn(entry=entry) for entry in missing])
    return len(made)


ORDER_BY_NUMBER = "number"
ORDER_BY_PREVIOUS_RANK = "previous"
ORDER_BY_PREVIOUS_RANK_BEST_LAST = "previous-best-last"
ORDER_RULES = (ORDER_BY_NUMBER, ORDER_BY_PREVIOUS_RANK, ORDER_BY_PREVIOUS_RANK_BEST_LAST)


def _locked_round(round_: Round) -> Round:
    return ROUND_LIFECYCLE.lock(round_)


def _renumber(round_: Round, waiting_in_order: list[Entry]) -> None:
    """Those already on stage or done keep the head of the order (in the order they went on); the
    waiting follow in the order given. Cleared first, as the order is unique within the round."""
    done = list(
        round_.entries.exclude(turn__status=Turn.Status.WAITING).order_by(
            F("turn__opened_at").asc(nulls_last=True), "running_order", "pk"
        )
    )
    everyone = done + [e for e in waiting_in_order if e.pk not in {d.pk for d in done}]
    round_.entries.update(running_order=None)
    for position, entry in enumerate(everyone, start=1):
        entry.running_order = position
    Entry.objects.bulk_update(everyone, ["running_order"])


def _waiting(round_: Round) -> QuerySet[Entry]:
    return round_.entries.filter(turn__status=Turn.Status.WAITING)


@transaction.atomic
def set_running_order(actor, round_: Round, entry_ids: list[int]) -> None:
    """The waiting contestants in the order given (every one of them, once)."""
    _must_run(actor, round_)
    _must_be_live(round_)
    round_ = _locked_round(round_)
    if round_.status not in (Round.Status.DRAFT, Round.Status.SCORING):
        raise InvalidMoveError(_("The running order changes only before scoring closes."))
    ensure_turns(round_)
    waiting = {entry.pk: entry for entry in _waiting(round_)}
    if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(waiting):
        raise ValidationError(_("Give every contestant still waiting exactly one place in the order."))
    _renumber(round_, [waiting[pk] for pk in entry_ids])
    _changed(round_)


@transaction.atomic
def order_running(actor, round_: Round, rule: str) -> None:
    """The waiting contestants by their entry number, or by their place in the round they came from
    (best first, or best last so the strongest close the evening); those without a place follow."""
    if rule not in ORDER_RULES:
        raise ValidationError(_("Choose how to order the contestants."))
    waiting = list(_waiting(round_).select_related("came_from"))
    if rule == ORDER_BY_NUMBER:
        waiting.sort(key=lambda e: e.number)
    else:

        def place(entry: Entry) -> tuple | None:
            came = entry.came_from
            if came is None or (came.rank is None and came.total is None):
                return None
            return (came.rank is None, came.rank or 0, -(came.total or 0), entry.number)

        ranked = sorted((e for e in waiting if place(e) is not None), key=place)
        unranked = sorted((e for e in waiting if place(e) is None), key=lambda e: e.number)
        waiting = unranked + ranked[::-1] if rule == ORDER_BY_PREVIOUS_RANK_BEST_LAST else ranked + unranked
    set_running_order(actor, round_, [e.pk for e in waiting])


@transaction.atomic
def open_live_scoring(actor, round_: Round) -> Round:
    """The round goes on stage: it needs criteria, a panel with a chair, and contestants in order."""
    _must_be_live(round_)
    round_ = ROUND_LIFECYCLE.enter("open_scoring", actor, round_)
    if not round_.criteria.exists():
        raise InvalidMoveError(_("Give the round its criteria before scoring opens."))
    if not round_.judges.filter(is_chair=True).exists():
        raise InvalidMoveError(_("Name the panel and its chair before scoring opens."))
    if not round_.entries.exclude(status=Entry.Status.WITHDRAWN).exists():
        raise InvalidMoveError(_("Enter the contestants before scoring opens."))
    ensure_turns(round_)
    if round_.entries.filter(running_order__isnull=True).exists():
        # Those given a place keep it; the others follow by their number.
        waiting = list(_waiting(round_))
        placed = sorted((e for e in waiting if e.running_order is not None), key=lambda e: e.running_order)
        unplaced = sorted((e for e in waiting if e.running_order is None), key=lambda e: e.number)
        set_running_order(actor, round_, [e.pk for e in placed + unplaced])
    round_ = ROUND_LIFECYCLE.move("open_scoring", actor, round_)
    _changed(round_)
    return round_


@transaction.atomic
def close_live_scoring(actor, round_: Round) -> Round:
    """The evening is over: no contestant on stage, and none still competing who has not been."""
    _must_be_live(round_)
    round_ = ROUND_LIFECYCLE.enter("close_scoring", actor, round_)
    if Turn.objects.filter(entry__round=round_, status=Turn.Status.OPEN).exists():
        raise InvalidMoveError(_("Close the turn on stage first."))
    waiting = _waiting(round_).filter(status=Entry.Status.COMPETING).count()
    if waiting:
        raise InvalidMoveError(
            ngettext(
                "%(count)s contestant has not been on stage yet: open their turn, or withdraw them, "
                "before scoring closes.",
                "%(count)s contestants have not been on stage yet: open their turns, or withdraw them, "
                "before scoring closes.",
                waiting,
            )
            % {"count": readers_number(str(waiting))}
        )
    round_ = ROUND_LIFECYCLE.move("close_scoring", actor, round_)
    _changed(round_)
    return round_


# --- turns ----------------------------------------------------------------------------------------------


def _must_be_scoring(round_: Round) -> None:
    if round_.status != Round.Status.SCORING:
        raise InvalidMoveError(_("Scoring of this round is not open."))


@transaction.atomic
def open_turn(actor, round_: Round, entry: Entry | None = None) -> Turn:
    """The next contestant in the running order (or the one named) goes on stage."""
    _must_conduct(actor, round_)
    _must_be_live(round_)
    round_ = _locked_round(round_)  # every opening of this round waits here, one after another
    _must_be_scoring(round_)
    on_stage = (
        Turn.objects.filter(entry__round=round_, status=Turn.Status.OPEN).select_related("entry").first()
    )
    if on_stage is not None:
        raise InvalidMoveError(
            _("Contestant %(number)s is still on stage: close their turn first.")
            % {"number": readers_number(str(on_stage.entry.number))}
        )
    waiting = Turn.objects.filter(
        entry__round=round_, status=Turn.Status.WAITING, entry__status=Entry.Status.COMPETING
    ).select_related("entry")
    if entry is not None:
        waiting = waiting.filter(entry=entry)
    turn = waiting.order_by(F("entry__running_order").asc(nulls_last=True), "entry__number").first()
    if turn is None:
        raise InvalidMoveError(
            _("This contestant is not waiting to go on stage.")
            if entry is not None
            else _("Every contestant has been on stage.")
        )
    turn.status = Turn.Status.OPEN
    turn.opened_at = timezone.now()
    on_behalf_of(actor, turn)
    turn.save(update_fields=["status", "opened_at"])
    _changed(round_)
    return turn


def _lock_turn(turn: Turn) -> Turn:
    Turn.objects.select_for_update().filter(pk=turn.pk).order_by("pk").values_list("pk", flat=True).first()
    return Turn.objects.select_related("entry__round").get(pk=turn.pk)


@transaction.atomic
def close_turn(actor, turn: Turn) -> Turn:
    """The chair closes the turn: the result is the mean of the judges' totals (the extremes dropped
    when the round says so), kept on the turn and as the entry's total."""
    round_ = turn.entry.round
    _must_conduct(actor, round_)
    turn = _lock_turn(turn)
    if turn.status != Turn.Status.OPEN:
        raise InvalidMoveError(_("Only the turn on stage can be closed."))
    outcome = turn_result(turn.scores.all(), round_.drop_extremes)
    turn.status = Turn.Status.CLOSED
    turn.closed_at = timezone.now()
    turn.closed_by = who(actor)
    turn.result = outcome.result
    on_behalf_of(actor, turn)
    turn.save(update_fields=["status", "closed_at", "closed_by", "result"])
    entry = turn.entry
    entry.total = outcome.result
    on_behalf_of(actor, entry)
    entry.save(update_fields=["total", "updated_at"])
    _changed(round_)
    return turn


@transaction.atomic
def reopen_turn(actor, turn: Turn, reason: str) -> Turn:
    """A turn closed by mistake (before a judge's late score arrived) goes back on stage, with the
    reason kept in its history; its result is cleared until it closes again."""
    round_ = turn.entry.round
    _must_conduct(actor, round_)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the turn opens again.")]})
    round_ = _locked_round(round_)
    _must_be_scoring(round_)
    turn = _lock_turn(turn)
    if turn.status != Turn.Status.CLOSED:
        raise InvalidMoveError(_("Only a closed turn can open again."))
    if Turn.objects.filter(entry__round=round_, status=Turn.Status.OPEN).exists():
        raise InvalidMoveError(_("Another contestant is on stage: close their turn first."))
    turn.status = Turn.Status.OPEN
    turn.closed_at = None
    turn.closed_by = None
    turn.result = None
    on_behalf_of(actor, turn)
    turn._change_reason = reason
    turn.save(update_fields=["status", "closed_at", "closed_by", "result"])
    entry = turn.entry
    entry.total = None
    on_behalf_of(actor, entry)
    entry._change_reason = reason
    entry.save(update_fields=["total", "updated_at"])
    _changed(round_)
    return turn


# --- scores ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    score: PanelScore
    repeated: bool  # the same sending again (same request_key): nothing new was saved


def received_sentence(score: PanelScore) -> str:
    return _("Your score was received at %(time)s.") % {"time": format_date(score.submitted_at, "time")}


@transaction.atomic
def submit_score(actor, turn: Turn, raw_values: Mapping[str, object], request_key: uuid.UUID | str) -> Sent:
    """One judge's score of the turn on stage, saved once (see the module's docstring)."""
    round_ = turn.entry.round
    seat = permissions.judge_seat(actor, round_)
    if seat is None:
        raise PermissionDenied(_("Only the members of this round's panel score it."))
    try:
        request_key = uuid.UUID(str(request_key))
    except ValueError:
        raise ValidationError(_("This sending has no valid id; reload the page and send again.")) from None
    turn = _lock_turn(turn)
    round_ = turn.entry.round
    earlier = PanelScore.objects.filter(turn=turn, judge=seat).first()
    if earlier is not None:
        if earlier.request_key == request_key:
            return Sent(earlier, repeated=True)
        raise AlreadyScoredError(
            _("%(received)s A score is saved once and cannot be changed.")
            % {"received": received_sentence(earlier)},
            earlier,
        )
    if turn.status == Turn.Status.CLOSED:
        raise InvalidMoveError(
            _("The chair closed this contestant's turn at %(time)s; your score was not saved.")
            % {"time": format_date(turn.closed_at, "time")}
        )
    if turn.status != Turn.Status.OPEN or round_.status != Round.Status.SCORING:
        raise InvalidMoveError(_("This contestant is not on stage; wait for the chair to open their turn."))
    if Conflict.objects.filter(entry_id=turn.entry_id, judge=seat).exists():
        raise PermissionDenied(
            _("You declared a conflict of interest with this contestant; you do not score them.")
        )
    criteria = list(round_.criteria.all())
    values = parse_values(criteria, raw_values)
    score = PanelScore(
        turn=turn,
        judge=seat,
        values={key: str(value) for key, value in values.items()},
        total=judge_total(criteria, values),
        request_key=request_key,
        submitted_at=timezone.now(),
    )
    on_behalf_of(actor, score)
    score.save()
    _changed(round_)
    return Sent(score, repeated=False)


# --- what the pages show --------------------------------------------------------------------------------


def current_turn(round_: Round) -> Turn | None:
    """The turn on stage, else the last one closed (the display keeps showing its result)."""
    turns = Turn.objects.filter(entry__round=round_).select_related("entry__application__zone")
    on_stage = turns.filter(status=Turn.Status.OPEN).first()
    if on_stage is not None:
        return on_stage
    return turns.filter(status=Turn.Status.CLOSED).order_by("-closed_at", "-pk").first()


def ranking(round_: Round, top: int | None = None) -> list[Standing]:
    """The running ranking of the contestants whose turn has closed: highest result first, equal results
    sharing a place (1, 2, 2, 4). The round's tie-break decides advancing later, not the display."""
    entries = list(
        round_.entries.filter(turn__status=Turn.Status.CLOSED)
        .exclude(status=Entry.Status.WITHDRAWN)
        .select_related("application__zone", "turn")
        .order_by("-turn__result", "running_order", "pk")
    )
    standings: list[Standing] = []
    for index, entry in enumerate(entries):
        result = entry.turn.result
        place = standings[-1].place if standings and standings[-1].total == result else index + 1
        standings.append(Standing(entry, result, place=place))
    return standings[:top] if top else standings


@dataclass
class PanelSeat:
    judge: Judge
    score: PanelScore | None
    conflicted: bool = False
    dropped: bool = False


@dataclass
class Desk:
    round: Round
    turn: Turn | None
    seats: list[PanelSeat] = field(default_factory=list)
    next_entry: Entry | None = None
    waiting: list[Entry] = field(default_factory=list)
    closed: list[Turn] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return sum(1 for seat in self.seats if seat.score is not None)

    @property
    def stage_free(self) -> bool:
        """Nobody on stage: the chair may call anyone waiting, or open a closed turn again."""
        return self.turn is None or self.turn.status == Turn.Status.CLOSED

    @property
    def expected(self) -> int:
        return sum(1 for seat in self.seats if not seat.conflicted)


def desk(round_: Round) -> Desk:
    """The chair's view: the turn on stage (or the last closed), who has scored it, who is next."""
    turn = current_turn(round_)
    seats: list[PanelSeat] = []
    judges = list(round_.judges.select_related("user"))
    if turn is not None:
        scores = {score.judge_id: score for score in turn.scores.all()}
        conflicted = set(Conflict.objects.filter(entry_id=turn.entry_id).values_list("judge_id", flat=True))
        dropped: tuple[int, ...] = ()
        if turn.status == Turn.Status.CLOSED and scores:
            dropped = turn_result(scores.values(), round_.drop_extremes).dropped
        seats = [
            PanelSeat(
                judge,
                scores.get(judge.pk),
                judge.pk in conflicted,
                judge.pk in scores and scores[judge.pk].pk in dropped,
            )
            for judge in judges
        ]
    else:
        seats = [PanelSeat(judge, None) for judge in judges]
    waiting = list(
        _waiting(round_)
        .filter(status=Entry.Status.COMPETING)
        .select_related("application__zone")
        .order_by(F("running_order").asc(nulls_last=True), "number")
    )
    closed = list(
        Turn.objects.filter(entry__round=round_, status=Turn.Status.CLOSED)
        .select_related("entry__application__zone")
        .order_by("-closed_at", "-pk")
    )
    return Desk(round_, turn, seats, waiting[0] if waiting else None, waiting, closed)


def display_state(round_: Round) -> dict:
    """What the projector shows, with every number already in the reader's digits: built once per
    version of the round and language, and served from the cache to every display that asks."""

    def number(value: object) -> str:
        return readers_number(str(value))

    def result(value: Decimal) -> str:
        """Two places at most, trailing zeros trimmed: 82.25, 82.5, 82."""
        text = f"{value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):f}"
        return number(text.rstrip("0").rstrip(".") if "." in text else text)

    turn = current_turn(round_)
    state: dict = {"round": round_.name, "status": round_.status, "turn": None, "ranking": []}
    if turn is not None:
        entry = turn.entry
        panel = round_.judges.exclude(conflicts__entry=entry).count()
        scored = turn.scores.count() if turn.status == Turn.Status.OPEN else panel
        state["turn"] = {
            "id": turn.pk,
            "open": turn.status == Turn.Status.OPEN,
            "number": number(entry.number),
            "name": entry.application.full_name,
            "zone": entry.application.zone.name,
            "scored": number(scored),
            "panel": number(panel),
            "scored_text": _("%(scored)s of %(panel)s judges have scored")
            % {"scored": number(scored), "panel": number(panel)},
            "result": result(turn.result) if turn.result is not None else "",
        }
    state["ranking"] = [
        {
            "place": number(standing.place),
            "number": number(standing.entry.number),
            "name": standing.entry.application.full_name,
            "zone": standing.entry.application.zone.name,
            "result": result(standing.total),
            "last": turn is not None and standing.entry.pk == turn.entry_id,
        }
        for standing in ranking(round_, DISPLAY_TOP)
    ]
    return state


def judge_state(round_: Round, seat: Judge) -> dict:
    """What a judge's phone needs to follow the stage: the turn on stage and whether this judge has
    scored it (and when)."""
    turn = (
        Turn.objects.filter(entry__round=round_, status=Turn.Status.OPEN)
        .select_related("entry__application__zone")
        .first()
    )
    state: dict = {"scoring": round_.status == Round.Status.SCORING, "turn": None}
    if turn is None:
        return state
    mine = PanelScore.objects.filter(turn=turn, judge=seat).first()
    state["turn"] = {
        "id": turn.pk,
        "number": turn.entry.number,
        "name": turn.entry.application.full_name,
        "zone": turn.entry.application.zone.name,
        "conflict": Conflict.objects.filter(entry_id=turn.entry_id, judge=seat).exists(),
        "received": received_sentence(mine) if mine else "",
    }
    return state


def rounds_on_stage_for(user) -> QuerySet[Round]:
    """Live rounds the person judges, runs or chairs that are not yet decided (their way in)."""
    seats = Q(judges__user=user)
    return (
        Round.objects.visible_to(user)
        .filter(mode=Round.Mode.LIVE)
        .exclude(status=Round.Status.DECIDED)
        .filter(seats | Q(pk__in=Round.objects.editable_by(user).values("pk")))
        .distinct()
        .annotate(entries_count=Count("entries", distinct=True))
    )
