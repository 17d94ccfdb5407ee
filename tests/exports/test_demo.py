"""The export register's demo data (issue 17, part 8): about forty businesses and a hundred deals over
three years to the neighbouring markets, some from the demo fairs and the MoUs."""

from __future__ import annotations

from io import StringIO

import jdatetime
import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from events.models import Event
from exports import dashboard
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from zones_portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_forty_businesses_in_every_zone_and_a_hundred_deals(seeded):
    assert 38 <= CreativeBusiness.objects.count() <= 45
    assert CreativeBusiness.objects.values("zone").distinct().count() == 7
    assert (
        CreativeField.objects.filter(
            slug__in=["handicrafts", "design", "animation", "games", "music"]
        ).count()
        == 5
    )
    assert ExportDeal.objects.count() == 100
    assert not ExportDeal.objects.filter(signed_on__gt=timezone.localdate()).exists()
    assert not ExportDeal.objects.filter(value_rial__lte=0).exists()


def test_deals_go_to_the_neighbouring_markets_over_three_years(seeded):
    countries = set(ExportDeal.objects.values_list("buyer_country", flat=True))
    assert {"IQ", "AE", "OM", "TR", "AM", "AZ", "RU", "CN", "IN"} <= countries
    years = {
        jdatetime.date.fromgregorian(date=day).year
        for day in ExportDeal.objects.values_list("signed_on", flat=True)
    }
    assert years == {1403, 1404, 1405}


def test_some_deals_come_from_fairs_and_from_the_mous(seeded):
    from_fairs = ExportDeal.objects.filter(event__isnull=False)
    assert from_fairs.count() >= 25
    assert set(from_fairs.values_list("event__category__slug", flat=True)) == {"export-fair"}
    for deal in from_fairs.select_related("event"):
        assert deal.signed_on >= deal.event.ends_at.date()
    assert ExportDeal.objects.filter(agreement__parties__institution__slug="artbureau").exists()
    assert ExportDeal.objects.filter(agreement__isnull=False).count() >= 5


def test_the_art_bureau_sees_its_fairs_deals_and_nothing_else(seeded):
    partner = User.objects.get(username="partner-artbureau")
    seen = ExportDeal.objects.visible_to(partner)
    assert seen.exists()
    assert seen.count() < ExportDeal.objects.count()
    assert not seen.filter(event__isnull=True, agreement__isnull=True).exists()


def test_the_dashboard_tells_a_story(seeded):
    secretariat = User.objects.get(username="secretariat")
    with translation.override("fa"):
        board = dashboard.build(secretariat, year=1404)
    assert board.deals > 10
    assert len(board.by_zone) == 7
    assert board.growth is not None
    assert {row.key for row in board.by_source if row.value} >= {"fairs", "neither"}


def test_a_past_fair_delivers_kishs_planned_fair(seeded):
    fair = Event.objects.get(title="نمایشگاه بهاره صادرات صنایع خلاق کیش ۱۴۰۵")
    assert fair.planned_activity.programme.zone.slug == "kish"
    assert fair.report.spent > 0


def test_seeding_twice_adds_nothing(seeded):
    first = (CreativeBusiness.objects.count(), ExportDeal.objects.count(), Event.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (CreativeBusiness.objects.count(), ExportDeal.objects.count(), Event.objects.count()) == first
