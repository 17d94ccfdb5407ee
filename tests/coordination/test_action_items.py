"""Action items: reporting with evidence, dropping and reopening, the nightly miss, the list and the page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coordination.models import ActionItem
from coordination.services import minutes as services
from coordination.tasks import mark_missed_action_items
from tests.factories import make_action_item, make_decision, make_meeting
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def circulated_decision(*zones, institutions=(), status="in_comment"):
    meeting = make_meeting(zones=zones, institutions=institutions, days_ahead=-3, status=status)
    return make_decision(meeting, text="پیگیری نمایشگاه صادرات صنایع خلاق")


@pytest.fixture
def world(kish, qeshm, art_bureau, kanoon):
    """Kish and the Art Bureau were invited; Qeshm was not but owes one item; Kanoon's item sits in a meeting
    whose minutes are still being written: it could leak to nobody but the secretariat."""
    decision = circulated_decision(kish, institutions=[art_bureau])
    draft = make_decision(make_meeting(zones=[kish], institutions=[kanoon], days_ahead=-1, status="held"))
    return {
        "kish_owes": make_action_item(decision, zone=kish, description="گزارش کیش"),
        "kish_late": make_action_item(decision, zone=kish, due_in_days=-5, description="دیرکرد کیش"),
        "qeshm_owes": make_action_item(decision, zone=qeshm, description="سهم قشم"),
        "art_owes": make_action_item(decision, institution=art_bureau, description="سهم حوزه هنری"),
        "secretariat_owes": make_action_item(decision, description="سهم دبیرخانه"),
        "unpublished": make_action_item(draft, zone=kish, institution=None, description="پیش‌نویس محرمانه"),
        "kanoon_unpublished": make_action_item(draft, institution=kanoon, description="کانون پیش‌نویس"),
    }


# Services ------------------------------------------------------------------------------------------


def test_marking_done_needs_evidence(kish_deputy, world):
    item = world["kish_owes"]
    with pytest.raises(ValidationError):
        services.report_action_item(kish_deputy, item, complete=True)
    assert ActionItem.objects.get(pk=item.pk).status == "open"
    done = services.report_action_item(kish_deputy, item, evidence_note="برگزار شد", complete=True)
    assert done.status == "done"
    assert done.done_on == timezone.localdate()
    assert done.done_on_time
    assert done.status_changes.filter(to_status="done", changed_by=kish_deputy).exists()
    assert done.history.first().history_user == kish_deputy


def test_a_file_is_judged_by_its_content(kish_deputy, world):
    item = world["kish_owes"]
    with pytest.raises(ValidationError) as refused:
        services.report_action_item(
            kish_deputy, item, evidence_file=SimpleUploadedFile("report.pdf", b"MZ not a pdf"), complete=True
        )
    assert "evidence_file" in refused.value.message_dict
    done = services.report_action_item(
        kish_deputy, item, evidence_file=SimpleUploadedFile("setup.exe", PDF), complete=True
    )
    assert done.evidence_file_name == "setup.exe"
    assert done.evidence_file.name.endswith(".pdf")


def test_only_the_owner_or_the_secretariat_reports(
    secretariat, qeshm_deputy, kish_deputy, art_bureau_partner, world
):
    with pytest.raises(PermissionDenied):
        services.report_action_item(qeshm_deputy, world["kish_owes"], evidence_note="x")
    with pytest.raises(PermissionDenied):
        services.report_action_item(kish_deputy, world["art_owes"], evidence_note="x")
    with pytest.raises(PermissionDenied):  # minutes not circulated yet
        services.report_action_item(kish_deputy, world["unpublished"], evidence_note="x")
    services.report_action_item(art_bureau_partner, world["art_owes"], evidence_link="https://artbureau.ir/r")
    services.report_action_item(
        secretariat, world["secretariat_owes"], evidence_note="انجام شد", complete=True
    )
    assert ActionItem.objects.get(pk=world["secretariat_owes"].pk).status == "done"


def test_a_late_item_is_done_late(kish_deputy, world):
    done = services.report_action_item(kish_deputy, world["kish_late"], evidence_note="دیر", complete=True)
    assert done.status == "done"
    assert not done.done_on_time


def test_drop_and_reopen_take_a_reason_and_are_the_secretariats(secretariat, kish_deputy, world):
    item = world["kish_owes"]
    with pytest.raises(PermissionDenied):
        services.drop_action_item(kish_deputy, item, "نمی‌خواهیم")
    with pytest.raises(ValidationError):
        services.drop_action_item(secretariat, item, "  ")
    dropped = services.drop_action_item(secretariat, item, "مصوبه بعدی جایگزین شد")
    assert dropped.status == "dropped"
    assert dropped.drop_reason == "مصوبه بعدی جایگزین شد"
    with pytest.raises(InvalidMoveError):
        services.report_action_item(kish_deputy, item, evidence_note="x", complete=True)
    reopened = services.reopen_action_item(secretariat, item, "دوباره لازم شد")
    assert reopened.status == "open"
    assert reopened.status_changes.last().reason == "دوباره لازم شد"


def test_the_nightly_job_records_missed_items_once(world):
    assert mark_missed_action_items.delay().get() == 1
    assert ActionItem.objects.get(pk=world["kish_late"].pk).status == "missed"
    assert mark_missed_action_items.delay().get() == 0
    assert world["kish_late"].status_changes.filter(to_status="missed", changed_by=None).count() == 1


# The list --------------------------------------------------------------------------------------------


def test_a_zone_sees_what_it_owes_first_overdue_first_and_nothing_unpublished(client_for, kish_deputy, world):
    page = client_for(kish_deputy).get(reverse("coordination:action-items")).content.decode()
    owed_section, others = page.split('id="others"')
    assert owed_section.index("دیرکرد کیش") < owed_section.index("گزارش کیش")
    assert "سهم قشم" in others
    assert "سهم حوزه هنری" in others
    assert "سهم قشم" not in owed_section
    assert "پیش‌نویس محرمانه" not in page
    assert "کانون پیش‌نویس" not in page


def test_an_owner_not_invited_sees_only_its_own(client_for, qeshm_deputy, world):
    page = client_for(qeshm_deputy).get(reverse("coordination:action-items")).content.decode()
    assert "سهم قشم" in page
    assert "گزارش کیش" not in page
    assert "سهم حوزه هنری" not in page
    assert "پیش‌نویس محرمانه" not in page


def test_the_secretariat_filters_by_zone_status_meeting_and_overdue(client_for, secretariat, kish, world):
    client = client_for(secretariat)
    url = reverse("coordination:action-items")
    everything = client.get(url).content.decode()
    assert "پیش‌نویس محرمانه" in everything
    assert "سهم دبیرخانه" in everything
    by_zone = client.get(url, {"zone": "qeshm"}).content.decode()
    assert "سهم قشم" in by_zone
    assert "گزارش کیش" not in by_zone
    overdue = client.get(url, {"overdue": "true"}).content.decode()
    assert "دیرکرد کیش" in overdue
    assert "گزارش کیش" not in overdue
    missed = client.get(url, {"status": "missed"}).content.decode()
    assert "دیرکرد کیش" in missed
    assert "سهم قشم" not in missed
    meeting = world["unpublished"].decision.meeting_id
    by_meeting = client.get(url, {"meeting": meeting}).content.decode()
    assert "پیش‌نویس محرمانه" in by_meeting
    assert "سهم قشم" not in by_meeting


def _more(decision, zone, count):
    for number in range(count):
        make_action_item(decision, zone=zone, due_in_days=number - 2, description=f"اقدام {number}")


@pytest.mark.parametrize(("who", "queries"), [("kish_deputy", 7), ("secretariat", 7)])
def test_the_list_costs_the_same_at_two_sizes(
    request, client_for, kish, qeshm, world, who, queries, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    url = reverse("coordination:action-items")
    client.get(url)  # session and sign-in settle
    with django_assert_num_queries(queries):
        client.get(url)
    decision = world["kish_owes"].decision
    _more(decision, kish, 8)
    _more(decision, qeshm, 8)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert "اقدام 7" in response.content.decode()


# One item's page -------------------------------------------------------------------------------------


def test_the_owner_reports_and_marks_done_from_the_page(client_for, kish_deputy, world):
    item = world["kish_owes"]
    client = client_for(kish_deputy)
    url = reverse("coordination:action-item", args=[item.pk])
    page = client.get(url).content.decode()
    assert "اعلام انجام" in page
    assert "پیگیری نمایشگاه" in page
    response = client.post(url, {"complete": "1"})
    assert response.status_code == 200  # no evidence: the form says so
    assert ActionItem.objects.get(pk=item.pk).status == "open"
    response = client.post(
        url, {"complete": "1", "evidence_file": SimpleUploadedFile("r.pdf", PDF), "done_on": "۱۴۰۵/۰۱/۰۱"}
    )
    item.refresh_from_db()
    assert response.status_code == 302
    assert item.status == "done"
    assert item.evidence_file
    download = client.get(reverse("coordination:action-item-evidence", args=[item.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_the_evidence_is_protected_like_the_item(client_for, kish_deputy, qeshm_deputy, anonymous, world):
    item = services.report_action_item(
        kish_deputy, world["kish_owes"], evidence_file=SimpleUploadedFile("r.pdf", PDF)
    )
    url = reverse("coordination:action-item-evidence", args=[item.pk])
    assert client_for(qeshm_deputy).get(url).status_code == 404
    assert anonymous.get(url).status_code == 302
    version = item.history.exclude(evidence_file="").first().history_id
    old = reverse("coordination:action-item-evidence-version", args=[item.pk, version])
    assert client_for(qeshm_deputy).get(old).status_code == 404
    assert client_for(kish_deputy).get(old).status_code == 200


def test_others_see_the_page_but_not_the_form(client_for, art_bureau_partner, kanoon_partner, world):
    item = world["kish_owes"]
    url = reverse("coordination:action-item", args=[item.pk])
    page = client_for(art_bureau_partner).get(url)
    assert page.status_code == 200
    assert "اعلام انجام" not in page.content.decode()
    assert client_for(art_bureau_partner).post(url, {"evidence_note": "x"}).status_code == 403
    assert (
        client_for(kanoon_partner)
        .get(reverse("coordination:action-item", args=[world["kanoon_unpublished"].pk]))
        .status_code
        == 404
    )


def test_the_secretariat_drops_and_reopens_with_a_reason(client_for, secretariat, kish_deputy, world):
    item = world["kish_owes"]
    client = client_for(secretariat)
    assert (
        client_for(kish_deputy).get(reverse("coordination:action-item-drop", args=[item.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("coordination:action-item-drop", args=[item.pk]), {"reason": ""}).status_code
        == 200
    )
    response = client.post(reverse("coordination:action-item-drop", args=[item.pk]), {"reason": "منتفی شد"})
    assert response.status_code == 302
    assert ActionItem.objects.get(pk=item.pk).status == "dropped"
    page = client.get(reverse("coordination:action-item", args=[item.pk])).content.decode()
    assert "منتفی شد" in page
    client.post(reverse("coordination:action-item-reopen", args=[item.pk]), {"reason": "دوباره"})
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_the_secretariat_confirms_with_a_code_before_reporting_for_the_owner(world):
    """The secretariat may mark an owner's item done, but only after the two-step sign-in, like its
    other changes; an officer whose session was not confirmed is sent to confirm and nothing changes.
    Reading the page needs no code."""
    from django.test import Client

    from tests.factories import secretariat_user

    item = world["kish_owes"]
    officer = secretariat_user(username="unconfirmed-report")
    client = Client()
    client.force_login(officer)
    url = reverse("coordination:action-item", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"complete": "1", "evidence_note": "برگزار شد"})
    assert response.status_code == 302
    assert (
        reverse("twofactor:setup") in response["Location"]
        or reverse("twofactor:code") in response["Location"]
    )
    item.refresh_from_db()
    assert item.status == "open"
    assert item.evidence_note == ""


def test_the_nightly_job_leaves_items_of_minutes_not_yet_circulated(kish):
    """Before the minutes go out the owner has not been told of an item, so it cannot be missed yet."""
    from tests.factories import make_action_item, make_decision, make_meeting

    meeting = make_meeting(zones=[kish], status="held", days_ahead=-10)
    item = make_action_item(make_decision(meeting), zone=kish, due_in_days=-2)
    assert mark_missed_action_items.delay().get() == 0
    item.refresh_from_db()
    assert item.status == "open"
    meeting.status = "in_comment"
    meeting.save()
    assert mark_missed_action_items.delay().get() == 1


def test_the_page_is_titled_by_what_the_item_asks(client_for, kish_deputy, world):
    """The tab, the browser's history and the heading name the item by its description, cut short, with
    dir="auto" so a Persian description reads right to left on an English page too."""
    import re

    description = "ارسال فهرست کسب‌وکارهای صنایع خلاق منطقه کیش برای غرفه مشترک نمایشگاه صادرات " * 3
    item = make_action_item(make_decision(world["kish_owes"].decision.meeting), description=description)
    page = client_for(kish_deputy).get(reverse("coordination:action-item", args=[item.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title.startswith(description[:40])
    assert len(title) < len(description)
    heading = re.search(r"<h1 dir=\"auto\">(.*?)</h1>", page, re.S).group(1)
    assert heading.startswith(description[:100])
    assert heading.endswith("…")
    assert "…" in title
    assert 'class="action-description" dir="auto"' in page
