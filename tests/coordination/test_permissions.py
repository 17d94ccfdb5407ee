"""Who sees what at the coordination desk: every rule with a record that could leak."""

import pytest

from coordination.models import ActionItem, AgendaItem, Circular, Decision, Meeting
from tests.factories import make_action_item, make_circular, make_decision, make_meeting

pytestmark = pytest.mark.django_db


def test_a_meeting_is_seen_by_its_invitees_only(
    kish, qeshm, kish_deputy, qeshm_deputy, art_bureau, art_bureau_partner, secretariat
):
    kish_meeting = make_meeting(zones=[kish])
    partner_meeting = make_meeting(institutions=[art_bureau])
    assert list(Meeting.objects.visible_to(kish_deputy)) == [kish_meeting]
    assert list(Meeting.objects.visible_to(qeshm_deputy)) == []
    assert list(Meeting.objects.visible_to(art_bureau_partner)) == [partner_meeting]
    assert Meeting.objects.visible_to(secretariat).count() == 2


def test_invitees_see_the_accepted_agenda_and_their_own_proposals(kish, qeshm, kish_deputy):
    meeting = make_meeting(zones=[kish, qeshm])
    accepted = AgendaItem.objects.create(
        meeting=meeting, kind="zone", zone=qeshm, title="a", status="accepted", position=1
    )
    own = AgendaItem.objects.create(meeting=meeting, kind="zone", zone=kish, title="b")
    AgendaItem.objects.create(meeting=meeting, kind="zone", zone=qeshm, title="c")  # Qeshm's proposal
    assert set(AgendaItem.objects.visible_to(kish_deputy)) == {accepted, own}


def test_decisions_and_action_items_reach_invitees_with_the_circulated_minutes(
    kish, qeshm, anzali_zone, kish_deputy, qeshm_deputy, secretariat
):
    meeting = make_meeting(zones=[kish], status="held", days_ahead=-1)
    decision = make_decision(meeting)
    kish_item = make_action_item(decision, zone=kish)
    qeshm_item = make_action_item(decision, zone=qeshm)  # owner not invited
    make_action_item(decision, zone=anzali_zone)
    assert not Decision.objects.visible_to(kish_deputy).exists()
    assert not ActionItem.objects.visible_to(qeshm_deputy).exists()
    meeting.status = "in_comment"
    meeting.save()
    assert list(Decision.objects.visible_to(kish_deputy)) == [decision]
    assert ActionItem.objects.visible_to(kish_deputy).count() == 3
    assert list(ActionItem.objects.visible_to(qeshm_deputy)) == [qeshm_item]
    assert list(ActionItem.objects.editable_by(kish_deputy)) == [kish_item]
    assert ActionItem.objects.editable_by(secretariat).count() == 3


def test_a_circular_is_seen_by_its_recipient_zones_once_sent(
    kish, qeshm, kish_deputy, qeshm_deputy, art_bureau_partner, secretariat
):
    sent = make_circular(zones=[kish])
    make_circular(zones=[kish], status="draft")
    assert list(Circular.objects.visible_to(kish_deputy)) == [sent]
    assert not Circular.objects.visible_to(qeshm_deputy).exists()
    assert not Circular.objects.visible_to(art_bureau_partner).exists()
    assert Circular.objects.visible_to(secretariat).count() == 2
