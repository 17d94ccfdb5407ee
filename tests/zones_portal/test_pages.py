"""The dashboard shell: login, the home page per role, zone pages, language and direction."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zones_portal.models import Zone

pytestmark = pytest.mark.django_db


def test_login_is_required(anonymous):
    for url in (reverse("home"), reverse("zone-detail", args=["kish"]), reverse("zone-edit", args=["kish"])):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_works_and_signs_in(anonymous, kish_deputy):
    page = anonymous.get(reverse("login"))
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    response = anonymous.post(
        reverse("login"), {"username": "kish-deputy", "password": "a-test-password-7319"}
    )
    assert response.status_code == 302
    assert anonymous.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_with_a_persian_message(anonymous, kish_deputy):
    response = anonymous.post(reverse("login"), {"username": "kish-deputy", "password": "wrong"})
    assert response.status_code == 200
    assert "نام کاربری و گذرواژه" in response.content.decode()


@time_machine.travel("2026-11-28 09:00 +0330", tick=False)
def test_home_is_right_to_left_with_a_jalali_date_in_persian(client_for, kish_deputy):
    html = client_for(kish_deputy).get(reverse("home")).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "شنبه ۷ آذر ۱۴۰۵" in html
    assert "کیش" in html


@time_machine.travel("2026-11-28 09:00 +0330", tick=False)
def test_home_is_left_to_right_with_a_gregorian_date_in_english(client_for, kish_deputy):
    kish_deputy.language = "en"
    kish_deputy.save()
    html = client_for(kish_deputy).get(reverse("home")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Saturday 28 November 2026" in html
    assert "Kish" in html
    assert "Zone deputy" in html


def test_the_secretariat_sees_all_seven_zones(
    client_for, secretariat, kish_deputy, django_assert_max_num_queries
):
    client = client_for(secretariat)
    with django_assert_max_num_queries(
        18
    ):  # 11, one per section of rows (issue 15), 5 for the desk (issue 16)
        response = client.get(reverse("home"))
    html = response.content.decode()
    for zone in Zone.objects.all():
        assert reverse("zone-detail", args=[zone.slug]) in html
    assert "علی کریمی" in html  # the Kish deputy, named on Kish's card


def test_a_deputy_is_greeted_with_their_zone_and_not_shown_the_others(client_for, qeshm_deputy):
    html = client_for(qeshm_deputy).get(reverse("home")).content.decode()
    assert "قشم" in html
    assert reverse("zone-detail", args=["kish"]) not in html
    assert "معاون منطقه" in html


def test_a_partner_is_greeted_with_their_institution(client_for, art_bureau_partner):
    html = client_for(art_bureau_partner).get(reverse("home")).content.decode()
    assert "حوزه هنری انقلاب اسلامی" in html


def test_the_language_switch_is_remembered_on_the_account(client_for, kish_deputy):
    client = client_for(kish_deputy)
    response = client.post(reverse("set-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    kish_deputy.refresh_from_db()
    assert kish_deputy.language == "en"
    assert 'dir="ltr"' in client.get(reverse("home")).content.decode()


def test_the_language_switch_refuses_foreign_redirects(anonymous):
    response = anonymous.post(reverse("set-language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert 'lang="en"' in anonymous.get(reverse("login")).content.decode()


def test_pages_are_persian_whatever_the_browser_prefers(anonymous):
    html = anonymous.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fa" dir="rtl">' in html


def test_a_deputy_edits_their_zone_but_not_another(client_for, kish_deputy):
    client = client_for(kish_deputy)
    assert client.get(reverse("zone-edit", args=["qeshm"])).status_code == 403
    response = client.post(reverse("zone-edit", args=["qeshm"]), {"phone": "1"})
    assert response.status_code == 403
    assert Zone.objects.get(slug="qeshm").phone == ""

    response = client.post(
        reverse("zone-edit", args=["kish"]),
        {"phone": "076-4442-0000", "email": "culture@kish.example", "website": "", "address": "جزیره کیش"},
    )
    assert response.status_code == 302
    assert Zone.objects.get(slug="kish").phone == "076-4442-0000"


def test_a_bad_email_gives_a_form_error_and_saves_nothing(client_for, kish_deputy):
    response = client_for(kish_deputy).post(
        reverse("zone-edit", args=["kish"]), {"phone": "076", "email": "not-an-address"}
    )
    assert response.status_code == 200
    assert "پست الکترونیکی صحیح وارد کنید." in response.content.decode()
    assert Zone.objects.get(slug="kish").phone == ""


def test_every_stylesheet_and_font_a_page_uses_is_served_by_the_portal(client_for, secretariat):
    import re

    html = client_for(secretariat).get(reverse("home")).content.decode()
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|woff2))"', html)
    assert assets, "the page links no stylesheet"
    assert not [url for url in assets if "//" in url], "pages must not load assets from elsewhere"
    client = Client()
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        css = b"".join(response.streaming_content).decode()
        for font in re.findall(r'url\("\.\./([^"]+)"\)', css):
            assert client.get(f"/static/{font}").status_code == 200, font
