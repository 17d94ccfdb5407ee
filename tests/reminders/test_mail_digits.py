"""Numbers in reminders read in the reader's digits (issue 15): days left, counts and dates are in Persian
digits in a Persian title and mail, and in Latin digits in an English one. Codes and links stay as they are."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from reminders import services
from reminders.models import Notification
from reminders.registry import morning
from tests.factories import UserFactory, make_application, make_call, make_event

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
LATIN_DIGIT = re.compile(r"[0-9]")


def delivered(rule: str) -> list:
    """Sends every pending reminder of ``rule`` and gives back the notifications."""
    notifications = list(Notification.objects.filter(rule=rule, status="pending"))
    for notification in notifications:
        services.deliver(notification.pk)
    return notifications


def without_links(text: str) -> str:
    return re.sub(r"https?://\S+", "", text)


def test_the_days_before_an_event_are_in_persian_digits_in_the_title_and_the_mail(
    kish, kish_deputy, mailoutbox
):
    event = make_event(kish, status="approved", starts_in_days=20, title="جشنواره موسیقی کیش")
    services.record_due(event.starts_at - 14 * DAY, only=["event_upcoming"])
    [notification] = delivered("event_upcoming")
    assert notification.title == "«جشنواره موسیقی کیش» ۱۴ روز دیگر آغاز می‌شود"
    [message] = mailoutbox
    assert message.subject == notification.title
    assert "۱۴ روز دیگر" in message.body
    assert "۱۴ روز دیگر" in message.alternatives[0][0]
    assert not LATIN_DIGIT.search(without_links(message.body))  # the date too: Jalali, Persian digits
    # An English reader keeps Latin digits.
    kish_deputy.language = "en"
    kish_deputy.save()
    other = make_event(kish, status="approved", starts_in_days=20, title="Music festival")
    services.record_due(other.starts_at - 14 * DAY, only=["event_upcoming"])
    delivered("event_upcoming")
    assert mailoutbox[-1].subject == "“Music festival” starts in 14 days"


def test_a_jurors_count_of_unscored_applications_is_in_persian_digits(kish, mailoutbox):
    juror = UserFactory(username="juror-digits", language="fa")
    call = make_call(jurors=[juror], closes_in_days=-1)
    make_application(call, kish)
    make_application(call, kish)
    services.record_due(call.closes_at + 3 * DAY, only=["review_pending"])
    [notification] = delivered("review_pending")
    assert notification.title.startswith("۲ درخواست فراخوان")
    [message] = mailoutbox
    assert message.subject.startswith("۲ درخواست فراخوان")


def test_the_weekly_digest_counts_in_persian_digits(secretariat, kish, mailoutbox):
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)  # the coming Saturday
    make_event(kish, status="submitted", starts_in_days=30)  # proposed this week
    services.record_due(morning(saturday), only=["weekly_digest"])
    delivered("weekly_digest")
    [message] = mailoutbox
    assert "کیش: ۱ پیشنهاد، ۰ برگزارشده، ۰ در هفته پیش رو" in message.body
    assert not LATIN_DIGIT.search(without_links(message.body))
