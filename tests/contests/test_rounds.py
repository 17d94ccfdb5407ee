"""Rounds: setting up, entering contestants, review scoring, every advance rule and tie-break, deciding."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contests.models import Entry, EntryStatusChange, ReviewScore, Round, Turn
from contests.services import live
from contests.services import rounds as services
from talent.models import Application
from tests.contests.world import enter, make_round, panel, quran_call
from tests.factories import make_application
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


def score(judge, entry, values):
    """Scores in the criteria's order (tajwid 3, voice 2, melody 2, memorisation 3; each out of 10), so
    an entry's total is 3a + 2b + 2c + 3d out of 100."""
    criteria = list(entry.round.criteria.order_by("sort_order"))
    return services.score_entry(judge, entry, {c.pk: v for c, v in zip(criteria, values, strict=True)})


def scoring_round(zone, *, judges=None, **extra):
    call = extra.pop("call", None) or quran_call()
    judges = judges or panel(2)
    round_ = make_round(call, zone, judges=judges, status=Round.Status.SCORING, **extra)
    return round_, judges


def final_of(call, zone, **extra):
    extra.setdefault("mode", Round.Mode.LIVE)
    return make_round(
        call, zone, stage=2, kind=Round.Kind.JOINT, advance_rule=Round.Advance.FINAL, advance_count=3, **extra
    )


def close_and_decide(actor, round_):
    """Closes and decides, whether or not every judge scored everything (the ranking is what is tested;
    the question asked first has its own test)."""
    services.close_scoring(actor, round_)
    return services.decide(actor, round_, anyway=True)


def statuses(entries):
    return [Entry.objects.get(pk=e.pk).status for e in entries]


def submitted(entries, *minutes_ago):
    """Sets when each entry's application was sent: the larger, the earlier."""
    now = timezone.now()
    for entry, minutes in zip(entries, minutes_ago, strict=True):
        Application.objects.filter(pk=entry.application_id).update(
            submitted_at=now - dt.timedelta(minutes=minutes)
        )


# Scores and totals ---------------------------------------------------------------------------------


def test_total_is_the_weighted_mean_of_the_judges_scores_out_of_100(kish):
    round_, (first, second) = scoring_round(kish)
    (entry,) = enter(round_, kish, 1)
    score(first, entry, [10, 10, 10, 10])
    score(second, entry, [6, 8, 4, 2])
    # means 8, 9, 7, 6 -> 3*8 + 2*9 + 2*7 + 3*6 = 74
    (standing,) = services.rank_round(round_)
    assert standing.total == Decimal("74.000")
    assert standing.judges == 2
    assert standing.place == 1


def test_scores_stay_within_bounds_and_only_while_scoring(kish, secretariat):
    round_, (judge, _other) = scoring_round(kish)
    (entry,) = enter(round_, kish, 1)
    for bad in ([11, 1, 1, 1], [-1, 1, 1, 1], ["x", 1, 1, 1]):
        with pytest.raises(ValidationError):
            score(judge, entry, bad)
    assert not ReviewScore.objects.exists()
    score(judge, entry, ["9.5", 1, 1, 1])
    score(judge, entry, [9, 1, 1, 1])  # scoring again replaces
    assert ReviewScore.objects.filter(entry=entry, judge__user=judge).count() == 4
    services.close_scoring(secretariat, round_)
    with pytest.raises(InvalidMoveError):
        score(judge, entry, [1, 1, 1, 1])


def test_only_the_rounds_judges_score(kish, secretariat, kish_deputy):
    round_, _judges = scoring_round(kish)
    (entry,) = enter(round_, kish, 1)
    _other_round, (other_judge, _x) = scoring_round(kish, call=quran_call(), judges=panel(2, "other"))
    for outsider in (other_judge, secretariat, kish_deputy):
        with pytest.raises(PermissionDenied):
            score(outsider, entry, [1, 1, 1, 1])


def test_a_conflict_removes_the_entry_from_the_queue_and_its_scores_from_the_total(kish):
    round_, (first, second) = scoring_round(kish)
    entry, other = enter(round_, kish, 2)
    score(first, entry, [10, 10, 10, 10])
    score(second, entry, [5, 5, 5, 5])
    services.declare_conflict(first, entry, "شاگرد من است")
    seat = round_.judges.get(user=first)
    assert [e.pk for e in services.queue_for(seat)] == [other.pk]
    standing = next(s for s in services.rank_round(round_) if s.entry == entry)
    assert standing.total == Decimal("50.000")
    assert standing.judges == 1
    with pytest.raises(PermissionDenied):
        score(first, entry, [10, 10, 10, 10])
    with pytest.raises(ValidationError):
        services.declare_conflict(second, entry, "  ")


# Advance rules and ties ----------------------------------------------------------------------------


def test_top_per_zone_sends_the_best_n_of_each_zone_into_the_final_with_turns(kish, qeshm, secretariat):
    call = quran_call()
    final = final_of(call, qeshm)
    round_, (judge, _second) = scoring_round(kish, call=call, advance_count=2, next_round=final)
    kish_entries = enter(round_, kish, 3)
    qeshm_entries = enter(round_, qeshm, 3)
    for entry, mark in zip(kish_entries + qeshm_entries, [9, 7, 5, 4, 8, 6], strict=True):
        score(judge, entry, [mark] * 4)
    close_and_decide(secretariat, round_)
    assert statuses(kish_entries) == ["advanced", "advanced", "eliminated"]
    assert statuses(qeshm_entries) == ["eliminated", "advanced", "advanced"]
    went_on = list(Entry.objects.filter(round=final).order_by("number"))
    assert {e.came_from_id for e in went_on} == {
        kish_entries[0].pk,
        kish_entries[1].pk,
        qeshm_entries[1].pk,
        qeshm_entries[2].pk,
    }
    assert [e.number for e in went_on] == [1, 2, 3, 4]
    assert all(e.status == "competing" for e in went_on)
    assert Turn.objects.filter(entry__round=final, status=Turn.Status.WAITING).count() == 4
    first = Entry.objects.get(pk=kish_entries[0].pk)
    assert first.total == Decimal("90.000")
    assert first.rank == 1
    move = EntryStatusChange.objects.get(entry=first, to_status="advanced")
    assert move.changed_by == secretariat


def test_top_n_breaks_ties_by_criteria_in_order(kish, secretariat):
    call = quran_call()
    final = final_of(call, kish)
    round_, (judge, _x) = scoring_round(
        kish, call=call, advance_rule=Round.Advance.TOP, advance_count=1, next_round=final
    )
    later_but_better_tajwid, earlier = enter(round_, kish, 2)
    submitted([later_but_better_tajwid, earlier], 1, 60)
    score(judge, later_but_better_tajwid, [10, 5, 5, 0])  # 50
    score(judge, earlier, [0, 5, 5, 10])  # 50
    close_and_decide(secretariat, round_)
    assert statuses([later_but_better_tajwid, earlier]) == ["advanced", "eliminated"]


def test_criteria_ties_fall_back_to_the_earlier_application(kish, secretariat):
    call = quran_call()
    final = final_of(call, kish)
    round_, (judge, _x) = scoring_round(
        kish, call=call, advance_rule=Round.Advance.TOP, advance_count=1, next_round=final
    )
    later, earlier = enter(round_, kish, 2)
    submitted([later, earlier], 1, 60)
    score(judge, later, [5, 5, 5, 5])
    score(judge, earlier, [5, 5, 5, 5])
    close_and_decide(secretariat, round_)
    assert statuses([later, earlier]) == ["eliminated", "advanced"]


def test_earlier_rule_ignores_the_criteria(kish, secretariat):
    call = quran_call()
    final = final_of(call, kish)
    round_, (judge, _x) = scoring_round(
        kish,
        call=call,
        advance_rule=Round.Advance.TOP,
        advance_count=1,
        tie_break=Round.TieBreak.EARLIER,
        next_round=final,
    )
    better_tajwid, earlier = enter(round_, kish, 2)
    submitted([better_tajwid, earlier], 1, 60)
    score(judge, better_tajwid, [10, 5, 5, 0])
    score(judge, earlier, [0, 5, 5, 10])
    close_and_decide(secretariat, round_)
    assert statuses([better_tajwid, earlier]) == ["eliminated", "advanced"]


def test_all_tied_at_the_cut_go_on_and_share_the_place(kish, secretariat):
    call = quran_call()
    final = final_of(call, kish)
    round_, (judge, _x) = scoring_round(
        kish,
        call=call,
        advance_rule=Round.Advance.TOP,
        advance_count=2,
        tie_break=Round.TieBreak.ALL,
        next_round=final,
    )
    best, tied_a, tied_b, last = enter(round_, kish, 4)
    score(judge, best, [9, 9, 9, 9])
    score(judge, tied_a, [10, 5, 5, 0])  # 50
    score(judge, tied_b, [0, 5, 5, 10])  # 50
    score(judge, last, [1, 1, 1, 1])
    close_and_decide(secretariat, round_)
    assert statuses([best, tied_a, tied_b, last]) == ["advanced", "advanced", "advanced", "eliminated"]
    assert [Entry.objects.get(pk=e.pk).rank for e in (best, tied_a, tied_b, last)] == [1, 2, 2, 4]
    assert Entry.objects.filter(round=final).count() == 3


def test_min_score_sends_on_everyone_at_or_above_it(kish, secretariat):
    call = quran_call()
    final = final_of(call, kish)
    round_, (judge, _x) = scoring_round(
        kish,
        call=call,
        advance_rule=Round.Advance.MIN_SCORE,
        advance_count=None,
        advance_min_score=Decimal("60"),
        next_round=final,
    )
    exactly, above, below, unscored = enter(round_, kish, 4)
    score(judge, exactly, [6, 6, 6, 6])  # 60
    score(judge, above, [9, 9, 9, 9])
    score(judge, below, [5.9, 6, 6, 6])  # 59.7
    close_and_decide(secretariat, round_)
    assert statuses([exactly, above, below, unscored]) == ["advanced", "advanced", "eliminated", "eliminated"]
    assert Entry.objects.get(pk=unscored.pk).rank is None


def test_a_final_places_the_first_n_and_sends_nobody_on(kish, secretariat):
    call = quran_call()
    round_, (judge, _x) = scoring_round(
        kish, call=call, stage=2, kind=Round.Kind.JOINT, advance_rule=Round.Advance.FINAL, advance_count=2
    )
    entries = enter(round_, kish, 3)
    for entry, mark in zip(entries, [7, 9, 8], strict=True):
        score(judge, entry, [mark] * 4)
    close_and_decide(secretariat, round_)
    assert statuses(entries) == ["eliminated", "winner", "winner"]
    assert [Entry.objects.get(pk=e.pk).rank for e in entries] == [3, 1, 2]
    assert not mail.outbox


def test_a_live_round_ranks_by_the_totals_its_turns_stored(kish, secretariat):
    call = quran_call()
    round_ = make_round(
        call,
        kish,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=1,
        status=Round.Status.CLOSED,
    )
    low, high = enter(round_, kish, 2, live=True)
    Entry.objects.filter(pk=low.pk).update(total=Decimal("71.500"))
    Entry.objects.filter(pk=high.pk).update(total=Decimal("88.250"))
    assert [s.entry.pk for s in services.rank_round(round_)] == [high.pk, low.pk]
    services.decide(secretariat, round_)
    assert statuses([low, high]) == ["eliminated", "winner"]


# Deciding: safe to repeat, refused when it cannot hold ---------------------------------------------


def test_deciding_twice_changes_nothing_and_mails_each_contestant_once_in_their_language(
    kish, secretariat, django_capture_on_commit_callbacks
):
    call = quran_call()
    final = final_of(call, kish, venue="تالار قشم")
    round_, (judge, _x) = scoring_round(
        kish, call=call, advance_rule=Round.Advance.TOP, advance_count=2, next_round=final
    )
    persian, english, out = enter(round_, kish, 3)
    Application.objects.filter(pk=english.application_id).update(language="en")
    for entry, mark in zip((persian, english, out), [9, 8, 1], strict=True):
        score(judge, entry, [mark] * 4)
    with django_capture_on_commit_callbacks(execute=True):
        close_and_decide(secretariat, round_)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(secretariat, round_)
    assert Entry.objects.filter(round=final).count() == 2
    assert EntryStatusChange.objects.filter(entry__round=round_, to_status="advanced").count() == 2
    assert len(mail.outbox) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "you go on to the next round" in by_address[english.application.email].subject
    assert "تالار قشم" in by_address[english.application.email].body
    assert set(by_address) == {persian.application.email, english.application.email}
    from contests import reminders

    assert reminders.send_advanced_mail(persian.pk) == "skipped"  # a task run again sends nothing
    assert len(mail.outbox) == 2


def test_deciding_needs_the_next_round_and_one_not_started(kish, secretariat):
    call = quran_call()
    round_, _judges = scoring_round(kish, call=call, advance_rule=Round.Advance.TOP, advance_count=1)
    enter(round_, kish, 1)
    services.close_scoring(secretariat, round_)
    with pytest.raises(InvalidMoveError):
        services.decide(secretariat, round_)
    started = final_of(call, kish, status=Round.Status.SCORING)
    round_.next_round = started
    round_.save()
    with pytest.raises(InvalidMoveError):
        services.decide(secretariat, round_)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED


def test_deciding_is_for_those_running_the_round(kish, qeshm, kish_deputy, qeshm_deputy, secretariat):
    call = quran_call()
    round_, (judge, _x) = scoring_round(kish, call=call, advance_rule=Round.Advance.FINAL, advance_count=1)
    enter(round_, kish, 1)
    services.close_scoring(kish_deputy, round_)
    for outsider in (qeshm_deputy, judge):
        with pytest.raises(PermissionDenied):
            services.decide(outsider, round_)
    services.decide(kish_deputy, round_, anyway=True)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.DECIDED


# Setting up ----------------------------------------------------------------------------------------


def test_zone_preliminaries_in_one_action_and_again_without_duplicates(kish, qeshm, secretariat, kish_deputy):
    call = quran_call()
    now = timezone.now()
    arguments = {
        "scoring_opens_at": now,
        "scoring_closes_at": now + dt.timedelta(days=7),
        "advance_rule": Round.Advance.TOP_PER_ZONE,
        "advance_count": 2,
        "blind": True,
    }
    with pytest.raises(PermissionDenied):
        services.create_preliminaries(kish_deputy, call, [kish], **arguments)
    made = services.create_preliminaries(secretariat, call, [kish, qeshm], **arguments)
    assert [r.zone for r in made] == [kish, qeshm]
    assert all(r.stage == 1 and r.kind == "preliminary" and r.mode == "review" and r.blind for r in made)
    assert list(made[0].criteria.values_list("name", "max_score")) == list(
        call.criteria.values_list("name", "max_score")
    )
    again = services.create_preliminaries(secretariat, call, [kish], **arguments)
    assert again == [made[0]]
    assert Round.objects.filter(call=call).count() == 2
    with pytest.raises(ValidationError) as refused:
        services.create_preliminaries(secretariat, call, [], **arguments)
    assert "zones" in refused.value.message_dict


def test_a_later_round_takes_contestants_from_the_rounds_named(kish, qeshm, secretariat):
    call = quran_call()
    preliminary = make_round(call, kish)
    final = services.create_round(
        secretariat,
        call,
        stage=2,
        name="نهایی",
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        zone=qeshm,
        held_at=timezone.now() + dt.timedelta(days=30),
        advance_rule=Round.Advance.FINAL,
        advance_count=3,
        criteria_from=preliminary,
        fed_by=[preliminary],
    )
    preliminary.refresh_from_db()
    assert preliminary.next_round == final
    assert final.criteria.count() == 4
    with pytest.raises(ValidationError) as refused:
        services.create_round(
            secretariat,
            call,
            stage=3,
            name="x",
            kind="joint",
            mode="live",
            zone=qeshm,
            blind=True,
            advance_rule="final",
            advance_count=1,
        )
    assert {"blind", "held_at"} <= set(refused.value.message_dict)


def test_entering_a_zones_applications_once(kish, qeshm, kish_deputy, qeshm_deputy):
    call = quran_call()
    round_ = make_round(call, kish, judges=panel(1), blind=True)
    mine = [make_application(call, kish, discipline="quran") for _ in range(3)]
    make_application(call, kish, discipline="quran", status="withdrawn")
    make_application(call, qeshm, discipline="quran")
    with pytest.raises(PermissionDenied):
        services.enter_zone_applications(qeshm_deputy, round_)
    entered = services.enter_zone_applications(kish_deputy, round_)
    assert {e.application_id for e in entered} == {a.pk for a in mine}
    assert len({e.number for e in entered}) == 3
    assert all(1 <= e.number <= services.BLIND_NUMBERS_FROM for e in entered)  # drawn, not 1, 2, 3
    assert services.enter_zone_applications(kish_deputy, round_) == []
    services.open_scoring(kish_deputy, round_)
    late = make_application(call, kish, discipline="quran")
    (added,) = services.enter_zone_applications(kish_deputy, round_)
    assert added.application == late
    numbers = set(Entry.objects.filter(round=round_).values_list("number", flat=True))
    assert len(numbers) == 4
    assert 1 <= added.number <= services.BLIND_NUMBERS_FROM  # a late entry is not simply the highest


def test_opening_scoring_needs_criteria_judges_and_contestants(kish, kish_deputy):
    call = quran_call()
    round_ = make_round(call, kish)
    with pytest.raises(InvalidMoveError) as refused:
        services.open_scoring(kish_deputy, round_)
    assert len(refused.value.messages) == 2  # judges and contestants


def test_judges_are_chosen_among_jurors_and_panel_members(kish, kish_deputy):
    call = quran_call()
    round_ = make_round(call, kish)
    juror, other = panel(2, "juror")
    from talent.models import JuryMember

    JuryMember.objects.create(call=call, user=juror)
    services.name_judges(kish_deputy, round_, [juror], chair=juror)
    assert list(round_.judges.values_list("user_id", "is_chair")) == [(juror.pk, True)]
    with pytest.raises(ValidationError):
        services.name_judges(kish_deputy, round_, [juror, other])


# Review fixes --------------------------------------------------------------------------------------


def test_deciding_a_half_scored_round_asks_first(kish, secretariat):
    round_, (first, second) = scoring_round(kish, advance_rule=Round.Advance.FINAL, advance_count=1)
    one, two, three = enter(round_, kish, 3)
    for entry in (one, two, three):
        score(first, entry, [8, 8, 8, 8])
    score(second, one, [8, 8, 8, 8])
    services.close_scoring(secretariat, round_)
    with pytest.raises(services.NotEveryoneScoredError) as asked:
        services.decide(secretariat, round_)
    assert asked.value.count == 2
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    # A judge who stepped aside from an entry is not waited for.
    services.reopen_scoring(secretariat, round_, "اعلام تعارض")
    services.declare_conflict(second, two, "خویشاوند")
    services.close_scoring(secretariat, round_)
    with pytest.raises(services.NotEveryoneScoredError) as asked:
        services.decide(secretariat, round_)
    assert asked.value.count == 1
    services.decide(secretariat, round_, anyway=True)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.DECIDED


def test_a_fully_scored_round_is_decided_without_asking(kish, secretariat):
    round_, judges = scoring_round(kish, advance_rule=Round.Advance.FINAL, advance_count=1)
    for entry in enter(round_, kish, 2):
        for judge in judges:
            score(judge, entry, [7, 7, 7, 7])
    services.close_scoring(secretariat, round_)
    services.decide(secretariat, round_)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.DECIDED


def test_the_page_asks_before_deciding_a_half_scored_round(kish, secretariat, client_for):
    round_, (first, _second) = scoring_round(kish, advance_rule=Round.Advance.FINAL, advance_count=1)
    (entry,) = enter(round_, kish, 1)
    score(first, entry, [8, 8, 8, 8])
    services.close_scoring(secretariat, round_)
    client = client_for(secretariat)
    url = reverse("contests:round-decide", args=[round_.pk])
    asked = client.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert 'name="anyway" value="1"' in page
    assert "۱" in page  # the count, in Persian digits
    assert "تعیین راه‌یافتگان" in page
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    assert client.post(url, {"anyway": "1"}).status_code == 302
    assert Round.objects.get(pk=round_.pk).status == Round.Status.DECIDED


def test_a_live_tie_on_the_criteria_leaves_out_the_dropped_scores(kish, secretariat):
    """Both end on 60. Counted without the dropped extremes, B leads on the first criterion (7 to 6); with
    them, A would (8 to 7)."""
    judges = panel(4)
    round_ = make_round(
        quran_call(),
        kish,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=1,
        criteria=(("a", 1, 10), ("b", 1, 10)),
        judges=judges,
        chair=judges[0],
        drop_extremes=True,
        tie_break=Round.TieBreak.CRITERIA,
    )
    a, b = enter(round_, kish, 2, live=True)
    live.open_live_scoring(secretariat, round_)
    criteria = list(round_.criteria.order_by("sort_order"))
    sheets = {a: [(10, 10), (6, 6), (6, 6), (10, 0)], b: [(7, 5)] * 4}
    for entry in (a, b):
        turn = live.open_turn(secretariat, round_, entry)
        for judge, marks in zip(judges, sheets[entry], strict=True):
            raw = {str(c.pk): str(v) for c, v in zip(criteria, marks, strict=True)}
            live.submit_score(judge, turn, raw, uuid.uuid4())
        live.close_turn(secretariat, turn)
    assert {Entry.objects.get(pk=e.pk).total for e in (a, b)} == {Decimal("60.000")}
    assert [s.entry.pk for s in services.rank_round(round_)] == [b.pk, a.pk]


def test_the_round_page_and_the_export_say_place_as_a_standing(kish, secretariat, client_for):
    round_, (first, _second) = scoring_round(kish)
    (entry,) = enter(round_, kish, 1)
    score(first, entry, [8, 8, 8, 8])
    client = client_for(secretariat)
    page = client.get(reverse("contests:round", args=[round_.pk])).content.decode()
    assert "<th>رتبه</th>" in page
    assert "محل برگزاری" not in page
    export = client.get(reverse("contests:round-results", args=[round_.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert export.splitlines()[0].startswith("رتبه")


def test_the_admin_sends_a_half_scored_round_to_its_page_to_be_asked(kish, secretariat, client_for):
    """The admin's Decide cannot take "decide anyway": a half-scored round is left undecided with a link
    to its page (whose Decide asks), and a fully scored one chosen with it is decided."""
    from tests.conftest import confirm_with_code

    half, (first, _second) = scoring_round(kish, advance_rule=Round.Advance.FINAL, advance_count=1)
    (entry,) = enter(half, kish, 1)
    score(first, entry, [8, 8, 8, 8])
    services.close_scoring(secretariat, half)
    full, judges = scoring_round(kish, advance_rule=Round.Advance.FINAL, advance_count=1)
    for one in enter(full, kish, 1):
        for judge in judges:
            score(judge, one, [7, 7, 7, 7])
    services.close_scoring(secretariat, full)
    client = client_for(secretariat)
    confirm_with_code(client, secretariat)
    answer = client.post(
        reverse("admin:contests_round_changelist"),
        {"action": "decide_selected", "_selected_action": [half.pk, full.pk]},
        follow=True,
    )
    page = answer.content.decode()
    assert f'href="{reverse("contests:round", args=[half.pk])}"' in page
    assert Round.objects.get(pk=half.pk).status == Round.Status.CLOSED
    assert Round.objects.get(pk=full.pk).status == Round.Status.DECIDED
