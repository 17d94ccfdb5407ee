import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.models import Event
from tests.factories import make_event
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:events_event_changelist"


def test_the_secretariat_approves_from_the_list(client_for, secretariat, kish):
    events = [make_event(kish, status="submitted") for _ in range(2)]
    draft = make_event(kish, status="draft")
    response = client_for(secretariat).post(
        reverse(CHANGELIST),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [e.pk for e in [*events, draft]]},
        follow=True,
    )
    html = response.content.decode()
    assert [Event.objects.get(pk=e.pk).status for e in events] == ["approved", "approved"]
    assert Event.objects.get(pk=draft.pk).status == "draft"
    assert "فقط رویداد ارسال‌شده را می‌توان تأیید کرد." in html
    assert Event.objects.get(pk=events[0].pk).status_changes.get().changed_by == secretariat


def test_rejecting_asks_for_a_reason_first(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    form = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [event.pk]}
    page = client.post(reverse(CHANGELIST), form)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    event.refresh_from_db()
    assert event.status == "submitted"
    client.post(reverse(CHANGELIST), {**form, "apply": "1", "reason": "بودجه این فصل تمام شده است"})
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("rejected", "بودجه این فصل تمام شده است")


def test_an_empty_reason_is_asked_for_again(client_for, secretariat, kish):
    event = make_event(kish, status="approved")
    response = client_for(secretariat).post(
        reverse(CHANGELIST),
        {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [event.pk], "apply": "1", "reason": ""},
    )
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    event.refresh_from_db()
    assert event.status == "approved"


def test_the_csv_export_follows_the_list_filters(client_for, secretariat, kish, qeshm):
    make_event(kish, status="approved", title="کیش تأییدشده", invite=(qeshm,))
    make_event(kish, status="draft", title="کیش پیش‌نویس")
    make_event(qeshm, status="approved", title="قشم تأییدشده")
    response = client_for(secretariat).get(
        reverse("admin:events_event_export") + f"?status__exact=approved&host_zone__id__exact={kish.pk}"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "کیش تأییدشده"
    assert "قشم" in rows[1][4]


def test_conflicts_show_in_the_list_the_filter_and_the_change_page(client_for, secretariat, kish, qeshm):
    a = make_event(kish, status="approved", starts_in_days=9, hours=3, title="الف")
    make_event(kish, status="approved", starts_in_days=9.01, hours=3, title="ب")
    make_event(qeshm, status="approved", starts_in_days=40, category="exhibition", title="بی‌تداخل")
    client = client_for(secretariat)
    filtered = client.get(reverse(CHANGELIST) + "?conflict=overlap").content.decode()
    assert "الف" in filtered
    assert "بی‌تداخل" not in filtered
    change = client.get(reverse("admin:events_event_change", args=[a.pk])).content.decode()
    assert "ب" in change
    assert 'class="warning"' in change


def test_saving_in_the_admin_goes_through_the_rules(client_for, secretariat, kish, qeshm):
    event = make_event(kish, status="submitted", invite=(qeshm,))
    client = client_for(secretariat)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = {
        "title": "عنوان اصلاح‌شده",
        "description": "",
        "category": event.category_id,
        "host_zone": kish.pk,
        "venue": "",
        "starts_at_0": input_date(event.starts_at, "fa"),
        "starts_at_1": "10:00",
        "ends_at_0": input_date(event.starts_at, "fa"),
        "ends_at_1": "12:00",
        "expected_audience": "",
        "participations-TOTAL_FORMS": "2",
        "participations-INITIAL_FORMS": "1",
        "participations-0-id": event.participations.get().pk,
        "participations-0-event": event.pk,
        "participations-0-zone": qeshm.pk,
        "participations-1-event": event.pk,
        "participations-1-zone": kish.pk,  # the host as a participant: refused by the service
        "report-TOTAL_FORMS": "0",
        "report-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = client.post(url, data, follow=True)
    assert "منطقه میزبان نمی‌تواند منطقه شرکت‌کننده هم باشد." in response.content.decode()
    event.refresh_from_db()
    assert event.title != "عنوان اصلاح‌شده"  # nothing of the refused save was kept
    data["participations-TOTAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "عنوان اصلاح‌شده"
    assert event.status == "submitted"


@pytest.mark.parametrize("count", [5, 200])
def test_the_admin_list_runs_a_fixed_number_of_queries(
    client_for, secretariat, kish, count, django_assert_num_queries
):
    for _ in range(count):
        make_event(kish, status="submitted")
    client = client_for(secretariat)
    client.get(reverse(CHANGELIST))
    with django_assert_num_queries(9):  # one of them: the session's two-step device, still there
        assert client.get(reverse(CHANGELIST)).status_code == 200


def test_the_date_filter_counts_months_in_the_jalali_calendar(client_for, secretariat, kish):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    tehran = ZoneInfo("Asia/Tehran")
    last_of_aban = make_event(kish, status="approved", title="سی‌ام آبان")
    first_of_azar = make_event(kish, status="approved", title="یکم آذر")
    for event, moment in (
        (last_of_aban, dt.datetime(2026, 11, 21, 18, tzinfo=tehran)),
        (first_of_azar, dt.datetime(2026, 11, 22, 18, tzinfo=tehran)),
    ):
        event.starts_at, event.ends_at = moment, moment + dt.timedelta(hours=2)
        event.save()
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=tehran), tick=False):
        html = client_for(secretariat).get(reverse(CHANGELIST) + "?starts_at_in=month").content.decode()
    # Azar 1405 began on 22 November: the Gregorian "this month" would have held both.
    assert "یکم آذر" in html
    assert "سی‌ام آبان" not in html


def test_cancelling_from_the_list_spares_an_approved_event_that_has_ended(client_for, secretariat, kish):
    from events.models import StatusChange

    ended = make_event(kish, status="approved", starts_in_days=-2, title="پایان‌یافته")
    ahead = make_event(kish, status="approved", title="پیش رو")
    response = client_for(secretariat).post(
        reverse(CHANGELIST),
        {
            "action": "cancel_selected",
            ACTION_CHECKBOX_NAME: [ended.pk, ahead.pk],
            "apply": "1",
            "reason": "بودجه قطع شد",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "پایان‌یافته: فقط رویدادی که هنوز برگزار نشده لغو می‌شود." in html
    ended.refresh_from_db()
    ahead.refresh_from_db()
    assert (ended.status, ahead.status) == ("approved", "cancelled")
    assert not StatusChange.objects.filter(event=ended).exists()
    assert ahead.status_changes.get().changed_by == secretariat
