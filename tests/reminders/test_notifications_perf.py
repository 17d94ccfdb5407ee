"""After years of use: deliveries go to the broker in batches, a batch treats each reminder as its own
task, and a person's list and bell are counted once and kept until what they count changes."""

import datetime as dt
import smtplib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from reminders import services
from reminders.models import Notification
from reminders.tasks import deliver_notification
from tests.factories import make_event

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


class FailsForOne:
    """A mail server that refuses the messages to one address and takes the others."""

    refused = ""
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            type(self).sent.append(message)
        return len(messages)


@pytest.fixture
def three_pending(kish, kish_deputy, qeshm, qeshm_deputy, secretariat):
    """Three reminders waiting: each deputy's of an event in their zone, and one more for Kish's."""
    events = [
        make_event(kish, status="approved", starts_in_days=20),
        make_event(qeshm, status="approved", starts_in_days=20),
        make_event(kish, status="approved", starts_in_days=20),
    ]
    services.record_due(max(event.starts_at for event in events) - 14 * DAY, only=["event_upcoming"])
    rows = list(Notification.objects.filter(status="pending").order_by("pk"))
    assert len(rows) == 3
    return rows


def test_the_sweep_publishes_one_message_per_batch(three_pending, monkeypatch, settings):
    published = []
    monkeypatch.setattr(deliver_notification, "apply_async", lambda args, **kw: published.append(args))
    monkeypatch.setattr(services, "DELIVERY_BATCH", 2)
    queued = services.queue_pending(max(n.due_at for n in three_pending))
    ids = [n.pk for n in three_pending]
    assert sorted(queued) == sorted(ids)
    assert [len(batch) for batch in published] == [2, 1]
    assert sorted(pk for batch in published for pk in batch) == sorted(ids)
    assert Notification.objects.filter(pk__in=ids, queued_at__isnull=False).count() == 3


def test_a_batch_hands_each_reminder_to_a_task_of_its_own(three_pending, monkeypatch, mailoutbox):
    """A worker that dies mid-send must hold one reminder (its lease brings it back within a minute),
    never a batch of unsent ones that would wait for the requeue; so a batch sends nothing itself."""
    published = []
    monkeypatch.setattr(deliver_notification, "apply_async", lambda args, **kw: published.append(args))
    ids = [n.pk for n in three_pending]
    assert deliver_notification(*ids) == "3 passed on"
    assert published == [(pk,) for pk in ids]
    assert mailoutbox == []


def test_a_batch_delivered_twice_sends_each_reminder_once(three_pending, monkeypatch, mailoutbox):
    outcomes = []
    monkeypatch.setattr(
        deliver_notification, "apply_async", lambda args, **kw: outcomes.append(deliver_notification(*args))
    )
    ids = [n.pk for n in three_pending]
    deliver_notification(*ids)
    deliver_notification(*ids)
    assert outcomes == ["sent"] * 3 + ["skipped"] * 3
    assert len(mailoutbox) == 3


def test_one_reminder_alone_still_retries_through_its_own_task(three_pending, settings):
    from celery.exceptions import Retry

    settings.EMAIL_BACKEND = f"{__name__}.FailsForOne"
    FailsForOne.refused = three_pending[0].recipient.email
    with pytest.raises(Retry):
        deliver_notification(three_pending[0].pk)


# The counts -------------------------------------------------------------------------------------------


def notifications(person, count, subject, *, read=False):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            rule="event_upcoming",
            content_type=ContentType.objects.get_for_model(Event),
            object_id=subject.pk,
            recipient=person,
            occasion=f"occasion-{index}-{now.timestamp()}",
            title=f"یادآوری {index}",
            due_at=now - dt.timedelta(hours=index + 1),
            status="sent",
            read_at=now if read else None,
        )
        for index in range(count)
    )


def shown_unread(person):
    counts = services.counts_for(person)
    return counts.shown, counts.unread


def counting_queries(work):
    with CaptureQueriesContext(connection) as queries:
        outcome = work()
    return outcome, [q["sql"] for q in queries if 'FROM "reminders_notification"' in q["sql"]]


def test_the_counts_are_kept_and_follow_reading(client_for, kish, kish_deputy):
    notifications(kish_deputy, 4, make_event(kish, status="approved"))
    (counts, asked) = counting_queries(lambda: services.counts_for(kish_deputy))
    assert (counts.shown, counts.unread, len(asked)) == (4, 4, 1)  # both in one query
    assert counting_queries(lambda: services.counts_for(kish_deputy)) == (counts, [])  # kept

    client = client_for(kish_deputy)
    listing = client.get(reverse("reminders:list")).content.decode()
    assert (listing.count("unread-row"), '<span class="unread">4</span>' in listing) == (4, True)
    first = Notification.objects.filter(recipient=kish_deputy).first()
    client.get(reverse("reminders:open", args=[first.pk]))
    assert shown_unread(kish_deputy) == (4, 3)
    listing = client.get(reverse("reminders:list")).content.decode()  # the kept page is not shown again
    assert (listing.count("unread-row"), '<span class="unread">3</span>' in listing) == (3, True)
    client.post(reverse("reminders:mark-all-read"))
    assert shown_unread(kish_deputy) == (4, 0)
    listing = client.get(reverse("reminders:list")).content.decode()
    assert (listing.count("unread-row"), 'class="unread"' in listing) == (0, False)


def test_someone_elses_reading_leaves_my_kept_counts(kish, kish_deputy, qeshm_deputy):
    subject = make_event(kish, status="approved")
    notifications(kish_deputy, 2, subject)
    notifications(qeshm_deputy, 3, subject)
    services.counts_for(kish_deputy)
    services.mark_read(qeshm_deputy)
    assert counting_queries(lambda: services.counts_for(kish_deputy))[1] == []
    assert shown_unread(qeshm_deputy) == (3, 0)


def test_a_sweep_that_records_or_cancels_counts_everyone_again(kish, kish_deputy, no_broker_at_all):
    assert shown_unread(kish_deputy) == (0, 0)
    event = make_event(kish, status="approved", starts_in_days=6.5)
    services.sweep()
    assert services.counts_for(kish_deputy).unread >= 1
    # A sweep that changes nothing keeps the counts.
    kept = services.counts_for(kish_deputy)
    services.sweep()
    assert counting_queries(lambda: services.counts_for(kish_deputy)) == (kept, [])
    # The event is cancelled: its waiting reminder is cancelled, and leaves the list.
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    services.sweep()
    assert services.counts_for(kish_deputy).shown < kept.shown


def test_a_resend_and_a_save_in_the_admin_count_again(kish, kish_deputy):
    notifications(kish_deputy, 2, make_event(kish, status="approved"))
    Notification.objects.filter(recipient=kish_deputy).update(status="failed")
    services.notifications_changed()
    assert services.counts_for(kish_deputy).shown == 2
    Notification.objects.filter(recipient=kish_deputy).update(status="cancelled")  # behind its back
    assert services.counts_for(kish_deputy).shown == 2  # still kept
    services.resend(list(Notification.objects.filter(recipient=kish_deputy)))
    assert services.counts_for(kish_deputy).shown == 2
    one = Notification.objects.filter(recipient=kish_deputy).first()
    one.status = "cancelled"
    one.save()  # as the admin saves
    assert services.counts_for(kish_deputy).shown == 1


def test_without_the_cache_the_counts_are_counted(kish, kish_deputy, monkeypatch):
    notifications(kish_deputy, 2, make_event(kish, status="approved"))

    def down(*args, **kwargs):
        raise ConnectionError("the cache is away")

    monkeypatch.setattr(services.cache, "get_many", down)
    monkeypatch.setattr(services.cache, "set", down)
    assert shown_unread(kish_deputy) == (2, 2)


@pytest.fixture
def no_broker_at_all(monkeypatch):
    monkeypatch.setattr(deliver_notification, "apply_async", lambda args, **kw: None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_a_page_of_the_list_is_read_along_the_index_of_shown_reminders(kish, kish_deputy):
    subject = make_event(kish, status="approved")
    notifications(kish_deputy, 300, subject)
    Notification.objects.filter(recipient=kish_deputy, title__endswith="0").update(status="missed")
    rows = services.shown_to(kish_deputy).only("pk", "title", "due_at", "read_at").order_by("-due_at", "-pk")
    sql, params = rows[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reminders_notification")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notification_shown_recipient" in plan, plan
    assert "Sort" not in plan  # read in the index's order, a page's worth, not sorted from all of them


def test_counts_made_before_a_reading_committed_are_never_served_after_it(kish, kish_deputy):
    """A page that counted while the reading was being saved may write its (old) counts to the cache
    after the reading cleared them; they are kept under the personal counter as it was, so not served."""
    from django.core.cache import cache

    event = make_event(kish)
    notifications(kish_deputy, 3, event)
    before = services.counts_for(kish_deputy)
    assert before.unread == 3
    stale = cache.get(services._counts_key(kish_deputy.pk))
    Notification.objects.filter(recipient=kish_deputy).update(read_at=timezone.now())
    services.forget_counts(kish_deputy.pk)
    cache.set(services._counts_key(kish_deputy.pk), stale, 300)  # the slow page's write, after the reading
    assert services.counts_for(kish_deputy).unread == 0
