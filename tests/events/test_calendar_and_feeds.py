import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from events.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def place(event, moment, hours=3):
    event.starts_at = moment
    event.ends_at = moment + dt.timedelta(hours=hours)
    event.save()
    return event


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=TEHRAN), tick=False)
def test_the_persian_calendar_is_a_jalali_month_starting_on_saturday(client_for, kish_deputy, kish, qeshm):
    # Azar 1405 runs from 22 November to 21 December 2026; 1 Azar is a Saturday.
    inside = place(
        make_event(qeshm, status="approved", title="نمایشگاه آذر"),
        dt.datetime(2026, 12, 21, 18, tzinfo=TEHRAN),
    )
    place(
        make_event(qeshm, status="approved", title="رویداد دی"), dt.datetime(2026, 12, 30, 18, tzinfo=TEHRAN)
    )
    place(make_event(kish, status="draft", title="پیش‌نویس آذر"), dt.datetime(2026, 12, 1, 18, tzinfo=TEHRAN))
    html = client_for(kish_deputy).get(reverse("events:calendar")).content.decode()
    assert "آذر ۱۴۰۵" in html
    assert html.index('<th scope="col">شنبه</th>') < html.index('<th scope="col">جمعه</th>')
    assert inside.title in html
    assert "رویداد دی" not in html
    assert "پیش‌نویس آذر" not in html


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=TEHRAN), tick=False)
def test_the_english_calendar_is_a_gregorian_month(client_for, kish_deputy, qeshm):
    kish_deputy.language = "en"
    kish_deputy.save()
    place(
        make_event(qeshm, status="approved", title="December fair"),
        dt.datetime(2026, 12, 21, 18, tzinfo=TEHRAN),
    )
    november = client_for(kish_deputy).get(reverse("events:calendar")).content.decode()
    assert "November 2026" in november
    assert "December fair" not in november
    december = client_for(kish_deputy).get(reverse("events:calendar") + "?date=2026-12-01").content.decode()
    assert "December fair" in december


def test_the_calendar_filters_by_zone_and_category(client_for, kish_deputy, kish, qeshm):
    soon = dt.datetime.now(TEHRAN).replace(hour=18, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    place(make_event(kish, status="approved", title="قرآنی کیش", category="quran"), soon)
    place(
        make_event(qeshm, status="approved", title="نمایشگاه قشم", category="exhibition", invite=(kish,)),
        soon,
    )
    client = client_for(kish_deputy)
    url = reverse("events:calendar") + f"?date={soon.date().isoformat()}"
    only_qeshm = client.get(url + "&zone=qeshm").content.decode()
    assert ("نمایشگاه قشم" in only_qeshm, "قرآنی کیش" in only_qeshm) == (True, False)
    # Kish hosts one and takes part in the other.
    kish_events = client.get(url + "&zone=kish").content.decode()
    assert ("نمایشگاه قشم" in kish_events, "قرآنی کیش" in kish_events) == (True, True)
    quran = client.get(url + "&category=quran").content.decode()
    assert ("نمایشگاه قشم" in quran, "قرآنی کیش" in quran) == (False, True)


@pytest.mark.parametrize("count", [5, 200])
def test_the_calendar_runs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, qeshm, count, django_assert_num_queries
):
    for index in range(count):
        make_event([kish, qeshm][index % 2], status="approved", starts_in_days=index % 25)
    client = client_for(kish_deputy)
    client.get(reverse("events:calendar"))
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(7):
        response = client.get(reverse("events:calendar"))
    assert response.status_code == 200


def feed_events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(component["SUMMARY"]): component for component in calendar.walk("VEVENT")}


def test_the_feed_holds_exactly_the_approved_events(anonymous, kish, qeshm):
    expected = set()
    for status in Event.Status.values:
        past = status in ("held", "reported")
        event = make_event(kish, status=status, title=f"رویداد {status}", starts_in_days=-3 if past else 5)
        if status in ("approved", "held", "reported"):
            expected.add(event.title)
    response = anonymous.get(reverse("events:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = feed_events(response)
    assert set(events) == expected
    approved = Event.objects.get(status="approved")
    entry = events[approved.title]
    assert str(entry["UID"]) == f"event-{approved.pk}@zones-portal"
    assert entry.decoded("DTSTART") == approved.starts_at.replace(microsecond=0)


def test_uids_are_stable_across_edits(anonymous, kish):
    event = make_event(kish, status="approved", title="نخست")
    first = feed_events(anonymous.get(reverse("events:feed")))["نخست"]["UID"]
    event.title = "دوم"
    event.save()
    assert feed_events(anonymous.get(reverse("events:feed")))["دوم"]["UID"] == first


def test_a_zone_feed_holds_what_it_hosts_and_joins(anonymous, kish, qeshm, anzali_zone):
    make_event(kish, status="approved", title="میزبان کیش")
    make_event(qeshm, status="approved", title="کیش شرکت دارد", invite=(kish,))
    make_event(anzali_zone, status="approved", title="بی‌ربط")
    events = feed_events(anonymous.get(reverse("events:zone-feed", args=["kish"])))
    assert set(events) == {"میزبان کیش", "کیش شرکت دارد"}
    assert anonymous.get(reverse("events:zone-feed", args=["nowhere"])).status_code == 404


def test_a_persian_title_keeps_its_direction_on_the_english_calendar(client_for, kish_deputy, qeshm):
    """Cut to the cell's width, a right-to-left title laid out left to right loses its first words."""
    kish_deputy.language = "en"
    kish_deputy.save()
    place(
        make_event(qeshm, status="approved", title="جشنواره خوشنویسی"),
        dt.datetime(2026, 12, 21, 18, tzinfo=TEHRAN),
    )
    december = client_for(kish_deputy).get(reverse("events:calendar") + "?date=2026-12-01").content.decode()
    assert '<span dir="auto">جشنواره خوشنویسی</span>' in december
