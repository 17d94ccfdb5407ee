import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement, Obligation
from tests.events.test_validation import EXE, PDF
from tests.factories import make_agreement, make_obligation

pytestmark = pytest.mark.django_db


def test_the_zone_that_owes_an_obligation_reports_it_done_with_evidence(client_for, kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(
        agreement, agreement.parties.get(kind="zone"), description="برپایی نمایشگاه دائمی"
    )
    client = client_for(kish_deputy)
    listing = client.get(reverse("agreements:list")).content.decode()
    assert "برپایی نمایشگاه دائمی" in listing
    url = reverse("agreements:obligation-report", args=[obligation.pk])
    refused = client.post(url, {"status": "done"})
    assert refused.status_code == 200
    assert "فقط با مستندات" in refused.content.decode()
    response = client.post(
        url,
        {
            "status": "done",
            "evidence_note": "نمایشگاه افتتاح شد",
            "evidence_file": SimpleUploadedFile("photo.pdf", PDF),
        },
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert (obligation.status, obligation.evidence_note, obligation.evidence_file_name) == (
        "done",
        "نمایشگاه افتتاح شد",
        "photo.pdf",
    )
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "نمایشگاه افتتاح شد" in detail


def test_a_disguised_file_is_refused_on_the_form(client_for, kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    response = client_for(kish_deputy).post(
        reverse("agreements:obligation-report", args=[obligation.pk]),
        {"status": "done", "evidence_file": SimpleUploadedFile("evidence.pdf", EXE)},
    )
    assert response.status_code == 200
    assert "evidence.pdf" in response.content.decode()
    obligation.refresh_from_db()
    assert obligation.status == "pending"


def test_a_zone_cannot_report_another_partys_obligation(client_for, kish_deputy, kish, art_bureau):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    theirs = make_obligation(agreement, agreement.parties.get(kind="institution"))
    response = client_for(kish_deputy).post(
        reverse("agreements:obligation-report", args=[theirs.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_what_a_zone_owes_is_listed_overdue_first(client_for, kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    party = agreement.parties.get(kind="zone")
    make_obligation(agreement, party, due_in_days=3, description="زودتر سررسید")
    make_obligation(agreement, party, due_in_days=-4, description="دیرکرد")
    make_obligation(
        agreement, agreement.parties.get(kind="secretariat"), due_in_days=-9, description="بدهی دبیرخانه"
    )
    html = client_for(kish_deputy).get(reverse("agreements:list")).content.decode()
    owed = html[html.index('id="owed"') : html.index("</section>", html.index('id="owed"'))]
    assert owed.index("دیرکرد") < owed.index("زودتر سررسید")
    assert "بدهی دبیرخانه" not in owed


@pytest.mark.parametrize("count", [5, 200])
def test_the_agreement_page_runs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, art_bureau, count, django_assert_num_queries
):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    parties = list(agreement.parties.all())
    for index in range(count):
        make_obligation(agreement, parties[index % len(parties)], due_in_days=index - 50)
    client = client_for(kish_deputy)
    client.get(reverse("agreements:detail", args=[agreement.pk]))
    # 8 for the page (the bell's counts are cached), 6 for its timeline: the agreement, parties, documents, obligations, and two kinds of
    # status moves, however long their history.
    with django_assert_num_queries(14):
        assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 200
    with django_assert_num_queries(8):  # each section pages, so each counts its rows
        assert client.get(reverse("agreements:list")).status_code == 200


# The admin ---------------------------------------------------------------------------------------


def test_the_secretariat_records_an_mou_with_a_signed_pdf_and_activates_it(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish], status="draft")
    client = client_for(secretariat)
    change = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    assert client.get(change).status_code == 200
    activate = {"action": "activate_selected", ACTION_CHECKBOX_NAME: [agreement.pk]}
    refused = client.post(reverse("admin:agreements_agreement_changelist"), activate, follow=True)
    assert "سند امضاشده را بارگذاری کنید" in refused.content.decode()
    from agreements import services

    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("signed.pdf", PDF))
    client.post(reverse("admin:agreements_agreement_changelist"), activate)
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_the_expiring_filter_and_the_csv_export(client_for, secretariat, kish):
    make_agreement(zones=[kish], days_left=30, title="رو به پایان")
    make_agreement(zones=[kish], days_left=300, title="بلندمدت")
    client = client_for(secretariat)
    listing = client.get(reverse("admin:agreements_agreement_changelist") + "?expiring=60").content.decode()
    assert "رو به پایان" in listing
    assert "بلندمدت" not in listing
    export = client.get(reverse("admin:agreements_agreement_export") + "?expiring=60")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["رو به پایان"]


def test_the_obligations_list_puts_overdue_first(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish])
    party = agreement.parties.get(kind="zone")
    make_obligation(agreement, party, due_in_days=2, description="سررسید نزدیک")
    make_obligation(agreement, party, due_in_days=-20, description="دیرکرد قدیمی")
    make_obligation(
        agreement, party, due_in_days=-40, status="done", evidence_note="ok", description="انجام‌شده"
    )
    client = client_for(secretariat)
    html = client.get(reverse("admin:agreements_obligation_changelist")).content.decode()
    assert html.index("دیرکرد قدیمی") < html.index("سررسید نزدیک")
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("admin:agreements_obligation_export")).content.decode("utf-8-sig"))
        )
    )
    assert rows[1][2] == "دیرکرد قدیمی"


def test_a_new_upload_in_the_admin_is_a_new_version(client_for, secretariat, kish):
    from agreements import services

    agreement = make_agreement(zones=[kish], status="negotiation")
    services.add_signed_document(secretariat, agreement, SimpleUploadedFile("v1.pdf", PDF))
    client = client_for(secretariat)
    change = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    page = client.get(change)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in ("title", "subject", "summary", "notice_days")}
    for name in ("signed_on", "effective_from", "expires_on"):
        data[name] = form[name].value() and form.fields[name].widget.format_value(form[name].value())
    document = agreement.documents.get()
    parties = list(agreement.parties.all())
    data.update(
        {
            "parties-TOTAL_FORMS": str(len(parties)),
            "parties-INITIAL_FORMS": str(len(parties)),
            **{f"parties-{i}-id": party.pk for i, party in enumerate(parties)},
            **{f"parties-{i}-agreement": agreement.pk for i in range(len(parties))},
            **{f"parties-{i}-kind": party.kind for i, party in enumerate(parties)},
            **{f"parties-{i}-zone": party.zone_id or "" for i, party in enumerate(parties)},
            **{f"parties-{i}-role": party.role for i, party in enumerate(parties)},
            "documents-TOTAL_FORMS": "2",
            "documents-INITIAL_FORMS": "1",
            "documents-0-id": document.pk,
            "documents-0-agreement": agreement.pk,
            "documents-1-agreement": agreement.pk,
            "documents-1-file": SimpleUploadedFile("v2.pdf", PDF + b"%v2"),
            "documents-1-note": "نسخه اصلاحی",
            "obligations-TOTAL_FORMS": "0",
            "obligations-INITIAL_FORMS": "0",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        }
    )
    response = client.post(change, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert list(agreement.documents.values_list("version", "original_name")) == [(2, "v2.pdf"), (1, "v1.pdf")]


def test_agreements_cannot_be_deleted_in_the_admin(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish])
    response = client_for(secretariat).post(
        reverse("admin:agreements_agreement_delete", args=[agreement.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert Obligation.objects.count() == 0


@pytest.mark.parametrize("count", [5, 200])
def test_the_admin_lists_run_a_fixed_number_of_queries(
    client_for, secretariat, kish, art_bureau, count, django_assert_num_queries
):
    for _ in range(count // 5):
        agreement = make_agreement(zones=[kish], institutions=[art_bureau])
        for _ in range(5):
            make_obligation(agreement, agreement.parties.get(kind="zone"))
    client = client_for(secretariat)
    for name in ("admin:agreements_agreement_changelist", "admin:agreements_obligation_changelist"):
        client.get(reverse(name))
    # Each admin page also checks the session's two-step device (one query).
    with django_assert_num_queries(12):
        assert client.get(reverse("admin:agreements_agreement_changelist")).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(reverse("admin:agreements_obligation_changelist")).status_code == 200
