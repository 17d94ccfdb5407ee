"""The programme's lifecycle: a zone drafts, its deputy submits, the secretariat returns with a comment or
approves, and may reopen; every submission and approval is frozen as a version that can be compared."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from events.models import EventCategory
from programmes import services
from programmes.comparison import compare
from programmes.models import Programme, ProgrammeStatusChange, ProgrammeVersion
from tests.factories import zone_user
from tests.programmes.helpers import make_activity, make_programme, make_year
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db


def activity_fields(**extra):
    return {
        "title": "جشنواره موسیقی نواحی",
        "category": EventCategory.objects.get(slug="festival"),
        "quarter": 2,
        "month": 5,
        "expected_audience": 2000,
        "budget_zone": 500_000_000,
        "budget_secretariat": 300_000_000,
        "budget_partner": 0,
        **extra,
    }


def test_a_zone_drafts_submits_is_returned_revises_and_is_approved(kish, qeshm, kish_deputy, secretariat):
    year = make_year()
    programme = services.start_programme(kish_deputy, zone=kish, year=year, summary="  اهداف  ")
    assert programme.status == "draft"
    assert programme.summary == "اهداف"
    music = services.add_activity(kish_deputy, programme, partner_zones=[qeshm], **activity_fields())
    services.submit_programme(kish_deputy, programme)
    programme.refresh_from_db()
    assert programme.status == "submitted"
    assert programme.submitted_at is not None
    first = programme.versions.get()
    assert (first.number, first.kind) == (1, "submitted")
    assert first.content["activities"][0]["partner_zones"] == [{"fa": qeshm.name_fa, "en": qeshm.name_en}]

    with pytest.raises(InvalidMoveError):
        services.add_activity(kish_deputy, programme, **activity_fields(title="دیر"))

    with pytest.raises(ValidationError):
        services.return_programme(secretariat, programme, "   ")
    services.return_programme(secretariat, programme, "بودجه دبیرخانه زیاد است.")
    programme.refresh_from_db()
    assert programme.status == "returned"
    assert programme.return_comment == "بودجه دبیرخانه زیاد است."
    assert programme.versions.get(number=1).comment == "بودجه دبیرخانه زیاد است."

    services.update_activity(kish_deputy, music, budget_secretariat=100_000_000)
    services.add_activity(
        kish_deputy, programme, **activity_fields(title="نمایشگاه صنایع دستی", quarter=3, month=None)
    )
    services.submit_programme(kish_deputy, programme)
    services.approve_programme(secretariat, programme, "تأیید شد")
    programme.refresh_from_db()
    assert programme.status == "approved"
    assert programme.approved_at is not None
    assert list(programme.versions.values_list("number", "kind")) == [
        (1, "submitted"),
        (2, "submitted"),
        (3, "approved"),
    ]
    moves = list(
        ProgrammeStatusChange.objects.filter(programme=programme).values_list("to_status", flat=True)
    )
    assert moves == ["draft", "submitted", "returned", "submitted", "approved"]

    diff = compare(programme.versions.get(number=1), programme.versions.get(number=3))
    assert [row.title for row in diff.added] == ["نمایشگاه صنایع دستی"]
    assert diff.removed == []
    [changed] = diff.changed
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Funded by the secretariat (rials)", "300,000,000", "100,000,000")
    ]
    assert (diff.budget_before, diff.budget_after) == (800_000_000, 1_400_000_000)


def test_only_the_deputy_submits_and_only_the_secretariat_decides(
    kish, kish_deputy, qeshm_deputy, secretariat
):
    staff = zone_user(kish, role=Membership.Role.ZONE_STAFF, username="kish-staff")
    programme = make_programme(kish)
    make_activity(programme)
    services.add_activity(staff, programme, **activity_fields())  # staff draft
    with pytest.raises(PermissionDenied):
        services.submit_programme(staff, programme)
    with pytest.raises(PermissionDenied):
        services.submit_programme(qeshm_deputy, programme)
    with pytest.raises(PermissionDenied):
        services.add_activity(qeshm_deputy, programme, **activity_fields())
    with pytest.raises(PermissionDenied):
        services.add_activity(secretariat, programme, **activity_fields())
    services.submit_programme(kish_deputy, programme)
    with pytest.raises(PermissionDenied):
        services.approve_programme(kish_deputy, programme)
    with pytest.raises(PermissionDenied):
        services.return_programme(kish_deputy, programme, "خودم")
    programme.refresh_from_db()
    assert programme.status == "submitted"


def test_an_empty_programme_cannot_be_submitted_and_a_zone_has_one_a_year(kish, kish_deputy):
    year = make_year()
    programme = services.start_programme(kish_deputy, zone=kish, year=year)
    with pytest.raises(InvalidMoveError, match="at least one activity"):
        services.submit_programme(kish_deputy, programme)
    with pytest.raises(ValidationError, match="already has a programme"):
        services.start_programme(kish_deputy, zone=kish, year=year)
    assert Programme.objects.count() == 1
    assert not ProgrammeVersion.objects.exists()


def test_a_month_outside_the_quarter_and_a_zone_partnering_itself_are_refused(kish, kish_deputy):
    programme = make_programme(kish)
    with pytest.raises(ValidationError) as error:
        services.add_activity(kish_deputy, programme, **activity_fields(quarter=1, month=5))
    assert "month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_activity(kish_deputy, programme, partner_zones=[kish], **activity_fields())
    assert "partner_zones" in error.value.message_dict
    assert not programme.activities.exists()


def test_reopening_an_approved_programme_needs_a_reason_and_keeps_the_approved_version(
    kish, kish_deputy, secretariat
):
    programme = make_programme(kish)
    activity = make_activity(programme)
    services.submit_programme(kish_deputy, programme)
    services.approve_programme(secretariat, programme)
    with pytest.raises(InvalidMoveError):
        services.delete_activity(kish_deputy, activity)
    with pytest.raises(ValidationError):
        services.reopen_programme(secretariat, programme, "")
    services.reopen_programme(secretariat, programme, "بودجه سال کاهش یافت.")
    programme.refresh_from_db()
    assert programme.status == "returned"
    assert programme.return_comment == "بودجه سال کاهش یافت."
    services.delete_activity(kish_deputy, activity)
    approved = programme.versions.get(kind="approved")
    assert [a["title"] for a in approved.content["activities"]] == [activity.title]


def test_an_activity_an_event_delivers_is_not_removed(kish, kish_deputy, secretariat):
    """Removing it would turn the event into an unplanned one without anyone deciding so."""
    from tests.factories import make_event

    programme = make_programme(kish)
    activity = make_activity(programme)
    services.submit_programme(kish_deputy, programme)
    services.approve_programme(secretariat, programme)
    make_event(kish, status="approved", planned_activity=activity)
    services.reopen_programme(secretariat, programme, "بودجه سال کاهش یافت.")
    with pytest.raises(ValidationError):
        services.delete_activity(kish_deputy, activity)
    assert programme.activities.filter(pk=activity.pk).exists()
