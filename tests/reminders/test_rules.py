"""Each rule just before, at and after its boundary; moved and cancelled subjects; catch-up and missed."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import EventReport
from reminders import services
from reminders.models import Notification
from reminders.registry import morning
from tests.factories import (
    UserFactory,
    institution_user,
    make_agreement,
    make_application,
    make_call,
    make_event,
    make_obligation,
)
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


def recorded(rule, **filters):
    return list(Notification.objects.filter(rule=rule, **filters).order_by("recipient_id", "occasion"))


def sweep_at(moment, rule=None):
    return services.record_due(moment, only=[rule] if rule else None)


# Event upcoming -----------------------------------------------------------------------------------


def test_event_upcoming_at_its_boundaries(
    kish_deputy, qeshm_deputy, kish, qeshm, art_bureau_partner, art_bureau
):
    event = make_event(kish, status="approved", starts_in_days=20, invite=(qeshm,))
    event.co_organisers.add(art_bureau)
    fourteen_before = event.starts_at - 14 * DAY
    sweep_at(fourteen_before - MINUTE, "event_upcoming")
    assert recorded("event_upcoming") == []
    sweep_at(fourteen_before, "event_upcoming")
    rows = recorded("event_upcoming")
    assert {n.recipient for n in rows} == {kish_deputy, qeshm_deputy, art_bureau_partner}
    assert {n.status for n in rows} == {"pending"}
    sweep_at(fourteen_before + MINUTE, "event_upcoming")
    assert len(recorded("event_upcoming")) == 3  # once per occasion and recipient
    sweep_at(event.starts_at - 7 * DAY, "event_upcoming")
    assert len(recorded("event_upcoming")) == 6


def test_a_declined_zone_is_not_reminded(kish_deputy, qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="approved", starts_in_days=20, invite=(qeshm,))
    event.participations.update(answer="declined")
    sweep_at(event.starts_at - DAY, "event_upcoming")
    assert {n.recipient for n in recorded("event_upcoming")} == {kish_deputy}


def test_a_moved_event_cancels_the_old_reminders_and_gets_new_ones(kish_deputy, kish):
    event = make_event(kish, status="approved", starts_in_days=20)
    now = event.starts_at - 14 * DAY
    sweep_at(now, "event_upcoming")
    [old] = recorded("event_upcoming")
    event.starts_at += 3 * DAY
    event.ends_at += 3 * DAY
    event.save()
    assert services.cancel_stale(now) == 1
    old.refresh_from_db()
    assert old.status == "cancelled"
    sweep_at(event.starts_at - 14 * DAY, "event_upcoming")
    assert [n.status for n in recorded("event_upcoming")] == ["cancelled", "pending"]


def test_nothing_goes_out_about_a_cancelled_or_rejected_event(kish_deputy, kish, mailoutbox):
    event = make_event(kish, status="approved", starts_in_days=20)
    now = event.starts_at - 7 * DAY
    sweep_at(now, "event_upcoming")
    [notification] = recorded("event_upcoming", status="pending")  # the 14-day one was missed
    event.status = "cancelled"
    event.save()
    assert services.deliver(notification.pk, now) == "cancelled"
    assert mailoutbox == []
    sweep_at(now + DAY, "event_upcoming")
    assert recorded("event_upcoming", status="pending") == []


def test_the_catch_up_window_and_the_missed_state(kish_deputy, kish, settings):
    settings.REMINDER_CATCH_UP = dt.timedelta(days=2)
    event = make_event(kish, status="approved", starts_in_days=30)
    due = event.starts_at - 14 * DAY
    sweep_at(due + 2 * DAY - MINUTE, "event_upcoming")  # late, but within the window: still sent
    [late] = recorded("event_upcoming")
    assert late.status == "pending"
    other = make_event(kish, status="approved", starts_in_days=30, hours=2)
    other.starts_at += dt.timedelta(hours=5)
    other.ends_at += dt.timedelta(hours=5)
    other.save()
    sweep_at(other.starts_at - 14 * DAY + 2 * DAY + MINUTE, "event_upcoming")
    missed = recorded("event_upcoming", object_id=other.pk)
    assert [n.status for n in missed] == ["missed"]  # recorded, never silently dropped, never sent


# Invitations and reports --------------------------------------------------------------------------


def test_invitation_unanswered(kish, qeshm, qeshm_deputy, secretariat):
    event = make_event(kish, status="approved", starts_in_days=30, invite=(qeshm,))
    participation = event.participations.get()
    invited = participation.invited_at
    sweep_at(invited + 7 * DAY - MINUTE, "invitation_unanswered")
    assert recorded("invitation_unanswered") == []
    sweep_at(invited + 7 * DAY, "invitation_unanswered")
    assert [n.recipient for n in recorded("invitation_unanswered")] == [qeshm_deputy]
    sweep_at(event.starts_at - 10 * DAY, "invitation_unanswered")
    assert len(recorded("invitation_unanswered")) == 2
    sweep_at(event.starts_at - 3 * DAY, "invitation_unanswered")
    secretariat_copies = [n for n in recorded("invitation_unanswered") if n.recipient == secretariat]
    assert len(secretariat_copies) == 1
    participation.answer = "accepted"
    participation.save()
    # Every reminder still waiting about this invitation is cancelled, the secretariat's too.
    assert services.cancel_stale(event.starts_at - 3 * DAY) == 4


def test_report_overdue(kish, kish_deputy, secretariat):
    event = make_event(kish, status="held", starts_in_days=-40)
    ends = event.ends_at
    sweep_at(ends + 7 * DAY - MINUTE, "report_overdue")
    assert recorded("report_overdue") == []
    sweep_at(ends + 7 * DAY, "report_overdue")
    assert [n.recipient for n in recorded("report_overdue")] == [kish_deputy]
    sweep_at(ends + 21 * DAY, "report_overdue")
    assert {n.recipient for n in recorded("report_overdue", occasion__startswith="after-21d")} == {
        kish_deputy,
        secretariat,
    }
    EventReport.objects.create(event=event, attendance=1, artists_count=1, outcomes="—")
    sweep_at(ends + 22 * DAY, "report_overdue")
    assert services.cancel_stale(ends + 22 * DAY) >= 1


# Obligations and agreements -----------------------------------------------------------------------


def test_obligation_due_before_and_weekly_once_overdue(
    kish, kish_deputy, secretariat, art_bureau, art_bureau_partner
):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    obligation = make_obligation(agreement, agreement.parties.get(kind="institution"), due_in_days=30)
    due = obligation.due_on
    sweep_at(morning(due - 14 * DAY) - MINUTE, "obligation_due")
    assert recorded("obligation_due") == []
    sweep_at(morning(due - 14 * DAY), "obligation_due")
    assert [n.recipient for n in recorded("obligation_due")] == [art_bureau_partner]
    sweep_at(morning(due + 7 * DAY), "obligation_due")
    overdue = recorded("obligation_due", occasion__startswith="overdue-1")
    assert {n.recipient for n in overdue} == {art_bureau_partner, secretariat}
    sweep_at(morning(due + 14 * DAY), "obligation_due")
    assert len(recorded("obligation_due", occasion__startswith="overdue-2")) == 2
    obligation.status = "done"
    obligation.evidence_note = "انجام شد"
    obligation.save()
    sweep_at(morning(due + 21 * DAY), "obligation_due")
    assert recorded("obligation_due", occasion__startswith="overdue-3") == []


def test_agreement_expiring_when_its_notice_begins(
    kish, kish_deputy, secretariat, art_bureau, art_bureau_partner
):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau], days_left=100)
    agreement.notice_days = 30
    agreement.save()
    notice = morning(agreement.expires_on - 30 * DAY)
    sweep_at(notice - DAY, "agreement_expiring")
    assert recorded("agreement_expiring") == []
    sweep_at(notice, "agreement_expiring")
    assert {n.recipient for n in recorded("agreement_expiring")} == {
        secretariat,
        kish_deputy,
        art_bureau_partner,
    }


# Talent -------------------------------------------------------------------------------------------


def test_call_closing_to_the_eligible_zones(kish, qeshm, kish_deputy, qeshm_deputy):
    call = make_call(zones=[qeshm], closes_in_days=20)
    sweep_at(call.closes_at - 7 * DAY - MINUTE, "call_closing")
    assert recorded("call_closing") == []
    sweep_at(call.closes_at - 7 * DAY, "call_closing")
    assert [n.recipient for n in recorded("call_closing")] == [qeshm_deputy]


def test_review_pending_every_three_days_while_unscored(kish):
    juror = UserFactory(username="juror-x")
    call = make_call(jurors=[juror], closes_in_days=-1)
    make_application(call, kish)
    first = call.closes_at + 3 * DAY
    sweep_at(first - MINUTE, "review_pending")
    assert recorded("review_pending") == []
    sweep_at(first, "review_pending")
    sweep_at(first + 3 * DAY, "review_pending")
    assert [n.occasion.split(":")[0] for n in recorded("review_pending")] == ["round-0", "round-1"]
    assert {n.recipient for n in recorded("review_pending")} == {juror}


# The zones --------------------------------------------------------------------------------------


def test_zone_quiet_after_sixty_days(kish, kish_deputy, secretariat):
    from events.models import StatusChange

    since = timezone.now() - 61 * DAY
    event = make_event(kish, status="submitted", starts_in_days=30)
    StatusChange.objects.create(event=event, from_status="draft", to_status="submitted", changed_at=since)
    sweep_at(since + 60 * DAY - MINUTE, "zone_quiet")
    assert recorded("zone_quiet", object_id=kish.pk) == []
    sweep_at(since + 60 * DAY, "zone_quiet")
    assert {n.recipient for n in recorded("zone_quiet", object_id=kish.pk)} == {secretariat, kish_deputy}


def test_a_draft_is_not_activity_but_a_proposal_is(kish, kish_deputy, secretariat):
    """The zone-quiet reminder and the scorecard read one definition of a zone's last activity."""
    from events.models import StatusChange
    from scorecard.activity import last_activity

    long_ago = timezone.now() - 90 * DAY
    proposed = make_event(kish, status="submitted", starts_in_days=30)
    StatusChange.objects.create(
        event=proposed, from_status="draft", to_status="submitted", changed_at=long_ago
    )
    make_event(kish, status="draft")  # created today, never proposed
    assert last_activity([kish.pk]) == {kish.pk: long_ago}
    sweep_at(timezone.now(), "zone_quiet")
    assert {n.recipient for n in recorded("zone_quiet", object_id=kish.pk)} == {secretariat, kish_deputy}


def test_weekly_digest_on_saturday_morning_with_an_opt_out(secretariat, kish):
    from reminders.registry import morning as at_eight

    saturday = at_eight(dt.date(2026, 12, 5))  # a Saturday
    other = UserFactory(username="second-officer", wants_digest=False)
    Membership.objects.create(user=other, role=Membership.Role.SECRETARIAT)
    sweep_at(saturday - MINUTE, "weekly_digest")
    before = {n.occasion for n in recorded("weekly_digest")}
    sweep_at(saturday, "weekly_digest")
    new = [n for n in recorded("weekly_digest") if n.occasion not in before]
    assert [(n.recipient, n.occasion) for n in new] == [(secretariat, "week:2026-12-05")]


# Once only ----------------------------------------------------------------------------------------


def test_two_sweeps_create_each_notification_once(kish, kish_deputy, qeshm, qeshm_deputy):
    event = make_event(kish, status="approved", starts_in_days=5, invite=(qeshm,))
    now = event.starts_at - 7 * DAY + MINUTE
    first = services.record_due(now)
    after_first = Notification.objects.count()
    second = services.record_due(now)
    assert len(first.created) == 2  # the 7-day reminder, to both zones' deputies
    assert second.created == []
    assert second.missed == []
    assert Notification.objects.count() == after_first


def test_the_sweep_reports_what_it_queued_and_the_command_prints_it(kish, kish_deputy, mailoutbox):
    import io

    from django.core.management import call_command

    event = make_event(kish, status="approved", starts_in_days=6.5)
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "would record: event_upcoming" in out.getvalue()
    assert not Notification.objects.exists()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    # The 14-day reminder's moment passed long before: recorded as missed, not sent.
    assert "1 new, 1 missed, 0 cancelled, 1 queued for delivery." in out.getvalue()
    assert len(mailoutbox) == 1  # the test worker runs in-process
    assert event.title in mailoutbox[0].subject
    call_command("send_reminders", stdout=(out := io.StringIO()))
    assert "0 new" in out.getvalue()
    assert len(mailoutbox) == 1


def test_the_command_refuses_a_bad_moment():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_reminders", "--now", "next tuesday")


def test_institution_users_count_as_co_organisers(kish, art_bureau):
    partner = institution_user(art_bureau, username="second-partner")
    event = make_event(kish, status="approved", starts_in_days=20)
    event.co_organisers.add(art_bureau)
    sweep_at(event.starts_at - DAY, "event_upcoming")
    assert partner in {n.recipient for n in recorded("event_upcoming")}


def test_a_decision_is_news_for_the_host_zone(
    kish, qeshm, kish_deputy, qeshm_deputy, secretariat, mailoutbox
):
    from events import services as event_services

    event = make_event(kish, status="submitted", invite=(qeshm,))
    event_services.reject_event(secretariat, event, "سالن کوچک است")
    report = services.sweep()
    decided = [n for n in report.created if n.rule == "event_decided"]
    assert [n.recipient for n in decided] == [kish_deputy]
    [mail] = [m for m in mailoutbox if m.to == [kish_deputy.email]]
    assert "سالن کوچک است" in mail.body
    approved = make_event(kish, status="submitted", invite=(qeshm,))
    event_services.approve_event(secretariat, approved)
    event_services.cancel_event(secretariat, approved, "شرایط جوی")
    report = services.sweep()
    # The approval is no longer news once cancelled; the cancellation goes to the host and the invited zone.
    assert {(n.recipient, n.occasion.split(":")[0]) for n in report.created if n.rule == "event_decided"} == {
        (kish_deputy, "cancelled"),
        (qeshm_deputy, "cancelled"),
        (kish_deputy, "approved"),
    }
    assert (
        Notification.objects.get(rule="event_decided", occasion__startswith="approved").status == "cancelled"
    )


def test_an_invitation_is_news_for_the_invited_zone(kish, qeshm, kish_deputy, qeshm_deputy):
    from events import services as event_services

    event = make_event(kish, status="draft", invite=(qeshm,))
    assert [
        n for n in services.sweep().created if n.rule == "invitation_received"
    ] == []  # drafts invite nobody
    event_services.submit_event(kish_deputy, event)
    [news] = [n for n in services.sweep().created if n.rule == "invitation_received"]
    assert news.recipient == qeshm_deputy
    assert "کیش" in news.title
