import pytest

from events.conflicts import conflicts_for
from events.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_two_approved_events_of_one_zone_that_overlap(kish, qeshm):
    concert = make_event(kish, status="approved", starts_in_days=9, hours=3, category="performance")
    poetry = make_event(kish, status="submitted", starts_in_days=9.05, hours=3, category="festival")
    make_event(qeshm, status="approved", starts_in_days=9, hours=3, category="workshop")  # another zone: fine
    make_event(kish, status="draft", starts_in_days=9, hours=3, category="workshop")  # not approved: fine
    conflicts = conflicts_for(poetry)
    assert [(c.kind, c.other) for c in conflicts] == [("overlap", concert)]
    assert "Overlaps" in conflicts[0].message


def test_back_to_back_events_do_not_overlap(kish):
    first = make_event(kish, status="approved", starts_in_days=9, hours=2)
    second = make_event(kish, status="approved", starts_in_days=9, hours=2)
    second.starts_at = first.ends_at
    second.ends_at = first.ends_at + (first.ends_at - first.starts_at)
    second.save()
    assert conflicts_for(second) == []


def test_the_same_category_in_two_zones_in_one_week(kish, qeshm, anzali_zone):
    make_event(qeshm, status="approved", category="quran", starts_in_days=8)
    kish_quran = make_event(kish, status="submitted", category="quran", starts_in_days=8)
    make_event(anzali_zone, status="approved", category="quran", starts_in_days=8 + 14)  # two weeks on: fine
    assert [c.kind for c in conflicts_for(kish_quran)] == ["same_week"]


def test_the_week_runs_saturday_to_friday_in_tehran(kish, qeshm):
    import datetime as dt
    from zoneinfo import ZoneInfo

    tehran = ZoneInfo("Asia/Tehran")
    friday = make_event(qeshm, status="approved", category="quran")
    saturday = make_event(kish, status="approved", category="quran")
    # Friday 4 Dec 2026 23:00 and Saturday 5 Dec 2026 00:30, Tehran time: different weeks.
    for event, moment in (
        (friday, dt.datetime(2026, 12, 4, 23, 0, tzinfo=tehran)),
        (saturday, dt.datetime(2026, 12, 5, 0, 30, tzinfo=tehran)),
    ):
        event.starts_at = moment
        event.ends_at = moment + dt.timedelta(hours=1)
        event.save()
    assert conflicts_for(saturday) == []
    assert saturday.week_start == dt.date(2026, 12, 5)
    assert friday.week_start == dt.date(2026, 11, 28)


def test_conflicts_are_annotated_for_lists(kish, qeshm):
    a = make_event(kish, status="approved", starts_in_days=9, hours=3)
    b = make_event(kish, status="approved", starts_in_days=9.01, hours=3)
    c = make_event(qeshm, status="approved", starts_in_days=30, category="exhibition")
    flags = {e.pk: (e.has_overlap, e.has_same_week) for e in Event.objects.with_conflicts()}
    assert flags[a.pk] == (True, False)
    assert flags[b.pk] == (True, False)
    assert flags[c.pk] == (False, False)


def test_cancelled_and_rejected_events_raise_no_warnings(kish):
    make_event(kish, status="approved", starts_in_days=9, hours=3)
    cancelled = make_event(kish, status="cancelled", starts_in_days=9, hours=3)
    assert conflicts_for(cancelled) == []
