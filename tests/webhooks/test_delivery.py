"""A partner's endpoint receives a signed notice when its event is approved; nobody else's does; a failing
receiver is retried, then the delivery fails and the endpoint is switched off with a notice; resending;
two workers never send one delivery at once."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from agreements import services as agreement_services
from events import services as event_services
from events.models import Participation
from reminders.models import Notification
from talent import services as talent_services
from tests.factories import (
    institution_user,
    make_agreement,
    make_application,
    make_call,
    make_event,
    make_obligation,
)
from webhooks import services
from webhooks.models import Topic, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import send_delivery, sweep

pytestmark = pytest.mark.django_db


# The README's verification snippet, as a partner would paste it.
def verify(secret: str, headers: dict, body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    if abs(time.time() - int(headers["webhook-timestamp"])) > 300:  # refuse replays of old messages
        return False
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split())


@pytest.fixture
def submitted(kish, art_bureau):
    event = make_event(kish, status="submitted", starts_in_days=20)
    event.co_organisers.add(art_bureau)
    return event


def test_approving_a_co_organised_event_delivers_a_signed_body_to_its_partner_only(
    submitted,
    secretariat,
    art_bureau_partner,
    kanoon_partner,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
):
    ours = endpoint_for(art_bureau_partner, receiver.url("/ours"))
    theirs = endpoint_for(kanoon_partner, receiver.url("/theirs"))
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)

    assert [r.path for r in receiver.received] == ["/ours"]
    got = receiver.received[0]
    assert verify(ours.secret, got.headers, got.body.encode())
    assert not verify(theirs.secret, got.headers, got.body.encode())
    assert got.headers["content-type"] == "application/json"
    assert "Zones" in got.headers["user-agent"]
    body = got.json
    assert body["type"] == "event.status_changed"
    assert body["id"] == got.headers["webhook-id"]
    assert body["data"]["id"] == submitted.pk
    assert body["data"]["co_organisers"] == ["artbureau"]
    assert (body["data"]["previous_status"], body["data"]["status"]) == ("submitted", "approved")
    assert dt.datetime.fromisoformat(body["timestamp"])
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.status, delivery.attempts) == (ours, "delivered", 1)
    assert delivery.attempt_log.get().status_code == 200
    assert not theirs.deliveries.exists()


def test_a_tampered_body_does_not_verify(
    submitted, secretariat, art_bureau_partner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    ours = endpoint_for(art_bureau_partner, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    got = receiver.received[0]
    assert not verify(ours.secret, got.headers, got.body.replace("approved", "rejected").encode())


def test_a_draft_the_partner_may_not_see_is_never_sent(
    kish,
    art_bureau,
    art_bureau_partner,
    kish_deputy,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
):
    """Proposed on the institution's behalf but no longer co-organised: while unpublished it is not theirs
    to see, so a move tells them nothing."""
    endpoint_for(art_bureau_partner, receiver.url())
    event = make_event(kish, status="draft", starts_in_days=20, created_by=art_bureau_partner)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.submit_event(kish_deputy, event)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_rolled_back_change_tells_nobody(
    submitted, secretariat, art_bureau_partner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    from django.db import transaction

    endpoint_for(art_bureau_partner, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                event_services.approve_event(secretariat, submitted)
                raise RuntimeError("the request failed later")
        except RuntimeError:
            pass
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_failing_receiver_is_retried_then_the_delivery_fails_and_the_endpoint_is_switched_off(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    receiver.status = 500
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    # Three attempts: the first and the two retries of WEBHOOK_RETRY_DELAYS, each with the same message id.
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 500]
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert endpoint.consecutive_failures == 1
    assert endpoint.disabled_reason
    # The notice: a notification in the portal and a mail, in the owner's language (Persian by default).
    notice = Notification.objects.get(recipient=art_bureau_partner)
    assert notice.rule == "webhook-endpoint-disabled"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [art_bureau_partner.email]
    assert "وب‌هوک" in mailoutbox[0].subject or endpoint.url in mailoutbox[0].subject
    # A switched-off endpoint is told of nothing more.
    receiver.received.clear()
    another = make_event(submitted.host_zone, status="submitted", starts_in_days=30)
    another.co_organisers.add(art_bureau_partner.membership.institution)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, another)
    assert receiver.received == []
    assert WebhookDelivery.objects.count() == 1


def test_the_institution_switches_it_on_again_and_resends(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
):
    receiver.status = 503
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    delivery = WebhookDelivery.objects.get()
    assert services.resend([delivery]) == 0  # not while the endpoint is off
    services.update_endpoint(art_bureau_partner, endpoint, is_active=True)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (True, 0, None)
    receiver.status = 204
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend([delivery]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert receiver.received[0].headers["webhook-id"] == delivery.message_id
    assert delivery.attempt_log.count() == 4  # the log keeps the earlier attempts


def test_a_success_resets_the_failure_count(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
    local_targets,
    django_capture_on_commit_callbacks,
):
    local_targets.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=2)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.is_active) == (0, True)


def test_failing_for_more_than_a_day_switches_it_off(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
    local_targets,
    django_capture_on_commit_callbacks,
):
    local_targets.WEBHOOK_DISABLE_AFTER_FAILURES = 100
    receiver.status = 500
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    old = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_old",
        topic=Topic.EVENT_STATUS,
        payload={},
        status="failed",
        created_at=timezone.now() - dt.timedelta(hours=30),
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "۲۴" in endpoint.disabled_reason  # in the portal's language, its digits too
    assert old.pk


def test_two_workers_never_send_one_delivery_at_once(
    submitted, secretariat, art_bureau_partner, receiver, endpoint_for
):
    endpoint_for(art_bureau_partner, receiver.url())
    event_services.approve_event(secretariat, submitted)  # recorded; its send waits for the commit
    delivery = WebhookDelivery.objects.get()
    first = services.claim(delivery.pk)
    assert first is not None
    # The second worker (the sweep, or a duplicate task) finds it held and sends nothing.
    assert services.deliver(delivery.pk) == ("skipped", 0)
    assert services.due_ids() == []
    assert services.send_claimed(first) == ("delivered", 0)
    assert services.deliver(delivery.pk) == ("skipped", 0)  # and once sent, never again
    assert len(receiver.received) == 1


def test_a_worker_that_died_leaves_the_delivery_to_the_sweep_once_its_lease_ran_out(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
):
    endpoint_for(art_bureau_partner, receiver.url())
    event_services.approve_event(secretariat, submitted)
    delivery = WebhookDelivery.objects.get()
    assert services.claim(delivery.pk) is not None  # and then the worker died
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    sweep.apply().get()
    sweep.apply().get()  # a second run sends nothing more
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_two_threads_at_once_send_it_once(submitted, secretariat, art_bureau_partner, receiver, endpoint_for):
    receiver.delay = 0.3
    endpoint_for(art_bureau_partner, receiver.url())
    event_services.approve_event(secretariat, submitted)  # in autocommit, sent at once; then made due again
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(status="pending", attempts=0, delivered_at=None)
    receiver.received.clear()
    outcomes = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        try:
            outcomes.append(services.deliver(delivery.pk)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(receiver.received) == 1


def test_a_task_run_twice_sends_once(submitted, secretariat, art_bureau_partner, receiver, endpoint_for):
    endpoint_for(art_bureau_partner, receiver.url())
    event_services.approve_event(secretariat, submitted)
    delivery = WebhookDelivery.objects.get()
    assert send_delivery.apply(args=(delivery.pk,)).get() == "delivered"
    assert send_delivery.apply(args=(delivery.pk,)).get() == "skipped"
    assert len(receiver.received) == 1


def test_invitation_answers_obligations_and_nominations_reach_their_institution(
    kish,
    qeshm,
    qeshm_deputy,
    secretariat,
    art_bureau,
    art_bureau_partner,
    kanoon,
    kanoon_partner,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
):
    everything = list(Topic.values)
    ours = endpoint_for(art_bureau_partner, receiver.url("/ours"), everything)
    endpoint_for(kanoon_partner, receiver.url("/theirs"), [t for t in everything if t != Topic.CALL_OPENED])
    event = make_event(kish, status="approved", starts_in_days=20, invite=(qeshm,))
    event.co_organisers.add(art_bureau)
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    obligation = make_obligation(agreement, agreement.parties.get(kind="institution"))
    call = make_call()
    application = make_application(call, kish, nominated_by=art_bureau)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.respond_to_invitation(qeshm_deputy, Participation.objects.get(event=event), "accepted")
        agreement_services.report_obligation(art_bureau_partner, obligation, status="in_progress")
        talent_services.shortlist(secretariat, application)
    assert {r.path for r in receiver.received} == {"/ours"}
    kinds = {r.json["type"]: r.json["data"] for r in receiver.received}
    assert kinds["event.invitation_answered"]["invitation"]["answer"] == "accepted"
    assert kinds["obligation.status_changed"]["status"] == "in_progress"
    assert kinds["obligation.status_changed"]["previous_status"] == "pending"
    nomination = kinds["nomination.decided"]
    assert (nomination["id"], nomination["status"], nomination["call"]) == (
        application.pk,
        "shortlisted",
        call.pk,
    )
    assert ours.deliveries.count() == 3


def test_a_call_that_opens_later_is_announced_once(
    art_bureau_partner,
    kanoon_partner,
    secretariat,
    receiver,
    endpoint_for,
    django_capture_on_commit_callbacks,
):
    endpoint_for(art_bureau_partner, receiver.url("/a"), [Topic.CALL_OPENED])
    endpoint_for(kanoon_partner, receiver.url("/b"), [Topic.CALL_OPENED])
    call = make_call(status="draft", opens_in_days=1)
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.publish_call(secretariat, call)
    assert receiver.received == []  # not open yet
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    import time_machine

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        sweep.apply().get()
        sweep.apply().get()
    assert sorted(r.path for r in receiver.received) == ["/a", "/b"]
    assert receiver.received[0].json["data"]["id"] == call.pk


def test_a_call_published_open_is_announced_at_once(
    art_bureau_partner, secretariat, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    endpoint_for(art_bureau_partner, receiver.url(), [Topic.CALL_OPENED])
    call = make_call(status="draft", opens_in_days=-1)
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.publish_call(secretariat, call)
        sweep.apply().get()
    assert len(receiver.received) == 1
    assert receiver.received[0].json["type"] == "talent_call.opened"


def test_no_representative_left_means_no_delivery(
    submitted, secretariat, art_bureau_partner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    endpoint_for(art_bureau_partner, receiver.url())
    art_bureau_partner.is_active = False
    art_bureau_partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    assert not WebhookDelivery.objects.exists()
    # Another active representative of the institution stands in for the one who left.
    institution_user(art_bureau_partner.membership.institution, username="second-rep")
    another = make_event(submitted.host_zone, status="submitted", starts_in_days=30)
    another.co_organisers.add(art_bureau_partner.membership.institution)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, another)
    assert len(receiver.received) == 1


def test_old_deliveries_are_pruned(art_bureau_partner, endpoint_for, receiver):
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    old = timezone.now() - dt.timedelta(days=91)
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="m1",
        topic=Topic.EVENT_STATUS,
        payload={},
        status="delivered",
        created_at=old,
    )
    kept = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="m2", topic=Topic.EVENT_STATUS, payload={}, status="delivered"
    )
    assert services.prune() == 1
    assert list(WebhookDelivery.objects.all()) == [kept]
    assert mail.outbox == []


def test_a_fault_while_recording_a_webhook_never_undoes_the_decision(
    submitted,
    secretariat,
    art_bureau_partner,
    receiver,
    endpoint_for,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    """A webhook is news of a change: a bug or a database error while recording one is rolled back in its
    own savepoint and logged, and the approval it reports is saved all the same."""
    from webhooks import receivers

    endpoint_for(art_bureau_partner, receiver.url())

    def broken(event, from_status, to_status):
        WebhookDelivery.objects.create(endpoint=WebhookEndpoint.objects.get(), topic=Topic.EVENT_STATUS)
        raise RuntimeError("a bug in a receiver")

    monkeypatch.setattr(receivers, "event_status_changed", broken)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, submitted)
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert not WebhookDelivery.objects.exists()  # the receiver's half-done work went with its savepoint
    assert receiver.received == []
    assert any(
        record.levelname == "ERROR" and "webhooks of a change" in record.getMessage()
        for record in caplog.records
    )
