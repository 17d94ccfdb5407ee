"""Scheduling meetings, their agendas and answers: each rule, and each refusal, of
coordination.services.meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination.models import AgendaItem, Invitee, Meeting, MeetingStatusChange
from coordination.services import meetings as services
from tests.factories import make_meeting
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def schedule(actor, *, zones=(), institutions=(), starts_at=None, **fields):
    starts_at = starts_at or (timezone.now() + dt.timedelta(days=14)).replace(microsecond=0)
    arguments = {
        "title": "نشست شورای معاونان فرهنگی",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "agenda_cutoff": starts_at - dt.timedelta(days=3),
        "place": "تهران، دبیرخانه",
        **fields,
    }
    return services.schedule_meeting(actor, zones=zones, institutions=institutions, **arguments)


def agenda_titles(meeting):
    return list(
        meeting.agenda_items.filter(status="accepted").order_by("position").values_list("title", flat=True)
    )


# Scheduling ---------------------------------------------------------------------------------------


def test_a_meeting_takes_the_solar_hijri_month_as_its_reference_and_invites_whom_it_names(
    secretariat, kish, qeshm, art_bureau
):
    starts = dt.datetime(2027, 1, 10, 10, 0, tzinfo=TEHRAN)  # 20 Dey 1405
    meeting = schedule(secretariat, zones=[kish, qeshm], institutions=[art_bureau], starts_at=starts)
    assert meeting.reference == "1405-10"
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.created_by == secretariat
    assert {str(invitee) for invitee in meeting.invitees.all()} == {kish.name, qeshm.name, art_bureau.name}
    assert set(meeting.invitees.values_list("answer", flat=True)) == {Invitee.Answer.AWAITING}
    first = MeetingStatusChange.objects.get(meeting=meeting)
    assert (first.from_status, first.to_status, first.changed_by) == ("", "scheduled", secretariat)
    assert meeting.history.get().history_user == secretariat


def test_a_second_meeting_in_the_same_month_is_numbered(secretariat, kish):
    starts = dt.datetime(2027, 1, 10, 10, 0, tzinfo=TEHRAN)
    schedule(secretariat, zones=[kish], starts_at=starts)
    second = schedule(secretariat, zones=[kish], starts_at=starts + dt.timedelta(days=5))
    third = schedule(secretariat, zones=[kish], starts_at=starts + dt.timedelta(days=6))
    assert (second.reference, third.reference) == ("1405-10-2", "1405-10-3")
    assert second.reference_display == "\u20661405-10-2\u2069"  # tests read English; kept left to right


def test_only_the_secretariat_schedules(kish_deputy, kish):
    with pytest.raises(PermissionDenied):
        schedule(kish_deputy, zones=[kish])
    assert not Meeting.objects.exists()


def test_a_meeting_needs_an_invitee(secretariat):
    with pytest.raises(ValidationError) as refused:
        schedule(secretariat)
    assert "zones" in refused.value.message_dict


def test_a_meeting_needs_a_place_or_an_online_link(secretariat, kish):
    with pytest.raises(ValidationError) as refused:
        schedule(secretariat, zones=[kish], place="  ")
    assert "place" in refused.value.message_dict
    online = schedule(secretariat, zones=[kish], place="", online_link="https://meet.example.ir/council")
    assert online.online_link == "https://meet.example.ir/council"


def test_dates_must_make_sense(secretariat, kish):
    starts = timezone.now() + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        schedule(secretariat, zones=[kish], starts_at=starts, ends_at=starts - dt.timedelta(hours=1))
    assert "ends_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        schedule(secretariat, zones=[kish], starts_at=starts, agenda_cutoff=starts + dt.timedelta(hours=1))
    assert "agenda_cutoff" in refused.value.message_dict


# Changing ------------------------------------------------------------------------------------------


def test_moving_the_start_to_another_month_moves_the_reference(secretariat, kish):
    starts = dt.datetime(2027, 1, 10, 10, 0, tzinfo=TEHRAN)
    meeting = schedule(secretariat, zones=[kish], starts_at=starts)
    later = starts + dt.timedelta(days=40)  # 30 Bahman… 1405-11
    services.update_meeting(
        secretariat, meeting, starts_at=later, ends_at=later + dt.timedelta(hours=2), agenda_cutoff=later
    )
    meeting.refresh_from_db()
    assert meeting.reference == "1405-11"
    services.update_meeting(secretariat, meeting, title="نشست فوق‌العاده")
    meeting.refresh_from_db()
    assert meeting.reference == "1405-11"  # same month: the reference stays


def test_an_invitee_that_answered_can_be_taken_off_and_others_added(
    secretariat, kish, qeshm, kish_deputy, art_bureau
):
    meeting = schedule(secretariat, zones=[kish])
    invitee = meeting.invitees.get()
    services.answer_invitation(kish_deputy, invitee, answer="attending", attendees="علی کریمی")
    services.update_meeting(secretariat, meeting, zones=[qeshm], institutions=[art_bureau])
    assert {str(i) for i in meeting.invitees.all()} == {qeshm.name, art_bureau.name}
    assert not Meeting.objects.visible_to(kish_deputy).exists()
    assert Invitee.history.filter(id=invitee.pk, history_type="-").get().history_user == secretariat


def test_taking_off_every_invitee_is_refused(secretariat, kish):
    meeting = schedule(secretariat, zones=[kish])
    with pytest.raises(ValidationError):
        services.update_meeting(secretariat, meeting, zones=[], institutions=[])
    assert meeting.invitees.count() == 1


def test_only_a_scheduled_meeting_is_changed_and_only_by_the_secretariat(secretariat, kish, kish_deputy):
    meeting = make_meeting(zones=[kish], status="cancelled")
    with pytest.raises(InvalidMoveError):
        services.update_meeting(secretariat, meeting, title="x")
    with pytest.raises(PermissionDenied):
        services.update_meeting(kish_deputy, make_meeting(zones=[kish]), title="x")
    with pytest.raises(TypeError):
        services.update_meeting(secretariat, make_meeting(zones=[kish]), status="held")


# Cancelling and holding -------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_the_secretariat(secretariat, kish, kish_deputy):
    meeting = make_meeting(zones=[kish])
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(kish_deputy, meeting, "no")
    with pytest.raises(ValidationError) as refused:
        services.cancel_meeting(secretariat, meeting, " ")
    assert "reason" in refused.value.message_dict
    services.cancel_meeting(secretariat, meeting, "هم‌زمانی با سفر استانی")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancellation_reason) == ("cancelled", "هم‌زمانی با سفر استانی")
    assert MeetingStatusChange.objects.get(meeting=meeting, to_status="cancelled").reason
    with pytest.raises(InvalidMoveError):
        services.cancel_meeting(secretariat, meeting, "again")


def test_a_meeting_is_held_once_it_has_started(secretariat, kish, kish_deputy):
    coming = make_meeting(zones=[kish], days_ahead=3)
    with pytest.raises(InvalidMoveError):
        services.hold_meeting(secretariat, coming)
    started = make_meeting(zones=[kish], starts_at=timezone.now() - dt.timedelta(minutes=30))
    with pytest.raises(PermissionDenied):
        services.hold_meeting(kish_deputy, started)
    services.hold_meeting(secretariat, started)
    started.refresh_from_db()
    assert started.status == "held"
    with pytest.raises(InvalidMoveError):
        services.hold_meeting(secretariat, started)


# The agenda ------------------------------------------------------------------------------------------


def test_an_invitee_proposes_until_the_cutoff(kish_deputy, qeshm_deputy, kish):
    meeting = make_meeting(zones=[kish])
    item = services.propose_agenda_item(kish_deputy, meeting, title="برنامه مشترک قرآنی", description="...")
    assert (item.status, item.kind, item.zone, item.position, item.proposed_by) == (
        "proposed",
        "zone",
        kish,
        None,
        kish_deputy,
    )
    with pytest.raises(PermissionDenied):
        services.propose_agenda_item(qeshm_deputy, meeting, title="not invited")
    closed = make_meeting(zones=[kish], agenda_cutoff=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(InvalidMoveError, match="agenda closed"):
        services.propose_agenda_item(kish_deputy, closed, title="late")
    with pytest.raises(ValidationError) as refused:
        services.propose_agenda_item(kish_deputy, meeting, title="  ")
    assert "title" in refused.value.message_dict


def test_the_secretariat_adds_items_to_the_end_of_the_agenda_even_after_the_cutoff(secretariat, kish):
    meeting = make_meeting(zones=[kish], agenda_cutoff=timezone.now() - dt.timedelta(hours=1))
    services.propose_agenda_item(secretariat, meeting, title="گزارش دبیرخانه")
    item = services.propose_agenda_item(secretariat, meeting, title="پیگیری تفاهم‌نامه حوزه هنری")
    assert (item.status, item.kind, item.position) == ("accepted", "secretariat", 2)
    cancelled = make_meeting(zones=[kish], status="cancelled")
    with pytest.raises(InvalidMoveError):
        services.propose_agenda_item(secretariat, cancelled, title="x")


def test_accepting_at_a_place_moves_the_rest_down(secretariat, kish_deputy, kish):
    meeting = make_meeting(zones=[kish])
    services.propose_agenda_item(secretariat, meeting, title="one")
    services.propose_agenda_item(secretariat, meeting, title="two")
    proposal = services.propose_agenda_item(kish_deputy, meeting, title="kish")
    with pytest.raises(PermissionDenied):
        services.accept_agenda_item(kish_deputy, proposal)
    services.accept_agenda_item(secretariat, proposal, position=1)
    assert agenda_titles(meeting) == ["kish", "one", "two"]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    with pytest.raises(InvalidMoveError):
        services.accept_agenda_item(secretariat, proposal)


def test_declining_needs_a_reason_and_closes_the_gap(secretariat, kish_deputy, kish):
    meeting = make_meeting(zones=[kish])
    first = services.propose_agenda_item(secretariat, meeting, title="one")
    services.propose_agenda_item(secretariat, meeting, title="two")
    proposal = services.propose_agenda_item(kish_deputy, meeting, title="kish")
    with pytest.raises(ValidationError) as refused:
        services.decline_agenda_item(secretariat, proposal, "")
    assert "reason" in refused.value.message_dict
    declined = services.decline_agenda_item(secretariat, proposal, "در نشست بعد")
    assert (declined.status, declined.decline_reason) == ("declined", "در نشست بعد")
    services.decline_agenda_item(secretariat, first, "تکراری")
    assert list(meeting.agenda_items.filter(status="accepted").values_list("title", "position")) == [
        ("two", 1)
    ]
    with pytest.raises(PermissionDenied):
        services.decline_agenda_item(kish_deputy, declined, "x")


def test_reordering_the_agenda(secretariat, kish_deputy, kish):
    meeting = make_meeting(zones=[kish])
    one = services.propose_agenda_item(secretariat, meeting, title="one")
    two = services.propose_agenda_item(secretariat, meeting, title="two")
    three = services.propose_agenda_item(secretariat, meeting, title="three")
    services.reorder_agenda(secretariat, meeting, [three.pk, one.pk])
    assert agenda_titles(meeting) == ["three", "one", "two"]
    assert AgendaItem.history.filter(id=three.pk).first().position == 1
    proposal = services.propose_agenda_item(kish_deputy, meeting, title="kish")
    with pytest.raises(ValidationError):
        services.reorder_agenda(secretariat, meeting, [proposal.pk, two.pk])
    with pytest.raises(PermissionDenied):
        services.reorder_agenda(kish_deputy, meeting, [two.pk])
    assert agenda_titles(meeting) == ["three", "one", "two"]


def test_the_proposer_withdraws_before_the_cutoff(kish_deputy, qeshm_deputy, kish, qeshm):
    meeting = make_meeting(zones=[kish, qeshm])
    item = services.propose_agenda_item(kish_deputy, meeting, title="kish")
    with pytest.raises(PermissionDenied):
        services.withdraw_agenda_item(qeshm_deputy, item)
    services.withdraw_agenda_item(kish_deputy, item)
    item.refresh_from_db()
    assert item.status == "withdrawn"
    with pytest.raises(InvalidMoveError):
        services.withdraw_agenda_item(kish_deputy, item)
    late = services.propose_agenda_item(kish_deputy, meeting, title="late")
    Meeting.objects.filter(pk=meeting.pk).update(agenda_cutoff=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(InvalidMoveError, match="agenda closed"):
        services.withdraw_agenda_item(kish_deputy, late)


# Answers ----------------------------------------------------------------------------------------------


def test_an_invitee_answers_attending_with_who_or_with_apologies(kish_deputy, qeshm_deputy, kish):
    meeting = make_meeting(zones=[kish])
    invitee = meeting.invitees.get()
    with pytest.raises(ValidationError) as refused:
        services.answer_invitation(kish_deputy, invitee, answer="attending")
    assert "attendees" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.answer_invitation(qeshm_deputy, invitee, answer="apologies")
    services.answer_invitation(kish_deputy, invitee, answer="attending", attendees="علی کریمی، معاون")
    invitee.refresh_from_db()
    assert (invitee.answer, invitee.attendees, invitee.answered_by) == (
        "attending",
        "علی کریمی، معاون",
        kish_deputy,
    )
    services.answer_invitation(
        kish_deputy, invitee, answer="apologies", apology_note="مأموریت", attendees="x"
    )
    invitee.refresh_from_db()
    assert (invitee.answer, invitee.attendees, invitee.apology_note) == ("apologies", "", "مأموریت")
    with pytest.raises(ValidationError) as refused:
        services.answer_invitation(kish_deputy, invitee, answer="awaiting")
    assert "answer" in refused.value.message_dict


def test_answers_close_when_the_meeting_starts(kish_deputy, kish):
    started = make_meeting(zones=[kish], starts_at=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(InvalidMoveError):
        services.answer_invitation(kish_deputy, started.invitees.get(), answer="apologies")
