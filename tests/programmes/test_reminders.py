"""The programmes' reminder rules: each reaches the zone's people at its moment, once, and goes stale
when what it asks is done."""

import datetime as dt

import pytest

from programmes import services
from programmes.calendar import quarter_starts
from reminders import services as reminder_services
from reminders.models import Notification
from reminders.registry import RULES, morning
from tests.factories import zone_user
from tests.programmes.helpers import make_activity, make_programme, make_year
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def recipients(rule):
    return {n.recipient for n in Notification.objects.filter(rule=rule)}


def test_the_three_rules_are_registered_with_their_defaults():
    assert RULES["programme-due"].default_offsets == [30, 7, 1]
    assert RULES["programme-returned"].default_offsets == []
    assert RULES["planned-activity-unstarted"].default_offsets == [14]


def test_programme_due_reaches_the_zones_that_have_not_submitted_and_stops_once_they_do(
    kish, qeshm, kish_deputy, qeshm_deputy, secretariat, art_bureau_partner
):
    year = make_year(due_on=dt.date(2026, 2, 19))
    kish_staff = zone_user(kish, role=Membership.Role.ZONE_STAFF, username="kish-staff")
    submitted = make_programme(qeshm, year, status="submitted")
    make_activity(submitted)
    week_before = morning(year.due_on - 7 * DAY)
    reminder_services.record_due(week_before - MINUTE, only=["programme-due"])
    assert recipients("programme-due") == {kish_deputy, kish_staff}  # the 30-day one, qeshm has submitted
    reminder_services.record_due(week_before, only=["programme-due"])
    assert Notification.objects.filter(rule="programme-due", recipient=kish_deputy).count() == 2
    title = Notification.objects.filter(rule="programme-due", recipient=kish_deputy).first().title
    assert "1405" in title or "۱۴۰۵" in title
    programme = make_programme(kish, year)
    make_activity(programme)
    services.submit_programme(kish_deputy, programme)
    assert reminder_services.cancel_stale(week_before + MINUTE) >= 1
    assert not Notification.objects.filter(rule="programme-due", status="pending").exists()


def test_a_returned_programme_is_news_to_its_zone_only(kish, qeshm, kish_deputy, qeshm_deputy, secretariat):
    programme = make_programme(kish)
    make_activity(programme)
    services.submit_programme(kish_deputy, programme)
    services.return_programme(secretariat, programme, "اصلاح بودجه")
    from django.utils import timezone

    reminder_services.record_due(timezone.now() + MINUTE, only=["programme-returned"])
    assert recipients("programme-returned") == {kish_deputy}
    notification = Notification.objects.get(rule="programme-returned")
    assert "1405" in notification.title or "۱۴۰۵" in notification.title


def test_an_approved_activity_with_no_event_is_recalled_before_its_quarter(
    kish, qeshm, kish_deputy, qeshm_deputy
):
    from django.utils import timezone

    from programmes.calendar import solar_year_of

    year_number = solar_year_of(timezone.localdate()) + 1
    year = make_year(year_number, due_on=dt.date(2026, 1, 1))
    approved = make_programme(kish, year, status="approved")
    activity = make_activity(approved, quarter=1)
    draft = make_programme(qeshm, year, status="draft")
    make_activity(draft, quarter=1)  # not approved: no reminder
    moment = morning(quarter_starts(year_number, 1) - 14 * DAY)
    reminder_services.record_due(moment - MINUTE, only=["planned-activity-unstarted"])
    assert recipients("planned-activity-unstarted") == set()
    reminder_services.record_due(moment, only=["planned-activity-unstarted"])
    assert recipients("planned-activity-unstarted") == {kish_deputy}
    assert activity.title in Notification.objects.get(rule="planned-activity-unstarted").title
    approved.status = "returned"
    approved.save()
    assert reminder_services.cancel_stale(moment + MINUTE) == 1
