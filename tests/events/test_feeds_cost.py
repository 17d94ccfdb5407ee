"""What a feed costs: its window, a body that is the same bytes for the same data, 304 for calendar apps
that already have it, and a fixed number of queries however many events there are."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from events import feeds, services
from events.filters import EventFilter
from events.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db

FEEDS = [reverse("events:feed"), reverse("events:zone-feed", args=["kish"])]


def titles(response) -> set[str]:
    return {str(entry["SUMMARY"]) for entry in Calendar.from_ical(response.content).walk("VEVENT")}


def entries(response) -> dict:
    return {str(entry["SUMMARY"]): entry for entry in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def spread(kish):
    """Published events at the window's edges, and one draft that no feed may show."""
    return {
        days: make_event(
            kish, status="held" if days < 0 else "approved", title=f"day {days}", starts_in_days=days
        )
        for days in (-100, -80, 10, 400)
    } | {"draft": make_event(kish, status="draft", title="draft", starts_in_days=10)}


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_holds_90_days_back_to_a_year_ahead_unless_asked_for_more(anonymous, spread, url):
    assert titles(anonymous.get(url)) == {"day -80", "day 10"}
    today = timezone.localdate()
    first = (today - dt.timedelta(days=120)).isoformat()
    # Persian digits are accepted as well as Latin ones.
    last = (today + dt.timedelta(days=500)).isoformat().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    wide = anonymous.get(url, {"from": first, "to": last})
    assert wide.status_code == 200
    assert titles(wide) == {"day -100", "day -80", "day 10", "day 400"}
    only_ahead = anonymous.get(
        url, {"from": today.isoformat(), "to": (today + dt.timedelta(days=30)).isoformat()}
    )
    assert titles(only_ahead) == {"day 10"}


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"from": "yesterday"}, "“from” must be a date written as YYYY-MM-DD"),
        ({"to": "2026-13-01"}, "“to” must be a date written as YYYY-MM-DD"),
        ({"to": "99999-01-01"}, "“to” must be a date written as YYYY-MM-DD"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "The window ends before it starts"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "A feed covers at most three years at a time"),
    ],
)
@pytest.mark.parametrize("url", FEEDS)
def test_a_window_the_feed_cannot_serve_is_a_400_with_a_sentence(anonymous, kish, url, query, sentence):
    anonymous.cookies["portal_language"] = "en"  # pages follow the language switcher, not Accept-Language
    response = anonymous.get(url, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert sentence in response.content.decode()


def test_the_longest_window_is_three_years(anonymous, kish):
    ok = anonymous.get(reverse("events:feed"), {"from": "2025-01-01", "to": "2027-12-31"})
    too_long = anonymous.get(reverse("events:feed"), {"from": "2025-01-01", "to": "2028-01-02"})
    assert (ok.status_code, too_long.status_code) == (200, 400)


def test_dtstamp_is_the_last_change_and_unchanged_data_gives_the_same_bytes(anonymous, spread):
    first = anonymous.get(reverse("events:feed"))
    cache.clear()  # built afresh, not served from the cache
    second = anonymous.get(reverse("events:feed"))
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]
    event = Event.objects.get(title="day 10")
    entry = entries(first)["day 10"]
    assert entry.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    assert entry.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)


@pytest.mark.parametrize("url", FEEDS)
def test_a_calendar_app_that_has_the_feed_gets_304_without_a_body(
    anonymous, spread, url, django_assert_max_num_queries
):
    first = anonymous.get(url)
    with django_assert_max_num_queries(2):
        by_etag = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    with django_assert_max_num_queries(2):
        by_date = anonymous.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
    cache.clear()  # the validator is worked out again, still without building the body
    with django_assert_max_num_queries(3):
        assert anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    another_window = anonymous.get(url, {"from": "2026-01-01"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert another_window.status_code == 200


def test_an_edit_through_the_service_changes_the_etag(anonymous, spread, secretariat):
    url = reverse("events:feed")
    before = anonymous.get(url)
    services.update_event(secretariat, Event.objects.get(title="day 10"), title="day 10, moved indoors")
    after = anonymous.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "day 10, moved indoors" in titles(after)


@pytest.mark.parametrize("url", FEEDS)
def test_a_cancelled_event_leaves_the_feed_and_changes_both_validators(anonymous, spread, secretariat, url):
    before = anonymous.get(url)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        services.cancel_event(secretariat, Event.objects.get(title="day 10"), "The hall is closed.")
    by_etag = anonymous.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    # A client that only keeps the date must see the change too, though the event is no longer shown.
    by_date = anonymous.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    for response in (by_etag, by_date):
        assert response.status_code == 200
        assert titles(response) == {"day -80"}
    assert by_etag["ETag"] != before["ETag"]


def test_renaming_a_zone_changes_the_etag(anonymous, spread, kish):
    before = anonymous.get(reverse("events:zone-feed", args=["kish"]))
    kish.name_fa = "منطقه آزاد کیش (نام نو)"
    kish.save()
    after = anonymous.get(reverse("events:zone-feed", args=["kish"]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "منطقه آزاد کیش (نام نو)" in str(Calendar.from_ical(after.content)["X-WR-CALNAME"])


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(("url", "queries"), [(FEEDS[0], 3), (FEEDS[1], 4)])
def test_a_feed_runs_a_fixed_number_of_queries(
    anonymous, kish, qeshm, count, url, queries, django_assert_num_queries
):
    for index in range(count):
        make_event([kish, qeshm][index % 2], status="approved", starts_in_days=index % 300, invite=(kish,))
    # Built afresh: the validator (two queries), the events (one), and for a zone feed the zone.
    with django_assert_num_queries(queries):
        response = anonymous.get(url)
    assert len(titles(response)) == count
    # Served from the cache: no query but the zone's.
    with django_assert_num_queries(queries - 3):
        assert anonymous.get(url).content == response.content


def test_the_writer_gives_the_bytes_icalendar_would(kish):
    """The body is written by hand for speed; it must be what icalendar writes, escaping and folding."""
    tricky = make_event(
        kish,
        status="approved",
        title="Music; poetry, and a back\\slash ^caret",
        description="خط نخست\nخط دوم، با ویرگول; و نقطه‌ویرگول " + "متنی بلند برای تا کردن سطر " * 12,
        venue="تالار، سالن ۲",
    )
    plain = make_event(kish, status="held", title="x" * 74, starts_in_days=-2)
    window = feeds.window_from({}, timezone.localdate())
    feed = feeds.Feed(key="test", name="Free zones: all of them", scope=feeds.Q())
    written = feeds.build_calendar(
        feeds._rows(feed, window), feed.name, lambda pk: f"https://portal.example/events/{pk}/"
    )

    calendar = Calendar()
    calendar.add("prodid", feeds.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("x-wr-timezone", "Asia/Tehran")
    for event in (plain, tricky):  # the feed's order: by start
        event.refresh_from_db()
        entry = VEvent()
        entry.add("uid", f"event-{event.pk}@zones-portal")
        entry.add("dtstamp", event.updated_at)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        if event.description:
            entry.add("description", event.description)
        entry.add("location", ", ".join(part for part in (event.venue, event.host_zone.name) if part))
        entry.add("categories", [event.category.name])
        entry.add("status", "CONFIRMED")
        entry.add("url", f"https://portal.example/events/{event.pk}/")
        calendar.add_component(entry)
    assert written == calendar.to_ical()
    assert all(len(line) <= 75 for line in written.split(b"\r\n"))


def test_a_zone_feed_holds_what_the_calendars_zone_filter_finds(anonymous, kish, qeshm, anzali_zone):
    """The feed writes the zone rule as a condition; it must agree with EventFilter's."""
    make_event(kish, status="approved", title="hosted")
    make_event(qeshm, status="held", title="joined", invite=(kish,), starts_in_days=-5)
    make_event(qeshm, status="approved", title="declined but invited", invite=(kish,))
    make_event(anzali_zone, status="approved", title="elsewhere", invite=(qeshm,))
    make_event(kish, status="submitted", title="not published")
    found = EventFilter({"zone": "kish"}, queryset=Event.objects.published()).qs
    expected = set(found.values_list("title", flat=True))
    assert titles(anonymous.get(reverse("events:zone-feed", args=["kish"]))) == expected
    assert expected == {"hosted", "joined", "declined but invited"}
