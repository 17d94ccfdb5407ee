"""The export register in the secretariat's admin (issue 17): fields edited in place, businesses and
deals saved through the services, so the admin refuses what the zones' pages refuse."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exports.models import CreativeBusiness, CreativeField, ExportDeal
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db

DEALS = "/admin/exports/exportdeal/"


def creative_field(slug: str = "carpet", name_fa: str = "فرش") -> CreativeField:
    made, _ = CreativeField.objects.get_or_create(
        slug=slug, defaults={"name_fa": name_fa, "name_en": slug.title()}
    )
    return made


def business(zone, name: str = "فرش کیش") -> CreativeBusiness:
    return CreativeBusiness.objects.create(
        zone=zone, name=name, field=creative_field(), contact_phone="09121112233"
    )


def deal(owner: CreativeBusiness, n: int = 1) -> ExportDeal:
    return ExportDeal.objects.create(
        business=owner,
        buyer_country="IQ",
        product=f"محموله {n}",
        value=Decimal(1000 * n),
        currency="USD",
        rate_to_rial=Decimal(600_000),
        signed_on=timezone.localdate() - dt.timedelta(days=n),
    )


def deal_form(owner: CreativeBusiness, day: dt.date, **extra) -> dict:
    return {
        "business": owner.pk,
        "buyer_country": "AE",
        "product": "فرش دستباف",
        "value": "۲۵۰۰",
        "currency": "AED",
        "rate_to_rial": "۲۸۰۰۰۰",
        "signed_on": input_date(day, "fa"),
        "note": "",
        **extra,
    }


def test_the_fields_list_is_edited_in_place(client_for, secretariat):
    creative_field("games", "بازی")
    page = client_for(secretariat).get("/admin/exports/creativefield/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "بازی" in text
    assert 'name="form-0-sort_order"' in text
    assert 'name="form-0-is_active"' in text


def test_a_deal_added_in_the_admin_is_recorded_in_rials_by_whom(client_for, secretariat, kish):
    owner = business(kish)
    page = client_for(secretariat).post(DEALS + "add/", deal_form(owner, timezone.localdate()))
    assert page.status_code == 302, page.content.decode()[:2000]
    saved = ExportDeal.objects.get()
    assert saved.value_rial == Decimal(700_000_000)
    assert saved.zone == kish
    assert saved.recorded_by == secretariat


def test_the_admin_refuses_a_deal_in_the_future_as_the_pages_do(client_for, secretariat, kish):
    owner = business(kish)
    client = client_for(secretariat)
    page = client.post(
        DEALS + "add/", deal_form(owner, timezone.localdate() + dt.timedelta(days=5)), follow=True
    )
    assert not ExportDeal.objects.exists()
    assert "future" in page.content.decode() or "آینده" in page.content.decode()


def test_deleting_a_deal_in_the_admin_goes_through_the_service(client_for, secretariat, kish):
    gone = deal(business(kish))
    page = client_for(secretariat).post(f"{DEALS}{gone.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302
    assert not ExportDeal.objects.exists()
    assert ExportDeal.history.filter(history_type="-").count() == 1


def test_a_business_keeps_its_deals_and_is_retired_not_deleted(client_for, secretariat, kish):
    owner = business(kish)
    deal(owner)
    client = client_for(secretariat)
    page = client.get(f"/admin/exports/creativebusiness/{owner.pk}/change/")
    assert page.status_code == 200
    assert "محموله 1" in page.content.decode()
    assert f"creativebusiness/{owner.pk}/delete/" not in page.content.decode()
    client.post(
        "/admin/exports/creativebusiness/",
        {"action": "retire_selected", "_selected_action": [owner.pk]},
    )
    owner.refresh_from_db()
    assert not owner.is_active
    assert ExportDeal.objects.count() == 1


def test_zone_people_do_not_reach_the_admin(client_for, kish_deputy, qeshm):
    secret = deal(business(qeshm, "گلابتون قشم"))
    page = client_for(kish_deputy).get(f"{DEALS}{secret.pk}/change/")
    assert page.status_code in (302, 403)
    assert "گلابتون" not in page.content.decode()


def test_csv_of_the_deals(client_for, secretariat, kish):
    deal(business(kish), 3)
    page = client_for(secretariat).get(DEALS + "export.csv")
    lines = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    assert lines[1][1] == "فرش کیش"
    assert lines[1][8] == "1800000000"


def test_the_deals_list_costs_the_same_queries_at_two_sizes(
    client_for, secretariat, kish, qeshm, django_assert_num_queries
):
    client = client_for(secretariat)
    owners = [business(kish, "الف"), business(qeshm, "ب")]
    for n in range(3):
        deal(owners[n % 2], n + 1)
    client.get(DEALS)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DEALS).status_code == 200
    for n in range(3, 40):
        deal(owners[n % 2], n + 1)
    with django_assert_num_queries(len(small)):
        page = client.get(DEALS)
    assert "محموله 40" in page.content.decode()
