"""The competitions' transition tables; the services that use them live beside, one module per area:
``rounds`` (setting up rounds, entering contestants, review scoring, ranking and advancing), ``live``
(turns on stage and the panel's scores) and ``certificates``.

Ranking and advancing follow the round's own rules (top N per zone, top N, a lowest score; ties broken
by the criteria in order, by the earlier application, or all tied go on); every move of a round or an
entry is recorded with who and when (zones_portal.lifecycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from contests import permissions
from contests.models import Entry, EntryStatusChange, Round, RoundCriterion, RoundStatusChange
from zones_portal.lifecycle import Lifecycle, Move

RUN_BY_OTHERS = _("Only the secretariat, or for a zone preliminary that zone's deputy, runs this round.")
NOT_IN_COMPETITIONS = _("Competitions are run by the secretariat and the zones, and judged by their panels.")

HUNDRED = Decimal(100)
# Totals and results are kept to three places (the columns' scale) and shown to two.
THREE_PLACES = Decimal("0.001")


def weighted_total(criteria: Iterable[RoundCriterion], values: Mapping[int, Decimal | str]) -> Decimal | None:
    """0 to 100: each criterion's score as a share of its maximum, weighted, over the total weight of the
    criteria scored, as a talent call's ranking counts it, so criteria on different scales weigh what
    their weights say. One function for a review round's means and a panel judge's scores, so the two
    kinds of round round their totals alike (half up). None when no criterion was scored."""
    scored = [criterion for criterion in criteria if criterion.pk in values]
    weight = sum((criterion.weight for criterion in scored), Decimal(0))
    if not weight:
        return None
    share = sum(
        (
            criterion.weight * Decimal(str(values[criterion.pk])) / Decimal(criterion.max_score)
            for criterion in scored
        ),
        Decimal(0),
    )
    return (share / weight * HUNDRED).quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Standing:
    """An entry's place in a round's ranking: the review ranking fills every field; the live display's
    running ranking only the entry, its result (``total``) and its place."""

    entry: Entry
    total: Decimal | None  # None: nobody scored it
    by_criterion: list[Decimal] = field(default_factory=list)  # mean score per criterion, in their order
    judges: int = 0
    place: int | None = None


ROUND_LIFECYCLE = Lifecycle(
    Round,
    RoundStatusChange,
    "round",
    {
        "open_scoring": Move(
            (Round.Status.DRAFT,),
            Round.Status.SCORING,
            permissions.can_run_round,
            RUN_BY_OTHERS,
            _("Only a round being prepared can open for scoring."),
        ),
        "close_scoring": Move(
            (Round.Status.SCORING,),
            Round.Status.CLOSED,
            permissions.can_run_round,
            RUN_BY_OTHERS,
            _("Only a round being scored can close."),
        ),
        "reopen_scoring": Move(
            (Round.Status.CLOSED,),
            Round.Status.SCORING,
            permissions.can_run_round,
            RUN_BY_OTHERS,
            _("Only a closed round whose results are not decided can reopen."),
            reason_required=_("Say why scoring opens again."),
        ),
        "decide": Move(
            (Round.Status.CLOSED,),
            Round.Status.DECIDED,
            permissions.can_run_round,
            RUN_BY_OTHERS,
            _("Results are decided once scoring has closed, and only once."),
        ),
    },
)

ENTRY_LIFECYCLE = Lifecycle(
    Entry,
    EntryStatusChange,
    "entry",
    {
        "advance": Move(
            (Entry.Status.COMPETING,),
            Entry.Status.ADVANCED,
            lambda actor, entry: permissions.can_run_round(actor, entry.round),
            RUN_BY_OTHERS,
            _("Only a contestant still competing in this round can go on."),
        ),
        "eliminate": Move(
            (Entry.Status.COMPETING,),
            Entry.Status.ELIMINATED,
            lambda actor, entry: permissions.can_run_round(actor, entry.round),
            RUN_BY_OTHERS,
            _("Only a contestant still competing in this round can be left out."),
        ),
        "place": Move(
            (Entry.Status.COMPETING,),
            Entry.Status.WINNER,
            lambda actor, entry: permissions.can_run_round(actor, entry.round),
            RUN_BY_OTHERS,
            _("Only a contestant still competing in the final can be placed."),
        ),
        "withdraw": Move(
            (Entry.Status.COMPETING,),
            Entry.Status.WITHDRAWN,
            lambda actor, entry: permissions.can_run_round(actor, entry.round),
            RUN_BY_OTHERS,
            _("Only a contestant still competing can withdraw."),
            reason_required=_("Say why the contestant withdraws."),
        ),
    },
)
