"""Next year's edition of a competition with one press (issue 19: "next year's edition is one click
away"): the same rounds, criteria, rules and judges a Solar Hijri year on, as drafts; nothing of this
year's contestants."""

from __future__ import annotations

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Entry, Judge, Round
from talent.models import TalentCall
from tests.contests.world import enter, make_round, panel, quran_call
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db


def jalali_year(moment):
    return jdatetime.date.fromgregorian(date=timezone.localtime(moment).date()).year


@pytest.fixture
def contest(kish, qeshm):
    call = quran_call()
    call.title = "مسابقه قرائت قرآن ۱۴۰۵"
    call.save()
    judges = panel(5)
    final = make_round(
        call,
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=3,
        judges=judges,
        chair=judges[0],
        drop_extremes=True,
        name="مرحله نهایی ۱۴۰۵",
    )
    prelim = make_round(call, kish, blind=True, judges=judges[:2], next_round=final)
    enter(prelim, kish, 3)
    return call, prelim, final


def test_the_next_edition_keeps_the_competition_and_leaves_this_years_contestants(
    client_for, secretariat, contest
):
    call, prelim, final = contest
    response = client_for(secretariat).post(reverse("contests:call-next-edition", args=[call.pk]))
    edition = TalentCall.objects.exclude(pk=call.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("admin:talent_talentcall_change", args=[edition.pk])

    assert edition.title == "مسابقه قرائت قرآن ۱۴۰۶"
    assert edition.status == TalentCall.Status.DRAFT
    assert jalali_year(edition.opens_at) == jalali_year(call.opens_at) + 1
    assert set(edition.disciplines.values_list("slug", flat=True)) == {"quran"}
    assert list(edition.criteria.values_list("name", "max_score")) == list(
        call.criteria.values_list("name", "max_score")
    )

    rounds = list(edition.rounds.order_by("stage"))
    assert [(r.stage, r.kind, r.mode, r.zone_id, r.blind, r.status) for r in rounds] == [
        (1, "preliminary", "review", prelim.zone_id, True, "draft"),
        (2, "joint", "live", final.zone_id, False, "draft"),
    ]
    new_prelim, new_final = rounds
    assert new_prelim.next_round == new_final  # the preliminary still feeds the final
    assert new_final.name == "مرحله نهایی ۱۴۰۶"
    assert new_final.drop_extremes
    assert new_final.advance_count == 3
    assert jalali_year(new_final.held_at) == jalali_year(final.held_at) + 1
    assert list(new_final.criteria.values_list("name", "weight")) == list(
        final.criteria.values_list("name", "weight")
    )
    assert (
        Judge.objects.get(round=new_final, is_chair=True).user_id
        == Judge.objects.get(round=final, is_chair=True).user_id
    )
    assert new_final.judges.count() == 5
    assert not Entry.objects.filter(round__call=edition).exists()  # contestants apply anew
    assert new_prelim.status_changes.get().to_status == "draft"  # its history starts with the copy


def test_one_edition_a_year_and_only_by_the_secretariat(client_for, secretariat, kish_deputy, contest):
    call, _prelim, _final = contest
    url = reverse("contests:call-next-edition", args=[call.pk])
    assert client_for(kish_deputy).post(url).status_code == 403
    client = client_for(secretariat)
    client.post(url)
    again = client.post(url, follow=True)
    assert "مسابقه قرائت قرآن ۱۴۰۶" in again.content.decode()
    assert TalentCall.objects.count() == 2


def test_the_rounds_page_offers_next_years_edition_to_the_secretariat(client_for, secretariat, contest):
    call, _prelim, _final = contest
    page = client_for(secretariat).get(reverse("contests:rounds")).content.decode()
    assert reverse("contests:call-next-edition", args=[call.pk]) in page
    assert Zone.objects.exists()
