"""Issuing certificates: who may, what is issued, serials, idempotence and issuing again; the pages
(round and call lists, download, the public check page) and the admin."""

from __future__ import annotations

import datetime as dt
import unicodedata
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contests.models import Certificate, CertificateTemplate, Entry, Round
from contests.services import certificates as services
from talent.models import Application
from tests.contests.test_certificates_pdf import read
from tests.contests.world import enter, make_round, quran_call
from tests.factories import make_application
from zones_portal.dates import format_date
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


def place(entries: list[Entry], status: str = Entry.Status.WINNER) -> None:
    for rank, entry in enumerate(entries, start=1):
        entry.status, entry.rank = status, rank
        entry.save(update_fields=["status", "rank"])


@pytest.fixture
def call(db):
    return quran_call()


@pytest.fixture
def final(call, qeshm, kish):
    """A decided live final hosted by Qeshm: three placed contestants from Kish, one left out."""
    round_ = make_round(
        call,
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=None,
        status=Round.Status.DECIDED,
        name="مرحله نهایی",
    )
    entries = enter(round_, kish, 4, live=True)
    place(entries[:3])
    entries[3].status = Entry.Status.ELIMINATED
    entries[3].save(update_fields=["status"])
    return round_


@pytest.fixture
def kish_preliminary(call, kish):
    round_ = make_round(call, kish, status=Round.Status.DECIDED)
    entries = enter(round_, kish, 3)
    place(entries[:2], Entry.Status.ADVANCED)
    return round_


def year() -> int:
    return services.solar_year(timezone.now())


# Issuing -----------------------------------------------------------------------------------------


def test_the_two_default_templates_are_seeded():
    defaults = CertificateTemplate.objects.filter(call=None)
    assert sorted(defaults.values_list("kind", flat=True)) == ["round_winner", "selected"]
    for template in defaults:
        assert services.wording_errors(template.kind, template.heading, template.body) == {}


def test_a_final_issues_one_certificate_per_placed_contestant(secretariat, final):
    done = services.issue_for_round(secretariat, final)

    assert len(done.issued) == 3
    certificates = Certificate.objects.filter(round=final).order_by("place")
    assert [c.place for c in certificates] == [1, 2, 3]
    assert [c.serial for c in certificates.order_by("serial")] == [
        f"{year()}/0001",
        f"{year()}/0002",
        f"{year()}/0003",
    ]
    first = certificates[0]
    assert first.issued_by == secretariat
    assert first.file.name.startswith("private/certificates/")
    assert first.file.name.endswith(".pdf")
    with first.file.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF")

    _shown, lines = read(pdf)
    text = " ".join(lines)
    assert "گواهی افتخار" in lines
    assert first.application.full_name in text  # «قاری kish 1»: Persian and Latin in their order
    assert "رتبه اول" in text
    assert "مرحله نهایی" in text
    assert format_date(first.issued_at, "date", language="fa") in lines
    assert (
        unicodedata.normalize("NFKC", f"{year()}/0001".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
        in lines
    )
    assert first.code in text


def test_a_preliminary_certifies_those_who_went_on(kish_deputy, kish_preliminary):
    done = services.issue_for_round(kish_deputy, kish_preliminary)
    assert [c.place for c in done.issued] == [1, 2]


def test_issuing_twice_gives_the_same_certificates(secretariat, final):
    first = services.issue_for_round(secretariat, final)
    again = services.issue_for_round(secretariat, final)

    assert again.issued == []
    assert again.stale == []
    assert [c.pk for c in again.unchanged] == [c.pk for c in first.issued]
    assert Certificate.objects.count() == 3
    assert {c.file.name for c in again.unchanged} == {c.file.name for c in first.issued}


def test_changed_wording_is_issued_again_only_when_asked(secretariat, final):
    (certificate, *_rest) = services.issue_for_round(secretariat, final).issued
    old_file, serial, code = certificate.file.name, certificate.serial, certificate.code
    template = certificate.template
    template.heading = "لوح تقدیر"
    template.save()

    plain = services.issue_for_round(secretariat, final)
    assert len(plain.stale) == 3
    assert plain.reissued == []
    certificate.refresh_from_db()
    assert certificate.file.name == old_file

    done = services.issue_for_round(secretariat, final, again=True)
    assert len(done.reissued) == 3
    certificate.refresh_from_db()
    assert (certificate.serial, certificate.code) == (serial, code)  # a copy handed out still checks
    assert certificate.file.name != old_file
    with certificate.file.open("rb") as stored:
        assert "لوح تقدیر" in read(stored.read())[1]
    assert old_file in set(certificate.history.values_list("file", flat=True))
    assert certificate.file.storage.exists(old_file)
    assert Certificate.objects.count() == 3


def test_a_call_template_of_its_own_wins_over_the_default(secretariat, final, call):
    CertificateTemplate.objects.create(
        name="ویژه مسابقه قرآن",
        kind=CertificateTemplate.Kind.ROUND_WINNER,
        call=call,
        heading="لوح زرین قرآن",
        body="{name} رتبه {place} را در {round} کسب کرد.",
        signatory_name="امضاکننده",
        signatory_title="سمت",
    )
    (certificate, *_rest) = services.issue_for_round(secretariat, final).issued
    assert certificate.template.call == call
    with certificate.file.open("rb") as stored:
        assert "لوح زرین قرآن" in read(stored.read())[1]


def test_without_any_template_issuing_says_what_to_do(secretariat, final):
    CertificateTemplate.objects.filter(kind=CertificateTemplate.Kind.ROUND_WINNER).delete()
    with pytest.raises(InvalidMoveError, match="add one in the admin"):
        services.issue_for_round(secretariat, final)
    assert not Certificate.objects.exists()


def test_a_round_not_yet_decided_issues_nothing(secretariat, final):
    Round.objects.filter(pk=final.pk).update(status=Round.Status.CLOSED)
    with pytest.raises(InvalidMoveError, match="decided"):
        services.issue_for_round(secretariat, final)


def test_who_may_issue_for_a_round(kish_deputy, qeshm_deputy, art_bureau_partner, kish_preliminary, final):
    with pytest.raises(PermissionDenied):
        services.issue_for_round(qeshm_deputy, kish_preliminary)
    with pytest.raises(PermissionDenied):
        services.issue_for_round(art_bureau_partner, kish_preliminary)
    with pytest.raises(PermissionDenied):
        services.issue_for_round(kish_deputy, final)  # a joint round is the secretariat's
    assert not Certificate.objects.exists()


def test_only_the_secretariat_issues_again(kish_deputy, kish_preliminary):
    services.issue_for_round(kish_deputy, kish_preliminary)
    with pytest.raises(PermissionDenied, match="secretariat"):
        services.issue_for_round(kish_deputy, kish_preliminary, again=True)


def test_selected_contestants_of_a_call(secretariat, kish_deputy, call, kish, qeshm):
    chosen = make_application(call, kish, discipline="quran", full_name="مریم احمدی", status="selected")
    make_application(call, qeshm, discipline="quran", full_name="رضا نادری", status="not_selected")
    with pytest.raises(PermissionDenied):
        services.issue_for_call(kish_deputy, call)

    done = services.issue_for_call(secretariat, call)
    (certificate,) = done.issued
    assert (certificate.application, certificate.round, certificate.place) == (chosen, None, None)
    assert certificate.template.kind == CertificateTemplate.Kind.SELECTED
    with certificate.file.open("rb") as stored:
        text = " ".join(read(stored.read())[1])
    assert "گواهی برگزیدگی" in text
    assert "مریم احمدی" in text

    assert services.issue_for_call(secretariat, call).unchanged == [certificate]
    assert Certificate.objects.count() == 1


# Serials -----------------------------------------------------------------------------------------


def test_serials_run_per_solar_hijri_year(secretariat, final, kish):
    # 20 March 2026 is the last day of 1404 in Tehran; 21 March is Nowruz, 1 Farvardin 1405.
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        first = services.issue_for_round(secretariat, final).issued
    assert sorted(c.serial for c in first) == ["1404/0001", "1404/0002", "1404/0003"]
    second_final = make_round(
        final.call,
        kish,
        stage=3,
        kind=Round.Kind.JOINT,
        mode=Round.Mode.LIVE,
        advance_rule=Round.Advance.FINAL,
        advance_count=None,
        status=Round.Status.DECIDED,
    )
    place(enter(second_final, kish, 2, live=True))
    with time_machine.travel(dt.datetime(2026, 3, 21, 12, tzinfo=dt.UTC), tick=False):
        second = services.issue_for_round(secretariat, second_final).issued
    assert sorted(c.serial for c in second) == ["1405/0001", "1405/0002"]


def test_the_serial_after_9999_is_10000(secretariat, final):
    certificate = services.issue_for_round(secretariat, final).issued[0]
    Certificate.objects.filter(pk=certificate.pk).update(serial=f"{year()}/9999")
    assert services.next_serial(timezone.now()) == f"{year()}/10000"
    other = Certificate.objects.exclude(pk=certificate.pk).first()
    Certificate.objects.filter(pk=other.pk).update(serial=f"{year()}/10000")
    assert services.next_serial(timezone.now()) == f"{year()}/10001"


def test_a_serial_taken_meanwhile_is_retried_with_the_next(secretariat, final, kish_preliminary, kish_deputy):
    services.issue_for_round(kish_deputy, kish_preliminary)  # takes 0001 and 0002
    taken = f"{year()}/0001"
    real = services.next_serial
    calls = iter([taken])

    def racing(moment):
        # The first answer is what a concurrent issuer had just committed.
        return next(calls, None) or real(moment)

    with mock.patch.object(services, "next_serial", side_effect=racing):
        done = services.issue_for_round(secretariat, final)
    assert sorted(c.serial for c in done.issued) == [f"{year()}/0003", f"{year()}/0004", f"{year()}/0005"]
    assert Certificate.objects.count() == 5


# Pages -------------------------------------------------------------------------------------------


def test_the_round_page_lists_and_issues(client_for, kish_deputy, kish_preliminary):
    client = client_for(kish_deputy)
    url = reverse("contests:round-certificates", args=[kish_preliminary.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "قاری kish 1" in page.content.decode()
    assert reverse("contests:round-certificates-issue", args=[kish_preliminary.pk]) in page.content.decode()

    response = client.post(reverse("contests:round-certificates-issue", args=[kish_preliminary.pk]))
    assert response.status_code == 302
    assert Certificate.objects.filter(round=kish_preliminary).count() == 2
    page = client.get(url).content.decode()
    for certificate in Certificate.objects.all():
        assert reverse("contests:certificate-download", args=[certificate.pk]) in page


def test_the_round_page_is_for_those_who_run_it(
    client_for, qeshm_deputy, art_bureau_partner, kish_preliminary
):
    url = reverse("contests:round-certificates", args=[kish_preliminary.pk])
    assert client_for(qeshm_deputy).get(url).status_code == 403
    assert client_for(art_bureau_partner).get(url).status_code == 403
    assert (
        client_for(qeshm_deputy)
        .post(reverse("contests:round-certificates-issue", args=[kish_preliminary.pk]))
        .status_code
        == 302
    )
    assert not Certificate.objects.exists()


def test_a_refusal_comes_back_as_a_message(client_for, kish_deputy, kish_preliminary):
    Round.objects.filter(pk=kish_preliminary.pk).update(status=Round.Status.CLOSED)
    client = client_for(kish_deputy)
    response = client.post(
        reverse("contests:round-certificates-issue", args=[kish_preliminary.pk]), follow=True
    )
    assert "گواهی‌ها پس از قطعی شدن نتایج مرحله صادر می‌شوند." in response.content.decode()
    assert not Certificate.objects.exists()


def test_download(client_for, secretariat, kish_deputy, qeshm_deputy, kish_preliminary, final, anonymous):
    prelim = services.issue_for_round(kish_deputy, kish_preliminary).issued[0]
    joint = services.issue_for_round(secretariat, final).issued[0]

    response = client_for(kish_deputy).get(reverse("contests:certificate-download", args=[prelim.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        client_for(secretariat).get(reverse("contests:certificate-download", args=[joint.pk])).status_code
        == 200
    )

    assert (
        client_for(qeshm_deputy).get(reverse("contests:certificate-download", args=[prelim.pk])).status_code
        == 404
    )
    assert (
        client_for(kish_deputy).get(reverse("contests:certificate-download", args=[joint.pk])).status_code
        == 404
    )
    assert anonymous.get(reverse("contests:certificate-download", args=[prelim.pk])).status_code == 302


def test_the_call_page_is_the_secretariats(client_for, secretariat, kish_deputy, call, kish):
    make_application(call, kish, discipline="quran", full_name="مریم احمدی", status="selected")
    url = reverse("contests:call-certificates", args=[call.pk])
    assert client_for(kish_deputy).get(url).status_code == 403
    client = client_for(secretariat)
    assert "مریم احمدی" in client.get(url).content.decode()
    client.post(reverse("contests:call-certificates-issue", args=[call.pk]))
    assert Certificate.objects.filter(application__call=call).count() == 1


def _queries(client, url: str) -> int:
    client.get(url)  # the top bar's counts are cached after a person's first page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_pages_cost_the_same_for_more_rows(client_for, secretariat, call, kish, qeshm, final):
    client = client_for(secretariat)
    make_application(call, kish, discipline="quran", status="selected")
    services.issue_for_round(secretariat, final)
    services.issue_for_call(secretariat, call)
    pages = [
        reverse("contests:certificates"),
        reverse("contests:round-certificates", args=[final.pk]),
        reverse("contests:call-certificates", args=[call.pk]),
    ]
    small = [_queries(client, url) for url in pages]

    more = enter(final, qeshm, 5, live=True)
    for rank, entry in enumerate(more, start=4):
        entry.status, entry.rank = Entry.Status.WINNER, rank
        entry.save(update_fields=["status", "rank"])
    for _i in range(4):
        make_application(call, qeshm, discipline="quran", status="selected")
    other_call = quran_call()
    make_application(other_call, kish, discipline="quran", status="selected")
    other = make_round(other_call, kish, status=Round.Status.DECIDED)
    place(enter(other, kish, 2), Entry.Status.ADVANCED)
    services.issue_for_round(secretariat, final)
    services.issue_for_call(secretariat, call)

    assert [_queries(client, url) for url in pages] == small


def test_the_index_lists_what_a_person_runs(client_for, kish_deputy, qeshm_deputy, kish_preliminary, final):
    page = client_for(kish_deputy).get(reverse("contests:certificates")).content.decode()
    assert kish_preliminary.name in page
    assert final.name not in page
    assert client_for(qeshm_deputy).get(reverse("contests:certificates")).status_code in (200, 403)
    assert (
        kish_preliminary.name
        not in client_for(qeshm_deputy).get(reverse("contests:certificates")).content.decode()
    )


# The public check page -------------------------------------------------------------------------------


def test_the_check_page_finds_a_certificate_by_its_code(anonymous, secretariat, final):
    certificate = services.issue_for_round(secretariat, final).issued[0]
    application = Application.objects.get(pk=certificate.application_id)
    Application.objects.filter(pk=application.pk).update(phone="09121234567")
    typed = "-".join([certificate.code[:4].lower(), certificate.code[4:8], certificate.code[8:]])
    response = anonymous.get(reverse("contests:certificate-check"), {"code": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert application.full_name in page
    assert final.name in page
    assert final.call.title in page
    assert application.email not in page
    assert "09121234567" not in page
    assert application.tracking_code not in page


def test_a_code_typed_in_persian_digits_is_found(anonymous, secretariat, final):
    certificate = services.issue_for_round(secretariat, final).issued[0]
    persian = certificate.code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert anonymous.get(reverse("contests:certificate-check"), {"code": persian}).status_code == 200


def test_an_unknown_code_is_not_found(anonymous, secretariat, final):
    services.issue_for_round(secretariat, final)
    response = anonymous.get(reverse("contests:certificate-check"), {"code": "ZZZZZZZZZZZZ"})
    assert response.status_code == 404
    assert "قاری" not in response.content.decode()
    assert anonymous.get(reverse("contests:certificate-check")).status_code == 200


def test_the_check_page_is_rate_limited(anonymous, settings):
    settings.CERTIFICATE_CHECK_RATE = (3, 3600)
    url = reverse("contests:certificate-check")
    statuses = [anonymous.get(url, {"code": f"ABCDEFGH{i:04d}"}).status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert anonymous.get(url).status_code == 200  # the empty form itself is not counted


def test_the_check_address_printed_on_the_certificate_opens_the_page(anonymous, secretariat, final, settings):
    certificate = services.issue_for_round(secretariat, final).issued[0]
    address = services.check_url(certificate.code)
    assert address.startswith(settings.PORTAL_URL)
    assert anonymous.get(address.removeprefix(settings.PORTAL_URL)).status_code == 200


# Admin -------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client_for, secretariat):
    return client_for(secretariat)


def _template_form(**changes):
    data = {
        "name": "قالب تازه",
        "kind": "round_winner",
        "call": "",
        "heading": "لوح تقدیر",
        "body": "{name} رتبه {place} را کسب کرد.",
        "signatory_name": "امضاکننده",
        "signatory_title": "سمت",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_unknown_placeholders(admin_client, call):
    url = reverse("admin:contests_certificatetemplate_add")
    response = admin_client.post(url, _template_form(call=call.pk, body="{name} رتبه {rank} را کسب کرد."))
    assert response.status_code == 200
    assert "{rank}" in response.content.decode()
    response = admin_client.post(url, _template_form(call=call.pk, kind="selected"))
    assert response.status_code == 200
    assert "{place}" in response.content.decode()
    assert not CertificateTemplate.objects.filter(call=call).exists()

    response = admin_client.post(url, _template_form(call=call.pk))
    assert response.status_code == 302
    assert CertificateTemplate.objects.filter(call=call, heading="لوح تقدیر").exists()


def test_the_admin_previews_a_template_as_a_marked_sample(admin_client):
    template = CertificateTemplate.objects.get(kind="round_winner", call=None)
    response = admin_client.get(reverse("admin:contests_certificatetemplate_preview", args=[template.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(read(response.content)[1])
    assert template.heading in text
    assert "SAMPLE" in text
    assert not Certificate.objects.exists()
    change = admin_client.get(reverse("admin:contests_certificatetemplate_change", args=[template.pk]))
    assert (
        reverse("admin:contests_certificatetemplate_preview", args=[template.pk]) in change.content.decode()
    )


def test_issued_certificates_are_read_only_in_the_admin(admin_client, secretariat, final):
    certificate = services.issue_for_round(secretariat, final).issued[0]
    listing = admin_client.get(reverse("admin:contests_certificate_changelist"))
    assert listing.status_code == 200
    assert reverse("contests:certificate-download", args=[certificate.pk]) in listing.content.decode()
    assert admin_client.get(reverse("admin:contests_certificate_add")).status_code == 403
    before = certificate.serial
    admin_client.post(reverse("admin:contests_certificate_change", args=[certificate.pk]), {"serial": "x"})
    certificate.refresh_from_db()
    assert certificate.serial == before


def test_a_default_template_cannot_be_deleted(admin_client):
    template = CertificateTemplate.objects.get(kind="selected", call=None)
    admin_client.post(
        reverse("admin:contests_certificatetemplate_delete", args=[template.pk]), {"post": "yes"}
    )
    assert CertificateTemplate.objects.filter(pk=template.pk).exists()


# The contestant's own copy ------------------------------------------------------------------------------


def test_the_contestant_downloads_their_certificate_from_the_status_page(secretariat, final, client):
    """Contestants have no account: after looking their application up with its tracking code and email,
    the status page lists their certificates and the same browser downloads them; another contestant's,
    another browser, or no lookup at all gets the status page's form instead."""
    mine, theirs = services.issue_for_round(secretariat, final).issued[:2]
    application = Application.objects.get(pk=mine.application_id)
    stranger = type(client)()
    # Not looked up yet: sent to the status page with a sentence, nothing downloaded.
    refused = client.get(reverse("contests:certificate-contestant", args=[mine.pk]))
    assert refused.status_code == 302
    assert refused["Location"] == reverse("talent:status")
    looked_up = client.post(
        reverse("talent:status"), {"tracking_code": application.tracking_code, "email": application.email}
    )
    page = looked_up.content.decode()
    assert mine.contestant_url() in page
    assert theirs.contestant_url() not in page
    assert final.name in page
    pdf = client.get(mine.contestant_url())
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"
    for other in (client.get(theirs.contestant_url()), stranger.get(mine.contestant_url())):
        assert other.status_code == 302
        assert other["Location"] == reverse("talent:status")
    # Half an hour later the lookup has to be made again.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert client.get(mine.contestant_url()).status_code == 302
