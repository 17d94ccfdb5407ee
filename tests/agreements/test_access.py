"""Nobody outside an agreement's parties sees it, its obligations or its files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, Obligation
from tests.events.test_validation import PDF, PNG
from tests.factories import UserFactory, make_agreement, make_obligation, zone_user
from zones_portal.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def mous(kish, qeshm, art_bureau, kanoon, secretariat):
    """Three agreements: Kish with the Art Bureau; Qeshm alone; Kanoon alone. Each with a document."""
    kish_art = make_agreement(zones=[kish], institutions=[art_bureau], title="کیش و حوزه هنری")
    qeshm_only = make_agreement(zones=[qeshm], title="قشم")
    kanoon_only = make_agreement(institutions=[kanoon], title="کانون")
    for agreement in (kish_art, qeshm_only, kanoon_only):
        services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF))
    return {"kish_art": kish_art, "qeshm_only": qeshm_only, "kanoon_only": kanoon_only}


SEES = {
    "secretariat": {"kish_art", "qeshm_only", "kanoon_only"},
    "kish_deputy": {"kish_art"},
    "qeshm_deputy": {"qeshm_only"},
    "art_bureau_partner": {"kish_art"},
    "kanoon_partner": {"kanoon_only"},
    "no_membership": set(),
}


@pytest.mark.parametrize("who", list(SEES))
def test_who_sees_which_agreement(request, mous, client_for, who):
    user = UserFactory(username="loner") if who == "no_membership" else request.getfixturevalue(who)
    visible = {
        key
        for key, agreement in mous.items()
        if Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists()
    }
    assert visible == SEES[who]
    client = client_for(user)
    listing = client.get(reverse("agreements:list")).content.decode()
    for key, agreement in mous.items():
        expected = 200 if key in SEES[who] else 404
        assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == expected
        document = agreement.documents.get()
        assert client.get(reverse("agreements:document", args=[document.pk])).status_code == expected
        assert (agreement.title in listing) == (key in SEES[who])


def test_anonymous_visitors_see_nothing(anonymous, mous):
    agreement = mous["kish_art"]
    for url in (
        reverse("agreements:list"),
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("agreements:document", args=[agreement.documents.get().pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_zone_staff_see_their_zones_agreements_too(kish, mous):
    staff = zone_user(kish, role=Membership.Role.ZONE_STAFF)
    assert list(Agreement.objects.visible_to(staff)) == [mous["kish_art"]]


def test_a_signed_document_downloads_as_the_pdf_it_was(client_for, kish_deputy, mous):
    document = mous["kish_art"].documents.get()
    response = client_for(kish_deputy).get(reverse("agreements:document", args=[document.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_evidence_files_are_served_only_to_the_parties(
    client_for, kish_deputy, qeshm_deputy, art_bureau_partner, mous
):
    agreement = mous["kish_art"]
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    services.report_obligation(
        kish_deputy, obligation, status="done", evidence_file=SimpleUploadedFile("photo.png", PNG)
    )
    url = reverse("agreements:evidence", args=[obligation.pk])
    assert client_for(kish_deputy).get(url).status_code == 200
    assert client_for(art_bureau_partner).get(url).status_code == 200
    assert client_for(qeshm_deputy).get(url).status_code == 404
    assert "private/obligations/" in Obligation.objects.get(pk=obligation.pk).evidence_file.name
