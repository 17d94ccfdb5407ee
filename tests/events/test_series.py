"""Event series and the next edition (issue 19, part 5): what a clone keeps and what it leaves behind, the
Solar Hijri dates and the year in the title, one proposal per edition, and who may do it."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventReport, EventSeries, Participation, StatusChange
from programmes.models import PlannedActivity
from tests.factories import (
    institution_user,
    make_agreement,
    make_event,
    zone_user,
)
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.models import Institution, Membership, Zone

pytestmark = pytest.mark.django_db


def jalali_moment(year: int, month: int, day: int, hour: int = 17, minute: int = 30) -> dt.datetime:
    gregorian = jdatetime.date(year, month, day).togregorian()
    return timezone.make_aware(dt.datetime.combine(gregorian, dt.time(hour, minute)))


def jalali_of(moment: dt.datetime) -> tuple[int, int, int, int, int]:
    local = timezone.localtime(moment)
    day = jdatetime.date.fromgregorian(date=local.date())
    return (day.year, day.month, day.day, local.hour, local.minute)


@pytest.fixture
def partners(kish, qeshm, art_bureau):
    chabahar = Zone.objects.get(slug="chabahar")
    return {"zones": [qeshm, chabahar], "institutions": [art_bureau]}


def festival(kish, partners, *, start: dt.datetime, title: str = "جشنواره دریا ۱۴۰۴", **extra) -> Event:
    """A reported edition with everything a clone must keep and everything it must leave behind."""
    event = make_event(
        kish,
        status=extra.pop("status", "reported"),
        title=title,
        invite=tuple(partners["zones"]),
        venue="اسکله تفریحی کیش",
        map_link="https://www.openstreetmap.org/#map=15/26.53/53.98",
        description="سه روز موسیقی و نمایش.",
        expected_audience=2500,
        status_reason="یادداشت قدیمی",
        **extra,
    )
    event.starts_at, event.ends_at = start, start + dt.timedelta(hours=50)
    event.save()
    event.co_organisers.set(partners["institutions"])
    event.participations.update(answer=Participation.Answer.ACCEPTED, answered_at=timezone.now())
    EventReport.objects.create(event=event, attendance=3000, artists_count=80, outcomes="خوب", spent=10)
    return event


# What the clone keeps.


def test_the_next_edition_keeps_what_makes_it_the_same_event_and_nothing_else(
    kish, kish_deputy, partners, art_bureau
):
    start = jalali_moment(1404, 10, 12, 16, 0)
    source = festival(kish, partners, start=start)
    series = services.create_series(kish_deputy, source, recurrence=EventSeries.Recurrence.YEARLY)
    source.refresh_from_db()
    now = jalali_moment(1405, 9, 7)
    with Frozen(now):
        edition = services.propose_next_edition(kish_deputy, source)

    assert edition.status == Event.Status.DRAFT
    assert edition.series == series
    assert edition.title == "جشنواره دریا ۱۴۰۵"
    assert (edition.category, edition.host_zone, edition.venue, edition.map_link) == (
        source.category,
        source.host_zone,
        source.venue,
        source.map_link,
    )
    assert edition.description == source.description
    assert edition.expected_audience == 2500
    assert list(edition.co_organisers.all()) == [art_bureau]
    participations = list(edition.participations.order_by("zone__sort_order"))
    assert {p.zone for p in participations} == set(partners["zones"])
    # Invited afresh: no answer carried over, and nobody is asked until the draft is submitted.
    assert all(p.answer == Participation.Answer.INVITED and p.invited_at is None for p in participations)
    assert all(p.answered_at is None and p.note == "" for p in participations)
    # Same Jalali day and time a year on, lasting as long.
    assert jalali_of(edition.starts_at) == (1405, 10, 12, 16, 0)
    assert edition.ends_at - edition.starts_at == source.ends_at - source.starts_at
    # Left behind: reason, report, planned activity; its history starts with the proposal.
    assert edition.status_reason == ""
    assert not EventReport.objects.filter(event=edition).exists()
    assert edition.planned_activity_id is None
    moves = list(StatusChange.objects.filter(event=edition))
    assert [(m.from_status, m.to_status) for m in moves] == [("", "draft")]
    assert source.title in moves[0].reason
    assert moves[0].changed_by == kish_deputy
    assert {version.history_user for version in edition.history.all()} == {kish_deputy}
    assert edition.created_by == kish_deputy
    # The source is untouched.
    source.refresh_from_db()
    assert source.status == "reported"
    assert source.participations.filter(answer="accepted").count() == 2


def test_submitting_the_next_edition_invites_the_zones_again(kish, kish_deputy, partners):
    source = festival(
        kish, partners, start=services.shifted(timezone.now(), "yearly", -1) + dt.timedelta(days=20)
    )
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    edition = services.propose_next_edition(kish_deputy, source)
    services.submit_event(kish_deputy, edition)
    assert edition.participations.filter(invited_at__isnull=False, answer="invited").count() == 2


class Frozen:
    """``timezone.now`` at a fixed moment inside the services (the next edition must lie ahead)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("events.services.timezone.now", return_value=self.moment)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()


@pytest.mark.parametrize(
    ("recurrence", "source", "expected"),
    [
        ("yearly", (1403, 12, 30), (1404, 12, 29)),  # the 30th of Esfand of a leap year
        ("yearly", (1404, 1, 31), (1405, 1, 31)),
        ("monthly", (1404, 6, 31), (1404, 7, 30)),  # Shahrivar has 31 days, Mehr 30
        ("monthly", (1404, 12, 15), (1405, 1, 15)),  # into the next year
    ],
)
def test_dates_move_in_the_solar_hijri_calendar(recurrence, source, expected):
    moved = services.shifted(jalali_moment(*source), recurrence)
    assert jalali_of(moved) == (*expected, 17, 30)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("جشنواره ۱۴۰۴", "جشنواره ۱۴۰۵"),
        ("Festival 1404", "Festival 1405"),
        ("جشنواره ٩٩ و ۱۴۰۴", "جشنواره ٩٩ و ۱۴۰۵"),  # only the year
        ("Sea festival 2025", "Sea festival 2026"),
        ("جشنواره دریا", "جشنواره دریا"),
        ("همایش ۱۲۳۴۵", "همایش ۱۲۳۴۵"),  # not a year
    ],
)
def test_the_year_in_the_title_moves_on_in_its_own_digits(title, expected):
    # 1404/11/01 is 2026-01-21: one Jalali year and one Gregorian year on.
    assert services.advanced_title(title, jalali_moment(1404, 11, 1), jalali_moment(1405, 11, 1)) == expected


def test_a_monthly_evening_takes_the_next_jalali_month(kish, kish_deputy, partners):
    source = festival(kish, partners, start=jalali_moment(1405, 8, 20, 18, 0), title="شب شعر آبان ۱۴۰۵")
    services.create_series(kish_deputy, source, recurrence=EventSeries.Recurrence.MONTHLY)
    source.refresh_from_db()
    with Frozen(jalali_moment(1405, 8, 25)):
        edition = services.propose_next_edition(kish_deputy, source)
    assert jalali_of(edition.starts_at) == (1405, 9, 20, 18, 0)
    assert edition.title == "شب شعر آبان ۱۴۰۵"  # same year: nothing to advance


def test_an_edition_long_past_is_followed_by_one_still_to_come(kish, kish_deputy, partners):
    source = festival(kish, partners, start=jalali_moment(1402, 10, 12, 16, 0), title="جشنواره دریا ۱۴۰۲")
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    with Frozen(jalali_moment(1405, 9, 7)):
        edition = services.propose_next_edition(kish_deputy, source)
    assert jalali_of(edition.starts_at)[:3] == (1405, 10, 12)
    assert edition.title == "جشنواره دریا ۱۴۰۵"


def test_a_series_with_no_fixed_interval_asks_the_date(kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=40))
    services.create_series(kish_deputy, source, recurrence=EventSeries.Recurrence.IRREGULAR)
    source.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.propose_next_edition(kish_deputy, source)
    assert "starts_at" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.propose_next_edition(kish_deputy, source, starts_at=timezone.now() - dt.timedelta(days=1))
    start = timezone.now() + dt.timedelta(days=90)
    edition = services.propose_next_edition(kish_deputy, source, starts_at=start)
    assert edition.starts_at == start


def test_the_agreement_is_kept_only_while_in_force(kish, kish_deputy, partners):
    in_force = make_agreement(zones=[kish], days_left=800)
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300), agreement=in_force)
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    assert services.propose_next_edition(kish_deputy, source).agreement == in_force

    ended = make_agreement(zones=[kish], days_left=10)  # expires before the next edition
    other = festival(
        kish, partners, start=timezone.now() - dt.timedelta(days=200), agreement=ended, title="دیگر"
    )
    services.create_series(kish_deputy, other)
    other.refresh_from_db()
    assert services.propose_next_edition(kish_deputy, other).agreement is None


def test_the_planned_activity_is_not_copied(kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    source.planned_activity = (
        PlannedActivity.objects.first()
    )  # None in an empty plan; the field is never copied
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    assert services.propose_next_edition(kish_deputy, source).planned_activity_id is None


# One proposal per edition.


def test_a_second_clone_is_refused_naming_the_draft(kish, kish_deputy, secretariat, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    edition = services.propose_next_edition(kish_deputy, source)
    with pytest.raises(InvalidMoveError) as refused:
        services.propose_next_edition(secretariat, source)
    assert edition.title in refused.value.messages[0]
    services.submit_event(kish_deputy, edition)
    with pytest.raises(InvalidMoveError):
        services.propose_next_edition(kish_deputy, source)
    services.approve_event(secretariat, edition)
    with pytest.raises(InvalidMoveError) as refused:
        services.propose_next_edition(kish_deputy, source)
    assert "latest" in refused.value.messages[0]
    # From the latest (approved) edition the one after it can be proposed.
    assert services.propose_next_edition(kish_deputy, edition).series_id == source.series_id
    assert Event.objects.filter(series_id=source.series_id).count() == 3


def test_a_rejected_or_cancelled_successor_does_not_block(kish, kish_deputy, secretariat, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    edition = services.propose_next_edition(kish_deputy, source)
    services.cancel_event(secretariat, edition, "بودجه نرسید")
    assert services.propose_next_edition(kish_deputy, source).status == "draft"


def test_an_edition_in_preparation_has_no_next_one_yet(kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() + dt.timedelta(days=30), status="draft")
    services.create_series(kish_deputy, source)
    source.refresh_from_db()
    with pytest.raises(InvalidMoveError):
        services.propose_next_edition(kish_deputy, source)


def test_an_event_outside_a_series_has_no_next_edition(kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    with pytest.raises(InvalidMoveError):
        services.propose_next_edition(kish_deputy, source)


# Who may.


def test_only_the_host_zones_people_and_the_secretariat(
    kish, kish_deputy, qeshm_deputy, secretariat, art_bureau_partner, partners
):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    for outsider in (qeshm_deputy, art_bureau_partner, None):
        with pytest.raises(PermissionDenied):
            services.create_series(outsider, source)
    series = services.create_series(zone_user(kish, role=Membership.Role.ZONE_STAFF), source)
    assert series.host_zone == kish
    assert series.title == "جشنواره دریا"
    source.refresh_from_db()
    for outsider in (qeshm_deputy, art_bureau_partner):
        with pytest.raises(PermissionDenied):
            services.propose_next_edition(outsider, source)
        with pytest.raises(PermissionDenied):
            services.set_event_series(outsider, source, None)
    assert services.propose_next_edition(secretariat, source).created_by == secretariat


def test_an_event_joins_only_a_series_of_its_host_zone(kish, qeshm, kish_deputy, secretariat, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    qeshm_series = EventSeries.objects.create(title="شب‌های قشم", host_zone=qeshm)
    with pytest.raises(ValidationError) as refused:
        services.set_event_series(secretariat, source, qeshm_series)
    assert "series" in refused.value.message_dict
    services.create_series(kish_deputy, source)
    with pytest.raises(InvalidMoveError):  # already in one
        services.create_series(kish_deputy, source)


def test_who_sees_a_series(kish, qeshm, kish_deputy, qeshm_deputy, secretariat, art_bureau_partner, partners):
    draft_only = EventSeries.objects.create(title="پیش‌نویس", host_zone=kish)
    make_event(kish, status="draft", series=draft_only)
    published = EventSeries.objects.create(title="منتشر", host_zone=kish)
    make_event(kish, status="approved", series=published)
    qeshm_own = EventSeries.objects.create(title="قشم", host_zone=qeshm)

    def seen(user):
        return set(EventSeries.objects.visible_to(user).values_list("title", flat=True))

    assert seen(kish_deputy) == {"پیش‌نویس", "منتشر"}
    assert seen(qeshm_deputy) == {"منتشر", "قشم"}
    assert seen(art_bureau_partner) == {"منتشر"}
    assert seen(secretariat) == {"پیش‌نویس", "منتشر", "قشم"}
    assert set(EventSeries.objects.editable_by(qeshm_deputy)) == {qeshm_own}


# The pages.


def test_the_event_page_offers_the_next_edition_to_the_host_only(
    client_for, kish, kish_deputy, qeshm_deputy, partners
):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    url = reverse("events:detail", args=[source.pk])
    page = client_for(kish_deputy).get(url).content.decode()
    assert reverse("events:repeats", args=[source.pk]) in page
    assert reverse("events:next-edition", args=[source.pk]) not in page
    services.create_series(kish_deputy, source)
    page = client_for(kish_deputy).get(url).content.decode()
    assert reverse("events:next-edition", args=[source.pk]) in page
    assert reverse("events:series", args=[source.series_id]) in page
    other = client_for(qeshm_deputy).get(url).content.decode()
    assert reverse("events:next-edition", args=[source.pk]) not in other
    assert client_for(qeshm_deputy).post(reverse("events:next-edition", args=[source.pk])).status_code == 403


def test_one_press_proposes_the_next_edition_and_a_second_says_why_not(
    client_for, kish, kish_deputy, partners
):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    services.create_series(kish_deputy, source)
    client = client_for(kish_deputy)
    response = client.post(reverse("events:next-edition", args=[source.pk]))
    edition = Event.objects.get(series__isnull=False, status="draft")
    assert response.status_code == 302
    assert response.url == reverse("events:detail", args=[edition.pk])
    again = client.post(reverse("events:next-edition", args=[source.pk]), follow=True)
    assert edition.title in again.content.decode()
    assert Event.objects.filter(status="draft").count() == 1
    page = client.get(reverse("events:detail", args=[source.pk])).content.decode()
    assert reverse("events:next-edition", args=[source.pk]) not in page  # the refusal is said instead


def test_a_series_with_no_fixed_interval_asks_the_date_on_a_page(client_for, kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    services.create_series(kish_deputy, source, recurrence="irregular")
    client = client_for(kish_deputy)
    url = reverse("events:next-edition", args=[source.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="starts_at_0"' in form.content.decode()
    bad = client.post(url, {"starts_at_0": "فردا", "starts_at_1": "17:00"})
    assert bad.status_code == 200
    assert not Event.objects.filter(status="draft").exists()
    day = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=100))
    response = client.post(
        url, {"starts_at_0": f"{day.year}/{day.month:02d}/{day.day:02d}", "starts_at_1": "17:00"}
    )
    assert response.status_code == 302
    edition = Event.objects.get(status="draft")
    assert jalali_of(edition.starts_at)[:4] == (day.year, day.month, day.day, 17)


def test_this_event_repeats_starts_a_series_or_joins_one(client_for, kish, kish_deputy, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    client = client_for(kish_deputy)
    url = reverse("events:repeats", args=[source.pk])
    page = client.get(url).content.decode()
    assert 'value="جشنواره دریا"' in page  # the name offered, without the year
    assert client.post(url, {"title": " ", "recurrence": "yearly"}).status_code == 200  # a name is needed
    response = client.post(url, {"title": "جشنواره دریا کیش", "recurrence": "monthly"})
    assert response.status_code == 302
    series = EventSeries.objects.get()
    assert (series.title, series.recurrence, series.host_zone, series.created_by) == (
        "جشنواره دریا کیش",
        "monthly",
        kish,
        kish_deputy,
    )
    other = make_event(kish, status="reported", starts_in_days=-100)
    client.post(reverse("events:repeats", args=[other.pk]), {"existing": series.pk, "recurrence": "yearly"})
    assert set(series.events.all()) == {source, other}
    assert EventSeries.objects.count() == 1


def test_the_event_form_puts_a_draft_in_a_series(client_for, kish, qeshm, kish_deputy, partners):
    series = EventSeries.objects.create(title="شب شعر", host_zone=kish)
    EventSeries.objects.create(title="قشم", host_zone=qeshm)
    draft = make_event(kish, status="draft", starts_in_days=20)
    client = client_for(kish_deputy)
    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()
    assert "شب شعر" in page
    assert ">قشم<" not in page
    start = timezone.localtime(draft.starts_at)
    day = jdatetime.date.fromgregorian(date=start.date())
    data = {
        "title": draft.title,
        "category": draft.category_id,
        "series": series.pk,
        "starts_at_0": f"{day.year}/{day.month:02d}/{day.day:02d}",
        "starts_at_1": "10:00",
        "ends_at_0": f"{day.year}/{day.month:02d}/{day.day:02d}",
        "ends_at_1": "12:00",
    }
    assert client.post(reverse("events:edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.series == series
    client.post(reverse("events:edit", args=[draft.pk]), {**data, "series": ""})
    draft.refresh_from_db()
    assert draft.series is None


def test_the_series_page_lists_the_editions_the_reader_may_see(client_for, kish, kish_deputy, qeshm_deputy):
    series = EventSeries.objects.create(title="جشنواره", host_zone=kish)
    shown = make_event(kish, status="reported", series=series, title="جشنواره ۱۴۰۴", starts_in_days=-300)
    hidden = make_event(kish, status="draft", series=series, title="جشنواره ۱۴۰۵", starts_in_days=60)
    url = reverse("events:series", args=[series.pk])
    host = client_for(kish_deputy).get(url).content.decode()
    assert shown.title in host
    assert hidden.title in host
    assert reverse("scorecard:series", args=[series.pk]) in host
    other = client_for(qeshm_deputy).get(url).content.decode()
    assert shown.title in other
    assert hidden.title not in other
    lonely = EventSeries.objects.create(title="تنها", host_zone=kish)
    assert client_for(qeshm_deputy).get(reverse("events:series", args=[lonely.pk])).status_code == 404


def test_the_api_names_the_series_and_filters_by_it(client_for, kish, secretariat):
    from rest_framework.test import APIClient

    series = EventSeries.objects.create(title="جشنواره", host_zone=kish)
    edition = make_event(kish, status="approved", series=series)
    make_event(kish, status="approved")
    client = APIClient()
    client.force_authenticate(secretariat)
    listed = client.get("/api/v1/events/", {"series": series.pk}).json()
    rows = listed.get("results", listed)
    assert [row["id"] for row in rows] == [edition.pk]
    assert rows[0]["series"] == series.pk
    assert client.get("/api/v1/events/", {"series": "x"}).status_code == 400


def test_the_admin_proposes_the_next_edition_of_the_selected(
    client_for, kish, kish_deputy, secretariat, partners
):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    services.create_series(kish_deputy, source)
    client = client_for(secretariat)
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "propose_next_edition_selected", "_selected_action": [source.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Event.objects.filter(series_id=source.series_id, status="draft").count() == 1
    assert client.get(reverse("admin:events_eventseries_changelist")).status_code == 200
    series = EventSeries.objects.get()
    assert client.get(reverse("admin:events_eventseries_change", args=[series.pk])).status_code == 200


def test_an_institution_cannot_start_a_series(client_for, kish, art_bureau, partners):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    partner = institution_user(Institution.objects.get(slug="artbureau"))
    assert client_for(partner).get(reverse("events:repeats", args=[source.pk])).status_code in (403, 404)


def _queries(client, url) -> int:
    client.get(url)  # the session's and the top bar's first-visit work, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_series_page_costs_the_same_for_few_and_many_editions(client_for, kish, kish_deputy, partners):
    series = EventSeries.objects.create(title="جشنواره", host_zone=kish)
    url = reverse("events:series", args=[series.pk])
    client = client_for(kish_deputy)

    def editions(years):
        for year in years:
            make_event(
                kish,
                status="reported",
                series=series,
                title=f"جشنواره {year}",
                starts_in_days=-365 * (1410 - year),
            )

    editions([1404])
    small = _queries(client, url)
    editions(range(1396, 1404))
    make_event(kish, status="draft", series=series, title="جشنواره ۱۴۰۵", starts_in_days=60)
    assert _queries(client, url) == small


def test_the_event_page_shows_the_expected_audience_in_persian_digits(
    client_for, kish, kish_deputy, partners
):
    source = festival(kish, partners, start=timezone.now() - dt.timedelta(days=300))
    page = client_for(kish_deputy).get(reverse("events:detail", args=[source.pk])).content.decode()
    assert "<dd>۲۵۰۰</dd>" in page
    assert "<dd>2500</dd>" not in page
