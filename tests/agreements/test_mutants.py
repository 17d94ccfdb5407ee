"""Agreement and obligation rules that once survived mutation testing: each test pins down a rule the rest
of the suite let change unnoticed (who may record an agreement, which states a move starts from, the
dates of activation and of a done obligation)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Obligation, Party, SignedDocument
from tests.events.test_validation import PDF
from tests.factories import make_agreement, make_obligation
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db
MANAGED_BY_THE_SECRETARIAT = "Only the secretariat records and changes agreements"


def today():
    return timezone.localdate()


# Who records agreements ---------------------------------------------------------------------------

SECRETARIAT_WRITES = {
    "create": lambda actor, agreement, obligation, qeshm: services.create_agreement(
        actor, title="تفاهم‌نامه تازه", subject=Agreement.Subject.QURAN
    ),
    "update": lambda actor, agreement, obligation, qeshm: services.update_agreement(
        actor, agreement, title="عنوان دیگر"
    ),
    "add_party": lambda actor, agreement, obligation, qeshm: services.add_party(
        actor, agreement, kind=Party.Kind.ZONE, zone=qeshm
    ),
    "add_signed_document": lambda actor, agreement, obligation, qeshm: services.add_signed_document(
        actor, agreement, SimpleUploadedFile("signed.pdf", PDF)
    ),
    "add_obligation": lambda actor, agreement, obligation, qeshm: services.add_obligation(
        actor, agreement, description="تعهد تازه", party=obligation.party, due_on=today()
    ),
    "update_obligation": lambda actor, agreement, obligation, qeshm: services.update_obligation(
        actor, obligation, description="تعهد دیگر"
    ),
}


def recorded():
    return (
        list(Agreement.objects.values_list("title", flat=True)),
        Party.objects.count(),
        SignedDocument.objects.count(),
        list(Obligation.objects.values_list("description", flat=True)),
    )


@pytest.mark.parametrize("write", list(SECRETARIAT_WRITES))
@pytest.mark.parametrize("who", ["kish_deputy", "art_bureau_partner"])
def test_only_the_secretariat_records_and_corrects_agreements(request, kish, qeshm, art_bureau, who, write):
    """Even a party to the agreement: a deputy or a partner reads it, the secretariat records it."""
    actor = request.getfixturevalue(who)
    agreement = make_agreement(zones=[kish], institutions=[art_bureau], title="تفاهم‌نامه ثبت‌شده")
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"), description="تعهد ثبت‌شده")
    before = recorded()
    with pytest.raises(PermissionDenied, match=MANAGED_BY_THE_SECRETARIAT):
        SECRETARIAT_WRITES[write](actor, agreement, obligation, qeshm)
    assert recorded() == before


@pytest.mark.parametrize("move", ["negotiate", "activate", "terminate"])
def test_a_party_does_not_move_its_own_agreement(kish_deputy, kish, move):
    agreement = make_agreement(zones=[kish], status="draft")
    moves = {
        "negotiate": lambda: services.start_negotiation(kish_deputy, agreement),
        "activate": lambda: services.activate_agreement(kish_deputy, agreement),
        "terminate": lambda: services.terminate_agreement(kish_deputy, agreement, "دیگر لازم نیست"),
    }
    with pytest.raises(PermissionDenied, match=MANAGED_BY_THE_SECRETARIAT):
        moves[move]()
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert not agreement.status_changes.exists()


# Agreement moves ----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "negotiation"])
def test_an_agreement_can_be_terminated_before_it_comes_into_force(secretariat, kish, state):
    agreement = make_agreement(zones=[kish], status=state)
    services.terminate_agreement(secretariat, agreement, "طرف دوم انصراف داد")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.termination_reason) == ("terminated", "طرف دوم انصراف داد")
    assert [(c.from_status, c.to_status) for c in agreement.status_changes.all()] == [(state, "terminated")]


def signed_draft(secretariat, kish, **dates):
    agreement = make_agreement(zones=[kish], status="draft")
    Agreement.objects.filter(pk=agreement.pk).update(**dates)
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF))
    agreement.refresh_from_db()
    return agreement


def test_an_agreement_signed_today_and_ending_today_can_still_be_activated(secretariat, kish):
    agreement = signed_draft(secretariat, kish, signed_on=today(), expires_on=today())
    services.activate_agreement(secretariat, agreement, today=today())
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_an_agreement_without_an_end_date_can_be_activated(secretariat, kish):
    agreement = signed_draft(secretariat, kish, expires_on=None)
    services.activate_agreement(secretariat, agreement, today=today())
    agreement.refresh_from_db()
    assert agreement.status == "active"


@pytest.mark.parametrize(
    ("dates", "problem"),
    [
        ({"signed_on": dt.timedelta(days=1)}, "Record the date it was signed."),
        ({"expires_on": dt.timedelta(days=-1)}, "Its end date has already passed."),
    ],
)
def test_an_agreement_signed_tomorrow_or_ended_yesterday_is_not_activated(secretariat, kish, dates, problem):
    agreement = signed_draft(secretariat, kish, **{name: today() + shift for name, shift in dates.items()})
    with pytest.raises(InvalidMoveError) as refusal:
        services.activate_agreement(secretariat, agreement, today=today())
    assert refusal.value.messages == [problem]
    agreement.refresh_from_db()
    assert agreement.status == "draft"


# Obligation moves ---------------------------------------------------------------------------------


@pytest.fixture
def owed_by_kish(kish, art_bureau):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    return agreement.parties.get(kind="zone")


def test_a_missed_obligation_can_still_be_started(kish_deputy, owed_by_kish):
    obligation = make_obligation(owed_by_kish.agreement, owed_by_kish, due_in_days=-3, status="missed")
    services.report_obligation(
        kish_deputy, obligation, status="in_progress", evidence_note="با تأخیر آغاز شد"
    )
    obligation.refresh_from_db()
    assert obligation.status == "in_progress"
    assert [(c.from_status, c.to_status) for c in obligation.status_changes.all()] == [
        ("missed", "in_progress")
    ]


def test_an_obligation_in_progress_past_its_due_date_is_missed(owed_by_kish):
    obligation = make_obligation(owed_by_kish.agreement, owed_by_kish, due_in_days=-1, status="in_progress")
    assert services.mark_missed_obligations() == 1
    obligation.refresh_from_db()
    assert obligation.status == "missed"


def test_another_party_cannot_rewrite_the_evidence_of_an_obligation_in_progress(
    art_bureau_partner, owed_by_kish
):
    obligation = make_obligation(
        owed_by_kish.agreement, owed_by_kish, status="in_progress", evidence_note="نیمی انجام شد"
    )
    with pytest.raises(PermissionDenied, match="Only the party that owes this obligation may report on it"):
        services.report_obligation(art_bureau_partner, obligation, status="in_progress", evidence_note="هیچ")
    obligation.refresh_from_db()
    assert (obligation.status, obligation.evidence_note) == ("in_progress", "نیمی انجام شد")


def test_a_done_obligation_is_not_reopened(kish_deputy, owed_by_kish):
    obligation = make_obligation(
        owed_by_kish.agreement, owed_by_kish, status="done", evidence_note="انجام شد", done_on=today()
    )
    with pytest.raises(InvalidMoveError) as refusal:
        services.report_obligation(kish_deputy, obligation, status="in_progress")
    assert refusal.value.messages == ["This obligation is already done."]
    obligation.refresh_from_db()
    assert obligation.status == "done"
    assert not obligation.status_changes.exists()


def test_the_done_date_is_the_day_it_was_first_reported_done(kish_deputy, owed_by_kish):
    obligation = make_obligation(owed_by_kish.agreement, owed_by_kish)
    services.report_obligation(kish_deputy, obligation, status="in_progress", evidence_note="آغاز شد")
    obligation.refresh_from_db()
    assert obligation.done_on is None
    two_days_ago, yesterday = today() - dt.timedelta(days=2), today() - dt.timedelta(days=1)
    services.report_obligation(
        kish_deputy, obligation, status="done", evidence_note="انجام شد", today=two_days_ago
    )
    services.report_obligation(
        kish_deputy, obligation, status="done", evidence_link="https://kish.example/report", today=yesterday
    )
    obligation.refresh_from_db()
    assert (obligation.status, obligation.done_on) == ("done", two_days_ago)


def test_reported_done_without_a_date_it_is_done_today(kish_deputy, owed_by_kish):
    obligation = make_obligation(owed_by_kish.agreement, owed_by_kish)
    services.report_obligation(kish_deputy, obligation, status="done", evidence_note="نشست برگزار شد")
    obligation.refresh_from_db()
    assert obligation.done_on == today()


def test_the_secretariat_records_a_report_on_any_obligation(client_for, secretariat, owed_by_kish):
    obligation = make_obligation(owed_by_kish.agreement, owed_by_kish)
    page = client_for(secretariat).get(reverse("agreements:obligation-report", args=[obligation.pk]))
    assert page.status_code == 200
