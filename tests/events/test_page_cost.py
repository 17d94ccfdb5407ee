"""The events page and the calendar after years of use: every section shows one page, each page costs
the same number of queries however many events there are, and the pager reaches the rest."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, EventCategory, Participation, week_start
from events.views import SECTION_SIZE
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db

# What the zone deputy and the secretariat each see, and the statuses and times that fill each section.
DEPUTY_SECTIONS = {
    "upcoming": ("approved", 10),
    "awaiting-report": ("held", -10),
    "submitted": ("submitted", 20),
    "drafts": ("draft", 30),
    "rejected": ("rejected", 40),
    "reported": ("reported", -40),
}
SECRETARIAT_SECTIONS = ("submitted", "awaiting-report", "upcoming")


def many_events(host, status, count, *, starts_in_days=10, invite=(), label=""):
    """``count`` events one day apart from ``starts_in_days``, titled by their order in time."""
    category = EventCategory.objects.get(slug="festival")
    now = timezone.now()
    events = []
    for index in range(count):
        start = now + dt.timedelta(days=starts_in_days + index)
        events.append(
            Event(
                title=f"{label or status} {host.slug} #{index:03d}",
                description="شرح بلند " * 500,
                category=category,
                host_zone=host,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                week_start=week_start(start),
                status=status,
            )
        )
    events = Event.objects.bulk_create(events)
    Participation.objects.bulk_create(
        Participation(event=event, zone=zone, invited_at=now) for event in events for zone in invite
    )
    return events


def section(html, key):
    start = html.index(f'<section class="card" id="{key}">')
    return html[start : html.index("</section>", start)]


def rows_of(html, key):
    return re.findall(r'class="event-title">([^<]+)</a>', section(html, key))


def fill_a_zones_years(kish, qeshm, count):
    for status, starts_in_days in DEPUTY_SECTIONS.values():
        many_events(kish, status, count, starts_in_days=starts_in_days)
    many_events(qeshm, "submitted", count, invite=(kish,), label="invitation")
    many_events(qeshm, "approved", count, starts_in_days=5)  # another zone's: not on Kish's page


@pytest.mark.parametrize("count", [5, 200])
def test_a_deputys_events_page_costs_the_same_and_shows_a_page_of_each_section(
    client_for, kish_deputy, kish, qeshm, count, django_assert_num_queries
):
    fill_a_zones_years(kish, qeshm, count)
    client = client_for(kish_deputy)
    client.get(reverse("events:list"))  # warm the session
    # Session, person, scope (with the menu's jury link); one count of every section; a page of each
    # of the six; the invitations' count and page; the bell.
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(13):
        response = client.get(reverse("events:list"))
    html = response.content.decode()
    for key in [*DEPUTY_SECTIONS, "invitations"]:
        assert len(rows_of(html, key)) == min(count, SECTION_SIZE)
    assert "#000" in html
    assert "approved qeshm" not in html


@pytest.mark.parametrize("count", [5, 200])
def test_the_secretariats_events_page_costs_the_same_and_shows_a_page_of_each_section(
    client_for, secretariat, kish, qeshm, count, django_assert_num_queries
):
    for zone in (kish, qeshm):
        many_events(zone, "submitted", count)
        many_events(zone, "held", count, starts_in_days=-count - 5)
        many_events(zone, "approved", count)
        many_events(zone, "reported", count, starts_in_days=-count - 5)  # history: not on this page
    client = client_for(secretariat)
    client.get(reverse("events:list"))
    # Session, person, scope and jury link; one count of every section; a page of each of the three; bell.
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(8):
        response = client.get(reverse("events:list"))
    html = response.content.decode()
    for key in SECRETARIAT_SECTIONS:
        assert len(rows_of(html, key)) == min(2 * count, SECTION_SIZE)
    assert not [title for key in SECRETARIAT_SECTIONS for title in rows_of(html, key) if "reported" in title]


def test_the_pager_reaches_the_rest_soonest_first_for_what_is_coming_and_latest_first_for_history(
    client_for, kish_deputy, kish
):
    many_events(kish, "approved", SECTION_SIZE * 2 + 3, starts_in_days=3)
    many_events(kish, "reported", SECTION_SIZE + 4, starts_in_days=-60)
    client = client_for(kish_deputy)
    url = reverse("events:list")
    html = client.get(url).content.decode()
    upcoming = section(html, "upcoming")
    assert '<span class="count">۲۳</span>' in upcoming  # the whole section, in Persian digits
    with translation.override("fa"):
        approved = str(Event.Status.APPROVED.label)
    assert f'<span class="badge status-approved">{approved}</span>' in upcoming
    pager = re.search(r'<nav class="month-nav pager"[^>]*>(.*?)</nav>', section(html, "upcoming"), re.S)[1]
    assert re.search(r"<span[^>]*>[^<]*۱[^<]*۳[^<]*</span>", pager)  # page 1 of 3, in the reader's digits

    seen = []
    for page in (1, 2, 3):
        shown = rows_of(client.get(url, {"upcoming-page": page}).content.decode(), "upcoming")
        assert len(shown) <= SECTION_SIZE
        seen += shown
    assert seen == [f"approved kish #{index:03d}" for index in range(SECTION_SIZE * 2 + 3)]

    history = rows_of(html, "reported") + rows_of(
        client.get(url, {"reported-page": 2}).content.decode(), "reported"
    )
    assert history == [f"reported kish #{index:03d}" for index in reversed(range(SECTION_SIZE + 4))]


def test_a_pager_keeps_the_other_sections_pages(client_for, kish_deputy, kish):
    many_events(kish, "approved", SECTION_SIZE * 3, starts_in_days=3)
    many_events(kish, "draft", SECTION_SIZE * 2, starts_in_days=3)
    html = client_for(kish_deputy).get(reverse("events:list"), {"drafts-page": 2}).content.decode()
    pager = section(html, "upcoming")
    assert 'href="?drafts-page=2&amp;upcoming-page=2#upcoming" rel="next"' in pager
    drafts = section(html, "drafts")
    assert 'href="?" rel="prev"' not in drafts
    assert 'href="/events/#drafts" rel="prev"' in drafts  # back to the first page: no parameters left


def test_a_page_past_the_end_shows_the_last_page(client_for, kish_deputy, kish):
    many_events(kish, "approved", SECTION_SIZE + 2, starts_in_days=3)
    html = client_for(kish_deputy).get(reverse("events:list"), {"upcoming-page": "99"}).content.decode()
    assert rows_of(html, "upcoming") == [
        f"approved kish #{index:03d}" for index in (SECTION_SIZE, SECTION_SIZE + 1)
    ]


def test_an_institution_sees_a_page_of_what_it_co_organises(client_for, art_bureau_partner, art_bureau, kish):
    events = many_events(kish, "approved", SECTION_SIZE + 1)
    for event in events:
        event.co_organisers.add(art_bureau)
    client = client_for(art_bureau_partner)
    first = rows_of(client.get(reverse("events:list")).content.decode(), "co-organised")
    second = rows_of(
        client.get(reverse("events:list"), {"co-organised-page": 2}).content.decode(), "co-organised"
    )
    assert len(first) == SECTION_SIZE
    assert second == ["approved kish #000"]  # the latest first


@pytest.mark.parametrize("count", [5, 200])
def test_the_calendar_costs_the_same_for_the_secretariat(
    client_for, secretariat, kish, qeshm, count, django_assert_num_queries
):
    for zone in (kish, qeshm):
        many_events(zone, "approved", count, starts_in_days=-count // 2)
    client = client_for(secretariat)
    client.get(reverse("events:calendar"))
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(7):
        response = client.get(reverse("events:calendar"))
    assert response.status_code == 200


def test_the_calendar_shows_only_its_months_events(client_for, kish_deputy, kish):
    many_events(kish, "approved", 1, starts_in_days=-120, label="long ago")
    many_events(kish, "approved", 1, starts_in_days=120, label="far ahead")
    many_events(kish, "approved", 1, starts_in_days=0, label="today")
    html = client_for(kish_deputy).get(reverse("events:calendar")).content.decode()
    assert "today kish" in html
    assert "long ago" not in html
    assert "far ahead" not in html


def test_in_english_the_counts_and_page_numbers_are_in_latin_digits(client_for, kish_deputy, kish):
    kish_deputy.language = "en"
    kish_deputy.save()
    many_events(kish, "approved", SECTION_SIZE + 3, starts_in_days=3)
    upcoming = section(client_for(kish_deputy).get(reverse("events:list")).content.decode(), "upcoming")
    assert '<span class="count">13</span>' in upcoming
    assert "Page 1 of 2" in upcoming


# Kept content (zones_portal.fragments): a repeat costs the top bar; a change shows at once; one scope's
# page never reaches another.


def test_a_repeat_of_the_events_page_costs_only_its_top_bar(
    client_for, kish_deputy, kish, qeshm, django_assert_num_queries
):
    fill_a_zones_years(kish, qeshm, 20)
    client = client_for(kish_deputy)
    first = client.get(reverse("events:list")).content.decode()
    # Session, person, scope with the menu's jury link (the bell's counts are cached).
    with django_assert_num_queries(3):
        again = client.get(reverse("events:list")).content.decode()
    assert rows_of(again, "upcoming") == rows_of(first, "upcoming")


def test_a_changed_event_shows_on_the_kept_events_page_at_once(client_for, secretariat, kish_deputy, kish):
    from events import services

    event = many_events(kish, "submitted", 1, label="before")[0]
    client = client_for(kish_deputy)
    assert rows_of(client.get(reverse("events:list")).content.decode(), "submitted") == ["before kish #000"]
    services.update_event(secretariat, event, title="after the change")
    assert rows_of(client.get(reverse("events:list")).content.decode(), "submitted") == ["after the change"]


def test_a_deputy_never_gets_the_secretariats_kept_events_page(
    client_for, secretariat, kish_deputy, qeshm_deputy, kish
):
    many_events(kish, "draft", 2, label="kish draft")
    many_events(kish, "submitted", 2)
    secretariats = client_for(secretariat).get(reverse("events:list")).content.decode()
    assert 'id="drafts"' not in secretariats
    deputys = client_for(kish_deputy).get(reverse("events:list")).content.decode()
    assert rows_of(deputys, "drafts") == ["kish draft kish #001", "kish draft kish #000"]
    assert secretariats != deputys
    qeshms = client_for(qeshm_deputy).get(reverse("events:list")).content.decode()
    assert "kish draft" not in qeshms


def test_the_kept_events_page_follows_the_readers_language(client_for, kish_deputy, kish):
    many_events(kish, "approved", 1, starts_in_days=3)
    client = client_for(kish_deputy)
    assert "پیش رو" in section(client.get(reverse("events:list")).content.decode(), "upcoming")
    kish_deputy.language = "en"
    kish_deputy.save()
    assert "Upcoming" in section(client.get(reverse("events:list")).content.decode(), "upcoming")


def _one_busy_day(count):
    """``count`` approved events on the same day, the day after tomorrow at 18:00 Tehran time."""
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(18), tzinfo=timezone.get_current_timezone())
    category = EventCategory.objects.get(slug="festival")
    kish = Zone.objects.get(slug="kish")
    Event.objects.bulk_create(
        Event(
            title=f"busy #{index:03d}",
            category=category,
            host_zone=kish,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            week_start=week_start(start),
            status="approved",
        )
        for index in range(count)
    )
    return day


@pytest.mark.parametrize("count", [5, 200])
def test_a_calendar_day_draws_a_few_and_counts_the_rest(
    client_for, kish_deputy, count, django_assert_num_queries
):
    from events.calendar import DAY_LIMIT

    kish_deputy.language = "en"
    kish_deputy.save()
    day = _one_busy_day(count)
    client = client_for(kish_deputy)
    url = reverse("events:calendar") + f"?date={day.isoformat()}"
    client.get(url)
    cache.clear()
    # Session, person, the month's events, scope with the jury link, the filter's zones and categories, bell.
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert len(re.findall(r'class="cal-event', html)) == DAY_LIMIT
    hidden = count - DAY_LIMIT
    assert ("and one more" if hidden == 1 else f"and {hidden} more") in html
    assert f'href="?day={day.isoformat()}"' in html


def test_a_calendar_days_list_holds_all_its_events_a_page_at_a_time(client_for, kish_deputy):
    from events.views import DAY_PAGE_SIZE

    day = _one_busy_day(DAY_PAGE_SIZE + 3)
    client = client_for(kish_deputy)
    first = client.get(reverse("events:calendar"), {"day": day.isoformat()}).content.decode()
    second = client.get(reverse("events:calendar"), {"day": day.isoformat(), "page": 2}).content.decode()
    titles = re.findall(r'class="event-title">([^<]+)</a>', first) + re.findall(
        r'class="event-title">([^<]+)</a>', second
    )
    assert titles == [f"busy #{index:03d}" for index in range(DAY_PAGE_SIZE + 3)]


def test_the_kept_calendar_shows_a_newly_approved_event_at_once(client_for, secretariat, kish_deputy, kish):
    from events import services

    event = many_events(kish, "submitted", 1, starts_in_days=1, label="awaiting")[0]
    client = client_for(kish_deputy)
    assert "awaiting kish" not in client.get(reverse("events:calendar")).content.decode()
    services.approve_event(secretariat, event)
    assert "awaiting kish" in client.get(reverse("events:calendar")).content.decode()


@pytest.mark.parametrize("query", ["day=9999-12-31", "date=9999-12-31", "date=0001-01-01", "day=2026-13-40"])
def test_a_day_the_calendar_cannot_show_falls_back_to_this_month(client_for, kish_deputy, query):
    response = client_for(kish_deputy).get(reverse("events:calendar") + "?" + query)
    assert response.status_code == 200
    assert 'class="month"' in response.content.decode()
