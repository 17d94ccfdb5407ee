"""The personal meetings feed: a signed address, the meetings that person sees and no other, 304 for
an unchanged feed, cancelled meetings marked so, and a bad address a 404."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import feeds
from coordination.models import Meeting
from coordination.services import meetings as services
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    return reverse("coordination:meetings-feed", args=[feeds.feed_token(user)])


def events_of(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_a_calendar_app_reads_the_meetings_of_its_person_without_signing_in(
    anonymous, kish, qeshm, kish_deputy
):
    ours = make_meeting(
        zones=[kish], title="Kish council", place="Tehran", online_link="https://meet.example.ir/k"
    )
    make_meeting(zones=[qeshm], title="Qeshm private session")
    response = anonymous.get(feed_url(kish_deputy))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = events_of(response)
    assert set(events) == {"Kish council"}
    event = events["Kish council"]
    assert event["DTSTART"].dt == ours.starts_at.replace(microsecond=0)
    assert event["DTSTAMP"].dt == ours.updated_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Tehran" in str(event["LOCATION"])
    assert str(event["URL"]).endswith(reverse("coordination:meeting", args=[ours.pk]))
    assert str(event["UID"]) == f"meeting-{ours.pk}@zones-portal"


def test_the_address_is_the_same_every_time_and_belongs_to_one_person(kish_deputy, qeshm_deputy):
    assert feeds.feed_token(kish_deputy) == feeds.feed_token(kish_deputy)
    assert feeds.feed_token(kish_deputy) != feeds.feed_token(qeshm_deputy)
    assert feeds.user_from_token(feeds.feed_token(qeshm_deputy)) == qeshm_deputy


@pytest.mark.parametrize(
    "token", ["nonsense", "1.forged", "1", "x.y.z", "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_a_bad_token_is_not_found(anonymous, kish, kish_deputy, token):
    make_meeting(zones=[kish])
    assert anonymous.get(f"/coordination/meetings/calendar/{token}.ics").status_code == 404


def test_a_token_signed_for_something_else_is_not_accepted(anonymous, kish_deputy):
    from django.core import signing

    other = signing.Signer(salt="another.purpose", sep=".").sign(str(kish_deputy.pk))
    assert anonymous.get(f"/coordination/meetings/calendar/{other}.ics").status_code == 404
    kish_deputy.is_active = False
    kish_deputy.save()
    assert anonymous.get(feed_url(kish_deputy)).status_code == 404


def test_an_unchanged_feed_is_answered_with_304_and_a_change_gives_a_new_etag(
    anonymous, kish, kish_deputy, secretariat
):
    meeting = make_meeting(zones=[kish])
    first = anonymous.get(feed_url(kish_deputy))
    etag = first["ETag"]
    again = anonymous.get(feed_url(kish_deputy), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    services.update_meeting(secretariat, meeting, place="Kish, Mehr hall")
    changed = anonymous.get(feed_url(kish_deputy), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Kish\\, Mehr hall" in changed.content.decode()


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(anonymous, kish, kish_deputy, secretariat):
    meeting = make_meeting(zones=[kish], title="Called off")
    services.cancel_meeting(secretariat, meeting, "Postponed")
    events = events_of(anonymous.get(feed_url(kish_deputy)))
    assert str(events["Called off"]["STATUS"]) == "CANCELLED"


def test_the_secretariat_feed_holds_every_meeting_and_long_text_folds(anonymous, kish, qeshm, secretariat):
    make_meeting(zones=[kish], title="ک" * 120, notes="یادداشت؛ با ویرگول, و خط\nدوم")
    make_meeting(zones=[qeshm], title="Qeshm")
    make_meeting(zones=[qeshm], title="Long ago", starts_at=timezone.now() - dt.timedelta(days=500))
    response = anonymous.get(feed_url(secretariat))
    events = events_of(response)
    assert set(events) == {"ک" * 120, "Qeshm"}  # more than a year past is left out
    assert "یادداشت؛ با ویرگول, و خط\nدوم" in str(events["ک" * 120]["DESCRIPTION"])
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_costs_the_same_however_many_meetings(
    anonymous, kish, kish_deputy, count, django_assert_num_queries
):
    for index in range(count):
        make_meeting(zones=[kish], days_ahead=index)
    url = feed_url(kish_deputy)
    with django_assert_num_queries(4):  # the person, the scope, the validator, the rows
        response = anonymous.get(url)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == count
    assert Meeting.objects.count() == count


def test_changing_the_password_retires_an_address_that_leaked(anonymous, kish, kish_deputy):
    make_meeting(zones=[kish])
    leaked = feed_url(kish_deputy)
    assert anonymous.get(leaked).status_code == 200
    kish_deputy.set_password("a-new-password-4417")
    kish_deputy.save()
    assert anonymous.get(leaked).status_code == 404
    assert anonymous.get(feed_url(kish_deputy)).status_code == 200
