"""The circulars pages as each person meets them: who sees which circular and its file, the
secretariat's writing, sending and withdrawing (after the two-step sign-in), a zone's acknowledgement,
and a list that costs the same however many circulars there are."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Acknowledgement, Circular
from coordination.services import circulars as services
from coordination.views.circulars import PAGE_SIZE
from tests.events.test_validation import PDF
from tests.factories import make_circular
from zones_portal.dates import format_date
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db


def detail(circular):
    return reverse("coordination:circular", args=[circular.pk])


def with_file(secretariat, zones, title, send=True):
    circular = services.draft_circular(
        secretariat,
        kind="instruction",
        title=title,
        body="بند یک\nبند دو",
        acknowledge_by=timezone.localdate() + dt.timedelta(days=5),
        zones=zones,
        file=SimpleUploadedFile("دستورالعمل.pdf", PDF),
    )
    return services.send_circular(secretariat, circular) if send else circular


@pytest.fixture
def circulars(secretariat, kish, qeshm):
    """One sent to Kish, one sent to Qeshm, one draft meant for Kish: each with a PDF."""
    return {
        "to_kish": with_file(secretariat, [kish], "بخشنامه کیش"),
        "to_qeshm": with_file(secretariat, [qeshm], "بخشنامه قشم"),
        "draft": with_file(secretariat, [kish], "پیش‌نویس محرمانه", send=False),
    }


SEES = {
    "secretariat": {"to_kish", "to_qeshm", "draft"},
    "kish_deputy": {"to_kish"},
    "qeshm_deputy": {"to_qeshm"},
    "art_bureau_partner": set(),
}


@pytest.mark.parametrize("who", list(SEES))
def test_who_sees_which_circular_and_its_file(request, circulars, client_for, who):
    client = client_for(request.getfixturevalue(who))
    listing = client.get(reverse("coordination:circulars")).content.decode()
    for key, circular in circulars.items():
        expected = 200 if key in SEES[who] else 404
        assert client.get(detail(circular)).status_code == expected
        download = client.get(reverse("coordination:circular-file", args=[circular.pk]))
        assert download.status_code == expected
        if expected == 200:
            assert b"".join(download.streaming_content) == PDF
            assert download["Content-Type"] == "application/pdf"
        assert (circular.title in listing) == (key in SEES[who])


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, circulars):
    circular = circulars["to_kish"]
    for url in (
        reverse("coordination:circulars"),
        detail(circular),
        reverse("coordination:circular-file", args=[circular.pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_a_zone_acknowledges_from_the_page_and_then_reads_who_did(circulars, client_for, kish_deputy, kish):
    circular = circulars["to_kish"]
    client = client_for(kish_deputy)
    page = client.get(detail(circular)).content.decode()
    assert f'action="/coordination/circulars/{circular.pk}/acknowledge/"' in page
    assert "بند یک<br>بند دو" in page
    assert circular.number_display in page
    assert re.search("[۰-۹]+/[۰-۹]+", circular.number_display)
    assert client.get(reverse("coordination:circular-acknowledge", args=[circular.pk])).status_code == 405
    response = client.post(reverse("coordination:circular-acknowledge", args=[circular.pk]), follow=True)
    html = response.content.decode()
    acknowledgement = Acknowledgement.objects.get(circular=circular, zone=kish)
    assert acknowledgement.acknowledged_by == kish_deputy
    assert "علی کریمی" in html
    assert f'action="/coordination/circulars/{circular.pk}/acknowledge/"' not in html
    again = client.post(reverse("coordination:circular-acknowledge", args=[circular.pk]), follow=True)
    assert again.status_code == 200
    assert (
        Acknowledgement.objects.get(pk=acknowledgement.pk).acknowledged_at == acknowledgement.acknowledged_at
    )


def test_another_zone_cannot_acknowledge_nor_find_a_circular_not_sent_to_it(
    circulars, client_for, qeshm_deputy
):
    client = client_for(qeshm_deputy)
    for key in ("to_kish", "draft"):
        response = client.post(reverse("coordination:circular-acknowledge", args=[circulars[key].pk]))
        assert response.status_code == 404
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_secretariat_sees_who_acknowledged_on_time_late_and_not_yet(
    secretariat, client_for, kish, qeshm, anzali_zone, kish_deputy, qeshm_deputy
):
    circular = with_file(secretariat, [kish, qeshm, anzali_zone], "بخشنامه سه منطقه")
    services.acknowledge_circular(kish_deputy, circular.recipients.get(zone=kish))
    services.acknowledge_circular(
        qeshm_deputy, circular.recipients.get(zone=qeshm), now=timezone.now() + dt.timedelta(days=9)
    )
    html = client_for(secretariat).get(detail(circular)).content.decode()
    assert "علی کریمی" in html
    assert "زهرا محمدی" in html
    assert html.count('class="recipient-on-time"') == 1
    assert html.count('class="recipient-late"') == 1
    assert html.count('class="recipient-awaiting"') == 1
    assert "۲" in html  # "acknowledged 2 of 3", in Persian digits
    Circular.objects.filter(pk=circular.pk).update(acknowledge_by=timezone.localdate() - dt.timedelta(days=1))
    html = client_for(secretariat).get(detail(circular)).content.decode()
    assert html.count('class="recipient-overdue overdue"') == 1
    listing = client_for(secretariat).get(reverse("coordination:circulars")).content.decode()
    assert 'class="circular-row overdue"' in listing


def test_the_secretariat_writes_sends_and_withdraws_from_the_pages(secretariat, client_for, kish, qeshm):
    client = client_for(secretariat)
    assert client.get(reverse("coordination:circular-create")).status_code == 200
    response = client.post(
        reverse("coordination:circular-create"),
        {
            "kind": "announcement",
            "title": "نمایشگاه صادرات صنایع خلاق",
            "body": "متن",
            "acknowledge_by": "۱۴۹۰/۰۱/۱۵",
            "all_zones": "on",
            "file": SimpleUploadedFile("fair.pdf", PDF),
        },
    )
    circular = Circular.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(circular)
    assert circular.status == "draft"
    assert circular.file_name == "fair.pdf"
    assert circular.recipients.count() == Zone.objects.filter(is_active=True).count() == 7
    edit = client.post(
        reverse("coordination:circular-edit", args=[circular.pk]),
        {
            "kind": "announcement",
            "title": "عنوان نو",
            "body": "متن",
            "acknowledge_by": "2111-04-04",
            "zones": [kish.pk, qeshm.pk],
        },
    )
    assert edit.status_code == 302
    circular.refresh_from_db()
    assert circular.title == "عنوان نو"
    assert circular.recipients.count() == 2
    assert circular.file_name == "fair.pdf"
    confirm = client.get(reverse("coordination:circular-send", args=[circular.pk])).content.decode()
    assert kish.name in confirm
    assert qeshm.name in confirm
    client.post(reverse("coordination:circular-send", args=[circular.pk]))
    circular.refresh_from_db()
    assert circular.status == "sent"
    assert circular.number
    assert client.get(reverse("coordination:circular-edit", args=[circular.pk])).status_code == 302
    blank = client.post(reverse("coordination:circular-withdraw", args=[circular.pk]), {"reason": ""})
    assert blank.status_code == 200
    assert 'class="field has-error"' in blank.content.decode()
    circular.refresh_from_db()
    assert circular.status == "sent"
    client.post(reverse("coordination:circular-withdraw", args=[circular.pk]), {"reason": "جایگزین شد"})
    circular.refresh_from_db()
    assert (circular.status, circular.withdrawal_reason) == ("withdrawn", "جایگزین شد")
    html = client.get(detail(circular)).content.decode()
    assert "جایگزین شد" in html


def test_a_refused_send_says_why_on_the_page(secretariat, client_for):
    circular = services.draft_circular(
        secretariat,
        kind="instruction",
        title="بی‌گیرنده",
        body="متن",
        acknowledge_by=timezone.localdate(),
        zones=[],
    )
    client = client_for(secretariat)
    client.cookies["portal_language"] = "en"
    response = client.post(reverse("coordination:circular-send", args=[circular.pk]), follow=True)
    assert "دست‌کم یک منطقه را برای ارسال برگزینید." in response.content.decode()
    circular.refresh_from_db()
    assert circular.status == "draft"


def test_a_wrong_file_is_refused_on_the_form(secretariat, client_for, kish):
    response = client_for(secretariat).post(
        reverse("coordination:circular-create"),
        {
            "kind": "instruction",
            "title": "x",
            "body": "y",
            "acknowledge_by": "۱۴۹۰/۰۱/۱۵",
            "zones": [kish.pk],
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf"),
        },
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not Circular.objects.exists()


def test_zones_and_partners_cannot_write_send_or_withdraw(
    circulars, client_for, kish_deputy, art_bureau_partner
):
    for person in (kish_deputy, art_bureau_partner):
        client = client_for(person)
        assert client.get(reverse("coordination:circular-create")).status_code == 403
        assert client.post(reverse("coordination:circular-create"), {"title": "x"}).status_code == 403
    kish = client_for(kish_deputy)
    sent = circulars["to_kish"]
    assert (
        kish.post(reverse("coordination:circular-withdraw", args=[sent.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert kish.post(reverse("coordination:circular-edit", args=[sent.pk]), {"title": "x"}).status_code == 403
    draft = circulars["draft"]
    assert kish.post(reverse("coordination:circular-send", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    sent.refresh_from_db()
    assert (draft.status, sent.status) == ("draft", "sent")


def test_the_secretariat_confirms_the_second_step_before_changing_anything(secretariat, circulars):
    client = Client()
    client.force_login(secretariat)
    draft = circulars["draft"]
    response = client.post(reverse("coordination:circular-send", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert client.get(detail(draft)).status_code == 200  # reading needs no second step


def many_circulars(secretariat_zones, count):
    for index in range(count):
        circular = make_circular(
            zones=secretariat_zones, title=f"بخشنامه شماره {index:03d}", number=f"1405/{index + 1}"
        )
        if index % 2:
            Acknowledgement.objects.filter(circular=circular).update(
                acknowledged_at=timezone.now(), acknowledged_by_name="x"
            )
    make_circular(zones=secretariat_zones, status="draft", title="پیش‌نویس")


def listed(html):
    return re.findall(r'<a href="/coordination/circulars/\d+/">([^<]+)</a>', html)


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize("person", ["kish_deputy", "secretariat"])
def test_the_list_costs_the_same_however_many(
    client_for, request, person, kish, qeshm, count, django_assert_num_queries
):
    many_circulars([kish, qeshm], count)
    client = client_for(request.getfixturevalue(person))
    client.get(reverse("coordination:circulars"))
    with django_assert_num_queries(QUERIES[person]):
        response = client.get(reverse("coordination:circulars"))
    rows = listed(response.content.decode())
    shown = count + (1 if person == "secretariat" else 0)
    assert len(rows) == min(shown, PAGE_SIZE)


# Session, person, scope with the menu's jury link; the circulars: count and page (recipients counted
# in the page's query).
QUERIES = {"kish_deputy": 5, "secretariat": 5}


def test_a_zone_reads_what_it_has_to_acknowledge_first_then_the_rest(client_for, kish_deputy, kish):
    today = timezone.localdate()
    done = make_circular(zones=[kish], title="خوانده‌شده", number="1405/1")
    Acknowledgement.objects.filter(circular=done).update(
        acknowledged_at=timezone.now(), acknowledged_by_name="علی کریمی"
    )
    make_circular(zones=[kish], title="مهلت دور", number="1405/2", ack_in_days=20)
    make_circular(zones=[kish], title="مهلت نزدیک", number="1405/3", ack_in_days=2)
    make_circular(zones=[kish], title="گذشته از مهلت", number="1405/4", ack_in_days=-3)
    html = client_for(kish_deputy).get(reverse("coordination:circulars")).content.decode()
    assert listed(html) == ["گذشته از مهلت", "مهلت نزدیک", "مهلت دور", "خوانده‌شده"]
    assert html.count('class="circular-row overdue"') == 1
    assert format_date(today + dt.timedelta(days=2)) in html  # each row shows its deadline
