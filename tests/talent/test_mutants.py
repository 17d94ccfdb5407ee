"""Talent rules that once survived mutation testing: each test pins down a rule the rest of the suite let
change unnoticed (who decides, which states a decision starts from, who sees an applicant or an artist)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talent import services
from talent.models import Application, Artist, Assignment, Discipline, JuryMember, PortfolioFile, Score
from tests.events.test_validation import PDF
from tests.factories import UserFactory, make_application, make_call
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db
DECISIONS = {"shortlist": services.shortlist, "select": services.select, "reject": services.reject}


@pytest.fixture
def juror(db):
    return UserFactory(username="juror", first_name="حسن")


def full_marks(call):
    return {criterion.pk: criterion.max_score for criterion in call.criteria.all()}


# Decisions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(DECISIONS))
@pytest.mark.parametrize("who", ["kish_deputy", "art_bureau_partner", "juror"])
def test_only_the_secretariat_decides_on_applications(request, kish, art_bureau, juror, decision, who):
    """Not the applicant's zone, not the institution that nominated them, not their own juror."""
    call = make_call(jurors=[juror], closes_in_days=-1)
    application = make_application(call, kish, status="under_review", nominated_by=art_bureau)
    with pytest.raises(PermissionDenied, match="Only the secretariat decides on applications"):
        DECISIONS[decision](request.getfixturevalue(who), application)
    application.refresh_from_db()
    assert application.status == "under_review"
    assert not Artist.objects.exists()


@pytest.mark.parametrize(
    ("decision", "state", "outcome"),
    [
        ("shortlist", "submitted", "shortlisted"),
        ("shortlist", "under_review", "shortlisted"),
        ("select", "submitted", "selected"),
        ("select", "under_review", "selected"),
        ("select", "shortlisted", "selected"),
        ("reject", "submitted", "not_selected"),
        ("reject", "under_review", "not_selected"),
        ("reject", "shortlisted", "not_selected"),
    ],
)
def test_every_undecided_application_can_be_decided(secretariat, kish, decision, state, outcome):
    application = make_application(make_call(closes_in_days=-1), kish, status=state)
    DECISIONS[decision](secretariat, application)
    application.refresh_from_db()
    assert application.status == outcome
    assert [(c.from_status, c.to_status) for c in application.status_changes.all()] == [(state, outcome)]


def test_only_the_secretariat_publishes_or_finishes_a_call(kish_deputy):
    draft = make_call(status="draft")
    closed = make_call(closes_in_days=-1)
    with pytest.raises(PermissionDenied, match="Only the secretariat decides on applications"):
        services.publish_call(kish_deputy, draft)
    with pytest.raises(PermissionDenied, match="Only the secretariat decides on applications"):
        services.finish_call(kish_deputy, closed)
    draft.refresh_from_db()
    closed.refresh_from_db()
    assert (draft.status, closed.status) == ("draft", "published")


def test_a_call_is_published_once_from_its_draft_with_disciplines_and_criteria(secretariat):
    bare = make_call(status="draft", disciplines=(), criteria=())
    with pytest.raises(InvalidMoveError) as refusal:
        services.publish_call(secretariat, bare)
    assert refusal.value.messages == ["Name the call's disciplines.", "Add its scoring criteria."]
    ready = make_call(status="draft")
    services.publish_call(secretariat, ready)
    with pytest.raises(InvalidMoveError) as refusal:
        services.publish_call(secretariat, ready)
    assert refusal.value.messages == ["Only a draft call can be published."]
    bare.refresh_from_db()
    ready.refresh_from_db()
    assert (bare.status, ready.status) == ("draft", "published")


# Withdrawing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "under_review", "shortlisted"])
def test_an_applicant_withdraws_until_the_decision(kish, state):
    application = make_application(make_call(), kish, status=state, email="artist@example.org")
    services.withdraw(application, " Artist@Example.org")
    application.refresh_from_db()
    assert application.status == "withdrawn"


@pytest.mark.parametrize("state", ["selected", "not_selected", "withdrawn"])
def test_a_decided_application_can_no_longer_be_withdrawn(kish, state):
    application = make_application(make_call(), kish, status=state, email="artist@example.org")
    with pytest.raises(InvalidMoveError) as refusal:
        services.withdraw(application, "artist@example.org")
    assert refusal.value.messages == ["This application can no longer be withdrawn."]
    application.refresh_from_db()
    assert application.status == state
    assert not application.status_changes.exists()


# The jury -----------------------------------------------------------------------------------------


def test_a_late_score_leaves_a_shortlisted_application_shortlisted(juror, kish):
    call = make_call(jurors=[juror])
    application = make_application(call, kish, status="shortlisted")
    services.score(juror, Assignment.objects.get(application=application), full_marks(call))
    application.refresh_from_db()
    assert application.status == "shortlisted"
    assert not application.status_changes.exists()


def test_no_scores_for_a_withdrawn_application_or_in_a_finished_call(juror, kish):
    withdrawn = make_application(make_call(jurors=[juror]), kish, status="withdrawn")
    finished_call = make_call(
        title="فراخوان پایان‌یافته", jurors=[juror], status="finished", opens_in_days=-30, closes_in_days=-10
    )
    in_finished_call = make_application(finished_call, kish)
    for application in (withdrawn, in_finished_call):
        with pytest.raises(InvalidMoveError, match="This application is no longer being judged"):
            services.score(
                juror, Assignment.objects.get(application=application), full_marks(application.call)
            )
    assert not Score.objects.exists()


def test_a_deactivated_juror_no_longer_scores(juror, kish):
    call = make_call(jurors=[juror])
    application = make_application(call, kish)
    juror.is_active = False
    juror.save()
    with pytest.raises(PermissionDenied):
        services.score(juror, Assignment.objects.get(application=application), full_marks(call))
    assert not Score.objects.exists()


def test_only_the_assigned_juror_declares_their_own_conflict(juror, kish):
    other = UserFactory(username="other-juror")
    call = make_call(jurors=[juror, other])
    application = make_application(call, kish)
    mine = Assignment.objects.get(application=application, juror=juror)
    with pytest.raises(PermissionDenied):
        services.declare_conflict(other, mine, "با او آشنایی دارم")
    mine.refresh_from_db()
    assert (mine.conflict_declared_at, mine.conflict_note) == (None, "")


def test_jurors_see_the_applicants_of_the_disciplines_they_judge(client_for, kish):
    """The jury is named after applications arrived: the admin re-syncs, discipline by discipline."""
    call = make_call(disciplines=("calligraphy", "painting"))
    make_application(call, kish, discipline="calligraphy", full_name="متقاضی خوشنویسی")
    make_application(call, kish, discipline="painting", full_name="متقاضی نقاشی")
    calligrapher = UserFactory(username="calligraphy-juror")
    generalist = UserFactory(username="generalist-juror")
    JuryMember.objects.create(call=call, user=calligrapher).disciplines.add(
        Discipline.objects.get(slug="calligraphy")
    )
    JuryMember.objects.create(call=call, user=generalist)
    services.sync_assignments(call)
    calligraphy_queue = client_for(calligrapher).get(reverse("talent:jury")).content.decode()
    assert ("متقاضی خوشنویسی" in calligraphy_queue, "متقاضی نقاشی" in calligraphy_queue) == (True, False)
    general_queue = client_for(generalist).get(reverse("talent:jury")).content.decode()
    assert ("متقاضی خوشنویسی" in general_queue, "متقاضی نقاشی" in general_queue) == (True, True)


# Who sees applicants and artists ------------------------------------------------------------------


def test_the_nominating_institution_sees_its_nominees_files_and_no_other_does(
    client_for, art_bureau_partner, kanoon_partner, art_bureau, kish
):
    application = make_application(make_call(), kish, nominated_by=art_bureau)
    portfolio = PortfolioFile.objects.create(
        application=application,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf",
        kind="pdf",
        size=len(PDF),
    )
    url = reverse("talent:file", args=[portfolio.pk])
    assert client_for(art_bureau_partner).get(url).status_code == 200
    assert client_for(kanoon_partner).get(url).status_code == 404
    assert list(Application.objects.visible_to(kanoon_partner)) == []


def test_the_network_is_open_to_the_secretariat_the_zones_and_the_partners(
    client_for, secretariat, kish_deputy, art_bureau_partner, kish
):
    Artist.objects.create(full_name="هنرمند فعال", zone=kish, email="active@example.org")
    Artist.objects.create(
        full_name="هنرمند کناره‌گرفته", zone=kish, email="retired@example.org", is_active=False
    )
    pages = {}
    for name, user in (
        ("secretariat", secretariat),
        ("deputy", kish_deputy),
        ("partner", art_bureau_partner),
    ):
        response = client_for(user).get(reverse("talent:network"))
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    # The secretariat sees every artist, the inactive too, with their contacts.
    assert "هنرمند کناره‌گرفته" in pages["secretariat"]
    assert "active@example.org" in pages["secretariat"]
    # The zones and the partners see the active ones; contacts only within the artist's own zone.
    assert ("هنرمند فعال" in pages["deputy"], "هنرمند کناره‌گرفته" in pages["deputy"]) == (True, False)
    assert ("هنرمند فعال" in pages["partner"], "active@example.org" in pages["partner"]) == (True, False)


@pytest.mark.parametrize("who", ["anonymous_user", "no_membership"])
def test_the_artist_rows_themselves_are_closed_to_outsiders(who, kish):
    """The network page refuses them first; the row rule must hold on its own for any other face."""
    Artist.objects.create(full_name="هنرمند فعال", zone=kish, email="active@example.org")
    outsider = AnonymousUser() if who == "anonymous_user" else UserFactory(username="nobody")
    assert not Artist.objects.visible_to(outsider).exists()
