"""A live round on stage (issue 19 item 3): turns, the panel's scores from their phones (saved once,
late until the chair closes), the result with the extremes dropped, who may do what, and the display's
cheap polling answer."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from contests.models import Entry, PanelScore, Round, Turn
from contests.services import live
from tests.contests.world import enter, make_round, panel, quran_call
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db

# tajwid 3, voice 2, melody 2, memorisation 3 (each out of 10): a judge's total is 10 × the weighted mean.
FULL = {"tajwid": 10, "voice": 10, "melody": 10, "memory": 10}


@pytest.fixture
def final(qeshm, kish, secretariat):
    """The joint final in Qeshm: a panel of five (the first chairs), six contestants, scoring open."""
    judges = panel(5)
    round_ = make_round(
        quran_call(),
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=None,
        judges=judges,
        chair=judges[0],
        drop_extremes=True,
    )
    enter(round_, kish, 3, live=True)
    enter(round_, qeshm, 3, live=True)
    live.open_live_scoring(secretariat, round_)
    round_.refresh_from_db()
    round_.panel = judges
    return round_


def values(round_: Round, *scores: float) -> dict[str, str]:
    criteria = list(round_.criteria.all())
    return {str(c.pk): str(s) for c, s in zip(criteria, scores, strict=True)}


def score_post(client, round_: Round, turn: Turn, raw: dict, key=None):
    return client.post(
        reverse("contests:live-judge-score", args=[round_.pk]),
        data=json.dumps({"turn": turn.pk, "request_key": str(key or uuid.uuid4()), "values": raw}),
        content_type="application/json",
    )


def test_a_judge_who_disconnects_and_sends_again_is_counted_once(final, secretariat, client_for):
    turn = live.open_turn(final.panel[0], final)
    phones = [client_for(judge) for judge in final.panel]
    key = uuid.uuid4()
    first = score_post(phones[4], final, turn, values(final, 8, 7, 9, 6), key)
    # The answer never reached the phone: it sends the same thing again with the same key.
    again = score_post(phones[4], final, turn, values(final, 8, 7, 9, 6), key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert "دریافت شد" in first.json()["received"]  # «نمره شما ساعت ... دریافت شد.»
    # Another sending (a new key, other values) is refused with the time the first arrived.
    other = score_post(phones[4], final, turn, values(final, 1, 1, 1, 1))
    assert other.status_code == 409
    assert other.json()["already"] is True
    assert "هر نمره یک بار ثبت می‌شود و تغییر نمی‌کند." in other.json()["message"]
    for phone in phones[:4]:
        assert score_post(phone, final, turn, values(final, 7, 7, 7, 7)).status_code == 200
    assert PanelScore.objects.filter(turn=turn).count() == 5
    kept = PanelScore.objects.get(turn=turn, judge__user=final.panel[4])
    assert kept.request_key == key
    assert kept.total == Decimal("74.000")  # (3×8 + 2×7 + 2×9 + 3×6) / 10 / 10 × 100
    live.close_turn(final.panel[0], turn)
    turn.refresh_from_db()
    assert turn.status == Turn.Status.CLOSED
    assert turn.result == Decimal("70.000")  # 74 and one 70 dropped: the mean of 70, 70, 70


def test_a_late_score_counts_until_the_chair_closes_the_turn(final, client_for):
    turn = live.open_turn(final.panel[0], final)
    for judge in final.panel[:3]:
        live.submit_score(judge, turn, values(final, 5, 5, 5, 5), uuid.uuid4())
    late = client_for(final.panel[3])  # long after the others, but before the close: it counts
    assert score_post(late, final, turn, values(final, 9, 9, 9, 9)).status_code == 200
    live.close_turn(final.panel[0], turn)
    turn.refresh_from_db()
    assert turn.result == Decimal("50.000")  # 90 and one 50 dropped
    too_late = score_post(client_for(final.panel[4]), final, turn, values(final, 9, 9, 9, 9))
    assert too_late.status_code == 409
    assert too_late.json()["closed"] is True
    assert "نوبت این شرکت‌کننده را ساعت" in too_late.json()["message"]
    assert PanelScore.objects.filter(turn=turn).count() == 4


def test_a_score_after_the_close_is_refused_for_a_judge_who_had_not_scored(final):
    turn = live.open_turn(final.panel[0], final)
    live.submit_score(final.panel[1], turn, values(final, 5, 5, 5, 5), uuid.uuid4())
    live.close_turn(final.panel[0], turn)
    with pytest.raises(InvalidMoveError, match="closed this contestant's turn"):
        live.submit_score(final.panel[2], turn, values(final, 9, 9, 9, 9), uuid.uuid4())
    assert PanelScore.objects.filter(turn=turn).count() == 1


def _scores(*totals: str) -> list[PanelScore]:
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    return [
        PanelScore(pk=i + 1, total=Decimal(total), submitted_at=now + dt.timedelta(seconds=i))
        for i, total in enumerate(totals)
    ]


def test_drop_extremes_maths():
    five = _scores("80", "90", "70", "85", "60")
    outcome = live.turn_result(five, drop_extremes=True)
    assert outcome.result == Decimal("78.333")  # 80, 70, 85
    assert set(outcome.dropped) == {2, 5}
    assert live.turn_result(five, drop_extremes=False).result == Decimal("77.000")
    # Three scores: nothing is dropped, even when the round says so.
    three = _scores("80", "90", "70")
    assert live.turn_result(three, drop_extremes=True) == live.TurnResult(Decimal("80.000"))
    # Four with ties at both ends: one highest and one lowest go, the rest count.
    tied = _scores("90", "90", "60", "60")
    outcome = live.turn_result(tied, drop_extremes=True)
    assert outcome.result == Decimal("75.000")
    assert outcome.dropped == (1, 3)
    with pytest.raises(InvalidMoveError):
        live.turn_result([], drop_extremes=True)


def test_a_judges_total_weighs_each_criterion_against_its_maximum(final):
    criteria = list(final.criteria.all())
    criteria[0].max_score = 20
    parsed = live.parse_values(
        criteria, {str(c.pk): v for c, v in zip(criteria, ["۱۵", "٧", "7.5", "۱۰"], strict=True)}
    )
    assert parsed[str(criteria[0].pk)] == Decimal("15.00")
    # (3 × 15/20 + 2 × 0.7 + 2 × 0.75 + 3 × 1) / 10 × 100
    assert live.judge_total(criteria, parsed) == Decimal("81.500")


def test_scores_out_of_range_are_refused_per_criterion(final, client_for):
    turn = live.open_turn(final.panel[0], final)
    criteria = list(final.criteria.all())
    raw = values(final, 11, -1, "x", 5)
    answer = score_post(client_for(final.panel[1]), final, turn, raw)
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {f"criterion_{c.pk}" for c in criteria[:3]}
    assert "از ۰ تا ۱۰ است." in errors[f"criterion_{criteria[0].pk}"][0]
    assert not PanelScore.objects.exists()


def test_only_one_contestant_is_on_stage_at_a_time(final):
    chair = final.panel[0]
    first = live.open_turn(chair, final)
    with pytest.raises(InvalidMoveError, match="still on stage"):
        live.open_turn(chair, final)
    waiting = Entry.objects.filter(round=final, turn__status=Turn.Status.WAITING).last()
    with pytest.raises(InvalidMoveError, match="still on stage"):
        live.open_turn(chair, final, waiting)
    assert Turn.objects.filter(entry__round=final, status=Turn.Status.OPEN).count() == 1
    assert first.entry.running_order == 1


def test_a_turn_closed_by_mistake_opens_again_with_its_reason(final):
    chair = final.panel[0]
    turn = live.open_turn(chair, final)
    live.submit_score(final.panel[1], turn, values(final, 5, 5, 5, 5), uuid.uuid4())
    live.close_turn(chair, turn)
    with pytest.raises(Exception, match="Say why"):
        live.reopen_turn(chair, turn, "  ")
    live.reopen_turn(chair, turn, "داور پنجم هنوز نمره نداده بود")
    turn.refresh_from_db()
    assert (turn.status, turn.result, turn.closed_at) == (Turn.Status.OPEN, None, None)
    assert turn.entry.total is None
    assert turn.history.first().history_change_reason == "داور پنجم هنوز نمره نداده بود"
    live.submit_score(final.panel[4], turn, values(final, 9, 9, 9, 9), uuid.uuid4())
    live.close_turn(chair, turn)
    turn.refresh_from_db()
    assert turn.result == Decimal("70.000")


def test_scoring_closes_once_every_contestant_has_been_on_stage(final, secretariat):
    chair = final.panel[0]
    with pytest.raises(InvalidMoveError, match="have not been on stage"):
        live.close_live_scoring(secretariat, final)
    for _ in range(6):
        turn = live.open_turn(chair, final)
        live.submit_score(final.panel[1], turn, values(final, 5, 5, 5, 5), uuid.uuid4())
        live.close_turn(chair, turn)
    with pytest.raises(InvalidMoveError, match="Every contestant"):
        live.open_turn(chair, final)
    with pytest.raises(PermissionDenied):
        live.close_live_scoring(final.panel[1], final)  # a judge does not run the round
    live.close_live_scoring(secretariat, final)
    final.refresh_from_db()
    assert final.status == Round.Status.CLOSED


def test_the_running_order_by_typed_places_and_by_number(final, secretariat, client_for):
    page = client_for(secretariat)
    entries = list(final.entries.order_by("number"))
    url = reverse("contests:live-order", args=[final.pk])
    places = {f"position_{e.pk}": str(len(entries) - i) for i, e in enumerate(entries)}
    places[f"position_{entries[0].pk}"] = "۶"  # Persian digits are read
    assert page.post(url, places).status_code == 302
    assert [e.number for e in final.entries.order_by("running_order")] == [6, 5, 4, 3, 2, 1]
    page.post(url, {"rule": "number"})
    assert [e.number for e in final.entries.order_by("running_order")] == [1, 2, 3, 4, 5, 6]
    answer = page.post(url, {**places, f"position_{entries[1].pk}": "two"})
    assert "را با یک عدد صحیح بنویسید." in answer.content.decode()
    assert page.get(url).status_code == 200


# --- who may ---------------------------------------------------------------------------------------------


def test_a_judge_of_another_round_may_not_score_this_one(final, kish, client_for):
    other = make_round(
        final.call,
        kish,
        mode=Round.Mode.LIVE,
        judges=panel(1, prefix="other"),
    )
    stranger = other.judges.get().user
    turn = live.open_turn(final.panel[0], final)
    phone = client_for(stranger)
    assert phone.get(reverse("contests:live-judge", args=[final.pk])).status_code == 404
    assert score_post(phone, final, turn, values(final, 5, 5, 5, 5)).status_code == 404
    with pytest.raises(PermissionDenied):
        live.submit_score(stranger, turn, values(final, 5, 5, 5, 5), uuid.uuid4())
    assert not PanelScore.objects.exists()


def test_a_judge_who_does_not_chair_may_not_open_or_close_turns(final, client_for):
    turn = live.open_turn(final.panel[0], final)
    judge = client_for(final.panel[2])
    assert judge.get(reverse("contests:live-desk", args=[final.pk])).status_code == 403
    close = reverse("contests:live-turn-close", args=[final.pk, turn.pk])
    assert judge.post(close).status_code == 403
    with pytest.raises(PermissionDenied):
        live.close_turn(final.panel[2], turn)
    turn.refresh_from_db()
    assert turn.status == Turn.Status.OPEN


def test_the_chair_and_the_secretariat_use_the_desk(final, secretariat, client_for):
    chair = client_for(final.panel[0])
    desk = reverse("contests:live-desk", args=[final.pk])
    assert chair.get(desk).status_code == 200
    assert chair.post(reverse("contests:live-turn-open", args=[final.pk])).status_code == 302
    turn = Turn.objects.get(entry__round=final, status=Turn.Status.OPEN)
    live.submit_score(final.panel[1], turn, values(final, 6, 6, 6, 6), uuid.uuid4())
    page = client_for(secretariat).get(desk).content.decode()
    assert "داور 2" in page  # who has scored: their name and a tick
    assert "60.000" not in page
    assert "۶۰٫۰۰۰" not in page
    chair.post(reverse("contests:live-turn-close", args=[final.pk, turn.pk]))
    page = client_for(secretariat).get(desk).content.decode()
    # The result as the display and the round's page show it: hundredths at most, no trailing zeros.
    assert "<strong>۶۰</strong>" in page
    assert "۶۰٫۰۰۰" not in page


def test_an_anonymous_visitor_is_sent_to_sign_in(final, anonymous):
    answer = anonymous.get(reverse("contests:live-judge", args=[final.pk]))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))
    turn = live.open_turn(final.panel[0], final)
    assert score_post(anonymous, final, turn, values(final, 5, 5, 5, 5)).status_code in (403,)
    assert anonymous.get(reverse("contests:live-desk", args=[final.pk])).status_code == 302


def test_the_display_needs_its_key(final, anonymous):
    assert anonymous.get(reverse("contests:live-display", args=[final.display_key])).status_code == 200
    for key in ("not-the-key", final.display_key[:-1], "x" * 70):
        assert anonymous.get(reverse("contests:live-display", args=[key])).status_code == 404
        assert anonymous.get(reverse("contests:live-display-state", args=[key])).status_code == 404


# --- the judge's phone without scripts -----------------------------------------------------------------


def test_the_phone_page_works_as_a_plain_form(final, client_for):
    phone = client_for(final.panel[1])
    url = reverse("contests:live-judge", args=[final.pk])
    page = phone.get(url).content.decode()
    assert "Waiting for the chair" in page or "منتظر" in page
    turn = live.open_turn(final.panel[0], final)
    page = phone.get(url).content.decode()
    assert turn.entry.application.full_name in page
    criteria = list(final.criteria.all())
    form = {"turn": str(turn.pk), "request_key": str(uuid.uuid4())}
    form |= {f"criterion_{c.pk}": "۸" for c in criteria}
    answer = phone.post(url, form, follow=True)
    assert answer.status_code == 200
    assert PanelScore.objects.get(turn=turn).total == Decimal("80.000")
    again = phone.post(url, form, follow=True)  # the browser posts the form again
    assert again.status_code == 200
    assert PanelScore.objects.filter(turn=turn).count() == 1
    bad = phone.post(url, {**form, "request_key": str(uuid.uuid4()), f"criterion_{criteria[0].pk}": "۱۲"})
    assert PanelScore.objects.filter(turn=turn).count() == 1
    assert bad.status_code == 302  # already scored: the page says when it was received


def test_the_phone_follows_the_stage(final, client_for):
    phone = client_for(final.panel[1])
    url = reverse("contests:live-judge-state", args=[final.pk])
    assert phone.get(url).json()["turn"] is None
    with_callbacks = phone.get(url)
    turn = live.open_turn(final.panel[0], final)
    state = phone.get(url).json()
    assert state["turn"]["id"] == turn.pk
    assert state["turn"]["received"] == ""
    assert with_callbacks["ETag"]


# --- the display's polling answer ------------------------------------------------------------------------


def _close_turns(round_: Round, count: int) -> None:
    for _ in range(count):
        turn = live.open_turn(round_.panel[0], round_)
        for i, judge in enumerate(round_.panel):
            live.submit_score(judge, turn, values(round_, 5 + i % 3, 6, 7, 8), uuid.uuid4())
        live.close_turn(round_.panel[0], turn)


@pytest.mark.parametrize("closed", [1, 5])
def test_the_display_answer_costs_the_same_at_any_size(
    closed, final, anonymous, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _close_turns(final, closed)
        live.open_turn(final.panel[0], final)
    url = reverse("contests:live-display-state", args=[final.display_key])
    # the round; the stage (open turn); the panel's size; its scores so far; the ranking
    with django_assert_num_queries(5):
        answer = anonymous.get(url)
    assert answer.status_code == 200
    state = answer.json()
    assert len(state["ranking"]) == closed
    assert state["turn"]["open"] is True
    assert state["turn"]["scored_text"]
    # Nothing changed: a 304 from the cache alone.
    with django_assert_num_queries(0):
        unchanged = anonymous.get(url, headers={"if-none-match": answer["ETag"]})
    assert unchanged.status_code == 304
    # Another display without the ETag is served the kept body, again without the database.
    with django_assert_num_queries(0):
        kept = anonymous.get(url)
    assert kept.content == answer.content


def test_the_display_changes_with_each_score_and_close(final, anonymous, django_capture_on_commit_callbacks):
    url = reverse("contests:live-display-state", args=[final.display_key])
    first = anonymous.get(url)
    assert first.json()["turn"] is None
    with django_capture_on_commit_callbacks(execute=True):
        turn = live.open_turn(final.panel[0], final)
    on_stage = anonymous.get(url, headers={"if-none-match": first["ETag"]})
    assert on_stage.status_code == 200
    assert on_stage.json()["turn"]["name"] == turn.entry.application.full_name
    with django_capture_on_commit_callbacks(execute=True):
        for judge in final.panel:
            live.submit_score(judge, turn, values(final, 8, 8, 8, 8), uuid.uuid4())
    scored = anonymous.get(url, headers={"if-none-match": on_stage["ETag"]})
    assert scored.json()["turn"]["scored"] == "۵"
    with django_capture_on_commit_callbacks(execute=True):
        live.close_turn(final.panel[0], turn)
    closed = anonymous.get(url, headers={"if-none-match": scored["ETag"]})
    state = closed.json()
    assert state["turn"]["result"] == "۸۰"  # Persian digits on a Persian page, no trailing zeros
    assert state["ranking"][0] == {
        "place": "۱",
        "number": "۱",
        "name": turn.entry.application.full_name,
        "zone": turn.entry.application.zone.name_fa,
        "result": "۸۰",
        "last": True,
    }
    page = anonymous.get(reverse("contests:live-display", args=[final.display_key])).content.decode()
    assert '<span class="result">۸۰</span>' in page


def test_the_running_ranking_shares_places_for_equal_results(final):
    chair = final.panel[0]
    for scores in ((8, 8, 8, 8), (9, 9, 9, 9), (8, 8, 8, 8)):
        turn = live.open_turn(chair, final)
        live.submit_score(final.panel[1], turn, values(final, *scores), uuid.uuid4())
        live.close_turn(chair, turn)
    assert [(s.place, s.total) for s in live.ranking(final)] == [
        (1, Decimal("90.000")),
        (2, Decimal("80.000")),
        (2, Decimal("80.000")),
    ]


def test_the_way_in_lists_each_persons_pages(final, secretariat, client_for):
    listing = reverse("contests:live-rounds")
    chair = client_for(final.panel[0]).get(listing).content.decode()
    assert reverse("contests:live-judge", args=[final.pk]) in chair
    assert f'href="{reverse("contests:live-desk", args=[final.pk])}"' in chair
    assert reverse("contests:live-order", args=[final.pk]) not in chair
    judge = client_for(final.panel[1]).get(listing).content.decode()
    assert f'href="{reverse("contests:live-desk", args=[final.pk])}"' not in judge
    runner = client_for(secretariat).get(listing).content.decode()
    assert reverse("contests:live-display", args=[final.display_key]) in runner
    assert "۶" in runner  # six contestants, in Persian digits


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_live_page_renders_in_both_languages(language, final, secretariat, client_for, anonymous):
    turn = live.open_turn(final.panel[0], final)
    live.submit_score(final.panel[1], turn, values(final, 5, 5, 5, 5), uuid.uuid4())
    for user in (secretariat, *final.panel[:2]):
        user.language = language
        user.save(update_fields=["language"])
    pages = [
        (client_for(secretariat), reverse("contests:live-desk", args=[final.pk])),
        (client_for(secretariat), reverse("contests:live-order", args=[final.pk])),
        (client_for(final.panel[0]), reverse("contests:live-judge", args=[final.pk])),
        (client_for(final.panel[1]), reverse("contests:live-judge", args=[final.pk])),
    ]
    for client, url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert f'lang="{language}"' in answer.content.decode()
    anonymous.cookies["portal_language"] = language
    display = anonymous.get(reverse("contests:live-display", args=[final.display_key])).content.decode()
    assert f'dir="{"rtl" if language == "fa" else "ltr"}"' in display


# Review fixes --------------------------------------------------------------------------------------


def test_equal_totals_drop_two_different_scores():
    level = _scores("75", "75", "75", "75", "75")
    outcome = live.turn_result(level, drop_extremes=True)
    assert len(set(outcome.dropped)) == 2
    assert outcome.result == Decimal("75.000")


def test_the_display_shows_two_places_at_most(final, anonymous):
    chair = final.panel[0]
    turn = live.open_turn(chair, final)
    # 82.25 from one judge: tajwid 3, voice 2, melody 2, memorisation 3 -> 3·8.5 + 2·8 + 2·8 + 3·8.25.
    live.submit_score(final.panel[1], turn, values(final, 8.5, 8, 8, 8.25), uuid.uuid4())
    live.close_turn(chair, turn)
    with translation.override("fa"):
        state = live.display_state(final)
    assert state["turn"]["result"] == "۸۲٫۲۵"
    assert state["ranking"][0]["result"] == "۸۲٫۲۵"


@pytest.fixture
def draft_final(qeshm, kish):
    judges = panel(5)
    round_ = make_round(
        quran_call(),
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=None,
        judges=judges,
    )
    enter(round_, kish, 3, live=True)
    return round_


def test_the_round_page_opens_a_live_round_through_the_live_checks(draft_final, secretariat, client_for):
    client = client_for(secretariat)
    opened = client.post(reverse("contests:round-open", args=[draft_final.pk]), follow=True)
    assert "پیش از آغاز داوری، هیئت داوران و رئیس آن را تعیین کنید." in opened.content.decode()
    assert Round.objects.get(pk=draft_final.pk).status == Round.Status.DRAFT
    draft_final.judges.filter(pk=draft_final.judges.first().pk).update(is_chair=True)
    client.post(reverse("contests:round-open", args=[draft_final.pk]))
    assert Round.objects.get(pk=draft_final.pk).status == Round.Status.SCORING
    # Closing from the round page: refused while contestants are still waiting to go on stage.
    closed = client.post(reverse("contests:round-close", args=[draft_final.pk]), follow=True)
    assert "۳" in closed.content.decode()
    assert Round.objects.get(pk=draft_final.pk).status == Round.Status.SCORING


def test_opening_keeps_the_order_given_and_puts_the_others_after(draft_final, kish, secretariat):
    draft_final.judges.filter(pk=draft_final.judges.first().pk).update(is_chair=True)
    first, second, third = draft_final.entries.order_by("number")
    Entry.objects.filter(pk=first.pk).update(running_order=None)
    Entry.objects.filter(pk=second.pk).update(running_order=None)
    Entry.objects.filter(pk=third.pk).update(running_order=1)
    (late,) = enter(draft_final, kish, 1)  # entered later, no turn, no place
    live.open_live_scoring(secretariat, draft_final)
    order = list(draft_final.entries.order_by("running_order").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk, late.pk]


def test_someone_with_no_part_in_competitions_is_refused_the_way_in(
    final, art_bureau_partner, client_for, kish_deputy
):
    assert client_for(art_bureau_partner).get(reverse("contests:rounds")).status_code == 403
    refused = client_for(art_bureau_partner).get(reverse("contests:live-rounds"))
    assert refused.status_code == 403
    assert client_for(kish_deputy).get(reverse("contests:live-rounds")).status_code == 200
    assert client_for(final.panel[1]).get(reverse("contests:live-rounds")).status_code == 200


def _queries(client, url) -> int:
    client.get(url)  # the session's and the top bar's first-visit work, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_desk_costs_the_same_for_few_and_many_contestants(final, kish, secretariat, client_for):
    client = client_for(secretariat)
    url = reverse("contests:live-desk", args=[final.pk])
    chair = final.panel[0]

    def one_turn(close: bool) -> None:
        turn = live.open_turn(chair, final)
        for judge in final.panel:
            live.submit_score(judge, turn, values(final, 7, 8, 9, 6), uuid.uuid4())
        if close:
            live.close_turn(chair, turn)

    one_turn(close=True)
    one_turn(close=False)
    small = _queries(client, url)
    live.close_turn(chair, Turn.objects.get(entry__round=final, status=Turn.Status.OPEN))
    enter(final, kish, 8, live=True)
    for _i in range(4):
        one_turn(close=True)
    one_turn(close=False)
    assert _queries(client, url) == small
