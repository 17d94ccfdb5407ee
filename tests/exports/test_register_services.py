"""The export register's rules: who keeps a zone's businesses and deals, and what a deal must be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exports import services
from exports.models import CreativeBusiness, ExportDeal
from tests.exports.register_world import creative_field, make_agreement, make_business, make_deal, make_fair

pytestmark = pytest.mark.django_db


def _deal_fields(**overrides):
    fields = {
        "buyer_country": "IQ",
        "product": "فرش دستباف",
        "value": Decimal("2500"),
        "currency": "USD",
        "rate_to_rial": Decimal("600000"),
        "signed_on": timezone.localdate() - dt.timedelta(days=1),
        "event": None,
        "agreement": None,
        "note": "",
    }
    return {**fields, **overrides}


def test_a_zone_keeps_its_own_register_and_not_anothers(kish_deputy, kish, qeshm):
    business = services.add_business(kish_deputy, zone=kish, name="نگارخانه مرجان", field=creative_field())
    assert business.zone == kish
    assert business.history.first().history_user == kish_deputy
    with pytest.raises(PermissionDenied):
        services.add_business(kish_deputy, zone=qeshm, name="کارگاه نمد", field=creative_field())
    qeshm_business = make_business(qeshm)
    with pytest.raises(PermissionDenied):
        services.update_business(kish_deputy, qeshm_business, name="دیگر")
    with pytest.raises(PermissionDenied):
        services.add_deal(kish_deputy, business=qeshm_business, **_deal_fields())
    assert not ExportDeal.objects.exists()


def test_institutions_keep_nothing(art_bureau_partner, kish):
    with pytest.raises(PermissionDenied):
        services.add_business(art_bureau_partner, zone=kish, name="x", field=creative_field())


def test_the_secretariat_may_keep_any_zones_register(secretariat, qeshm):
    business = services.add_business(
        secretariat, zone=qeshm, name="استودیو پویانمایی", field=creative_field()
    )
    deal = services.add_deal(secretariat, business=business, **_deal_fields())
    assert deal.zone == qeshm
    assert deal.value_rial == Decimal("1500000000")
    assert deal.recorded_by == secretariat


def test_a_name_is_used_once_per_zone(kish_deputy, kish):
    services.add_business(kish_deputy, zone=kish, name="کارگاه سفال", field=creative_field())
    with pytest.raises(ValidationError):
        services.add_business(kish_deputy, zone=kish, name="کارگاه سفال", field=creative_field())


def test_a_retired_field_is_refused_for_a_new_business(kish_deputy, kish):
    old = creative_field("old", "قدیمی")
    old.is_active = False
    old.save()
    with pytest.raises(ValidationError) as refused:
        services.add_business(kish_deputy, zone=kish, name="کارگاه", field=old)
    assert "field" in refused.value.message_dict


def test_a_deal_is_checked(kish_deputy, kish):
    business = make_business(kish)
    cases = {
        "value": {"value": Decimal("-1")},
        "rate_to_rial": {"rate_to_rial": Decimal("0")},
        "signed_on": {"signed_on": timezone.localdate() + dt.timedelta(days=1)},
    }
    for field, wrong in cases.items():
        with pytest.raises(ValidationError) as refused:
            services.add_deal(kish_deputy, business=business, **_deal_fields(**wrong))
        assert field in refused.value.message_dict, field
    with pytest.raises(ValidationError) as refused:
        services.add_deal(
            kish_deputy, business=business, **_deal_fields(currency="IRR", rate_to_rial=Decimal(5))
        )
    assert "rate_to_rial" in refused.value.message_dict
    in_rials = services.add_deal(
        kish_deputy, business=business, **_deal_fields(currency="IRR", rate_to_rial=None, value=Decimal(7))
    )
    assert (in_rials.rate_to_rial, in_rials.value_rial) == (1, 7)
    assert ExportDeal.objects.count() == 1


def test_the_event_is_the_zones_own_or_one_it_joined(kish_deputy, kish, qeshm, anzali_zone):
    business = make_business(kish)
    hosted = make_fair(kish)
    joined = make_fair(qeshm, joined=[kish])
    other = make_fair(anzali_zone)
    draft = make_fair(kish, status="draft")
    assert services.add_deal(kish_deputy, business=business, **_deal_fields(event=hosted)).event == hosted
    assert services.add_deal(kish_deputy, business=business, **_deal_fields(event=joined)).event == joined
    for refused_event in (other, draft):
        with pytest.raises(ValidationError) as refused:
            services.add_deal(kish_deputy, business=business, **_deal_fields(event=refused_event))
        assert "event" in refused.value.message_dict


def test_the_agreement_has_the_zone_among_its_parties(kish_deputy, kish, qeshm):
    business = make_business(kish)
    ours = make_agreement(zones=[kish])
    theirs = make_agreement(zones=[qeshm])
    assert services.add_deal(kish_deputy, business=business, **_deal_fields(agreement=ours)).agreement == ours
    with pytest.raises(ValidationError) as refused:
        services.add_deal(kish_deputy, business=business, **_deal_fields(agreement=theirs))
    assert "agreement" in refused.value.message_dict


def test_a_retired_business_takes_no_new_deal_and_comes_back(kish_deputy, kish):
    business = make_business(kish)
    make_deal(business)
    services.retire_business(kish_deputy, business)
    business.refresh_from_db()
    assert not business.is_active
    assert business.deals.count() == 1  # its deals stay
    with pytest.raises(ValidationError):
        services.add_deal(kish_deputy, business=business, **_deal_fields())
    services.retire_business(kish_deputy, business, active=True)
    assert CreativeBusiness.objects.get(pk=business.pk).is_active


def test_a_deal_is_corrected_and_deleted_by_its_zone_only(kish_deputy, qeshm_deputy, kish):
    deal = make_deal(make_business(kish))
    updated = services.update_deal(kish_deputy, deal, value=Decimal("10"), rate_to_rial=Decimal("500000"))
    assert updated.value_rial == Decimal("5000000")
    with pytest.raises(PermissionDenied):
        services.update_deal(qeshm_deputy, deal, value=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.delete_deal(qeshm_deputy, deal)
    services.delete_deal(kish_deputy, deal)
    assert not ExportDeal.objects.exists()
    assert ExportDeal.history.filter(id=deal.pk, history_type="-").get().history_user == kish_deputy
