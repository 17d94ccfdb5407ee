"""Uploads in an S3-compatible bucket (a real moto server on loopback), still private to those who may see them."""

import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services
from agreements.models import Obligation, SignedDocument
from tests.events.test_validation import PDF
from tests.factories import make_agreement, make_obligation
from tests.servers import s3_client

pytestmark = pytest.mark.django_db


def keys(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def report_with_evidence(client, obligation: Obligation, content: bytes) -> None:
    response = client.post(
        reverse("agreements:obligation-report", args=[obligation.pk]),
        {
            "status": "done",
            "evidence_note": "انجام شد",
            "evidence_file": SimpleUploadedFile("گزارش.pdf", content),
        },
    )
    assert response.status_code == 302


def test_an_upload_lands_in_the_bucket_and_not_on_the_node(
    object_storage, s3_endpoint, settings, client_for, kish_deputy, kish
):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    report_with_evidence(client_for(kish_deputy), obligation, PDF + b"%evidence")
    obligation.refresh_from_db()
    stored = keys(s3_endpoint, object_storage)
    assert stored == [obligation.evidence_file.name]
    assert stored[0].startswith("private/")
    assert not (settings.MEDIA_ROOT / "private").exists()


def test_a_download_streams_from_the_bucket_to_those_who_may_see_it(
    object_storage, client_for, kish_deputy, qeshm_deputy, kish
):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    report_with_evidence(client_for(kish_deputy), obligation, PDF + b"%streamed")
    url = reverse("agreements:evidence", args=[obligation.pk])

    response = client_for(kish_deputy).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"%streamed"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

    assert client_for(qeshm_deputy).get(url).status_code == 404
    assert client_for(qeshm_deputy).get(url, follow=False).get("Location") is None


def test_with_redirects_on_the_portal_hands_out_a_short_lived_signed_link(
    object_storage, s3_endpoint, settings, client_for, secretariat, kish_deputy, qeshm_deputy, kish
):
    settings.FILES_REDIRECT_TO_STORAGE = True
    agreement = make_agreement(zones=[kish])
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF + b"%signed"))
    document = SignedDocument.objects.get(agreement=agreement)
    url = reverse("agreements:document", args=[document.pk])

    response = client_for(kish_deputy).get(url)
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(s3_endpoint)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(signed).query)
    assert int(query["X-Amz-Expires"][0]) <= 600
    with urllib.request.urlopen(signed) as answer:  # noqa: S310 - the test's own loopback server
        assert answer.read() == PDF + b"%signed"
        assert "attachment" in answer.headers["Content-Disposition"]
        assert answer.headers["Content-Type"] == "application/pdf"

    # The link cannot be forged from the object's name: unsigned, the bucket refuses it.
    bare = f"{s3_endpoint}/{object_storage}/{document.file.name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bare)  # noqa: S310
    assert refused.value.code == 403

    # Nobody outside the agreement gets a link at all.
    outsider = client_for(qeshm_deputy).get(url)
    assert outsider.status_code == 404
    assert "Location" not in outsider
