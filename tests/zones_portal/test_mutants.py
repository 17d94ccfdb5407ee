"""Core rules that once survived mutation testing: each test pins down a rule the rest of the suite let
change unnoticed (who reaches the admin, who sees which institution, a lifecycle naming a state its
model does not have, who is offered a move, a person without a zone proposing an event)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Event, EventCategory, StatusChange
from events.services import EVENT_LIFECYCLE
from tests.factories import InstitutionFactory, UserFactory, make_event, secretariat_user
from zones_portal.lifecycle import Lifecycle, Move
from zones_portal.models import Institution

pytestmark = pytest.mark.django_db


def test_a_secretariat_member_without_the_staff_flag_does_not_reach_the_admin(client_for):
    officer = secretariat_user(username="officer-without-staff")
    officer.is_staff = False
    officer.save()
    response = client_for(officer).get(reverse("admin:zones_portal_zone_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_who_sees_and_changes_which_institution(
    secretariat, kish_deputy, art_bureau_partner, art_bureau, kanoon
):
    closed = InstitutionFactory(slug="closed", name_en="Closed institution", is_active=False)
    art_bureau.is_active = False  # its own people still see it
    art_bureau.save()
    assert set(Institution.objects.visible_to(secretariat)) == {art_bureau, kanoon, closed}
    assert set(Institution.objects.visible_to(art_bureau_partner)) == {art_bureau, kanoon}
    assert set(Institution.objects.visible_to(kish_deputy)) == {kanoon}
    assert not Institution.objects.editable_by(kish_deputy).exists()
    assert not Institution.objects.editable_by(UserFactory(username="nobody")).exists()


def allow_all(actor, record):
    return True


@pytest.mark.parametrize(
    ("sources", "target", "unknown"),
    [(("approved",), "archived", "archived"), (("shelved",), "held", "shelved")],
)
def test_a_lifecycle_naming_a_state_its_model_does_not_have_fails_at_once(sources, target, unknown):
    with pytest.raises(ValueError, match=f"Event has no status {unknown} \\(move hold\\)"):
        Lifecycle(Event, StatusChange, "event", {"hold": Move(sources, target, allow_all, "", "")})
    table = Lifecycle(Event, StatusChange, "event", {"hold": Move(("approved",), "held", allow_all, "", "")})
    assert table.sources("hold") == ("approved",)


@pytest.mark.parametrize("who", ["art_bureau_partner", "no_membership", "anonymous_user"])
def test_a_person_without_a_zone_is_refused_as_such_even_with_no_host_named(request, who):
    """Person first, then the form: not told the host is missing, told the zone is not theirs."""
    actor = {"no_membership": UserFactory, "anonymous_user": AnonymousUser}.get(who)
    actor = actor() if actor else request.getfixturevalue(who)
    start = timezone.now() + dt.timedelta(days=10)
    with pytest.raises(PermissionDenied, match="You may propose events only for your own zone"):
        event_services.create_event(
            actor,
            title="رویداد بی‌میزبان",
            category=EventCategory.objects.get(slug="festival"),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
    assert not Event.objects.exists()


def test_a_move_is_offered_only_to_those_who_may_make_it(secretariat, kish_deputy, kish):
    """What the dashboard is to ask before showing a button (docs/architecture.md)."""
    submitted = make_event(kish, status="submitted")
    assert EVENT_LIFECYCLE.allows("approve", secretariat, submitted)
    assert not EVENT_LIFECYCLE.allows("approve", kish_deputy, submitted)
    assert not EVENT_LIFECYCLE.allows("submit", kish_deputy, submitted)
