"""The notification list after years of use: newest first, a page at a time, each page costing the same
number of queries however many notifications a person has."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from reminders.models import Notification
from reminders.views import PAGE_SIZE
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def years_of_notifications(person, count, subject):
    """``count`` notifications an hour apart, the newest titled #000; a few not yet read."""
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            rule="event-starts",
            content_type=ContentType.objects.get_for_model(Event),
            object_id=subject.pk,
            recipient=person,
            occasion=f"occasion-{index}",
            title=f"یادآوری #{index:03d}",
            due_at=now - dt.timedelta(hours=index + 1),
            status="sent",
            last_error="خطای بلند " * 300,
            read_at=None if index < 3 else now,
        )
        for index in range(count)
    )


def titles(html):
    return re.findall(r'class="event-title">([^<]+)</a>', html)


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize("person", ["kish_deputy", "secretariat"])
def test_the_notification_list_costs_the_same_and_shows_one_page(
    client_for, request, person, kish, count, django_assert_num_queries
):
    reader = request.getfixturevalue(person)
    years_of_notifications(reader, count, make_event(kish, status="approved"))
    client = client_for(reader)
    client.get(reverse("reminders:list"))
    # Session, person, scope with the menu's jury link. The list's total and the bell's count
    # (reminders.services.counts_for) and the page's rows are kept since the first request.
    with django_assert_num_queries(3):
        response = client.get(reverse("reminders:list"))
    assert len(titles(response.content.decode())) == min(count, PAGE_SIZE)


def test_the_rest_is_on_the_next_pages_newest_first(client_for, kish_deputy, qeshm_deputy, kish):
    subject = make_event(kish, status="approved")
    years_of_notifications(kish_deputy, PAGE_SIZE * 2 + 1, subject)
    years_of_notifications(qeshm_deputy, 3, subject)  # someone else's: never on Kish's list
    client = client_for(kish_deputy)
    url = reverse("reminders:list")
    pages = [client.get(url, {"page": number}).content.decode() for number in (1, 2, 3)]
    seen = [title for page in pages for title in titles(page)]
    assert seen == [f"یادآوری #{index:03d}" for index in range(PAGE_SIZE * 2 + 1)]
    assert 'href="?page=2" rel="next"' in pages[0]
    assert re.search(r"<span[^>]*>[^<]*۱[^<]*۳[^<]*</span>", pages[0])  # page 1 of 3, in Persian digits
    assert pages[0].count("unread-row") == 3
