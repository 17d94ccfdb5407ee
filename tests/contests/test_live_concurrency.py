"""Two taps at once on PostgreSQL: "call the next contestant" from two places opens one turn, and the
same score sent twice at once (a phone re-sending while the first is still in flight) is saved once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from contests.models import PanelScore, Round, Turn
from contests.services import live
from tests.contests.world import enter, make_round, panel, quran_call
from tests.factories import secretariat_user
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _at_once(work, count: int = 2) -> tuple[list, list]:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # noqa: BLE001 - the test reads what each thread met
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def _final():
    judges = panel(5, prefix="race")
    round_ = make_round(
        quran_call(),
        Zone.objects.get(slug="qeshm"),
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=None,
        judges=judges,
        chair=judges[0],
    )
    enter(round_, Zone.objects.get(slug="kish"), 3, live=True)
    live.open_live_scoring(secretariat_user(username="race-officer"), round_)
    return round_, judges


def test_two_taps_on_next_open_one_turn_and_one_score_is_saved_once():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises all writers)")
    round_, judges = _final()
    opened, refused = _at_once(lambda: live.open_turn(judges[0], round_))
    assert len(opened) == 1
    assert [type(error).__name__ for error in refused] == ["InvalidMoveError"]
    assert Turn.objects.filter(entry__round=round_, status=Turn.Status.OPEN).count() == 1

    turn = opened[0]
    key = uuid.uuid4()
    scores = {str(c.pk): "7" for c in round_.criteria.all()}
    sent, errors = _at_once(lambda: live.submit_score(judges[1], turn, scores, key))
    assert errors == []
    assert sorted(s.repeated for s in sent) == [False, True]
    assert PanelScore.objects.filter(turn=turn).count() == 1
