"""The annual programmes' demo data (issue 17, part 8): seven programmes for 1405, one returned and
revised, with their versions and history; 1406 open for the next round."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import (
    PlannedActivity,
    Programme,
    ProgrammeStatusChange,
    ProgrammeVersion,
    ProgrammeYear,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (ProgrammeYear, Programme, PlannedActivity, ProgrammeVersion, ProgrammeStatusChange)
    }


def test_seven_programmes_for_1405_all_approved(seeded):
    programmes = Programme.objects.filter(year__year=1405)
    assert programmes.count() == 7
    assert set(programmes.values_list("status", flat=True)) == {"approved"}
    assert all(p.activities.count() >= 5 for p in programmes)
    assert all(p.approved_at and p.submitted_at and p.submitted_at < p.approved_at for p in programmes)
    year = ProgrammeYear.objects.get(year=1405)
    assert all(p.created_at.date() <= year.due_on for p in programmes)  # drafted before the due date


def test_one_programme_was_returned_with_a_comment_and_approved_as_revised(seeded):
    chabahar = Programme.objects.get(year__year=1405, zone__slug="chabahar")
    moves = list(chabahar.status_changes.order_by("changed_at").values_list("to_status", flat=True))
    assert moves[-4:] == ["submitted", "returned", "submitted", "approved"]
    versions = list(chabahar.versions.order_by("number"))
    assert [v.kind for v in versions] == ["submitted", "submitted", "approved"]
    assert "قرآنی" in versions[0].comment
    first, approved = versions[0].content["activities"], versions[-1].content["activities"]
    assert len(approved) == len(first) + 1  # the Quran programme it added
    assert [v.made_at for v in versions] == sorted(v.made_at for v in versions)
    others = Programme.objects.filter(year__year=1405).exclude(pk=chabahar.pk)
    assert not ProgrammeStatusChange.objects.filter(programme__in=others, to_status="returned").exists()


def test_the_budget_is_split_by_who_pays(seeded):
    kish = Programme.objects.get(year__year=1405, zone__slug="kish")
    fair = kish.activities.get(category__slug="export-fair")
    assert fair.budget_zone > 0
    assert fair.budget_secretariat > 0
    assert fair.budget_partner > 0
    assert fair.partner_institutions.filter(slug="artbureau").exists()
    assert fair.partner_zones.filter(slug="qeshm").exists()


def test_events_deliver_planned_activities(seeded):
    delivered = PlannedActivity.objects.filter(events__isnull=False).distinct()
    assert delivered.count() >= 5
    for activity in delivered:
        for event in activity.events.all():
            assert event.host_zone_id == activity.programme.zone_id
            assert event.category_id == activity.category_id


def test_next_year_is_open_with_its_due_date(seeded):
    assert ProgrammeYear.objects.get(year=1406).due_on.year == 2027
    assert not Programme.objects.filter(year__year=1406).exists()


def test_seeding_twice_adds_nothing(seeded):
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
