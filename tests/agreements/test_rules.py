"""The rules of agreements and obligations, at their date boundaries."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Obligation, Party
from tests.events.test_validation import EXE, PDF
from tests.factories import UserFactory, make_agreement, make_obligation, zone_user
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def draft(secretariat, kish, **changes):
    data = {
        "title": "تفاهم‌نامه آزمایشی",
        "subject": Agreement.Subject.QURAN,
        "signed_on": TODAY - dt.timedelta(days=2),
        "effective_from": TODAY,
        "expires_on": TODAY + dt.timedelta(days=365),
        "parties": [{"kind": Party.Kind.SECRETARIAT}, {"kind": Party.Kind.ZONE, "zone": kish}],
    }
    data.update(changes)
    return services.create_agreement(secretariat, **data)


# Who may change which obligation ------------------------------------------------------------------

OBLIGATION_ROLES = {
    "secretariat": {"secretariat", "kish", "art_bureau"},
    "kish_deputy": {"kish"},
    "kish_staff": {"kish"},
    "qeshm_deputy": set(),
    "art_bureau_partner": {"art_bureau"},
    "kanoon_partner": set(),
    "anonymous_user": set(),
    "no_membership": set(),
}


@pytest.mark.parametrize("who", list(OBLIGATION_ROLES))
def test_who_may_change_which_obligation(request, kish, art_bureau, kanoon, who):
    people = {
        "kish_staff": lambda: zone_user(kish, role=Membership.Role.ZONE_STAFF),
        "anonymous_user": AnonymousUser,
        "no_membership": UserFactory,
    }
    user = people[who]() if who in people else request.getfixturevalue(who)
    agreement = make_agreement(zones=[kish], institutions=[art_bureau, kanoon])
    owed = {
        "secretariat": make_obligation(agreement, agreement.parties.get(kind="secretariat")),
        "kish": make_obligation(agreement, agreement.parties.get(kind="zone")),
        "art_bureau": make_obligation(agreement, agreement.parties.get(institution=art_bureau)),
    }
    for owner, obligation in owed.items():
        if owner in OBLIGATION_ROLES[who]:
            services.report_obligation(user, obligation, status="in_progress", evidence_note="در جریان")
            obligation.refresh_from_db()
            assert obligation.status == "in_progress"
            assert obligation.status_changes.get().changed_by == (user if user.is_authenticated else None)
        else:
            with pytest.raises(PermissionDenied, match="Only the party that owes this obligation"):
                services.report_obligation(user, obligation, status="in_progress", evidence_note="x")
            obligation.refresh_from_db()
            assert (obligation.status, obligation.evidence_note) == ("pending", "")


def test_done_needs_evidence(kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    with pytest.raises(ValidationError) as refusal:
        services.report_obligation(kish_deputy, obligation, status="done")
    assert refusal.value.message_dict["evidence_note"] == [
        "An obligation can be marked done only with evidence: a note, a link or a file."
    ]
    obligation.refresh_from_db()
    assert obligation.status == "pending"
    for evidence in ({"evidence_note": "نشست برگزار شد"}, {"evidence_link": "https://kish.example/report"}):
        fresh = make_obligation(agreement, agreement.parties.get(kind="zone"))
        services.report_obligation(kish_deputy, fresh, status="done", **evidence, today=TODAY)
        fresh.refresh_from_db()
        assert (fresh.status, fresh.done_on) == ("done", TODAY)


def test_a_renamed_executable_is_refused_as_evidence_and_as_a_signed_document(secretariat, kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    with pytest.raises(ValidationError) as refusal:
        services.report_obligation(
            kish_deputy, obligation, status="done", evidence_file=SimpleUploadedFile("evidence.pdf", EXE)
        )
    assert "evidence_file" in refusal.value.message_dict
    obligation.refresh_from_db()
    assert (obligation.status, obligation.evidence_file.name) == ("pending", "")
    with pytest.raises(ValidationError) as refusal:
        services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", EXE))
    assert refusal.value.message_dict["file"] == [
        "signed.pdf is not a PDF file (judged by its content, not its name)."
    ]
    assert not agreement.documents.exists()


def test_signed_documents_keep_every_version(secretariat, kish):
    agreement = make_agreement(zones=[kish])
    first = services.add_signed_document(secretariat, agreement, SimpleUploadedFile("v1.pdf", PDF))
    second = services.add_signed_document(
        secretariat, agreement, SimpleUploadedFile("v1.pdf", PDF + b"%more")
    )
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    first.refresh_from_db()
    assert first.file.read() == PDF


def test_only_the_secretariat_records_agreements(kish_deputy, art_bureau_partner, kish):
    for outsider in (kish_deputy, art_bureau_partner):
        with pytest.raises(PermissionDenied):
            draft(outsider, kish)
    assert not Agreement.objects.exists()


# Activation, expiry and missed obligations at their boundaries -------------------------------------


def test_an_agreement_becomes_active_only_once_signed_and_in_effect(secretariat, kish):
    agreement = draft(secretariat, kish, effective_from=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidMoveError) as refusal:
        services.activate_agreement(secretariat, agreement, today=TODAY)
    assert refusal.value.messages == [
        "Upload the signed document.",
        "It takes effect on 29 Nov 2026; it can be activated from that day.",
    ]
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF))
    with pytest.raises(InvalidMoveError):
        services.activate_agreement(secretariat, agreement, today=TODAY)
    services.activate_agreement(secretariat, agreement, today=TODAY + dt.timedelta(days=1))
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert [c.to_status for c in agreement.status_changes.all()] == ["draft", "active"]


def test_an_unsigned_agreement_cannot_be_activated(secretariat, kish):
    agreement = draft(secretariat, kish, signed_on=None)
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF))
    with pytest.raises(InvalidMoveError, match="Record the date it was signed"):
        services.activate_agreement(secretariat, agreement, today=TODAY)


def test_an_agreement_reads_as_expired_once_its_end_date_has_passed(kish):
    agreement = make_agreement(zones=[kish])
    agreement.expires_on = TODAY
    agreement.save()
    assert agreement.current_status(today=TODAY) == "active"  # the last day still counts
    assert agreement.current_status(today=TODAY + dt.timedelta(days=1)) == "expired"
    assert services.expire_agreements(today=TODAY) == 0
    assert services.expire_agreements(today=TODAY + dt.timedelta(days=1)) == 1
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    assert agreement.status_changes.get().changed_by is None
    assert services.expire_agreements(today=TODAY + dt.timedelta(days=2)) == 0


def test_an_obligation_past_its_due_date_and_not_done_reads_as_missed(kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    party = agreement.parties.get(kind="zone")
    open_one = make_obligation(agreement, party)
    open_one.due_on = TODAY
    open_one.save()
    done_one = make_obligation(agreement, party, status="done", evidence_note="انجام شد")
    done_one.due_on = TODAY - dt.timedelta(days=5)
    done_one.save()
    assert open_one.current_status(today=TODAY) == "pending"  # due today is not yet missed
    assert open_one.current_status(today=TODAY + dt.timedelta(days=1)) == "missed"
    assert done_one.current_status(today=TODAY) == "done"
    assert services.mark_missed_obligations(today=TODAY) == 0
    assert services.mark_missed_obligations(today=TODAY + dt.timedelta(days=1)) == 1
    open_one.refresh_from_db()
    assert open_one.status == "missed"
    # Done late is still done, and the record shows both moves.
    services.report_obligation(kish_deputy, open_one, status="done", evidence_note="با تأخیر انجام شد")
    assert [c.to_status for c in open_one.status_changes.all()] == ["missed", "done"]


def test_obligations_of_a_draft_agreement_are_not_reported_or_missed(kish_deputy, kish):
    agreement = make_agreement(zones=[kish], status="draft")
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=-3)
    with pytest.raises(InvalidMoveError):
        services.report_obligation(kish_deputy, obligation, status="in_progress")
    assert services.mark_missed_obligations() == 0


def test_terminating_needs_a_reason_and_is_final(secretariat, kish):
    agreement = make_agreement(zones=[kish])
    with pytest.raises(ValidationError):
        services.terminate_agreement(secretariat, agreement, " ")
    services.terminate_agreement(secretariat, agreement, "عدم اجرای تعهدات طرف دوم")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.termination_reason) == ("terminated", "عدم اجرای تعهدات طرف دوم")
    with pytest.raises(InvalidMoveError):
        services.terminate_agreement(secretariat, agreement, "دوباره")


def test_an_obligation_is_owed_by_a_party_to_its_own_agreement(secretariat, kish, qeshm):
    mine = make_agreement(zones=[kish])
    theirs = make_agreement(zones=[qeshm])
    with pytest.raises(ValidationError):
        services.add_obligation(
            secretariat, mine, description="x", party=theirs.parties.get(kind="zone"), due_on=TODAY
        )
    assert not Obligation.objects.exists()


def test_dates_must_make_sense(secretariat, kish):
    with pytest.raises(ValidationError) as refusal:
        draft(secretariat, kish, expires_on=TODAY - dt.timedelta(days=1))
    assert "expires_on" in refusal.value.message_dict
    assert not Agreement.objects.exists()


def test_expiring_within_sixty_days(kish):
    soon = make_agreement(zones=[kish], days_left=60)
    make_agreement(zones=[kish], days_left=61)
    make_agreement(zones=[kish], days_left=10, status="terminated")
    assert list(Agreement.objects.expiring_within(60, today=timezone.localdate())) == [soon]


def test_a_replaced_evidence_file_is_superseded_not_erased(
    kish_deputy, kish, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    services.report_obligation(
        kish_deputy, obligation, status="in_progress", evidence_file=SimpleUploadedFile("a.pdf", PDF)
    )
    obligation.refresh_from_db()
    first = Path(settings.MEDIA_ROOT) / obligation.evidence_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.report_obligation(
            kish_deputy, obligation, status="done", evidence_file=SimpleUploadedFile("b.pdf", PDF)
        )
    obligation.refresh_from_db()
    assert obligation.evidence_file_name == "b.pdf"
    assert (Path(settings.MEDIA_ROOT) / obligation.evidence_file.name).exists()
    assert first.exists()  # the earlier version stays, in storage and in the obligation's history
    assert obligation.history.filter(evidence_file_name="a.pdf").exists()
