"""The coordination desk's reminder rules: each fires at its moment to the right people and no others, once,
and goes stale when what it is about is done, moved or withdrawn."""

import datetime as dt

import pytest
from django.utils import timezone

from coordination.models import Meeting
from reminders import services
from reminders.models import Notification, RuleSetting
from reminders.registry import RULES, morning
from tests.factories import (
    make_action_item,
    make_circular,
    make_decision,
    make_meeting,
    zone_user,
)
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
SLUGS = [
    "meeting-agenda-closing",
    "meeting-tomorrow",
    "minutes-awaiting-comment",
    "action-item-due",
    "action-item-overdue",
    "action-item-escalated",
    "circular-unacknowledged",
]


def recipients(rule, **filters):
    return {n.recipient for n in Notification.objects.filter(rule=rule, **filters)}


def sweep_at(moment, rule):
    return services.record_due(moment, only=[rule])


def cancel_at(moment):
    return services.cancel_stale(moment)


@pytest.fixture
def kish_staff(kish):
    return zone_user(kish, role=Membership.Role.ZONE_STAFF, username="kish-staff")


def test_every_rule_is_registered_with_defaults_the_secretariat_can_change():
    for slug in SLUGS:
        assert slug in RULES
        assert RULES[slug].default_offsets, slug
    assert RULES["action-item-escalated"].default_offsets == [7]


# Meeting agenda closing ----------------------------------------------------------------------------


def test_agenda_closing_goes_to_every_invitees_people_and_nobody_else(
    kish,
    qeshm,
    anzali_zone,
    kish_deputy,
    kish_staff,
    qeshm_deputy,
    art_bureau,
    art_bureau_partner,
    kanoon_partner,
    secretariat,
):
    meeting = make_meeting(zones=[kish, qeshm], institutions=[art_bureau], days_ahead=10)
    anzali = zone_user(anzali_zone, username="anzali-deputy")  # not invited: must not hear of it
    three_before = meeting.agenda_cutoff - 3 * DAY
    sweep_at(three_before - MINUTE, "meeting-agenda-closing")
    assert recipients("meeting-agenda-closing") == set()
    sweep_at(three_before, "meeting-agenda-closing")
    assert recipients("meeting-agenda-closing") == {kish_deputy, kish_staff, qeshm_deputy, art_bureau_partner}
    assert anzali not in recipients("meeting-agenda-closing")
    sweep_at(three_before + MINUTE, "meeting-agenda-closing")
    assert Notification.objects.filter(rule="meeting-agenda-closing").count() == 4  # once only
    title = Notification.objects.filter(rule="meeting-agenda-closing", recipient=kish_deputy).get().title
    assert meeting.title in title


def test_agenda_closing_goes_stale_when_the_meeting_is_cancelled_or_the_cutoff_moves(kish, kish_deputy):
    meeting = make_meeting(zones=[kish], days_ahead=10)
    moment = meeting.agenda_cutoff - 3 * DAY
    sweep_at(moment, "meeting-agenda-closing")
    assert cancel_at(moment) == 0
    meeting.agenda_cutoff -= DAY
    meeting.save()
    assert cancel_at(moment) == 1
    assert Notification.objects.get(rule="meeting-agenda-closing").status == "cancelled"


def test_no_agenda_reminder_for_a_cancelled_meeting(kish, kish_deputy):
    meeting = make_meeting(zones=[kish], days_ahead=10, status="cancelled")
    sweep_at(meeting.agenda_cutoff - DAY, "meeting-agenda-closing")
    assert not Notification.objects.exists()


# Meeting tomorrow ----------------------------------------------------------------------------------


def test_meeting_tomorrow_reaches_those_attending_or_silent_not_those_sending_apologies(
    kish, qeshm, anzali_zone, kish_deputy, qeshm_deputy, art_bureau, art_bureau_partner
):
    anzali = zone_user(anzali_zone, username="anzali-deputy")
    meeting = make_meeting(zones=[kish, qeshm, anzali_zone], institutions=[art_bureau], days_ahead=5)
    meeting.invitees.filter(zone=kish).update(answer="attending")
    meeting.invitees.filter(zone=anzali_zone).update(answer="apologies")
    day_before = meeting.starts_at - DAY
    sweep_at(day_before - MINUTE, "meeting-tomorrow")
    assert recipients("meeting-tomorrow") == set()
    sweep_at(day_before, "meeting-tomorrow")
    assert recipients("meeting-tomorrow") == {kish_deputy, qeshm_deputy, art_bureau_partner}
    assert anzali not in recipients("meeting-tomorrow")


def test_meeting_tomorrow_goes_stale_when_apologies_are_sent_or_the_meeting_moves(
    kish, qeshm, kish_deputy, qeshm_deputy
):
    meeting = make_meeting(zones=[kish, qeshm], days_ahead=5)
    moment = meeting.starts_at - DAY
    sweep_at(moment, "meeting-tomorrow")
    meeting.invitees.filter(zone=qeshm).update(answer="apologies")
    assert cancel_at(moment) == 1
    assert Notification.objects.get(recipient=qeshm_deputy).status == "cancelled"
    assert Notification.objects.get(recipient=kish_deputy).status == "pending"
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    assert cancel_at(moment) == 1
    assert not Notification.objects.filter(status="pending").exists()


# Minutes awaiting comment --------------------------------------------------------------------------


def test_minutes_awaiting_comment_reach_invitees_before_the_window_closes(
    kish, qeshm, anzali_zone, kish_deputy, qeshm_deputy
):
    anzali = zone_user(anzali_zone, username="anzali-deputy")
    now = timezone.now()
    meeting = make_meeting(
        zones=[kish, qeshm],
        status="in_comment",
        starts_at=now - 5 * DAY,
        agenda_cutoff=now - 8 * DAY,
        comments_until=now + 5 * DAY,
    )
    two_before = meeting.comments_until - 2 * DAY
    sweep_at(two_before - MINUTE, "minutes-awaiting-comment")
    assert recipients("minutes-awaiting-comment") == set()
    sweep_at(two_before, "minutes-awaiting-comment")
    assert recipients("minutes-awaiting-comment") == {kish_deputy, qeshm_deputy}
    assert anzali not in recipients("minutes-awaiting-comment")
    Meeting.objects.filter(pk=meeting.pk).update(status="approved")
    assert cancel_at(two_before) == 2


# Action items --------------------------------------------------------------------------------------


def circulated_meeting(*zones, status="approved"):
    now = timezone.now()
    return make_meeting(zones=zones, status=status, starts_at=now - 20 * DAY, agenda_cutoff=now - 25 * DAY)


def test_action_item_due_reaches_the_owner_not_other_zones(
    kish, qeshm, kish_deputy, kish_staff, qeshm_deputy, secretariat
):
    decision = make_decision(circulated_meeting(kish, qeshm))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    seven_before = morning(item.due_on - 7 * DAY)
    sweep_at(seven_before - MINUTE, "action-item-due")
    assert recipients("action-item-due") == set()
    sweep_at(seven_before, "action-item-due")
    assert recipients("action-item-due") == {kish_deputy, kish_staff}
    sweep_at(morning(item.due_on - DAY), "action-item-due")
    assert Notification.objects.filter(rule="action-item-due", recipient=kish_deputy).count() == 2
    item.status = "done"
    item.done_on = item.due_on
    item.save()
    assert cancel_at(morning(item.due_on - DAY)) == 4  # both occasions, to both people
    assert not Notification.objects.filter(status="pending").exists()


def test_action_items_of_minutes_not_yet_circulated_are_not_reminded(kish, kish_deputy):
    decision = make_decision(circulated_meeting(kish, status="held"))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    sweep_at(morning(item.due_on - DAY), "action-item-due")
    sweep_at(morning(item.due_on + 8 * DAY), "action-item-overdue")
    assert not Notification.objects.exists()


def test_an_institutions_and_the_secretariats_items_reach_their_own_people(
    kish, kish_deputy, art_bureau, art_bureau_partner, kanoon_partner, secretariat
):
    decision = make_decision(circulated_meeting(kish, status="in_comment"))
    owned = make_action_item(decision, institution=art_bureau, due_in_days=20)
    own = make_action_item(decision, due_in_days=20)  # the secretariat's
    sweep_at(morning(owned.due_on - DAY), "action-item-due")
    by_item = {
        n.object_id: n.recipient
        for n in Notification.objects.filter(rule="action-item-due", occasion__startswith="before-1d")
    }
    assert by_item == {owned.pk: art_bureau_partner, own.pk: secretariat}


def test_overdue_goes_to_the_owner_and_escalates_to_the_secretariat_after_a_week(
    kish, qeshm, kish_deputy, qeshm_deputy, secretariat
):
    decision = make_decision(circulated_meeting(kish, qeshm))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    day_after = morning(item.due_on + DAY)
    sweep_at(day_after - MINUTE, "action-item-overdue")
    assert recipients("action-item-overdue") == set()
    sweep_at(day_after, "action-item-overdue")
    assert recipients("action-item-overdue") == {kish_deputy}
    sweep_at(day_after, "action-item-escalated")
    assert recipients("action-item-escalated") == set()
    week = morning(item.due_on + 7 * DAY)
    sweep_at(week - MINUTE, "action-item-escalated")
    assert recipients("action-item-escalated") == set()
    sweep_at(week, "action-item-escalated")
    assert recipients("action-item-escalated") == {secretariat}
    escalation = Notification.objects.get(rule="action-item-escalated")
    assert "کیش" in escalation.title  # the owner
    assert "۷" in escalation.title  # the days late, in Persian digits
    # Recorded missed by the nightly job: still owed, still standing. Dropped: nothing more to say.
    item.status = "missed"
    item.save()
    assert cancel_at(week) == 0
    item.status = "dropped"
    item.save()
    assert cancel_at(week) == 2  # the owner's and the secretariat's
    assert not Notification.objects.filter(status="pending").exists()


def test_the_escalation_offset_is_the_secretariats_to_change(kish, kish_deputy, secretariat):
    RuleSetting.objects.create(rule="action-item-escalated", offsets=[3])
    decision = make_decision(circulated_meeting(kish))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    sweep_at(morning(item.due_on + 3 * DAY), "action-item-escalated")
    assert recipients("action-item-escalated") == {secretariat}


def test_overdue_reminders_go_stale_once_done(kish, kish_deputy, secretariat):
    decision = make_decision(circulated_meeting(kish))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    moment = morning(item.due_on + DAY)
    services.record_due(moment, only=["action-item-overdue"])
    assert Notification.objects.get(rule="action-item-overdue").status == "pending"
    item.status = "done"
    item.done_on = item.due_on + DAY
    item.save()
    assert cancel_at(moment) == 1
    sweep_at(morning(item.due_on + 7 * DAY), "action-item-escalated")
    assert not Notification.objects.filter(rule="action-item-escalated").exists()


def test_a_dropped_item_is_neither_overdue_nor_escalated(kish, kish_deputy, secretariat):
    decision = make_decision(circulated_meeting(kish))
    item = make_action_item(decision, zone=kish, due_in_days=20, status="dropped")
    sweep_at(morning(item.due_on + 7 * DAY), "action-item-overdue")
    sweep_at(morning(item.due_on + 7 * DAY), "action-item-escalated")
    assert not Notification.objects.exists()


# Circular unacknowledged ---------------------------------------------------------------------------


def test_circular_reminders_reach_the_zones_people_before_and_after_the_deadline(
    kish, qeshm, anzali_zone, kish_deputy, kish_staff, qeshm_deputy, secretariat
):
    circular = make_circular(zones=[kish, qeshm], ack_in_days=10)
    anzali = zone_user(anzali_zone, username="anzali-deputy")
    three_before = morning(circular.acknowledge_by - 3 * DAY)
    sweep_at(three_before - MINUTE, "circular-unacknowledged")
    assert recipients("circular-unacknowledged") == set()
    sweep_at(three_before, "circular-unacknowledged")
    assert recipients("circular-unacknowledged") == {kish_deputy, kish_staff, qeshm_deputy}
    assert anzali not in recipients("circular-unacknowledged")
    assert secretariat not in recipients("circular-unacknowledged")
    # Qeshm acknowledges; the day after the deadline only Kish hears again.
    circular.recipients.filter(zone=qeshm).update(
        acknowledged_at=timezone.now(), acknowledged_by=qeshm_deputy
    )
    assert cancel_at(three_before) == 1
    day_after = morning(circular.acknowledge_by + DAY)
    sweep_at(day_after - MINUTE, "circular-unacknowledged")
    assert recipients("circular-unacknowledged", occasion__startswith="after-") == set()
    sweep_at(day_after, "circular-unacknowledged")
    assert recipients("circular-unacknowledged", occasion__startswith="after-") == {kish_deputy, kish_staff}


def test_a_withdrawn_or_draft_circular_asks_for_nothing(kish, kish_deputy):
    sent = make_circular(zones=[kish], ack_in_days=10)
    make_circular(zones=[kish], ack_in_days=10, status="draft")
    moment = morning(sent.acknowledge_by - 3 * DAY)
    sweep_at(moment, "circular-unacknowledged")
    assert Notification.objects.count() == 1
    sent.status = "withdrawn"
    sent.save()
    assert cancel_at(moment) == 1


def test_mail_context_names_the_page_to_open(kish, kish_deputy, secretariat):
    """What the mail carries: the headline and details, without a query per field beyond the subject."""
    circular = make_circular(zones=[kish], ack_in_days=10)
    decision = make_decision(circulated_meeting(kish))
    item = make_action_item(decision, zone=kish, due_in_days=20)
    row = circular.recipients.get()
    context = RULES["circular-unacknowledged"].context(row, f"before-3d:{circular.acknowledge_by}")
    assert circular.title in str(context["headline"])
    context = RULES["action-item-due"].context(item, f"before-7d:{item.due_on}")
    assert item.description in str(context["headline"])
    assert str(context["details"][0]) == decision.reference_display
