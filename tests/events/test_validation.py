"""Bad input is refused with a message the deputy can act on, and nothing is saved."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events import services
from events.models import Event, EventCategory, EventReport, ReportAttachment
from tests.factories import make_event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def when(days):
    return timezone.now() + dt.timedelta(days=days)


def propose(actor, host, **changes):
    data = {
        "title": "جشنواره",
        "category": EventCategory.objects.get(slug="festival"),
        "host_zone": host,
        "starts_at": when(10),
        "ends_at": when(11),
    }
    data.update(changes)
    return services.create_event(actor, **data)


def test_the_end_must_come_after_the_start(kish_deputy, kish):
    with pytest.raises(ValidationError) as refusal:
        propose(kish_deputy, kish, starts_at=when(10), ends_at=when(9))
    assert refusal.value.message_dict["ends_at"] == ["The event must end after it starts."]
    assert not Event.objects.exists()


def test_the_host_is_not_also_a_participant(kish_deputy, kish, qeshm):
    with pytest.raises(ValidationError) as refusal:
        propose(kish_deputy, kish, participating_zones=[qeshm, kish])
    assert refusal.value.message_dict["participating_zones"] == [
        "The host zone cannot also be a participating zone."
    ]
    assert not Event.objects.exists()


def test_the_expected_audience_is_not_negative(kish_deputy, kish):
    with pytest.raises(ValidationError) as refusal:
        propose(kish_deputy, kish, expected_audience=-5)
    assert "expected_audience" in refusal.value.message_dict


def test_report_counts_are_not_negative(kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    with pytest.raises(ValidationError) as refusal:
        services.file_report(kish_deputy, event, attendance=-1, artists_count=2, outcomes="—")
    assert "attendance" in refusal.value.message_dict
    event.refresh_from_db()
    assert event.status == "held"
    assert not EventReport.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("poster.pdf", PDF), ("photo.png", PNG), ("photo.jpg", JPEG)])
def test_pdf_jpeg_and_png_attachments_are_accepted(kish_deputy, kish, name, content):
    event = make_event(kish, status="held", starts_in_days=-3)
    services.file_report(
        kish_deputy,
        event,
        attendance=10,
        artists_count=1,
        outcomes="—",
        attachments=[SimpleUploadedFile(name, content)],
    )
    attachment = ReportAttachment.objects.get()
    assert attachment.original_name == name
    assert name not in attachment.file.name  # stored under a name nobody can guess
    assert attachment.file.name.startswith("private/event-reports/")


def test_a_renamed_executable_is_refused_whatever_its_name(kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    with pytest.raises(ValidationError) as refusal:
        services.file_report(
            kish_deputy,
            event,
            attendance=10,
            artists_count=1,
            outcomes="—",
            attachments=[SimpleUploadedFile("report.pdf", EXE)],
        )
    assert refusal.value.message_dict["attachments"] == [
        "report.pdf is not a PDF, JPEG, PNG file (judged by its content, not its name)."
    ]
    event.refresh_from_db()
    assert event.status == "held"
    assert not EventReport.objects.exists()


def test_attachments_over_ten_megabytes_are_refused(kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as refusal:
        services.file_report(
            kish_deputy, event, attendance=10, artists_count=1, outcomes="—", attachments=[big]
        )
    assert refusal.value.message_dict["attachments"] == ["big.pdf is larger than 10 MB."]


def test_the_report_records_what_was_spent_and_no_longer_takes_export_figures(kish_deputy, kish):
    """Issue 17: export contracts are deals in the export register; the report keeps the amount spent."""
    fair = make_event(kish, status="held", category="export-fair", starts_in_days=-3)
    report = services.file_report(
        kish_deputy, fair, attendance=500, artists_count=40, outcomes="—", spent=1_250_000_000
    )
    report.refresh_from_db()
    assert report.spent == 1_250_000_000
    with pytest.raises(TypeError, match="export_contracts"):
        services.file_report(
            kish_deputy, fair, attendance=500, artists_count=40, outcomes="—", export_contracts=3
        )
    with pytest.raises(ValidationError) as refusal:
        services.file_report(kish_deputy, fair, attendance=500, artists_count=40, outcomes="—", spent=-1)
    assert "spent" in refusal.value.message_dict


def test_sniffing_leaves_the_upload_readable(kish_deputy, kish):
    from zones_portal.files import sniff

    upload = SimpleUploadedFile("a.pdf", PDF)
    assert sniff(upload) == "application/pdf"
    assert upload.read() == PDF
    assert sniff(io.BytesIO(b"plain text")) is None
