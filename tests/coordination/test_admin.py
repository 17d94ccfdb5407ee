"""The secretariat's admin for the coordination desk (issue 16, part 8): creations and status moves go
through the services, statuses are never edited as fields, the lists cost the same at any size."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from coordination.models import ActionItem, Circular, Meeting
from coordination.services import circulars as circular_services
from tests.events.test_validation import PDF
from tests.factories import make_action_item, make_circular, make_decision, make_meeting
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db

MEETINGS = "admin:coordination_meeting_changelist"
ACTION_ITEMS = "admin:coordination_actionitem_changelist"
CIRCULARS = "admin:coordination_circular_changelist"
NO_INLINE_ROWS = {
    f"{prefix}-{part}": "0"
    for prefix in ("invitees", "agenda_items", "decisions", "status_changes", "recipients")
    for part in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def in_persian(message: str) -> str:
    """A service's sentence as the Persian page shows it (in English until it is translated)."""
    with translation.override("fa"):
        return translation.gettext(message)


def approved_meeting(*zones, **extra):
    return make_meeting(zones=zones, status="approved", days_ahead=-30, **extra)


# Meetings ------------------------------------------------------------------------------------------


def test_the_meeting_list_reads_in_persian_digits_and_the_jalali_calendar(
    client_for, secretariat, kish, qeshm
):
    make_meeting(zones=[kish, qeshm], reference="1405-09", title="نشست آذر")
    html = client_for(secretariat).get(reverse(MEETINGS)).content.decode()
    assert "۱۴۰۵-۰۹" in html
    assert "نشست آذر" in html
    assert '<td class="field-invitees_count">۲</td>' in html
    assert "1405-09" not in html


def test_scheduling_in_the_admin_goes_through_the_service(client_for, secretariat, kish, qeshm, art_bureau):
    starts = timezone.localtime() + dt.timedelta(days=20)
    data = {
        "title": "نشست فوق‌العاده شورا",
        "starts_at_0": input_date(starts, "fa"),
        "starts_at_1": "۱۰:۰۰",
        "ends_at_0": input_date(starts, "fa"),
        "ends_at_1": "۱۲:۰۰",
        "agenda_cutoff_0": input_date(starts - dt.timedelta(days=5), "fa"),
        "agenda_cutoff_1": "۰۹:۰۰",
        "place": "تهران",
        "online_link": "",
        "notes": "",
        "zones": [kish.pk, qeshm.pk],
        "institutions": [art_bureau.pk],
        "status": "approved",  # read-only: ignored
        **NO_INLINE_ROWS,
    }
    response = client_for(secretariat).post(reverse("admin:coordination_meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert meeting.status == "scheduled"
    assert meeting.reference  # the service gave it its Jalali month
    assert meeting.created_by == secretariat
    assert {i.organisation_name for i in meeting.invitees.all()} == {kish.name, qeshm.name, art_bureau.name}
    assert meeting.status_changes.get().to_status == "scheduled"
    assert meeting.history.first().history_user == secretariat


def test_a_meeting_without_invitees_is_refused_with_the_reason(client_for, secretariat):
    starts = timezone.localtime() + dt.timedelta(days=20)
    data = {
        "title": "نشست بی‌مدعو",
        "starts_at_0": input_date(starts, "fa"),
        "starts_at_1": "10:00",
        "ends_at_0": input_date(starts, "fa"),
        "ends_at_1": "12:00",
        "agenda_cutoff_0": input_date(starts - dt.timedelta(days=5), "fa"),
        "agenda_cutoff_1": "09:00",
        "place": "تهران",
        **NO_INLINE_ROWS,
    }
    response = client_for(secretariat).post(reverse("admin:coordination_meeting_add"), data, follow=True)
    assert in_persian("Invite at least one zone or institution.") in response.content.decode()
    assert not Meeting.objects.exists()


def test_cancelling_asks_for_a_reason_then_cancels_through_the_service(client_for, secretariat, kish):
    meeting = make_meeting(zones=[kish])
    client = client_for(secretariat)
    form = {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [meeting.pk]}
    page = client.post(reverse(MEETINGS), form)
    assert 'name="reason"' in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    client.post(reverse(MEETINGS), {**form, "apply": "1", "reason": "هم‌زمانی با سفر استانی"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancellation_reason) == ("cancelled", "هم‌زمانی با سفر استانی")
    assert meeting.status_changes.get().changed_by == secretariat


def test_holding_a_meeting_that_has_not_started_is_refused_with_the_reason(client_for, secretariat, kish):
    ahead = make_meeting(zones=[kish], title="پیش رو")
    started = make_meeting(zones=[kish], days_ahead=-1, title="برگزارشده")
    response = client_for(secretariat).post(
        reverse(MEETINGS),
        {"action": "hold_selected", ACTION_CHECKBOX_NAME: [ahead.pk, started.pk]},
        follow=True,
    )
    html = response.content.decode()
    ahead.refresh_from_db()
    started.refresh_from_db()
    assert (ahead.status, started.status) == ("scheduled", "held")
    assert "پیش رو:" in html


def test_approving_minutes_from_the_list(client_for, secretariat, kish):
    meeting = make_meeting(zones=[kish], status="in_comment", days_ahead=-10)
    client_for(secretariat).post(
        reverse(MEETINGS), {"action": "approve_selected", ACTION_CHECKBOX_NAME: [meeting.pk]}
    )
    meeting.refresh_from_db()
    assert meeting.status == "approved"
    assert meeting.minutes_approved_at is not None


def test_a_held_meetings_page_is_read_with_its_invitees_agenda_and_decisions(client_for, secretariat, kish):
    meeting = approved_meeting(kish, reference="1405-08")
    meeting.invitees.update(answer="attending", attendance="present", attended_by="علی کریمی")
    make_decision(meeting, text="برپایی محفل قرآنی مشترک")
    html = (
        client_for(secretariat).get(reverse("admin:coordination_meeting_change", args=[meeting.pk])).content
    )
    html = html.decode()
    assert "علی کریمی" in html
    assert "۱۴۰۵-۰۸/۱" in html
    assert "برپایی محفل قرآنی مشترک" in html
    assert 'name="title"' not in html  # no longer scheduled: read, not changed
    assert 'name="status"' not in html


# Action items --------------------------------------------------------------------------------------


def test_the_action_item_list_marks_the_overdue_and_filters_by_zone(client_for, secretariat, kish, qeshm):
    decision = make_decision(approved_meeting(kish, qeshm, reference="1405-07"))
    make_action_item(decision, zone=kish, due_in_days=-9, description="اقدام معوق کیش")
    make_action_item(decision, zone=qeshm, due_in_days=9, description="اقدام باز قشم")
    client = client_for(secretariat)
    html = client.get(reverse(ACTION_ITEMS)).content.decode()
    assert "۱۴۰۵-۰۷/۱" in html
    assert "⚠" in html
    assert html.index("اقدام معوق کیش") < html.index("اقدام باز قشم")  # overdue first
    filtered = client.get(reverse(ACTION_ITEMS) + f"?zone__id__exact={qeshm.pk}").content.decode()
    assert "اقدام باز قشم" in filtered
    assert "اقدام معوق کیش" not in filtered


def test_dropping_asks_for_a_reason_and_reopening_brings_it_back(client_for, secretariat, kish):
    item = make_action_item(make_decision(approved_meeting(kish)), zone=kish)
    client = client_for(secretariat)
    base = {ACTION_CHECKBOX_NAME: [item.pk], "apply": "1"}
    client.post(
        reverse(ACTION_ITEMS), {**base, "action": "drop_selected", "reason": "با مصوبه بعدی منتفی شد"}
    )
    item.refresh_from_db()
    assert (item.status, item.drop_reason) == ("dropped", "با مصوبه بعدی منتفی شد")
    assert "اقدام آزمایشی" not in client.get(reverse(ACTION_ITEMS)).content.decode()  # the dropped leave
    dropped = reverse(ACTION_ITEMS) + "?dropped=yes"
    assert "منتفی" not in client.get(dropped).content.decode()  # the reason is on the item's page
    assert "اقدام آزمایشی" in client.get(dropped).content.decode()
    client.post(dropped, {**base, "action": "reopen_selected", "reason": "شورا دوباره خواست"})
    item.refresh_from_db()
    assert item.status == "open"


def test_marking_done_in_the_admin_needs_evidence_and_keeps_the_file_by_name(client_for, secretariat, kish):
    item = make_action_item(make_decision(approved_meeting(kish)), zone=kish)
    client = client_for(secretariat)
    url = reverse("admin:coordination_actionitem_change", args=[item.pk])
    management = {"status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"}
    response = client.post(url, {**management, "complete": "on", "evidence_note": ""}, follow=True)
    assert (
        in_persian("To mark it done, give evidence: a note, a link or a file.") in response.content.decode()
    )
    item.refresh_from_db()
    assert item.status == "open"
    upload = SimpleUploadedFile("گزارش برگزاری.pdf", PDF)
    response = client.post(
        url, {**management, "complete": "on", "evidence_note": "برگزار شد", "evidence_file": upload}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", timezone.localdate())
    assert item.status_changes.last().changed_by == secretariat
    page = client.get(url).content.decode()
    evidence = reverse("coordination:action-item-evidence", args=[item.pk])
    assert f'<a href="{evidence}">{item.evidence_file_name}</a>' in page
    assert "private/" not in page


def test_a_dropped_items_evidence_file_still_reads_as_its_name(client_for, secretariat, kish, kish_deputy):
    from coordination.services import minutes

    item = make_action_item(make_decision(approved_meeting(kish)), zone=kish)
    minutes.report_action_item(kish_deputy, item, evidence_file=SimpleUploadedFile("نیمه‌کار.pdf", PDF))
    minutes.drop_action_item(secretariat, item, "منتفی شد")
    page = client_for(secretariat).get(reverse("admin:coordination_actionitem_change", args=[item.pk]))
    html = page.content.decode()
    assert f'<a href="{reverse("coordination:action-item-evidence", args=[item.pk])}">نیمه‌کار.pdf</a>' in html
    assert "private/" not in html
    assert 'name="evidence_note"' not in html  # dropped: read, not changed


# Circulars ----------------------------------------------------------------------------------------


def test_writing_and_sending_a_circular_in_the_admin(client_for, secretariat, kish, qeshm):
    client = client_for(secretariat)
    data = {
        "kind": "instruction",
        "title": "دستورالعمل گزارش‌دهی فصلی",
        "body": "متن",
        "acknowledge_by": input_date(timezone.localdate() + dt.timedelta(days=10), "fa"),
        "zones": [kish.pk, qeshm.pk],
        "file": SimpleUploadedFile("دستورالعمل.pdf", PDF),
        **NO_INLINE_ROWS,
    }
    response = client.post(reverse("admin:coordination_circular_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    circular = Circular.objects.get()
    assert (circular.status, circular.number) == ("draft", "")
    assert circular.created_by == secretariat
    assert set(circular.recipients.values_list("zone__slug", flat=True)) == {"kish", "qeshm"}
    page = client.get(reverse("admin:coordination_circular_change", args=[circular.pk])).content.decode()
    assert f'<a href="{reverse("coordination:circular-file", args=[circular.pk])}">' in page
    assert "private/" not in page
    client.post(reverse(CIRCULARS), {"action": "send_selected", ACTION_CHECKBOX_NAME: [circular.pk]})
    circular.refresh_from_db()
    assert circular.status == "sent"
    assert circular.number.endswith("/1")
    sent = client.get(reverse("admin:coordination_circular_change", args=[circular.pk])).content.decode()
    assert f'<a href="{reverse("coordination:circular-file", args=[circular.pk])}">' in sent
    assert "private/" not in sent
    assert 'type="file"' not in sent  # sent: kept as the zones received it


def test_the_circular_list_counts_acknowledgements_and_the_page_names_who(
    client_for, secretariat, kish, qeshm, kish_deputy
):
    circular = make_circular(zones=[kish, qeshm], title="بخشنامه نوروزی")
    circular_services.acknowledge_circular(kish_deputy, circular.recipients.get(zone=kish))
    client = client_for(secretariat)
    listing = client.get(reverse(CIRCULARS)).content.decode()
    assert "۱/۲" in listing
    page = client.get(reverse("admin:coordination_circular_change", args=[circular.pk])).content.decode()
    assert "علی کریمی" in page
    assert 'name="title"' not in page  # sent: kept as the zones received it
    assert "private/" not in page


def test_withdrawing_a_circular_asks_why(client_for, secretariat, kish):
    circular = make_circular(zones=[kish])
    client_for(secretariat).post(
        reverse(CIRCULARS),
        {
            "action": "withdraw_selected",
            ACTION_CHECKBOX_NAME: [circular.pk],
            "apply": "1",
            "reason": "اصلاح متن",
        },
    )
    circular.refresh_from_db()
    assert (circular.status, circular.withdrawal_reason) == ("withdrawn", "اصلاح متن")


# Who reaches it --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MEETINGS, ACTION_ITEMS, CIRCULARS])
def test_nobody_but_the_secretariat_reaches_the_desks_admin(
    client_for, kish, kish_deputy, art_bureau_partner, secretariat, url
):
    meeting = make_meeting(zones=[kish], title="نشست محرمانه", status="approved", days_ahead=-5)
    make_action_item(make_decision(meeting), zone=kish, description="اقدام محرمانه")
    make_circular(zones=[kish], title="بخشنامه محرمانه")
    for person in (kish_deputy, art_bureau_partner):
        response = client_for(person).get(reverse(url))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        assert "محرمانه" not in response.content.decode()


def test_the_secretariat_without_its_second_step_is_sent_to_confirm_it(secretariat, kish):
    from django.test import Client

    make_meeting(zones=[kish], title="نشست محرمانه")
    client = Client()
    client.force_login(secretariat)
    response = client.get(reverse(MEETINGS))
    assert response.status_code == 302
    assert "محرمانه" not in response.content.decode()


# What the lists cost -------------------------------------------------------------------------------


def fill(count: int, zones, institution) -> None:
    for number in range(count):
        meeting = make_meeting(
            zones=zones, institutions=[institution], status="approved", days_ahead=-number - 1
        )
        decision = make_decision(meeting)
        make_action_item(decision, zone=zones[number % len(zones)], due_in_days=number - 3)
        make_action_item(decision, institution=institution)
        make_action_item(decision)
        circular = make_circular(zones=zones)
        circular.recipients.filter(zone=zones[0]).update(
            acknowledged_at=timezone.now(), acknowledged_by_name="x"
        )


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize(("url", "queries"), [(MEETINGS, 9), (ACTION_ITEMS, 10), (CIRCULARS, 7)])
def test_each_list_runs_a_fixed_number_of_queries(
    client_for, secretariat, kish, qeshm, art_bureau, count, url, queries, django_assert_num_queries
):
    fill(count, [kish, qeshm], art_bureau)
    client = client_for(secretariat)
    client.get(reverse(url))
    with django_assert_num_queries(queries):
        assert client.get(reverse(url)).status_code == 200


def test_the_demo_desk_opens_in_the_admin(settings, client_for):
    """Every page of the demo's records opens: the widgets, inlines and displays hold on real data."""
    from io import StringIO

    from django.core.management import call_command

    from zones_portal.models import User

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client = client_for(User.objects.get(username="secretariat"))
    for url in (MEETINGS, ACTION_ITEMS, CIRCULARS):
        assert client.get(reverse(url)).status_code == 200
    for model, records in (
        ("meeting", Meeting.objects.all()[:3]),
        ("actionitem", ActionItem.objects.exclude(evidence_note="")[:3]),
        ("circular", Circular.objects.all()),
    ):
        for record in records:
            response = client.get(reverse(f"admin:coordination_{model}_change", args=[record.pk]))
            assert response.status_code == 200
