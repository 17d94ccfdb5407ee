"""An agreement's page in the admin (issue 15): stored files read as their names, linked through the
views that check who may read them, never as their storage path; the inlines fit the page at 1366 px."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agreements import services
from tests.conftest import confirm_with_code
from tests.e2e import conftest as e2e
from tests.events.test_validation import PDF
from tests.factories import make_agreement, make_obligation, secretariat_user

pytestmark = pytest.mark.django_db

chromium = e2e.chromium  # the browser, for the layout test


@pytest.fixture
def filed(secretariat, kish, kish_deputy):
    """An agreement with two signed versions and an obligation reported done with evidence."""
    agreement = make_agreement(zones=[kish], status="active")
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("تفاهم‌نامه امضاشده.pdf", PDF))
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("نسخه اصلاحی.pdf", PDF + b"%2"))
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"), description="برپایی نمایشگاه")
    services.report_obligation(
        kish_deputy,
        obligation,
        status="done",
        evidence_note="افتتاح شد",
        evidence_file=SimpleUploadedFile("گزارش افتتاح.pdf", PDF),
    )
    return agreement, obligation


def test_signed_copies_read_as_their_names_with_the_protected_download(client_for, secretariat, filed):
    agreement, _obligation = filed
    response = client_for(secretariat).get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    page = response.content.decode()
    assert "private/" not in page
    for document in agreement.documents.all():
        link = f'<a href="{reverse("agreements:document", args=[document.pk])}">{document.original_name}</a>'
        assert link in page
    # The new row still takes a file: a new version.
    assert 'type="file" name="documents-2-file"' in page
    assert "<p>۲</p>" in page  # the version, in the reader's digits


def test_the_evidence_on_an_obligations_page_reads_as_its_name(client_for, secretariat, filed):
    _agreement, obligation = filed
    page = (
        client_for(secretariat)
        .get(reverse("admin:agreements_obligation_change", args=[obligation.pk]))
        .content.decode()
    )
    assert "private/" not in page
    assert f'<a href="{reverse("agreements:evidence", args=[obligation.pk])}">گزارش افتتاح.pdf</a>' in page
    assert 'type="file" name="evidence_file"' in page  # superseded by a new file, never cleared
    assert "evidence_file-clear" not in page


# How far the page is wider than the window at 1366 px, and what sticks out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const element of document.querySelectorAll("#content *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.left < 0 || box.right > width)) out.push(element.tagName.toLowerCase() + "." + element.className);
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_agreement_page_fits_a_desktop_in_persian_and_english(
    live_server, chromium, kish, qeshm, art_bureau
):
    agreement = make_agreement(zones=[kish, qeshm], institutions=[art_bureau], status="active")
    officer = secretariat_user(username="officer-layout")
    services.add_signed_document(
        officer, agreement, SimpleUploadedFile("نسخه امضاشده نهایی تفاهم‌نامه.pdf", PDF)
    )
    for party in agreement.parties.exclude(kind="secretariat"):
        make_obligation(agreement, party, description="برپایی نمایشگاه دائمی صنایع خلاق در منطقه " * 4)
    sessions = {}
    for language in ("fa", "en"):
        person = secretariat_user(username=f"officer-{language}", language=language)
        client = Client()
        client.force_login(person)
        confirm_with_code(client, person)
        sessions[language] = client.cookies["sessionid"].value
    url = live_server.url + reverse("admin:agreements_agreement_change", args=[agreement.pk])
    with chromium() as page:
        page.set_viewport_size({"width": 1366, "height": 900})
        for language, session in sessions.items():
            page.context.clear_cookies()
            page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page.goto(url)
            fits = page.evaluate(OVERFLOW)
            assert (language, fits["scroll"], fits["out"]) == (language, 1366, [])
