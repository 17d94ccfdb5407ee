"""A stored file takes the name its content shows; the uploader's name is only a label, and a download
carries the safe extension and type whatever the file was called."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services as agreements
from agreements.models import SignedDocument
from tests.events.test_validation import PDF
from tests.factories import make_agreement, make_call
from tests.talent.test_applying import form, post

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_pdf_called_setup_exe_is_stored_and_served_as_a_pdf(client_for, secretariat, kish, kish_deputy):
    agreement = make_agreement(zones=[kish])
    agreements.add_signed_document(
        secretariat, agreement, SimpleUploadedFile("setup.exe", PDF + b"MZ\x90\x00")
    )
    document = SignedDocument.objects.get(agreement=agreement)
    assert document.file.name.endswith(".pdf")
    assert document.original_name == "setup.exe"  # kept as a label
    response = client_for(kish_deputy).get(reverse("agreements:document", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="setup.pdf"' in response["Content-Disposition"]


def test_a_png_called_page_html_is_served_as_a_png(anonymous, qeshm, client_for, secretariat):
    call = make_call()
    response = post(anonymous, call, form(qeshm, files=[SimpleUploadedFile("x.html", PNG + b"<script>")]))
    assert response.status_code == 302
    from talent.models import PortfolioFile

    portfolio = PortfolioFile.objects.get()
    assert portfolio.file.name.endswith(".png")
    download = client_for(secretariat).get(reverse("talent:file", args=[portfolio.pk]))
    assert download["Content-Type"] == "image/png"
    assert 'filename="x.png"' in download["Content-Disposition"]
