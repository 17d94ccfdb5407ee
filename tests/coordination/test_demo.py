"""The coordination desk's demo data (issue 16, part 7): a year of council meetings, the next one open
for proposals, decisions with action items done on time, late, open and overdue, and two circulars."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from coordination.models import (
    Acknowledgement,
    ActionItem,
    AgendaItem,
    Circular,
    Decision,
    Invitee,
    Meeting,
    MinutesComment,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Meeting,
            Invitee,
            AgendaItem,
            Decision,
            ActionItem,
            MinutesComment,
            Circular,
            Acknowledgement,
        )
    }


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_seeding_twice_adds_nothing(seeded):
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["Meeting"] == 13


def test_a_year_of_monthly_meetings_and_the_next_one_open_for_proposals(seeded):
    now = timezone.now()
    past = list(Meeting.objects.filter(starts_at__lt=now).order_by("starts_at"))
    assert len(past) == 12
    assert len({meeting.reference[:7] for meeting in past}) == 12  # one a month, twelve months
    assert [m.status for m in past[:-1]] == ["approved"] * 11
    assert past[-1].status == "in_comment"
    assert past[-1].comments.get().zone.slug == "kish"
    upcoming = Meeting.objects.get(starts_at__gt=now)
    assert upcoming.status == "scheduled"
    assert upcoming.agenda_open
    assert upcoming.agenda_items.filter(status="proposed", kind="zone").count() == 2
    assert upcoming.agenda_items.filter(status="accepted").count() == 2
    assert upcoming.invitees.exclude(answer="awaiting").count() == 4
    assert past[0].starts_at > now - dt.timedelta(days=366)
    titles = " ".join(AgendaItem.objects.values_list("title", flat=True))
    for thread in ("قرآنی", "حوزه هنری", "نمایشگاه صادرات صنایع خلاق"):
        assert thread in titles


def test_attendance_is_mostly_present_with_a_few_away(seeded):
    held = Invitee.objects.filter(meeting__status__in=["approved", "in_comment"])
    assert held.filter(attendance="").count() == 0
    away = held.exclude(attendance="present")
    assert away.filter(attendance="excused").exists()
    assert away.filter(attendance="absent").exists()
    assert away.count() * 6 < held.count()
    excused = away.filter(attendance="excused").first()
    assert excused.answer == "apologies"


def test_action_items_are_done_on_time_late_open_and_overdue(seeded):
    today = timezone.localdate()
    items = ActionItem.objects.all()
    done = items.filter(status="done")
    on_time = done.filter(done_on__lte=F("due_on"))
    late = done.filter(done_on__gt=F("due_on"))
    assert on_time.count() > late.count() > 0
    assert all(item.has_evidence for item in done)
    assert items.filter(status="open", due_on__gte=today).exists()
    escalated = items.filter(status="missed", due_on__lt=today - dt.timedelta(days=7))
    assert escalated.exists()
    owners = {item.kind for item in items}
    assert owners == {"zone", "institution", "secretariat"}
    assert items.filter(kind="institution", institution__slug="artbureau").exists()
    # Decisions are numbered within their meeting.
    meeting = Meeting.objects.filter(status="approved").first()
    assert list(meeting.decisions.values_list("number", flat=True)) == [1, 2]


def test_two_circulars_one_acknowledged_by_five_zones_of_seven(seeded):
    older, recent = Circular.objects.order_by("sent_at")
    assert older.status == recent.status == "sent"
    assert (older.recipients.count(), older.recipients.filter(acknowledged_at__isnull=False).count()) == (
        7,
        5,
    )
    assert older.acknowledge_by < timezone.localdate()
    assert any(not ack.on_time for ack in older.recipients.filter(acknowledged_at__isnull=False))
    acknowledged = recent.recipients.filter(acknowledged_at__isnull=False)
    assert 0 < acknowledged.count() < 7
    assert recent.acknowledge_by >= timezone.localdate()
    assert acknowledged.first().acknowledged_by_name


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2026, 12, 3, 9),  # 12 Azar: this month's meeting was two days ago
        dt.datetime(2027, 3, 15, 9),  # 24 Esfand: the next meeting is in the new year
        dt.datetime(2027, 3, 21, 9),  # 1 Farvardin: this month's meeting is ahead
    ],
)
def test_any_day_of_the_year_gives_twelve_past_months_and_an_open_next_one(settings, day):
    import time_machine

    settings.DEBUG = True
    with time_machine.travel(timezone.make_aware(day)):
        call_command("seed_demo", stdout=StringIO())
        now = timezone.now()
        references = [m.reference for m in Meeting.objects.order_by("starts_at")]
        past = Meeting.objects.filter(starts_at__lt=now)
        assert past.count() == 12
        assert past.filter(status="in_comment").count() == 1
        assert Meeting.objects.get(starts_at__gt=now).agenda_open
    assert len(set(references)) == 13
    assert all("-" in reference and len(reference) == 7 for reference in references)


DESK_RULES = (
    "action-item-due",
    "action-item-overdue",
    "action-item-escalated",
    "circular-unacknowledged",
    "meeting-agenda-closing",
)


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2026, 12, 3, 14, 37),  # the afternoon: this morning's reminders are due
        dt.datetime(2027, 3, 15, 6, 5),  # before 08:00, when today's date-only reminders are not yet due
    ],
)
def test_the_first_sweep_after_seeding_has_a_reminder_of_each_desk_rule(settings, day):
    """Right after seed_demo, the sweep finds an action item due tomorrow, one a day and one a week
    overdue, a circular to acknowledge in three days and the next meeting's agenda closing in three."""
    import time_machine

    from reminders import services
    from reminders.models import Notification

    settings.DEBUG = True
    with time_machine.travel(timezone.make_aware(day), tick=False):
        call_command("seed_demo", stdout=StringIO())
        services.record_due(timezone.now(), only=list(DESK_RULES))
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    found = {rule: pending.filter(rule=rule) for rule in DESK_RULES}
    assert {rule for rule, rows in found.items() if rows.exists()} == set(DESK_RULES)
    assert {n.recipient.username for n in found["action-item-escalated"]} == {"secretariat"}
    assert found["action-item-due"].filter(recipient__username="deputy-kish").exists()
    # Only the zones that have not acknowledged the recent circular are reminded of it.
    reminded = {n.recipient.username for n in found["circular-unacknowledged"]}
    assert "deputy-chabahar" in reminded
    assert not reminded & {"deputy-kish", "deputy-qeshm"}
    assert found["meeting-agenda-closing"].filter(recipient__username="deputy-aras").exists()
