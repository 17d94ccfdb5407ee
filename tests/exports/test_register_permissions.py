"""Who sees which businesses and deals: the zone and the secretariat; an institution only the deals of
its own agreements and co-organised events; nobody else anything."""

from __future__ import annotations

import pytest

from exports.models import CreativeBusiness, ExportDeal
from tests.exports.register_world import make_agreement, make_business, make_deal, make_fair

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(kish, qeshm, art_bureau, kanoon):
    kish_business = make_business(kish, "کارگاه سفال")
    qeshm_business = make_business(qeshm, "استودیو بازی")
    art_agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    art_fair = make_fair(qeshm, co_organisers=[art_bureau])
    kanoon_fair = make_fair(kish, co_organisers=[kanoon])
    return {
        "kish_plain": make_deal(kish_business),
        "kish_by_agreement": make_deal(kish_business, agreement=art_agreement),
        "qeshm_at_art_fair": make_deal(qeshm_business, event=art_fair),
        "kish_at_kanoon_fair": make_deal(kish_business, event=kanoon_fair),
        "qeshm_plain": make_deal(qeshm_business),
    }


SEES = {
    "secretariat": {
        "kish_plain",
        "kish_by_agreement",
        "qeshm_at_art_fair",
        "kish_at_kanoon_fair",
        "qeshm_plain",
    },
    "kish_deputy": {"kish_plain", "kish_by_agreement", "kish_at_kanoon_fair"},
    "qeshm_deputy": {"qeshm_at_art_fair", "qeshm_plain"},
    "art_bureau_partner": {"kish_by_agreement", "qeshm_at_art_fair"},
    "kanoon_partner": {"kish_at_kanoon_fair"},
}


@pytest.mark.parametrize("role", list(SEES))
def test_deals_are_seen_by_their_zone_the_secretariat_and_their_partners(request, register, role):
    user = request.getfixturevalue(role)
    seen = set(ExportDeal.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == {register[name].pk for name in SEES[role]}


def test_nobody_signed_out_sees_a_deal(register):
    assert not ExportDeal.objects.visible_to(None).exists()


def test_the_register_and_its_contacts_stay_with_the_zone_and_the_secretariat(
    register, kish_deputy, secretariat, art_bureau_partner, kanoon_partner
):
    assert set(CreativeBusiness.objects.visible_to(kish_deputy).values_list("name", flat=True)) == {
        "کارگاه سفال"
    }
    assert CreativeBusiness.objects.visible_to(secretariat).count() == 2
    # a partner sees the deal of its fair, never the business's register row with the contact
    assert not CreativeBusiness.objects.visible_to(art_bureau_partner).exists()
    assert not CreativeBusiness.objects.visible_to(kanoon_partner).exists()
    assert not ExportDeal.objects.editable_by(art_bureau_partner).exists()
