"""Competitions' reminders: scoring closing (to judges with entries left, naming no contestant), a live
round tomorrow (to its panel), once each, stale when the moment moves or the work is done."""

import datetime as dt

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from contests import tasks
from contests.models import Entry, Round
from contests.services import rounds as services
from reminders import services as reminder_services
from reminders.models import Notification
from reminders.registry import RULES
from tests.contests.world import enter, make_round, panel, quran_call

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def recipients(rule):
    return {n.recipient for n in Notification.objects.filter(rule=rule)}


def test_the_rules_are_registered():
    assert {"round-scoring-closing", "live-round-tomorrow"} <= set(RULES)


def test_scoring_closing_reaches_the_judges_with_entries_left_and_names_nobody(kish):
    now = timezone.now()
    done, halfway, stepped_aside = judges = panel(3)
    round_ = make_round(
        quran_call(),
        kish,
        judges=judges,
        blind=True,
        status=Round.Status.SCORING,
        scoring_closes_at=now + 1.5 * DAY,
    )
    first, second = enter(round_, kish, 2)
    everything = {c.pk: 5 for c in round_.criteria.all()}
    for entry in (first, second):
        services.score_entry(done, entry, everything)
    services.score_entry(halfway, first, everything)
    services.score_entry(stepped_aside, first, everything)
    services.declare_conflict(stepped_aside, second, "خویشاوند")
    reminder_services.record_due(now, only=["round-scoring-closing"])
    assert recipients("round-scoring-closing") == {halfway}
    (notification,) = Notification.objects.filter(rule="round-scoring-closing")
    assert first.application.full_name not in notification.title
    assert round_.name in notification.title
    reminder_services.record_due(now + dt.timedelta(hours=1), only=["round-scoring-closing"])
    assert Notification.objects.filter(rule="round-scoring-closing").count() == 1
    # Done, it no longer stands.
    services.score_entry(halfway, second, everything)
    reminder_services.cancel_stale(now)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.CANCELLED


def test_scoring_closing_waits_for_its_day_and_skips_rounds_not_scoring(kish):
    now = timezone.now()
    judges = panel(1)
    later = make_round(
        quran_call(), kish, judges=judges, status=Round.Status.SCORING, scoring_closes_at=now + 5 * DAY
    )
    draft = make_round(quran_call(), kish, judges=panel(1, "d"), scoring_closes_at=now + DAY)
    enter(later, kish, 1)
    enter(draft, kish, 1)
    reminder_services.record_due(now, only=["round-scoring-closing"])
    assert not Notification.objects.filter(rule="round-scoring-closing").exists()


def test_a_moved_closing_day_makes_the_reminder_stale(kish):
    now = timezone.now()
    judges = panel(1)
    round_ = make_round(
        quran_call(), kish, judges=judges, status=Round.Status.SCORING, scoring_closes_at=now + DAY
    )
    enter(round_, kish, 1)
    reminder_services.record_due(now, only=["round-scoring-closing"])
    Round.objects.filter(pk=round_.pk).update(scoring_closes_at=now + 10 * DAY)
    reminder_services.cancel_stale(now)
    assert Notification.objects.get(rule="round-scoring-closing").status == Notification.Status.CANCELLED


def test_a_live_round_tomorrow_reaches_its_panel(kish, qeshm):
    now = timezone.now()
    the_panel = panel(5)
    elsewhere = panel(1, "other")
    final = make_round(
        quran_call(),
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=3,
        judges=the_panel,
        chair=the_panel[0],
        held_at=now + 0.8 * DAY,
        venue="تالار قشم",
    )
    make_round(quran_call(), kish, mode=Round.Mode.LIVE, judges=elsewhere, held_at=now + 4 * DAY)
    reminder_services.record_due(now, only=["live-round-tomorrow"])
    assert recipients("live-round-tomorrow") == set(the_panel)
    reminder_services.record_due(now, only=["live-round-tomorrow"])
    assert Notification.objects.filter(rule="live-round-tomorrow").count() == 5
    Round.objects.filter(pk=final.pk).update(held_at=now + 3 * DAY)
    reminder_services.cancel_stale(now)
    assert set(Notification.objects.filter(rule="live-round-tomorrow").values_list("status", flat=True)) == {
        Notification.Status.CANCELLED
    }


def test_the_reminder_mail_words_each_rule(kish, django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    judges = panel(1)
    for judge in judges:
        judge.email = "judge@example.org"
        judge.save()
    round_ = make_round(
        quran_call(), kish, judges=judges, status=Round.Status.SCORING, scoring_closes_at=now + DAY
    )
    enter(round_, kish, 1)
    reminder_services.record_due(now, only=["round-scoring-closing"])
    notification = Notification.objects.get(rule="round-scoring-closing")
    assert reminder_services.deliver(notification.pk, now) == "sent"
    assert round_.name in mailoutbox[0].body


# The "you went on" mail survives a worker that dies mid-way ------------------------------------------


@pytest.fixture
def went_on(kish):
    """An entry of a decided preliminary that went on, not told yet."""
    call = quran_call()
    final = make_round(call, kish, stage=2, kind=Round.Kind.JOINT, advance_rule=Round.Advance.FINAL)
    round_ = make_round(call, kish, status=Round.Status.DECIDED, next_round=final)
    (entry,) = enter(round_, kish, 1)
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.ADVANCED)
    return entry


def test_a_worker_that_died_before_sending_leaves_the_mail_to_the_retry(went_on, mailoutbox):
    from contests import reminders

    # The first worker took the lease and died before the mail went out.
    Entry.objects.filter(pk=went_on.pk).update(telling_until=timezone.now() + reminders.TELLING_LEASE)
    assert reminders.send_advanced_mail(went_on.pk) == "busy"  # redelivered at once: not sent twice...
    assert mailoutbox == []
    with pytest.raises(Retry):
        tasks.send_advanced_mail(went_on.pk)  # ...and the task tries again later
    # The lease has run out: the retry sends, and marks the contestant as told.
    Entry.objects.filter(pk=went_on.pk).update(telling_until=timezone.now() - dt.timedelta(seconds=1))
    assert reminders.send_advanced_mail(went_on.pk) == "sent"
    assert len(mailoutbox) == 1
    entry = Entry.objects.get(pk=went_on.pk)
    assert entry.told_at is not None
    assert entry.telling_until is None
    assert reminders.send_advanced_mail(went_on.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_a_mail_that_could_not_be_sent_frees_the_lease(went_on, mailoutbox, monkeypatch):
    from contests import reminders

    def fails(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "send_templated_mail", fails)
    with pytest.raises(OSError, match="SMTP down"):
        reminders.send_advanced_mail(went_on.pk)
    entry = Entry.objects.get(pk=went_on.pk)
    assert (entry.told_at, entry.telling_until) == (None, None)
    monkeypatch.undo()
    assert reminders.send_advanced_mail(went_on.pk) == "sent"
    assert len(mailoutbox) == 1
