"""The register's pages: a zone keeps its businesses and records deals (a fair's link prefills the fair);
the secretariat confirms with a code first; partners and other zones see nothing of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exports.models import CreativeBusiness, ExportDeal
from tests.exports.register_world import creative_field, make_business, make_deal, make_fair

pytestmark = pytest.mark.django_db


def test_a_zone_adds_a_business_and_lists_it_with_its_contact(client_for, kish_deputy, kish, qeshm):
    make_business(qeshm, "استودیو قشم", contact_phone="09990000000")  # could leak
    client = client_for(kish_deputy)
    response = client.post(
        reverse("exports:business-create"),
        {
            "name": "کارگاه گلیم",
            "field": creative_field().pk,
            "size": "micro",
            "contact_name": "رضا",
            "contact_phone": "۰۹۱۲۱۲۳۴۵۶۷",
            "contact_email": "",
        },
    )
    assert response.status_code == 302
    business = CreativeBusiness.objects.get(name="کارگاه گلیم")
    assert (business.zone, business.contact_phone) == (kish, "09121234567")
    page = client.get(reverse("exports:businesses")).content.decode()
    assert "کارگاه گلیم" in page
    assert "09121234567" in page
    assert "استودیو قشم" not in page
    assert "09990000000" not in page


def test_partners_and_visitors_are_turned_away(client_for, art_bureau_partner, anonymous, kish):
    business = make_business(kish)
    deal = make_deal(business)
    partner = client_for(art_bureau_partner)
    for url in (
        reverse("exports:businesses"),
        reverse("exports:deals"),
        reverse("exports:deal-create"),
        reverse("exports:business-create"),
    ):
        assert partner.get(url).status_code == 403
        assert anonymous.get(url).status_code == 302  # to sign in
    assert partner.get(reverse("exports:deal-edit", args=[deal.pk])).status_code == 404
    assert partner.get(reverse("exports:business-edit", args=[business.pk])).status_code == 404


def test_another_zone_cannot_open_or_change_a_deal(client_for, qeshm_deputy, kish):
    deal = make_deal(make_business(kish))
    client = client_for(qeshm_deputy)
    assert client.get(reverse("exports:deal-edit", args=[deal.pk])).status_code == 404
    assert client.post(reverse("exports:deal-delete", args=[deal.pk])).status_code == 404
    assert ExportDeal.objects.filter(pk=deal.pk).exists()


def test_the_fairs_link_prefills_the_fair_and_the_deal_is_recorded(client_for, kish_deputy, kish):
    business = make_business(kish)
    fair = make_fair(kish)
    client = client_for(kish_deputy)
    form = client.get(reverse("exports:deal-create"), {"event": fair.pk}).content.decode()
    assert fair.title in form
    assert f'<option value="{fair.pk}" selected>' in form
    response = client.post(
        reverse("exports:deal-create") + f"?event={fair.pk}",
        {
            "business": business.pk,
            "buyer_country": "AM",
            "product": "قالیچه",
            "value": "۱۲۰۰",
            "currency": "EUR",
            "rate_to_rial": "۷۰۰۰۰۰",
            "signed_on": timezone.localdate().isoformat(),
            "event": fair.pk,
            "agreement": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    deal = ExportDeal.objects.get()
    assert (deal.event, deal.buyer_country.code, deal.value_rial) == (fair, "AM", 840000000)
    listing = client.get(response["Location"]).content.decode()
    assert "قالیچه" in listing


def test_a_refused_deal_says_why_on_the_form(client_for, kish_deputy, kish):
    business = make_business(kish)
    response = client_for(kish_deputy).post(
        reverse("exports:deal-create"),
        {
            "business": business.pk,
            "buyer_country": "TR",
            "product": "x",
            "value": "10",
            "currency": "USD",
            "rate_to_rial": "",
            "signed_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "تاریخ آن نمی‌تواند در آینده باشد" in page
    assert "هر واحد ارز چند ریال ارزش داشت" in page
    assert not ExportDeal.objects.exists()


def test_the_secretariat_confirms_with_a_code_before_changing_anything(secretariat, kish):
    client = Client()
    client.force_login(secretariat)
    response = client.get(reverse("exports:business-create"))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    assert client.get(reverse("exports:deals")).status_code == 200  # reading needs no code


def test_the_secretariat_edits_and_retires_a_business(client_for, secretariat, kish):
    business = make_business(kish)
    client = client_for(secretariat)
    response = client.post(reverse("exports:business-retire", args=[business.pk]), {"active": "0"})
    assert response.status_code == 302
    business.refresh_from_db()
    assert not business.is_active
    assert business.name not in client.get(reverse("exports:businesses")).content.decode()
    assert business.name in client.get(reverse("exports:businesses"), {"retired": "1"}).content.decode()


def test_the_deal_list_filters_by_country_field_and_year(client_for, secretariat, kish, qeshm):
    iraq = make_deal(make_business(kish), country="IQ", product="ظرف مسی")
    china = make_deal(
        make_business(qeshm, field=creative_field("games", "بازی")), country="CN", product="بازی رایانه‌ای"
    )
    client = client_for(secretariat)
    page = client.get(reverse("exports:deals"), {"country": "CN"}).content.decode()
    assert china.product in page
    assert iraq.product not in page
    page = client.get(reverse("exports:deals"), {"field": "games"}).content.decode()
    assert china.product in page
    assert iraq.product not in page
    page = client.get(reverse("exports:deals"), {"year": "1300"}).content.decode()
    assert china.product not in page
    assert iraq.product not in page


def _more_deals(zone, count, tag):
    business = make_business(zone, f"بنگاه {zone.slug} {tag}")
    for number in range(count):
        make_deal(business, product=f"محصول {tag} {number}")


# The same queries for a page of four rows or of twenty-two: session, person, rows, count, sums.
@pytest.mark.parametrize(
    ("who", "name", "queries"),
    [
        ("kish_deputy", "exports:deals", 9),
        ("secretariat", "exports:deals", 10),
        ("kish_deputy", "exports:businesses", 5),
        ("secretariat", "exports:businesses", 6),
    ],
)
def test_the_lists_cost_the_same_at_two_sizes(
    request, client_for, kish, qeshm, who, name, queries, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    url = reverse(name)
    _more_deals(kish, 2, "a")
    _more_deals(qeshm, 2, "a")
    client.get(url)  # session and sign-in settle
    with django_assert_num_queries(queries):
        client.get(url)
    for tag in "bcdefghij":
        _more_deals(kish, 2, tag)
        _more_deals(qeshm, 2, tag)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert "بنگاه kish j" in response.content.decode()


def test_the_deal_list_groups_its_sums_and_names_its_year_box(client_for, kish_deputy, kish):
    """At 390 px the filter row fits (its stylesheet is linked) and its one text box says what it takes;
    money reads grouped in Persian digits, with no ".00" on a whole sum."""
    business = make_business(kish)
    make_deal(business, value="2500", product="قالیچه")  # 1,500,000,000 rials
    make_deal(business, value="12.5", product="کارت‌پستال")
    page = client_for(kish_deputy).get(reverse("exports:deals")).content.decode()
    assert "css/programmes-exports.css" in page
    assert 'placeholder="سال"' in page
    assert "۲٬۵۰۰ " in page
    assert "۲۵۰۰٫۰۰" not in page
    assert "۱۲٫۵۰" in page
    assert "۱٬۵۰۰٬۰۰۰٬۰۰۰" in page  # the deal's rials
    assert "۱٬۵۰۷٬۵۰۰٬۰۰۰" in page  # the total


def test_the_deal_form_offers_the_usual_destinations_first_and_the_rest_in_the_readers_order(
    client_for, kish_deputy, kish
):
    make_business(kish)
    form = client_for(kish_deputy).get(reverse("exports:deal-create")).content.decode()
    select = form[
        form.index('name="buyer_country"') : form.index("</select>", form.index('name="buyer_country"'))
    ]
    usual, rest = select.split("</optgroup>", 1)
    assert "<optgroup label=" in usual
    for code in ("IQ", "AE", "OM", "TR", "AM", "AZ", "RU", "CN", "IN", "AF", "QA", "KW"):
        assert f'value="{code}"' in usual
    assert 'value="DE"' not in usual
    # Germany (آلمان) before Belgium (بلژیک) in Persian, though not in English.
    assert rest.index('value="DE"') < rest.index('value="BE"')
