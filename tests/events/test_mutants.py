"""Event rules that once survived mutation testing: each test pins down a rule the rest of the suite let
change unnoticed (a state dropped from a move's table, a clause dropped from an access rule)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventCategory, EventReport
from tests.factories import make_agreement, make_event, zone_user
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


def festival_fields(host, starts_in_days=10):
    start = timezone.now() + dt.timedelta(days=starts_in_days)
    return {
        "title": "جشنواره فیلم کوتاه",
        "category": EventCategory.objects.get(slug="festival"),
        "host_zone": host,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
    }


def test_an_invited_zone_sees_a_proposal_it_was_invited_to_and_no_other_zone_does(
    client_for, qeshm_deputy, kish, qeshm, anzali_zone
):
    proposal = make_event(kish, status="submitted", invite=(qeshm,), title="پیشنهاد دعوت‌شده")
    invited = client_for(qeshm_deputy).get(reverse("events:detail", args=[proposal.pk]))
    assert invited.status_code == 200
    assert "پیشنهاد دعوت‌شده" in invited.content.decode()
    anzali_deputy = zone_user(anzali_zone, username="anzali-deputy")
    assert client_for(anzali_deputy).get(reverse("events:detail", args=[proposal.pk])).status_code == 404


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_secretariat_cancels_an_event_before_it_is_approved(secretariat, kish, state):
    event = make_event(kish, status=state)
    services.cancel_event(secretariat, event, "بودجه تأمین نشد")
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("cancelled", "بودجه تأمین نشد")
    assert [(c.from_status, c.to_status) for c in event.status_changes.all()] == [(state, "cancelled")]


@pytest.mark.parametrize("state", ["held", "reported", "cancelled"])
def test_not_even_the_secretariat_changes_an_event_that_is_over(secretariat, kish, state):
    event = make_event(kish, status=state, starts_in_days=-3, title="عنوان ثبت‌شده")
    with pytest.raises(InvalidMoveError) as refusal:
        services.update_event(secretariat, event, title="عنوان دیگر")
    assert refusal.value.messages == ["A held, reported or cancelled event can no longer be changed."]
    event.refresh_from_db()
    assert event.title == "عنوان ثبت‌شده"


def test_an_event_carries_out_only_an_agreement_its_zone_is_party_to(kish_deputy, kish, qeshm):
    ours = make_agreement(zones=[kish], title="تفاهم‌نامه کیش")
    theirs = make_agreement(zones=[qeshm], title="تفاهم‌نامه قشم")
    with pytest.raises(ValidationError) as refusal:
        services.create_event(kish_deputy, agreement=theirs, **festival_fields(kish))
    assert refusal.value.message_dict["agreement"] == ["Choose an agreement your zone is party to."]
    assert not Event.objects.exists()
    services.create_event(kish_deputy, agreement=ours, **festival_fields(kish))
    assert Event.objects.get().agreement == ours


def test_changing_the_participating_zones_invites_the_new_and_drops_the_removed(
    kish_deputy, kish, qeshm, anzali_zone
):
    event = make_event(kish, status="draft", invite=(qeshm,))
    services.update_event(kish_deputy, event, participating_zones=[anzali_zone])
    assert list(event.participations.values_list("zone__slug", flat=True)) == ["anzali"]


def test_an_outsider_is_refused_as_an_outsider_even_once_the_event_has_ended(kish_deputy, kish):
    event = make_event(kish, status="approved", starts_in_days=-2)
    with pytest.raises(PermissionDenied, match="Only the secretariat cancels events"):
        services.cancel_event(kish_deputy, event, "دیگر لازم نیست")
    event.refresh_from_db()
    assert event.status == "approved"


@pytest.mark.parametrize("state", ["submitted", "cancelled"])
def test_an_event_that_ended_without_being_approved_is_not_reported(kish_deputy, kish, state):
    event = make_event(kish, status=state, starts_in_days=-3)
    with pytest.raises(InvalidMoveError) as refusal:
        services.file_report(kish_deputy, event, attendance=10, artists_count=1, outcomes="—")
    assert refusal.value.messages == ["A report can be filed only after the event has been held."]
    event.refresh_from_db()
    assert event.status == state
    assert not EventReport.objects.exists()
    assert not event.status_changes.exists()


def test_filing_again_corrects_the_one_report_and_records_the_move_once(kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    services.file_report(kish_deputy, event, attendance=100, artists_count=5, outcomes="گزارش نخست")
    services.file_report(kish_deputy, event, attendance=120, artists_count=6, outcomes="گزارش اصلاح‌شده")
    report = EventReport.objects.get(event=event)
    assert (report.attendance, report.artists_count, report.outcomes) == (120, 6, "گزارش اصلاح‌شده")
    event.refresh_from_db()
    assert event.status == "reported"
    assert [(c.from_status, c.to_status) for c in event.status_changes.all()] == [("held", "reported")]


def test_an_event_that_starts_this_very_moment_has_started(
    kish_deputy, qeshm_deputy, art_bureau_partner, kish, qeshm
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        draft = make_event(kish, status="draft", starts_in_days=0)
        with pytest.raises(InvalidMoveError, match="already started"):
            services.submit_event(kish_deputy, draft)
        approved = make_event(kish, status="approved", starts_in_days=0, invite=(qeshm,))
        with pytest.raises(InvalidMoveError, match="already started"):
            services.respond_to_invitation(qeshm_deputy, approved.participations.get(), "accepted")
        with pytest.raises(ValidationError) as refusal:
            services.propose_event_as_institution(art_bureau_partner, **festival_fields(qeshm, 0))
        assert refusal.value.message_dict["starts_at"] == ["An event must be proposed before it starts."]
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert approved.participations.get().answer == "invited"
    assert Event.objects.count() == 2
