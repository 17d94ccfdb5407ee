"""The sweep costs a number of queries bounded by the number of rules, not by the number of due items.

Every rule gets a few or many due items at once (upcoming events with invitations and co-organisers,
decisions, obligations before and after their due date with zone and institution parties, agreements in
their notice period, calls closing, reviews pending, reports overdue, quiet zones, the weekly digest); the
dry run, the real sweep and the cancelling of stale reminders are counted at both sizes under one bound.
A rule that fails loses nothing of the others.
"""

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, StatusChange
from reminders import services
from reminders.models import Notification
from reminders.registry import RULES, Due, Rule, register
from tests.factories import (
    UserFactory,
    ZoneFactory,
    make_action_item,
    make_agreement,
    make_application,
    make_call,
    make_circular,
    make_decision,
    make_event,
    make_meeting,
    make_obligation,
)

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
SMALL, LARGE = 5, 200
# Queries per rule, whatever the number of due items. Recording: its setting's share, its candidates
# (with what they prefetch), their recipients, what is already recorded, the people, the insert, the
# read-back and its own transaction. Cancelling: its pending reminders, their subjects, one update.
# Measured: 78-86 for a dry run, 120 for a sweep on SQLite, 45 for cancelling (eleven rules); the
# coordination desk's seven rules are held to the same share each.
DRY_RUN_BOUND = 9 * len(RULES)
SWEEP_BOUND = 14 * len(RULES)
CANCEL_BOUND = 5 * len(RULES)


@pytest.fixture
def world(kish, qeshm, kish_deputy, qeshm_deputy, secretariat, art_bureau, art_bureau_partner):
    return {"kish": kish, "qeshm": qeshm, "art_bureau": art_bureau}


def populate(world: dict, n: int) -> None:
    """``n`` due items of every rule, as of now."""
    kish, qeshm, art_bureau = world["kish"], world["qeshm"], world["art_bureau"]
    now = timezone.now()
    for _ in range(n):
        # Approved, 6½ days ahead, Qeshm invited (unanswered, just now), an institution co-organising:
        # due for event_upcoming, invitation_unanswered (10 days before), invitation_received and
        # event_decided (approved an hour ago).
        event = make_event(kish, status="approved", starts_in_days=6.5, invite=(qeshm,))
        event.co_organisers.add(art_bureau)
        StatusChange.objects.create(
            event=event, from_status="submitted", to_status="approved", changed_at=now - dt.timedelta(hours=1)
        )
        # Held eight days ago, no report: report_overdue (7 days after).
        make_event(kish, status="held", starts_in_days=-8.2)
        # In its notice period since yesterday (agreement_expiring); one obligation 10 days ahead for a
        # zone party (14 days before), one 8 days overdue for an institution party.
        agreement = make_agreement(zones=[kish], institutions=[art_bureau], days_left=50, notice_days=51)
        make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=10)
        make_obligation(agreement, agreement.parties.get(kind="institution"), due_in_days=-8)
        # Closing in half a day (call_closing, 1 day before), half to Qeshm only, half to every zone.
        make_call(zones=[qeshm] if _ % 2 else [], closes_in_days=0.5)
        # A zone quiet for seventy days: zone_quiet.
        quiet = ZoneFactory()
        proposal = make_event(quiet, status="submitted", starts_in_days=30)
        StatusChange.objects.create(
            event=proposal, from_status="draft", to_status="submitted", changed_at=now - 70 * DAY
        )
        # A council meeting in half a day, its agenda closing in six hours, Kish and an institution
        # invited: meeting-agenda-closing and meeting-tomorrow.
        make_meeting(
            zones=[kish], institutions=[art_bureau], starts_at=now + DAY / 2, agenda_cutoff=now + DAY / 4
        )
        # Minutes open for comment until tomorrow (minutes-awaiting-comment), with an action item of
        # Kish's due tomorrow (action-item-due) and one of an institution's eight days late
        # (action-item-overdue, action-item-escalated).
        decision = make_decision(
            make_meeting(
                zones=[kish],
                institutions=[art_bureau],
                starts_at=now - 3 * DAY,
                status="in_comment",
                comments_until=now + DAY,
            )
        )
        make_action_item(decision, zone=kish, due_in_days=1)
        make_action_item(decision, institution=art_bureau, due_in_days=-8)
        # A circular Qeshm and Kish are to acknowledge tomorrow: circular-unacknowledged.
        make_circular(zones=[kish, qeshm], ack_in_days=1)
    # A call closed four days ago with ``n`` jurors, each with an application to score: review_pending.
    jurors = [UserFactory() for _ in range(n)]
    make_application(make_call(jurors=jurors, opens_in_days=-30, closes_in_days=-4), kish)


def rows_by_rule(report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for notification in [*report.created, *report.missed]:
        counts[notification.rule] = counts.get(notification.rule, 0) + 1
    return counts


def insert_batches(counts: dict[str, int]) -> int:
    """How many INSERT statements the database needs for these rows: one per rule on PostgreSQL; SQLite
    takes at most 999 parameters per statement."""
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    return sum(
        math.ceil(count / connection.ops.bulk_batch_size(fields, [None] * count)) for count in counts.values()
    )


class Published(list):
    """The reminders queued for delivery, in order; ``messages`` holds each message's batch of them."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def publish(self, args, **options):
        self.messages.append(tuple(args))
        self.extend(args)


@pytest.fixture
def no_broker(monkeypatch):
    """Delivery is counted on its own; the sweep only queues, a batch of reminders to a message."""
    from reminders.tasks import deliver_notification

    sent = Published()
    monkeypatch.setattr(deliver_notification, "apply_async", sent.publish)
    return sent


@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_the_sweep_costs_the_same_for_few_or_many_due_items(
    world, n, no_broker, django_assert_max_num_queries
):
    populate(world, n)
    now = timezone.now()

    with django_assert_max_num_queries(DRY_RUN_BOUND):
        dry = services.sweep(now, dry_run=True)
    expected = {
        "event_upcoming",
        "invitation_unanswered",
        "invitation_received",
        "event_decided",
        "report_overdue",
        "obligation_due",
        "agreement_expiring",
        "call_closing",
        "review_pending",
        "zone_quiet",
        "meeting-agenda-closing",
        "meeting-tomorrow",
        "minutes-awaiting-comment",
        "action-item-due",
        "action-item-overdue",
        "action-item-escalated",
        "circular-unacknowledged",
    }
    counts = rows_by_rule(dry)
    assert expected <= set(counts)
    assert all(counts[slug] >= n for slug in expected), counts
    assert not Notification.objects.exists()

    with CaptureQueriesContext(connection) as queries:
        report = services.sweep(now)
    assert report.failed == {}
    assert rows_by_rule(report) == counts  # the dry run said what the sweep recorded
    # INSERT INTO on PostgreSQL (ON CONFLICT DO NOTHING), INSERT OR IGNORE INTO on SQLite.
    inserts = [
        q
        for q in queries
        if q["sql"].startswith("INSERT") and 'INTO "reminders_notification"' in q["sql"][:60]
    ]
    assert inserts
    assert len(inserts) <= insert_batches(counts)
    assert len(queries) - len(inserts) <= SWEEP_BOUND, len(queries)
    assert sorted(no_broker) == sorted(n.pk for n in report.created)
    # One message per batch of reminders, not one per reminder: publishing is the sweep's dearest step.
    assert len(no_broker.messages) == math.ceil(len(report.created) / services.DELIVERY_BATCH)
    assert all(len(batch) <= services.DELIVERY_BATCH for batch in no_broker.messages)

    # A second sweep finds everything recorded: it words nothing again and records nothing.
    with django_assert_max_num_queries(SWEEP_BOUND):
        again = services.sweep(now)
    assert again.created == []
    assert again.missed == []


@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_cancelling_stale_reminders_costs_the_same_for_few_or_many(
    world, n, no_broker, django_assert_max_num_queries
):
    populate(world, n)
    now = timezone.now()
    services.record_due(now)
    pending = Notification.objects.filter(status="pending").count()
    assert pending >= 8 * n

    with django_assert_max_num_queries(CANCEL_BOUND):
        assert services.cancel_stale(now) == 0  # everything still stands

    # Everything's reason goes: events move, agreements end, obligations are done, calls are finished.
    Event.objects.filter(status="approved").update(
        starts_at=now + 9 * DAY, ends_at=now + 9 * DAY + DAY, status="cancelled"
    )
    Event.objects.filter(status="held").update(status="reported")
    from agreements.models import Agreement, Obligation
    from events.models import Participation
    from talent.models import TalentCall

    Obligation.objects.update(status="done")
    Agreement.objects.update(status="terminated")
    Participation.objects.update(answer="declined")
    TalentCall.objects.update(status="finished")
    from coordination.models import Acknowledgement, ActionItem, Meeting

    Meeting.objects.update(status="cancelled")
    ActionItem.objects.update(status="done")
    Acknowledgement.objects.update(acknowledged_at=now)
    with django_assert_max_num_queries(CANCEL_BOUND):
        cancelled = services.cancel_stale(now)
    left = set(Notification.objects.filter(status="pending").values_list("rule", flat=True))
    # The quiet zones stay quiet, the digest stands; everything else was cancelled.
    assert left <= {"zone_quiet", "weekly_digest"}
    assert cancelled >= 7 * n


def test_a_failing_rule_is_reported_and_the_others_still_record(world, no_broker, caplog):
    populate(world, 2)

    def broken(now, offsets, horizon):
        yield Due(world["kish"], "broken:1", now, ())
        raise RuntimeError("the rule broke")

    rule = register(
        Rule(
            slug="broken_rule",
            title="Broken",
            description="Raises half-way.",
            collect=broken,
            still_current=lambda subject, occasion, now: True,
        )
    )
    try:
        report = services.sweep(timezone.now())
    finally:
        RULES.pop(rule.slug)
    assert report.failed == {"broken_rule": "RuntimeError: the rule broke"}
    assert "broken_rule" in caplog.text
    assert {"event_upcoming", "obligation_due", "review_pending"} <= set(rows_by_rule(report))
    assert Notification.objects.filter(rule="event_upcoming").exists()
    assert not Notification.objects.filter(rule="broken_rule").exists()


def test_a_rule_failing_at_insert_time_keeps_nothing_of_its_own_only(world, no_broker, monkeypatch):
    """The failure comes after the rule's rows were inserted: its transaction takes them back."""
    populate(world, 2)
    real = services._cancel_rule

    def cancel(rule, now):
        if rule.slug == "obligation_due":
            raise RuntimeError("cancelling broke")
        return real(rule, now)

    monkeypatch.setattr(services, "_cancel_rule", cancel)
    report = services.sweep(timezone.now())
    assert set(report.failed) == {"obligation_due"}
    assert not Notification.objects.filter(rule="obligation_due").exists()
    assert "obligation_due" not in rows_by_rule(report)
    assert Notification.objects.filter(rule="review_pending").exists()


def test_the_command_names_the_failing_rule(world, no_broker):
    import io

    from django.core.management import CommandError, call_command

    def broken(now, offsets, horizon):
        raise RuntimeError("the rule broke")

    rule = register(
        Rule(
            slug="broken_rule", title="Broken", description="—", collect=broken, still_current=lambda *a: True
        )
    )
    err = io.StringIO()
    try:
        with pytest.raises(CommandError, match="broken_rule"):
            call_command("send_reminders", stdout=io.StringIO(), stderr=err)
    finally:
        RULES.pop(rule.slug)
    assert "rule broken_rule failed" in err.getvalue()
