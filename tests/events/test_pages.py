"""The deputies' event pages, driven as a person would: status codes, saved rows, rendered text."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Event, EventCategory, ReportAttachment
from tests.events.test_validation import EXE, PDF
from tests.factories import make_event

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def proposal(**changes):
    data = {
        "title": "جشنواره موسیقی نواحی کیش",
        "category": EventCategory.objects.get(slug="festival").pk,
        "description": "اجرای گروه‌های موسیقی نواحی",
        "venue": "سالن ارغوان",
        "starts_at_0": "۱۴۰۵/۱۰/۰۱",
        "starts_at_1": "18:00",
        "ends_at_0": "1405/10/01",
        "ends_at_1": "21:30",
        "expected_audience": "400",
    }
    data.update(changes)
    return data


def test_a_deputy_proposes_an_event_with_jalali_dates(client_for, kish_deputy, kish, qeshm):
    client = client_for(kish_deputy)
    page = client.get(reverse("events:create"))
    assert page.status_code == 200
    assert 'placeholder="۱۴۰۵/۰۹/۰۷"' in page.content.decode()
    assert 'name="host_zone"' not in page.content.decode()  # a zone proposes for itself

    response = client.post(reverse("events:create"), proposal(participating_zones=[qeshm.pk]))
    assert response.status_code == 302
    event = Event.objects.get()
    # 1 Dey 1405 is 22 December 2026.
    assert event.starts_at == dt.datetime(2026, 12, 22, 18, 0, tzinfo=TEHRAN)
    assert event.ends_at == dt.datetime(2026, 12, 22, 21, 30, tzinfo=TEHRAN)
    assert (event.host_zone, event.status, event.created_by) == (kish, "draft", kish_deputy)
    assert list(event.participating_zones.all()) == [qeshm]
    detail = client.get(response["Location"]).content.decode()
    assert "جشنواره موسیقی نواحی کیش" in detail
    assert "۱ دی ۱۴۰۵" in detail


def test_english_dates_are_entered_in_the_gregorian_calendar(client_for, kish_deputy):
    kish_deputy.language = "en"
    kish_deputy.save()
    client = client_for(kish_deputy)
    assert 'type="date"' in client.get(reverse("events:create")).content.decode()
    response = client.post(
        reverse("events:create"),
        proposal(starts_at_0="2026-12-22", ends_at_0="2026-12-22"),
    )
    assert response.status_code == 302
    assert Event.objects.get().starts_at == dt.datetime(2026, 12, 22, 18, 0, tzinfo=TEHRAN)


def test_a_bad_proposal_gets_form_errors_and_saves_nothing(client_for, kish_deputy):
    client = client_for(kish_deputy)
    response = client.post(reverse("events:create"), proposal(ends_at_1="17:00"))
    assert response.status_code == 200
    assert "رویداد باید پس از شروع به پایان برسد." in response.content.decode()
    response = client.post(reverse("events:create"), proposal(starts_at_0="1405/13/40"))
    assert "۱۴۰۵/۰۹/۰۷" in response.content.decode()  # the error shows an example of a real date
    assert not Event.objects.exists()


def test_a_deputy_never_sees_another_zones_drafts(client_for, kish_deputy, qeshm):
    draft = make_event(qeshm, status="draft", title="پیش‌نویس محرمانه قشم")
    client = client_for(kish_deputy)
    assert "پیش‌نویس محرمانه قشم" not in client.get(reverse("events:list")).content.decode()
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("events:edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("events:submit", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_list_shows_each_section_of_a_zones_work(client_for, kish_deputy, kish, qeshm):
    make_event(kish, status="approved", title="رویداد پیش رو")
    make_event(kish, status="held", starts_in_days=-5, title="منتظر گزارش")
    make_event(kish, status="rejected", title="ردشده", status_reason="سالن کوچک است")
    make_event(kish, status="draft", title="پیش‌نویس کیش")
    make_event(qeshm, status="submitted", title="دعوت از کیش", invite=(kish,))
    html = client_for(kish_deputy).get(reverse("events:list")).content.decode()
    for text in ("رویداد پیش رو", "منتظر گزارش", "ردشده", "سالن کوچک است", "پیش‌نویس کیش", "دعوت از کیش"):
        assert text in html


def test_submitting_from_the_page(client_for, kish_deputy, kish):
    event = make_event(kish, status="draft")
    client = client_for(kish_deputy)
    response = client.post(reverse("events:submit", args=[event.pk]), follow=True)
    event.refresh_from_db()
    assert event.status == "submitted"
    assert response.status_code == 200


def test_a_refused_move_shows_its_reason(client_for, kish_deputy, kish):
    event = make_event(kish, status="approved")
    response = client_for(kish_deputy).post(reverse("events:submit", args=[event.pk]), follow=True)
    html = response.content.decode()
    assert "فقط رویداد پیش‌نویس یا ردشده را می‌توان ارسال کرد." in html
    event.refresh_from_db()
    assert event.status == "approved"


def test_an_invited_zone_answers_from_the_page(client_for, qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="approved", invite=(qeshm,))
    client = client_for(qeshm_deputy)
    assert client.get(reverse("events:invitation", args=[event.pk])).status_code == 200
    response = client.post(
        reverse("events:invitation", args=[event.pk]), {"answer": "accepted", "note": "می‌آییم"}
    )
    assert response.status_code == 302
    participation = event.participations.get()
    assert (participation.answer, participation.note) == ("accepted", "می‌آییم")


def test_a_zone_that_was_not_invited_cannot_answer(client_for, qeshm_deputy, kish, anzali_zone):
    event = make_event(kish, status="approved", invite=(anzali_zone,))
    assert client_for(qeshm_deputy).get(reverse("events:invitation", args=[event.pk])).status_code == 404


def test_the_host_files_the_report_with_attachments(client_for, kish_deputy, qeshm_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    client = client_for(kish_deputy)
    response = client.post(
        reverse("events:report", args=[event.pk]),
        {
            "attendance": "320",
            "artists_count": "18",
            "outcomes": "دو گروه برای اجرا در قشم دعوت شدند.",
            "attachments": [SimpleUploadedFile("گزارش.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "reported"
    assert event.report.attendance == 320
    attachment = ReportAttachment.objects.get()
    download = client.get(reverse("events:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for(qeshm_deputy).post(reverse("events:report", args=[event.pk]), {}).status_code == 403


def test_a_disguised_executable_is_refused_on_the_report_form(client_for, kish_deputy, kish):
    event = make_event(kish, status="held", starts_in_days=-3)
    response = client_for(kish_deputy).post(
        reverse("events:report", args=[event.pk]),
        {
            "attendance": "1",
            "artists_count": "1",
            "outcomes": "—",
            "attachments": [SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")],
        },
    )
    assert response.status_code == 200
    assert "report.pdf" in response.content.decode()
    event.refresh_from_db()
    assert event.status == "held"


def test_attachments_are_not_served_to_anonymous_visitors(anonymous, kish_deputy, kish):
    from events import services

    event = make_event(kish, status="held", starts_in_days=-3)
    services.file_report(
        kish_deputy,
        event,
        attendance=1,
        artists_count=1,
        outcomes="—",
        attachments=[SimpleUploadedFile("a.pdf", PDF)],
    )
    url = reverse("events:attachment", args=[ReportAttachment.objects.get().pk])
    assert anonymous.get(url).status_code == 302
    assert not url.startswith("/media/")


def test_the_host_sees_conflict_warnings_while_proposing(client_for, kish_deputy, kish):
    make_event(kish, status="approved", starts_in_days=9, hours=3, title="کنسرت تأییدشده")
    draft = make_event(kish, status="draft", starts_in_days=9.02, hours=3)
    html = client_for(kish_deputy).get(reverse("events:detail", args=[draft.pk])).content.decode()
    assert "کنسرت تأییدشده" in html
    assert 'class="card warning"' in html


@pytest.mark.parametrize("count", [5, 200])
def test_the_event_list_runs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, qeshm, count, django_assert_num_queries
):
    for index in range(count):
        make_event(kish, status=["approved", "draft", "submitted", "rejected"][index % 4], invite=(qeshm,))
        make_event(qeshm, status="submitted", invite=(kish,))
    client = client_for(kish_deputy)
    client.get(reverse("events:list"))  # warm the session
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(11):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200


def test_the_host_withdraws_an_attachment_added_by_mistake(
    client_for, kish_deputy, qeshm_deputy, kish, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from events import services

    event = make_event(kish, status="held", starts_in_days=-3)
    services.file_report(
        kish_deputy,
        event,
        attendance=1,
        artists_count=1,
        outcomes="—",
        attachments=[SimpleUploadedFile("wrong.pdf", PDF)],
    )
    attachment = ReportAttachment.objects.get()
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.exists()
    url = reverse("events:attachment-remove", args=[attachment.pk])
    assert client_for(qeshm_deputy).post(url).status_code == 302  # another zone: refused with a message
    assert ReportAttachment.objects.get().withdrawn_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client_for(kish_deputy).post(url)
    withdrawn = ReportAttachment.objects.get()  # withdrawn, not erased: the row and the file stay
    assert (withdrawn.withdrawn_at is not None, withdrawn.withdrawn_by) == (True, kish_deputy)
    assert stored.exists()
    page = client_for(kish_deputy).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="report"' in page
    assert "wrong.pdf" in page.split('id="report"')[1].split('id="history"')[1]  # only in the history now
    assert "wrong.pdf" not in page.split('id="report"')[1].split('id="history"')[0]
    event.refresh_from_db()
    assert event.status == "reported"


def test_invitations_still_to_answer_come_first(client_for, kish_deputy, kish, qeshm):
    """The home page's card counts the invitations still to answer and leads here: they head the list."""
    from events.models import Participation

    answered = make_event(qeshm, status="approved", starts_in_days=3, title="پاسخ‌داده", invite=(kish,))
    Participation.objects.filter(event=answered, zone=kish).update(answer=Participation.Answer.ACCEPTED)
    make_event(qeshm, status="approved", starts_in_days=20, title="بی‌پاسخ", invite=(kish,))
    html = client_for(kish_deputy).get(reverse("events:list")).content.decode()
    section = html[html.index('id="invitations"') :]
    assert section.index("بی‌پاسخ") < section.index("پاسخ‌داده")
