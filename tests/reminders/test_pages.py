import datetime as dt

import pytest
from django.urls import reverse

from reminders import services
from reminders.models import Notification
from tests.factories import make_event

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def reminded(kish, kish_deputy):
    event = make_event(kish, status="approved", starts_in_days=6.5, title="جشنواره فیلم کیش")
    services.sweep()
    return event


def test_the_dashboard_lists_notifications_with_an_unread_count(client_for, kish_deputy, reminded):
    client = client_for(kish_deputy)
    home = client.get(reverse("home")).content.decode()
    assert '<span class="unread">1</span>' in home
    listing = client.get(reverse("reminders:list")).content.decode()
    assert "جشنواره فیلم کیش" in listing
    assert "«جشنواره فیلم کیش» ۷ روز دیگر آغاز می‌شود" in listing


def test_opening_a_notification_marks_it_read_and_goes_to_its_subject(client_for, kish_deputy, reminded):
    client = client_for(kish_deputy)
    notification = Notification.objects.get(recipient=kish_deputy, status="sent")
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response["Location"] == reverse("events:detail", args=[reminded.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'class="unread"' not in client.get(reverse("home")).content.decode()


def test_mark_all_read(client_for, kish_deputy, reminded):
    client = client_for(kish_deputy)
    client.post(reverse("reminders:mark-all-read"))
    assert not Notification.objects.filter(
        recipient=kish_deputy, read_at__isnull=True, status="sent"
    ).exists()


def test_nobody_opens_another_persons_notification(client_for, qeshm_deputy, kish_deputy, reminded):
    notification = Notification.objects.get(recipient=kish_deputy, status="sent")
    assert client_for(qeshm_deputy).get(reverse("reminders:open", args=[notification.pk])).status_code == 404


def test_preferences_set_the_language_and_the_digest(client_for, secretariat, kish_deputy):
    client = client_for(secretariat)
    response = client.post(reverse("reminders:preferences"), {"language": "en", "wants_digest": ""})
    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert (secretariat.language, secretariat.wants_digest) == ("en", False)
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    deputy_page = client_for(kish_deputy).get(reverse("reminders:preferences")).content.decode()
    assert 'name="wants_digest"' not in deputy_page  # the digest is the secretariat's


@pytest.mark.parametrize("count", [5, 200])
def test_the_notification_list_runs_a_fixed_number_of_queries(
    client_for, kish, kish_deputy, count, django_assert_num_queries
):
    for _ in range(count):
        make_event(kish, status="approved", starts_in_days=6.5)
    services.sweep()
    client = client_for(kish_deputy)
    client.get(reverse("reminders:list"))
    # Session, person, scope with the menu's jury link: the counts and the page are kept since the first request.
    with django_assert_num_queries(3):
        assert client.get(reverse("reminders:list")).status_code == 200
