"""The public pages as a visitor with no account reads them: what's on, an event, a zone (issue 18)."""

from __future__ import annotations

import re

import jdatetime
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, EventReport
from tests.factories import make_call, make_event
from tests.public.conftest import visitor
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db


def this_month(language: str) -> str:
    today = timezone.localdate()
    if language == "fa":
        j = jdatetime.date.fromgregorian(date=today)
        return f"{j.year}-{j.month:02d}"
    return f"{today.year}-{today.month:02d}"


@pytest.mark.parametrize(
    ("language", "heading", "qeshm_name"),
    [("fa", "رویدادهای", "قشم"), ("en", "event", "Qeshm")],
)
def test_a_visitor_finds_this_months_qeshm_events_in_either_language(
    now_event, kish, language, heading, qeshm_name
):
    kish_event = make_event(kish, status="approved", title="جشنواره کیش", starts_in_days=-1 / 24, hours=3)
    response = visitor(language).get("/whats-on/", {"zone": "qeshm", "month": this_month(language)})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in html
    assert now_event.title in html
    assert f"/whats-on/events/{now_event.pk}/" in html
    assert kish_event.title not in html
    assert qeshm_name in html
    assert "تالار ناز" in html  # the venue on the card
    if language == "fa":  # the month in the reader's calendar: a Solar Hijri month, in Persian digits
        month_name = jdatetime.date.j_months_fa[
            jdatetime.date.fromgregorian(date=timezone.localdate()).month - 1
        ]
        assert month_name in html
        assert re.search("[۰-۹]", html)
    else:
        assert timezone.localdate().strftime("%B %Y") in html


def test_a_month_link_from_the_other_calendar_still_works(now_event):
    response = visitor("en").get("/whats-on/", {"month": this_month("fa")})
    assert response.status_code == 200
    assert now_event.title in response.content.decode()


def test_upcoming_by_default_and_past_on_request(qeshm, now_event):
    past = make_event(qeshm, status="held", title="شب شعر گذشته", starts_in_days=-30)
    upcoming = visitor().get("/whats-on/").content.decode()
    assert now_event.title in upcoming
    assert past.title not in upcoming
    earlier = visitor().get("/whats-on/", {"when": "past"}).content.decode()
    assert past.title in earlier
    assert now_event.title not in earlier


def test_text_filter_finds_other_spellings(qeshm):
    event = make_event(qeshm, status="approved", title="كنسرت موسيقي سنتی")  # Arabic kaf and yeh
    found = visitor().get("/whats-on/", {"q": "کنسرت‌موسیقی"}).content.decode()
    assert event.title in found
    missed = visitor().get("/whats-on/", {"q": "تئاتر"}).content.decode()
    assert event.title not in missed


def test_category_filter(qeshm):
    festival = make_event(qeshm, status="approved", title="جشنواره فیلم", category="festival")
    workshop = make_event(qeshm, status="approved", title="کارگاه عکاسی", category="workshop")
    html = visitor().get("/whats-on/", {"category": "workshop"}).content.decode()
    assert workshop.title in html
    assert festival.title not in html


@pytest.mark.parametrize("language", ["fa", "en"])
def test_filters_that_do_not_read_answer_400_with_a_sentence_per_field(language):
    response = visitor(language).get("/whats-on/", {"zone": "atlantis", "month": "1405-13", "when": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="public-filter has-error"') == 3
    assert 'role="alert"' in html


def test_the_list_pages_by_twenty(qeshm):
    for number in range(23):
        make_event(qeshm, status="approved", title=f"رویداد شماره {number:02d}", starts_in_days=1 + number)
    first = visitor("en").get("/whats-on/").content.decode()
    second = visitor("en").get("/whats-on/", {"page": "2"}).content.decode()
    assert first.count('class="public-card"') == 20
    assert second.count('class="public-card"') == 3
    assert 'rel="next"' in first


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "cancelled"])
def test_unpublished_events_are_not_found(qeshm, status):
    hidden = make_event(qeshm, status=status, title=f"پنهان {status}")
    client = visitor()
    assert client.get(f"/whats-on/events/{hidden.pk}/").status_code == 404
    assert client.get(f"/whats-on/events/{hidden.pk}/calendar.ics").status_code == 404
    for path in ("/whats-on/", "/whats-on/?when=past", "/whats-on/qeshm/", "/sitemap.xml"):
        assert hidden.title not in client.get(path).content.decode(), path


PRIVATE = (
    "SECRET-REASON-TEXT",
    "SECRET-OUTCOMES-TEXT",
    "987654",
    "۹۸۷۶۵۴",
    "123456789",
    "۱۲۳۴۵۶۷۸۹",
    "123,456,789",
    "۱۲۳٬۴۵۶٬۷۸۹",
    "deputy-office@qeshm.example",
    "partners@artbureau.example",
    "076-35550000",
    "officer",
    "امینی",
)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_nothing_private_appears_anywhere(leaky, language):
    client = visitor(language)
    paths = [
        "/whats-on/?when=past",
        f"/whats-on/events/{leaky.pk}/",
        f"/whats-on/events/{leaky.pk}/calendar.ics",
        "/whats-on/qeshm/",
        "/sitemap.xml",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        leaked = [secret for secret in PRIVATE if secret in text]
        assert not leaked, f"{path}: {leaked}"
    page = client.get(f"/whats-on/events/{leaky.pk}/").content.decode()
    assert leaky.title in page
    assert ("4321" in page) is False
    assert ("۴۳۲۱" in page) is False


@pytest.mark.parametrize(("language", "attendance"), [("fa", "۴۳۲۱"), ("en", "4321")])
def test_figures_the_secretariat_made_public_are_shown(leaky, language, attendance):
    EventReport.objects.filter(event=leaky).update(public_figures=True)
    cache.clear()
    page = visitor(language).get(f"/whats-on/events/{leaky.pk}/").content.decode()
    assert attendance in page
    assert "SECRET-OUTCOMES-TEXT" not in page


def test_the_event_page_names_partners_institutions_map_and_calendar(qeshm, kish, anzali_zone, art_bureau):
    event = make_event(
        qeshm, status="approved", title="هفته فرهنگی", invite=(kish, anzali_zone), venue="سالن"
    )
    event.participations.filter(zone=kish).update(answer="accepted")
    event.participations.filter(zone=anzali_zone).update(answer="declined")
    event.co_organisers.set([art_bureau])
    html = visitor("en").get(f"/whats-on/events/{event.pk}/").content.decode()
    assert "Kish" in html
    assert "Anzali" not in html  # declined: not a partner
    assert "Art Bureau of the Islamic Revolution" in html
    assert "https://www.openstreetmap.org/search?query=" in html
    assert f"/whats-on/events/{event.pk}/calendar.ics" in html
    event.map_link = "https://neshan.org/maps/places/abc"
    event.save()
    assert (
        'href="https://neshan.org/maps/places/abc"'
        in visitor("en").get(f"/whats-on/events/{event.pk}/").content.decode()
    )


def test_add_to_calendar_is_the_feeds_event(now_event):
    from icalendar import Calendar

    response = visitor().get(f"/whats-on/events/{now_event.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == now_event.title
    assert str(entry["UID"]) == f"event-{now_event.pk}@zones-portal"
    assert str(entry["URL"]) == f"http://testserver/whats-on/events/{now_event.pk}/"


def test_a_zone_page_shows_its_events_and_the_calls_open_to_its_artists(qeshm, kish, now_event):
    past = make_event(qeshm, status="reported", title="جشن گذشته قشم", starts_in_days=-15)
    joined = make_event(kish, status="approved", title="رویداد مشترک", invite=(qeshm,), starts_in_days=5)
    joined.participations.update(answer="accepted")
    declined = make_event(kish, status="approved", title="رویداد ردشده", invite=(qeshm,), starts_in_days=6)
    declined.participations.update(answer="declined")
    for_qeshm = make_call(title="فراخوان عکاسی قشم", zones=[qeshm])
    for_kish = make_call(title="فراخوان کیش تنها", zones=[kish])
    draft = make_call(title="فراخوان پیش‌نویس", status="draft")
    closed = make_call(title="فراخوان بسته", opens_in_days=-30, closes_in_days=-2)
    html = visitor("en").get("/whats-on/qeshm/").content.decode()
    assert "Qeshm" in html
    assert "Hormozgan" in html
    for shown in (now_event.title, past.title, joined.title, for_qeshm.title):
        assert shown in html, shown
    for hidden in (declined.title, for_kish.title, draft.title, closed.title):
        assert hidden not in html, hidden
    assert f'href="/calls/{for_qeshm.pk}/"' in html


def test_an_unknown_or_inactive_zone_is_not_found(anzali_zone):
    anzali_zone.is_active = False
    anzali_zone.save()
    assert visitor().get("/whats-on/nowhere/").status_code == 404
    assert visitor().get("/whats-on/anzali/").status_code == 404


def test_the_anonymous_menu_leads_to_whats_on(anonymous):
    html = anonymous.get("/calls/").content.decode()
    assert 'href="/whats-on/"' in html


def test_a_signed_in_visitor_sees_their_own_top_bar_on_a_page_the_public_filled(
    now_event, client_for, kish_deputy
):
    assert visitor().get(f"/whats-on/events/{now_event.pk}/").status_code == 200  # kept now
    html = client_for(kish_deputy).get(f"/whats-on/events/{now_event.pk}/").content.decode()
    assert "علی کریمی" in html
    assert f'href="/events/{now_event.pk}/"' in html  # their way into the dashboard
    again = visitor().get(f"/whats-on/events/{now_event.pk}/").content.decode()
    assert "علی کریمی" not in again
    assert f'href="/events/{now_event.pk}/"' not in again


def test_query_counts_do_not_grow_with_the_data(qeshm, kish, art_bureau, kanoon):
    """Built afresh (the cache emptied), each page costs the same at two sizes: the list four queries
    (zones and categories for the filters, the count, the page), an event four (itself with its zone
    and category, its partners, its institutions, its public figures), a zone four (itself, coming
    and recent events, open calls)."""

    def measure(path: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert visitor().get(path).status_code == 200
        return len(captured)

    def grow(count: int, partners: tuple, institutions: list) -> None:
        for number in range(count):
            event = make_event(
                qeshm, status="approved", title=f"رویداد {number}", invite=partners, starts_in_days=2 + number
            )
            event.participations.update(answer="accepted")
            event.co_organisers.set(institutions)
            make_call(title=f"فراخوان {number}", zones=[qeshm])

    chabahar = Zone.objects.get(slug="chabahar")
    grow(1, (kish,), [art_bureau])
    event = Event.objects.get()
    paths = ("/whats-on/", f"/whats-on/events/{event.pk}/", "/whats-on/qeshm/")
    small = {path: measure(path) for path in paths}
    grow(30, (kish, chabahar), [art_bureau, kanoon])
    event.participations.create(zone=chabahar, answer="accepted")
    event.co_organisers.add(kanoon)
    EventReport.objects.create(event=event, attendance=10, artists_count=2, outcomes="-", public_figures=True)
    large = {path: measure(path) for path in paths}
    assert small == large == dict.fromkeys(paths, 4)


def test_a_kept_page_costs_no_query(now_event, django_assert_num_queries):
    for path in ("/whats-on/", f"/whats-on/events/{now_event.pk}/", "/whats-on/qeshm/"):
        visitor().get(path)
        with django_assert_num_queries(0):
            assert visitor().get(path).status_code == 200
