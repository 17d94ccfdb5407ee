"""The event lifecycle as a matrix: every role against every move, then every move against every state."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events import services
from events.models import Event, EventCategory, Participation, StatusChange
from tests.factories import UserFactory, make_event, zone_user
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db

ROLES = [
    "secretariat",
    "kish_deputy",
    "kish_staff",
    "qeshm_deputy",
    "art_bureau_partner",
    "no_membership",
    "anonymous_user",
]

# Who may make each move on a Kish event to which Qeshm is invited.
ALLOWED = {
    "create": {"secretariat", "kish_deputy", "kish_staff"},
    "edit": {"secretariat", "kish_deputy", "kish_staff"},
    "submit": {"secretariat", "kish_deputy", "kish_staff"},
    "approve": {"secretariat"},
    "reject": {"secretariat"},
    "cancel": {"secretariat"},
    "answer": {"secretariat", "qeshm_deputy"},
    "report": {"secretariat", "kish_deputy", "kish_staff"},
}


@pytest.fixture
def cast(request, kish, qeshm):
    def person(role):
        if role == "kish_staff":
            return zone_user(kish, role=Membership.Role.ZONE_STAFF, username="kish-staff")
        if role == "no_membership":
            return UserFactory(username="nobody")
        if role == "anonymous_user":
            return AnonymousUser()
        return request.getfixturevalue(role)

    return person


def start(days=10):
    return timezone.now() + dt.timedelta(days=days)


def perform(move, actor, kish, qeshm):
    """Sets up the event in the state the move needs, makes the move, returns (event, expected status)."""
    festival = EventCategory.objects.get(slug="festival")
    if move == "create":
        event = services.create_event(
            actor, title="جشنواره", category=festival, host_zone=kish, starts_at=start(), ends_at=start(11)
        )
        return event, "draft"
    if move in ("edit", "submit"):
        event = make_event(kish, status="draft", invite=(qeshm,))
        if move == "edit":
            services.update_event(actor, event, title="عنوان تازه")
            return event, "draft"
        services.submit_event(actor, event)
        return event, "submitted"
    if move in ("approve", "reject", "answer"):
        event = make_event(kish, status="submitted", invite=(qeshm,))
        if move == "approve":
            services.approve_event(actor, event)
            return event, "approved"
        if move == "reject":
            services.reject_event(actor, event, "سالن مناسب نیست")
            return event, "rejected"
        services.respond_to_invitation(actor, event.participations.get(), "accepted")
        return event, "submitted"
    if move == "cancel":
        event = make_event(kish, status="approved")
        services.cancel_event(actor, event, "شرایط جوی")
        return event, "cancelled"
    if move == "report":
        event = make_event(kish, status="held", starts_in_days=-3)
        services.file_report(actor, event, attendance=100, artists_count=5, outcomes="خوب بود")
        return event, "reported"
    raise AssertionError(move)


@pytest.mark.parametrize("move", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_move(cast, kish, qeshm, role, move):
    actor = cast(role)
    if role in ALLOWED[move]:
        event, expected = perform(move, actor, kish, qeshm)
        event.refresh_from_db()
        assert event.status == expected
        if move == "answer":
            assert event.participations.get().answer == "accepted"
        if move == "edit":
            assert event.title == "عنوان تازه"
    else:
        events_before = Event.objects.count()
        with pytest.raises(PermissionDenied) as refusal:
            perform(move, actor, kish, qeshm)
        assert str(refusal.value)  # always a sentence saying why
        if move == "create":
            assert Event.objects.count() == events_before


def test_a_refused_move_changes_nothing(qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="submitted", invite=(qeshm,))
    with pytest.raises(PermissionDenied, match="Only the secretariat approves events"):
        services.approve_event(qeshm_deputy, event)
    event.refresh_from_db()
    assert event.status == "submitted"
    assert not StatusChange.objects.filter(event=event).exists()


# Every move against the states it does not fit: refused with a reason, nothing saved.
WRONG_STATES = [
    (
        "submit",
        ["submitted", "approved", "held", "reported", "cancelled"],
        "Only a draft or a rejected event can be submitted.",
    ),
    (
        "approve",
        ["draft", "approved", "rejected", "held", "reported", "cancelled"],
        "Only a submitted event can be approved.",
    ),
    (
        "reject",
        ["draft", "approved", "rejected", "held", "reported", "cancelled"],
        "Only a submitted event can be rejected.",
    ),
    (
        "cancel",
        ["rejected", "held", "reported", "cancelled"],
        "Only an event that has not yet been held can be cancelled.",
    ),
    (
        "report",
        ["draft", "submitted", "approved", "rejected", "cancelled"],
        "A report can be filed only after the event has been held.",
    ),
    (
        "edit",
        ["submitted", "approved", "held", "reported", "cancelled"],
        "An event can be changed only while it is a draft or after it was rejected.",
    ),
    (
        "answer",
        ["draft", "rejected", "held", "reported", "cancelled"],
        "This invitation is not open for answers.",
    ),
]


@pytest.mark.parametrize(
    ("move", "state", "message"),
    [(move, state, message) for move, states, message in WRONG_STATES for state in states],
)
def test_every_move_against_the_states_it_does_not_fit(
    secretariat, kish_deputy, qeshm_deputy, kish, qeshm, move, state, message
):
    past = state in ("held", "reported")
    event = make_event(kish, status=state, invite=(qeshm,), starts_in_days=-3 if past else 10)
    calls = {
        "submit": lambda: services.submit_event(kish_deputy, event),
        "approve": lambda: services.approve_event(secretariat, event),
        "reject": lambda: services.reject_event(secretariat, event, "دلیل"),
        "cancel": lambda: services.cancel_event(secretariat, event, "دلیل"),
        "report": lambda: services.file_report(
            kish_deputy, event, attendance=1, artists_count=1, outcomes="—"
        ),
        "edit": lambda: services.update_event(kish_deputy, event, title="دیگر"),
        "answer": lambda: services.respond_to_invitation(
            qeshm_deputy, event.participations.get(), "accepted"
        ),
    }
    with pytest.raises(services.InvalidMoveError) as refusal:
        calls[move]()
    assert refusal.value.messages == [message]
    event.refresh_from_db()
    assert event.status == state


def test_a_rejected_event_can_be_edited_and_submitted_again(secretariat, kish_deputy, kish):
    event = make_event(kish, status="submitted")
    services.reject_event(secretariat, event, "تاریخ با جشنواره ملی هم‌زمان است")
    assert event.status_reason == "تاریخ با جشنواره ملی هم‌زمان است"
    services.update_event(kish_deputy, event, starts_at=start(20), ends_at=start(21))
    services.submit_event(kish_deputy, event)
    assert [(c.from_status, c.to_status) for c in event.status_changes.all()] == [
        ("submitted", "rejected"),
        ("rejected", "submitted"),
    ]


def test_rejecting_or_cancelling_needs_a_reason(secretariat, kish):
    submitted = make_event(kish, status="submitted")
    with pytest.raises(ValidationError) as refusal:
        services.reject_event(secretariat, submitted, "   ")
    assert "reason" in refusal.value.message_dict
    approved = make_event(kish, status="approved")
    with pytest.raises(ValidationError):
        services.cancel_event(secretariat, approved, "")
    submitted.refresh_from_db()
    approved.refresh_from_db()
    assert (submitted.status, approved.status) == ("submitted", "approved")


def test_every_change_records_who_and_when(secretariat, kish_deputy, kish):
    festival = EventCategory.objects.get(slug="festival")
    event = services.create_event(
        kish_deputy, title="جشنواره", category=festival, host_zone=kish, starts_at=start(), ends_at=start(11)
    )
    services.submit_event(kish_deputy, event)
    services.approve_event(secretariat, event)
    history = [(c.from_status, c.to_status, c.changed_by) for c in event.status_changes.all()]
    assert history == [
        ("", "draft", kish_deputy),
        ("draft", "submitted", kish_deputy),
        ("submitted", "approved", secretariat),
    ]
    assert all(c.changed_at <= timezone.now() for c in event.status_changes.all())


def test_submitting_invites_the_participating_zones(kish_deputy, kish, qeshm):
    event = make_event(kish, status="draft", invite=(qeshm,))
    assert event.participations.get().invited_at is None
    services.submit_event(kish_deputy, event)
    assert event.participations.get().invited_at is not None


def test_an_event_that_already_started_cannot_be_submitted(kish_deputy, kish):
    event = make_event(kish, status="draft", starts_in_days=-1, hours=48)
    with pytest.raises(services.InvalidMoveError, match="already started"):
        services.submit_event(kish_deputy, event)


def test_approved_events_become_held_once_their_end_has_passed(kish):
    ended = make_event(kish, status="approved", starts_in_days=-2)
    running = make_event(kish, status="approved", starts_in_days=-0.1, hours=8)
    assert services.mark_finished_events_held() == 1
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, running.status) == ("held", "approved")
    assert ended.status_changes.get().changed_by is None
    assert services.mark_finished_events_held() == 0


def test_reporting_an_approved_event_that_ended_marks_it_held_first(kish_deputy, kish):
    event = make_event(kish, status="approved", starts_in_days=-2)
    services.file_report(kish_deputy, event, attendance=50, artists_count=3, outcomes="برگزار شد")
    assert [c.to_status for c in event.status_changes.all()] == ["held", "reported"]


def test_an_invited_zone_may_change_its_answer_until_the_event_starts(qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="approved", invite=(qeshm,))
    participation = event.participations.get()
    services.respond_to_invitation(qeshm_deputy, participation, "accepted", "با گروه سرود می‌آییم")
    services.respond_to_invitation(qeshm_deputy, participation, "declined", "هم‌زمان با برنامه دیگری شد")
    participation.refresh_from_db()
    assert (participation.answer, participation.note, participation.answered_by) == (
        "declined",
        "هم‌زمان با برنامه دیگری شد",
        qeshm_deputy,
    )
    assert participation.answered_at is not None


def test_a_draft_invites_nobody_yet(qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="draft", invite=(qeshm,))
    with pytest.raises(services.InvalidMoveError, match="not open for answers"):
        services.respond_to_invitation(qeshm_deputy, event.participations.get(), "accepted")
    assert event.participations.get().answer == Participation.Answer.INVITED


def test_a_deputy_cannot_move_an_event_to_another_zone(kish_deputy, kish, qeshm):
    event = make_event(kish, status="draft")
    with pytest.raises(PermissionDenied):
        services.update_event(kish_deputy, event, host_zone=qeshm)
    event.refresh_from_db()
    assert event.host_zone == kish


def test_an_approved_event_that_has_ended_can_no_longer_be_cancelled(secretariat, kish):
    long_over = make_event(kish, status="approved", starts_in_days=-2)
    # Started an hour ago and ended a minute ago: the sweep has not yet marked it held.
    just_over = make_event(kish, status="approved", starts_in_days=-1 / 24, hours=59 / 60)
    for event in (long_over, just_over):
        with pytest.raises(services.InvalidMoveError) as refusal:
            services.cancel_event(secretariat, event, "دیگر لازم نیست")
        assert refusal.value.messages == ["Only an event that has not yet been held can be cancelled."]
        event.refresh_from_db()
        assert (event.status, event.status_reason) == ("approved", "")
        assert not StatusChange.objects.filter(event=event).exists()


def test_an_approved_event_that_has_not_ended_can_be_cancelled(secretariat, kish):
    ahead = make_event(kish, status="approved")
    running = make_event(kish, status="approved", starts_in_days=-1 / 24, hours=2)
    for event in (ahead, running):
        services.cancel_event(secretariat, event, "شرایط جوی")
        event.refresh_from_db()
        assert (event.status, event.status_reason) == ("cancelled", "شرایط جوی")
        assert [(c.from_status, c.to_status, c.changed_by) for c in event.status_changes.all()] == [
            ("approved", "cancelled", secretariat)
        ]
