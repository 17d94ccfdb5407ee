"""Circulars' rules: numbering per Solar Hijri year, sending, acknowledging once by the zone's own
person, withdrawing with a reason, and what each refuses."""

import datetime as dt

import jdatetime
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination.models import Acknowledgement, Circular, CircularStatusChange
from coordination.services import circulars as services
from tests.events.test_validation import EXE, PDF
from tests.factories import make_circular
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))


def draft(secretariat, zones, **extra):
    arguments = {
        "kind": "instruction",
        "title": "برنامه قرآنی مشترک",
        "body": "سطر اول\nسطر دوم",
        "acknowledge_by": timezone.localdate() + dt.timedelta(days=10),
        "zones": zones,
        **extra,
    }
    return services.draft_circular(secretariat, **arguments)


def at(year, month, day):
    """A moment on a Jalali day, at noon in Tehran."""
    return dt.datetime.combine(jdatetime.date(year, month, day).togregorian(), dt.time(12), tzinfo=TEHRAN)


def test_a_draft_goes_to_no_zone_until_it_is_sent_then_is_numbered_in_the_year(
    secretariat, kish, qeshm, kish_deputy
):
    circular = draft(secretariat, [kish, qeshm])
    assert circular.status == "draft"
    assert circular.number == ""
    assert not Circular.objects.visible_to(kish_deputy).exists()
    now = at(1405, 3, 1)
    sent = services.send_circular(secretariat, circular, now=now)
    assert (sent.status, sent.number, sent.sent_at) == ("sent", "1405/1", now)
    assert list(Circular.objects.visible_to(kish_deputy)) == [sent]
    assert list(
        CircularStatusChange.objects.filter(circular=sent).values_list("from_status", "to_status")
    ) == [
        ("", "draft"),
        ("draft", "sent"),
    ]
    assert sent.history.first().history_user == secretariat


def test_numbers_count_within_the_solar_hijri_year_and_start_again_at_nowruz(secretariat, kish):
    far = dt.date(2100, 1, 1)
    numbers = []
    for moment in [at(1404, 12, 28), at(1405, 1, 1), at(1405, 6, 1), at(1404, 12, 29)]:
        circular = draft(secretariat, [kish], acknowledge_by=far)
        numbers.append(services.send_circular(secretariat, circular, now=moment).number)
    assert numbers == ["1404/1", "1405/1", "1405/2", "1404/2"]


def test_numbers_follow_the_highest_not_the_count(secretariat, kish):
    make_circular(zones=[kish], number="1405/9")
    make_circular(zones=[kish], number="1405/10")
    circular = draft(secretariat, [kish], acknowledge_by=dt.date(2100, 1, 1))
    assert services.send_circular(secretariat, circular, now=at(1405, 2, 2)).number == "1405/11"


def test_two_sent_at_once_do_not_share_a_number(secretariat, kish, monkeypatch):
    """The second sender read the same last number as the first: the unique constraint refuses its
    choice and it takes the next free one, with one history line, not a failure."""
    make_circular(zones=[kish], number="1405/1")
    circular = draft(secretariat, [kish], acknowledge_by=dt.date(2100, 1, 1))
    stale = iter(["1405/1"])  # what a sender that read before the other's commit would pick
    real = services.next_number
    monkeypatch.setattr(services, "next_number", lambda year: next(stale, None) or real(year))
    sent = services.send_circular(secretariat, circular, now=at(1405, 2, 2))
    assert sent.number == "1405/2"
    assert Circular.objects.filter(number="1405/1").count() == 1
    assert CircularStatusChange.objects.filter(circular=sent, to_status="sent").count() == 1


def test_sending_needs_a_zone_and_a_deadline_not_past(secretariat, kish):
    circular = draft(secretariat, [], acknowledge_by=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(InvalidMoveError) as refused:
        services.send_circular(secretariat, circular)
    assert refused.value.messages == [
        "Choose at least one zone to send it to.",
        "The date to acknowledge by has already passed; choose a later one.",
    ]
    circular.refresh_from_db()
    assert (circular.status, circular.number) == ("draft", "")
    services.update_circular(secretariat, circular, zones=[kish], acknowledge_by=timezone.localdate())
    assert services.send_circular(secretariat, circular).status == "sent"
    with pytest.raises(InvalidMoveError, match="already been sent"):
        services.send_circular(secretariat, circular)


def test_only_the_secretariat_writes_sends_and_withdraws(secretariat, kish, kish_deputy, art_bureau_partner):
    with pytest.raises(PermissionDenied):
        draft(kish_deputy, [kish])
    circular = draft(secretariat, [kish])
    for person in (kish_deputy, art_bureau_partner, None):
        with pytest.raises(PermissionDenied):
            services.update_circular(person, circular, title="x")
        with pytest.raises(PermissionDenied):
            services.send_circular(person, circular)
    services.send_circular(secretariat, circular)
    with pytest.raises(PermissionDenied):
        services.withdraw_circular(kish_deputy, circular, "اشتباه")


def test_recipients_follow_the_draft_and_freeze_once_sent(secretariat, kish, qeshm, anzali_zone):
    circular = draft(secretariat, [kish, qeshm])
    services.update_circular(secretariat, circular, zones=[qeshm, anzali_zone], title="عنوان تازه")
    assert set(circular.recipients.values_list("zone__slug", flat=True)) == {"qeshm", "anzali"}
    assert Circular.objects.get().title == "عنوان تازه"
    services.send_circular(secretariat, circular)
    with pytest.raises(InvalidMoveError, match="only a draft changes"):
        services.update_circular(secretariat, circular, zones=[kish])
    assert circular.recipients.count() == 2


def test_the_file_is_a_pdf_by_its_content(secretariat, kish):
    with pytest.raises(ValidationError) as refused:
        draft(secretariat, [kish], file=SimpleUploadedFile("circular.pdf", EXE))
    assert "not a PDF file" in refused.value.message_dict["file"][0]
    assert not Circular.objects.exists()
    circular = draft(secretariat, [kish], file=SimpleUploadedFile("بخشنامه ۱۲.exe", PDF))
    assert circular.file_name == "بخشنامه ۱۲.exe"
    assert circular.file.name.endswith(".pdf")
    assert circular.file.read() == PDF


def test_a_zone_person_acknowledges_once_and_their_name_is_kept(secretariat, kish, qeshm, kish_deputy):
    circular = draft(secretariat, [kish, qeshm])
    services.send_circular(secretariat, circular)
    acknowledgement = Acknowledgement.objects.get(circular=circular, zone=kish)
    done = services.acknowledge_circular(kish_deputy, acknowledgement)
    assert done.acknowledged_by == kish_deputy
    assert done.acknowledged_by_name == "علی کریمی"
    assert done.on_time
    kish_deputy.first_name = "دیگر"
    kish_deputy.save()
    with pytest.raises(InvalidMoveError) as refused:
        services.acknowledge_circular(kish_deputy, acknowledgement)
    assert "already acknowledged this circular: علی کریمی on" in refused.value.messages[0]
    assert Acknowledgement.objects.get(pk=acknowledgement.pk).acknowledged_by_name == "علی کریمی"


def test_an_acknowledgement_after_the_deadline_reads_late(secretariat, kish, kish_deputy):
    circular = draft(secretariat, [kish], acknowledge_by=timezone.localdate())
    services.send_circular(secretariat, circular)
    acknowledgement = circular.recipients.get()
    services.acknowledge_circular(kish_deputy, acknowledgement, now=timezone.now() + dt.timedelta(days=2))
    assert not Acknowledgement.objects.get(pk=acknowledgement.pk).on_time


def test_acknowledging_is_refused_to_another_zone_the_secretariat_a_draft_and_a_withdrawn_one(
    secretariat, kish, qeshm, kish_deputy, qeshm_deputy, art_bureau_partner
):
    circular = draft(secretariat, [kish])
    kish_row = circular.recipients.get()
    with pytest.raises(InvalidMoveError, match="not been sent"):
        services.acknowledge_circular(kish_deputy, kish_row)
    services.send_circular(secretariat, circular)
    for person in (qeshm_deputy, secretariat, art_bureau_partner, None):
        with pytest.raises(PermissionDenied):
            services.acknowledge_circular(person, kish_row)
    services.withdraw_circular(secretariat, circular, "متن اصلاح می‌شود")
    with pytest.raises(InvalidMoveError, match="withdrawn"):
        services.acknowledge_circular(kish_deputy, kish_row)
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_withdrawing_needs_a_reason_and_keeps_the_number(secretariat, kish):
    circular = draft(secretariat, [kish])
    with pytest.raises(InvalidMoveError, match="Only a sent circular"):
        services.withdraw_circular(secretariat, circular, "دلیل")
    services.send_circular(secretariat, circular)
    with pytest.raises(ValidationError) as refused:
        services.withdraw_circular(secretariat, circular, "  ")
    assert "Say why the circular is withdrawn" in refused.value.message_dict["reason"][0]
    number = circular.number
    withdrawn = services.withdraw_circular(secretariat, circular, "جایگزین شد")
    assert (withdrawn.status, withdrawn.number, withdrawn.withdrawal_reason) == (
        "withdrawn",
        number,
        "جایگزین شد",
    )
    following = draft(secretariat, [kish])
    assert services.send_circular(secretariat, following).number != number
