"""The coordination desk's measures on the scorecard: meeting attendance, action items done on time,
circulars acknowledged in time; their weights on the page; their changes shown at once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scorecard import measures
from tests.factories import make_action_item, make_circular, make_decision, make_meeting
from tests.scorecard.test_scorecard import AZAR_1405, TEHRAN, at, cells_of, score_for

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def meeting_on(day, *zones, status="approved"):
    starts = at(day, 10)
    return make_meeting(zones=zones, status=status, starts_at=starts, agenda_cutoff=starts - 3 * DAY)


def due_on(decision, zone, day, **extra):
    item = make_action_item(decision, zone=zone, **extra)
    item.due_on = day
    item.save()
    return item


@time_machine.travel(dt.datetime(2026, 12, 25, 12, tzinfo=TEHRAN), tick=False)  # after Azar 1405
def test_the_desks_measures_on_hand_built_data(kish, qeshm):
    day = dt.date(2026, 12, 1)  # in Azar 1405
    attended = meeting_on(day, kish, qeshm)
    attended.invitees.filter(zone=kish).update(attendance="present")
    attended.invitees.filter(zone=qeshm).update(attendance="excused")
    missed = meeting_on(day + 7 * DAY, kish, status="in_comment")
    missed.invitees.update(attendance="absent")
    # Minutes still being written: the absence counts once they are circulated to the zone.
    meeting_on(day + 10 * DAY, kish, status="held").invitees.update(attendance="absent")
    unrecorded = meeting_on(day + 8 * DAY, kish, status="held")  # attendance not yet recorded: waits
    meeting_on(day + 9 * DAY, kish, status="cancelled").invitees.update(attendance="absent")
    meeting_on(day - 30 * DAY, kish).invitees.update(attendance="absent")  # another month
    assert unrecorded.invitees.get().attendance == ""

    decision = make_decision(attended)
    due_on(decision, kish, day + 5 * DAY, status="done", done_on=day + 4 * DAY)  # on time
    due_on(decision, kish, day + 5 * DAY, status="done", done_on=day + 6 * DAY)  # late
    due_on(decision, kish, day + 5 * DAY, status="missed")
    due_on(decision, kish, day + 5 * DAY, status="dropped")  # never owed
    due_on(decision, qeshm, day + 5 * DAY, status="done", done_on=day)

    on_time = make_circular(zones=[kish, qeshm])
    on_time.acknowledge_by = day + 10 * DAY
    on_time.save()
    on_time.recipients.filter(zone=kish).update(acknowledged_at=at(day + 10 * DAY, 23))  # the last evening
    on_time.recipients.filter(zone=qeshm).update(acknowledged_at=at(day + 11 * DAY, 9))  # the morning after
    ignored = make_circular(zones=[kish])
    ignored.acknowledge_by = day + 12 * DAY
    ignored.save()
    withdrawn = make_circular(zones=[kish], status="withdrawn")
    withdrawn.acknowledge_by = day + 12 * DAY
    withdrawn.save()

    kish_score, qeshm_score = score_for(kish), score_for(qeshm)
    assert (kish_score.meeting_invitations, kish_score.meetings_attended) == (2, 1)
    assert kish_score.attendance_rate == 0.5
    assert (qeshm_score.meeting_invitations, qeshm_score.meetings_attended) == (1, 0)
    assert (kish_score.action_items_due, kish_score.action_items_on_time) == (3, 1)
    assert (qeshm_score.action_items_due, qeshm_score.action_items_on_time) == (1, 1)
    assert (kish_score.circulars_due, kish_score.circulars_on_time) == (2, 1)
    assert (qeshm_score.circulars_due, qeshm_score.circulars_on_time) == (1, 0)
    assert set(measures.WEIGHTS) >= {"attendance_rate", "action_items_on_time_rate", "circulars_on_time_rate"}
    assert {"attendance_rate", "action_items_on_time_rate", "circulars_on_time_rate"} <= set(
        kish_score.components
    )


def test_what_is_not_yet_due_is_not_yet_counted(kish):
    today = timezone.localdate()
    decision = make_decision(meeting_on(today - 10 * DAY, kish))
    make_action_item(decision, zone=kish, due_in_days=3)  # open, still ahead
    make_action_item(decision, zone=kish, due_in_days=5, status="done", done_on=today)  # done early
    make_circular(zones=[kish], ack_in_days=3)  # not yet acknowledged, still in time
    from scorecard import periods

    [score] = measures.compute([periods.presets(today, "fa")["year"]], zones=[kish])
    assert (score.action_items_due, score.action_items_on_time) == (1, 1)
    assert score.circulars_due == 0


def test_the_index_takes_the_desks_parts_with_their_weights(kish):
    score = measures.Score(
        zone=kish,
        period=AZAR_1405,
        meeting_invitations=2,
        meetings_attended=1,
        action_items_due=4,
        action_items_on_time=4,
        circulars_due=1,
        circulars_on_time=0,
        days_since_activity=None,
    )
    measures._index(score)
    weights = measures.WEIGHTS
    # cross-zone 0 and recency 0 count; attendance ½, action items 1, circulars 0.
    total = (
        weights["cross_zone_share"]
        + weights["recency"]
        + weights["attendance_rate"]
        + weights["action_items_on_time_rate"]
        + weights["circulars_on_time_rate"]
    )
    expected = (weights["attendance_rate"] * 0.5 + weights["action_items_on_time_rate"]) * 100 / total
    assert score.index == round(expected, 1)


def test_the_page_shows_each_part_and_its_weight_in_the_readers_digits(client_for, secretariat, kish):
    html = client_for(secretariat).get(reverse("scorecard:overview") + "?period=year").content.decode()
    formula = html[html.index('class="card formula"') :]
    for key in ("attendance_rate", "action_items_on_time_rate", "circulars_on_time_rate"):
        weight = str(measures.WEIGHTS[key]).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert f"<strong>{weight}</strong>" in formula


def test_a_change_at_the_desk_shows_at_once(client_for, secretariat, kish):
    client = client_for(secretariat)
    yesterday = timezone.localdate() - DAY
    decision = make_decision(meeting_on(yesterday - 5 * DAY, kish))
    assert cells_of(client)["action_items_on_time_rate"] is None
    item = due_on(decision, kish, yesterday)
    assert cells_of(client)["action_items_on_time_rate"] == 0.0
    item.status = "done"
    item.done_on = yesterday
    item.save()
    assert cells_of(client)["action_items_on_time_rate"] == 100.0
    circular = make_circular(zones=[kish], ack_in_days=0)  # due today: not counted until acknowledged
    assert cells_of(client)["circulars_on_time_rate"] is None
    row = circular.recipients.get()
    row.acknowledged_at = timezone.now()
    row.save()
    assert cells_of(client)["circulars_on_time_rate"] == 100.0
