"""The demo of issue 19 (part 7): the Quran recitation contest of 1405, from seven zone preliminaries to a
live final in Qeshm, and Qeshm's yearly festival series; ``seed_demo`` runs twice without a change."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import jdatetime
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from contests.demo import QURAN_CONTEST
from contests.models import Entry, EntryStatusChange, Judge, ReviewScore, Round, RoundStatusChange, Turn
from events.demo import FESTIVAL_SERIES
from events.models import Event, EventSeries
from talent.models import Application, TalentCall
from zones_portal.dates import persian_digits
from zones_portal.models import User, Zone

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            TalentCall,
            Application,
            Round,
            Entry,
            ReviewScore,
            Judge,
            Turn,
            EntryStatusChange,
            RoundStatusChange,
            EventSeries,
            Event,
            User,
        )
    }


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == first
    return first


def test_seven_preliminaries_in_every_zone_scored_on_the_recitation_criteria(seeded):
    call = TalentCall.objects.get(title=QURAN_CONTEST)
    assert call.disciplines.get().slug == "quran"
    preliminaries = Round.objects.filter(call=call, stage=1, kind=Round.Kind.PRELIMINARY)
    assert preliminaries.count() == 7
    assert set(preliminaries.values_list("zone__slug", flat=True)) == set(
        Zone.objects.values_list("slug", flat=True)
    )
    for preliminary in preliminaries:
        assert preliminary.mode == Round.Mode.REVIEW
        assert [(c.name, c.max_score) for c in preliminary.criteria.all()] == [
            ("تجوید", 20),
            ("صوت", 10),
            ("لحن", 10),
            ("حفظ", 20),
        ]
        entries = list(preliminary.entries.select_related("application"))
        assert len(entries) == 4
        assert {entry.application.zone_id for entry in entries} == {preliminary.zone_id}
        assert preliminary.judges.count() == 2
    scored = {row.zone.slug for row in preliminaries if ReviewScore.objects.filter(entry__round=row).exists()}
    assert 4 <= len(scored) < 7  # some scored, not all
    blind = preliminaries.get(blind=True)
    assert blind.hides_identity
    assert blind.status == Round.Status.CLOSED


def test_advancement_is_decided_in_some_with_every_move_recorded(seeded):
    call = TalentCall.objects.get(title=QURAN_CONTEST)
    decided = Round.objects.filter(call=call, stage=1, status=Round.Status.DECIDED)
    assert 1 <= decided.count() < 7
    for preliminary in decided:
        statuses = sorted(preliminary.entries.values_list("status", flat=True))
        assert statuses == ["advanced", "advanced", "eliminated", "eliminated"]
        moves = list(preliminary.status_changes.values_list("to_status", flat=True))
        assert moves == ["draft", "scoring", "closed", "decided"]
        for entry in preliminary.entries.all():
            assert list(entry.status_changes.values_list("to_status", flat=True)) == [
                "competing",
                entry.status,
            ]
            assert entry.total is not None
            assert entry.rank is not None
    undecided = Round.objects.filter(call=call, stage=1).exclude(status=Round.Status.DECIDED)
    assert not Entry.objects.filter(round__in=undecided).exclude(status=Entry.Status.COMPETING).exists()


def test_a_live_final_in_qeshm_tomorrow_evening_ready_for_its_panel(seeded):
    call = TalentCall.objects.get(title=QURAN_CONTEST)
    final = Round.objects.get(call=call, stage=2)
    assert (final.kind, final.mode, final.zone.slug) == (Round.Kind.JOINT, Round.Mode.LIVE, "qeshm")
    held = timezone.localtime(final.held_at)
    assert held.date() == timezone.localdate() + dt.timedelta(days=1)
    assert held.hour >= 17
    assert final.status == Round.Status.DRAFT  # the secretariat opens it on the evening
    assert set(Round.objects.filter(call=call, stage=1).values_list("next_round", flat=True)) == {final.pk}
    seats = list(final.judges.select_related("user"))
    assert sorted(seat.user.username for seat in seats) == [f"judge-{i}" for i in range(1, 6)]
    assert [seat.user.username for seat in seats if seat.is_chair] == ["judge-1"]
    finalists = list(final.entries.select_related("turn", "came_from"))
    decided = Round.objects.filter(call=call, stage=1, status=Round.Status.DECIDED).count()
    assert len(finalists) == 2 * decided
    assert sorted(entry.running_order for entry in finalists) == list(range(1, len(finalists) + 1))
    assert all(entry.turn.status == Turn.Status.WAITING for entry in finalists)
    assert all(entry.came_from.status == Entry.Status.ADVANCED for entry in finalists)


def test_the_judges_sign_in_with_the_demo_password(seeded, settings):
    request = RequestFactory().post("/accounts/login/")
    for number in range(1, 6):
        judge = authenticate(request, username=f"judge-{number}", password=settings.DEMO_PASSWORD)
        assert judge is not None
        assert not hasattr(judge, "membership") or judge.membership is None


def test_a_yearly_festival_with_three_reported_years_and_this_years_proposed(seeded):
    series = EventSeries.objects.get(title=FESTIVAL_SERIES)
    assert series.recurrence == EventSeries.Recurrence.YEARLY
    editions = list(series.events.order_by("starts_at"))
    assert [edition.status for edition in editions] == ["reported", "reported", "reported", "draft"]
    years = [jdatetime.date.fromgregorian(date=timezone.localtime(e.starts_at).date()).year for e in editions]
    assert years == [years[0] + step for step in range(4)]
    assert all(edition.report.attendance > 0 for edition in editions[:3])
    proposed = editions[-1]
    assert proposed.starts_at > timezone.now()
    assert proposed.title == f"{FESTIVAL_SERIES} {persian_digits(str(years[-1]))}"
    assert editions[-2].title == f"{FESTIVAL_SERIES} {persian_digits(str(years[-2]))}"
    assert set(proposed.participating_zones.all()) == set(editions[-2].participating_zones.all())
    assert proposed.participations.filter(answer="invited", invited_at__isnull=True).count() == 3
