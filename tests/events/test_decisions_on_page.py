"""Decisions where the event is (issue 15): approve, reject and cancel on the event's own page, in the
admin and on the dashboard, for the secretariat alone; submitted events first in the admin's list; a
draft's zones shown as invitations still to be sent."""

import pytest
from django.urls import reverse

from events.models import Event, StatusChange
from tests.factories import make_event
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db

REJECT_REASON_MISSING = "دلیل رد رویداد را بنویسید تا منطقه بتواند آن را اصلاح کند."
ONLY_SUBMITTED_APPROVED = "فقط رویداد ارسال‌شده را می‌توان تأیید کرد."


def decide_url(event, move):
    return reverse("events:decide", args=[event.pk, move])


def admin_decide_url(event, move):
    return reverse("admin:events_event_decide", args=[event.pk, move])


def offered(html, event, url=decide_url):
    """The decisions whose forms (or buttons) the page offers for ``event``."""
    return [move for move in ("approve", "reject", "cancel") if f'"{url(event, move)}"' in html]


def moves_of(event):
    return list(StatusChange.objects.filter(event=event).values_list("from_status", "to_status", "reason"))


# The dashboard's event page.


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("submitted", ["approve", "reject", "cancel"]),
        ("approved", ["cancel"]),
        ("rejected", []),
        ("cancelled", []),
    ],
)
def test_the_secretariat_sees_the_decisions_the_rules_allow(client_for, secretariat, kish, status, expected):
    event = make_event(kish, status=status)
    html = client_for(secretariat).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert offered(html, event) == expected
    if expected:
        assert 'id="decision"' in html
        assert "csrfmiddlewaretoken" in html


def test_an_approved_event_that_has_ended_offers_no_cancel(client_for, secretariat, kish):
    event = make_event(kish, status="approved", starts_in_days=-2)
    html = client_for(secretariat).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert offered(html, event) == []


def test_the_host_zones_deputy_sees_no_decision(client_for, kish_deputy, qeshm_deputy, kish, qeshm):
    event = make_event(kish, status="submitted", invite=(qeshm,))
    for person in (kish_deputy, qeshm_deputy):
        html = client_for(person).get(reverse("events:detail", args=[event.pk])).content.decode()
        assert offered(html, event) == []
        assert 'id="decision"' not in html


@pytest.mark.parametrize("move", ["approve", "reject", "cancel"])
def test_a_deputy_posting_a_decision_is_refused(client_for, kish_deputy, kish, move):
    event = make_event(kish, status="submitted")
    client = client_for(kish_deputy)
    assert client.get(decide_url(event, move)).status_code == 403
    response = client.post(decide_url(event, move), {f"{move}-reason": "دلیل"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.status == "submitted"
    assert moves_of(event) == []


def test_another_zones_draft_stays_hidden_from_a_deputy(client_for, qeshm_deputy, kish):
    event = make_event(kish, status="draft")
    assert client_for(qeshm_deputy).post(decide_url(event, "cancel"), {}).status_code == 404


def test_an_unknown_decision_is_not_found(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    assert client_for(secretariat).post(decide_url(event, "publish"), {}).status_code == 404


def test_the_secretariat_approves_from_the_event_page(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    response = client_for(secretariat).post(decide_url(event, "approve"), {})
    assert response.status_code == 302
    assert response.url == reverse("events:detail", args=[event.pk])
    event.refresh_from_db()
    assert event.status == "approved"
    assert moves_of(event) == [("submitted", "approved", "")]
    assert StatusChange.objects.get(event=event).changed_by == secretariat


def test_a_reject_without_a_reason_is_asked_again_and_nothing_changes(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    response = client.post(decide_url(event, "reject"), {"reject-reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert REJECT_REASON_MISSING in html
    assert 'name="reject-reason"' in html
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("submitted", "")
    assert moves_of(event) == []

    response = client.post(decide_url(event, "reject"), {"reject-reason": "هم‌زمان با جشنواره قشم است"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("rejected", "هم‌زمان با جشنواره قشم است")
    assert moves_of(event) == [("submitted", "rejected", "هم‌زمان با جشنواره قشم است")]


def test_cancelling_an_approved_event_records_the_reason(client_for, secretariat, kish):
    event = make_event(kish, status="approved")
    client = client_for(secretariat)
    assert 'name="cancel-reason"' in client.get(decide_url(event, "cancel")).content.decode()
    client.post(decide_url(event, "cancel"), {"cancel-reason": "سالن در دسترس نیست"})
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("cancelled", "سالن در دسترس نیست")
    assert moves_of(event) == [("approved", "cancelled", "سالن در دسترس نیست")]


def test_a_decision_that_no_longer_fits_comes_back_with_the_services_reason(client_for, secretariat, kish):
    event = make_event(kish, status="approved")
    response = client_for(secretariat).post(decide_url(event, "approve"), {}, follow=True)
    assert ONLY_SUBMITTED_APPROVED in response.content.decode()
    event.refresh_from_db()
    assert event.status == "approved"
    assert moves_of(event) == []


def test_the_confirmation_page_reads_in_the_readers_language(client_for, secretariat, kish):
    secretariat.language = "en"
    secretariat.save()
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    approve = client.get(decide_url(event, "approve")).content.decode()
    assert "Approve this event?" in approve
    assert "reason" not in approve.lower().split("<form", 1)[1].split("</form>", 1)[0]
    response = client.post(decide_url(event, "reject"), {"reject-reason": ""})
    assert "Say why the event is rejected, so the zone can put it right." in response.content.decode()
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    # Two reason boxes on one page, each labelled for its own decision.
    assert '<label for="id_reject-reason">Reason for rejection' in page
    assert '<label for="id_cancel-reason">Reason for cancellation' in page


@pytest.mark.parametrize("invited", [1, 6])
def test_the_event_page_costs_a_bounded_number_of_queries(
    client_for, secretariat, kish, invited, django_assert_max_num_queries
):
    """The decisions add no query: the page costs the same with one invited zone or six, and clashes."""
    others = list(Zone.objects.exclude(pk=kish.pk).order_by("pk")[:invited])
    event = make_event(kish, status="submitted", invite=tuple(others))
    for zone in others:  # a same-week clash in each invited zone
        make_event(zone, status="approved", category=event.category.slug)
    client = client_for(secretariat)
    client.get(reverse("events:detail", args=[event.pk]))
    with django_assert_max_num_queries(17):  # 16 today; one to spare for the top bar's own
        html = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert offered(html, event) == ["approve", "reject", "cancel"]
    assert html.count('class="badge answer-invited"') == invited


# A draft's page.


def zones_section(html):
    start = html.index("<h2>", html.index('<div class="grid two">') + 1)
    start = html.index("<h2>", start + 1)  # the second card: the zones
    return html[start : html.index("</section>", start)]


def test_a_drafts_zones_are_shown_as_invitations_still_to_be_sent(client_for, kish_deputy, kish, qeshm):
    kish_deputy.language = "en"
    kish_deputy.save()
    draft = make_event(kish, status="draft", invite=(qeshm,))
    submitted = make_event(kish, status="submitted", invite=(qeshm,))
    client = client_for(kish_deputy)
    zones = zones_section(client.get(reverse("events:detail", args=[draft.pk])).content.decode())
    assert "Zones to invite" in zones
    assert "To be invited when the event is submitted" in zones
    assert "Invited, no answer yet" not in zones
    zones = zones_section(client.get(reverse("events:detail", args=[submitted.pk])).content.decode())
    assert "Participating zones" in zones
    assert "Invited, no answer yet" in zones
    assert "To be invited when the event is submitted" not in zones


# The admin.


@pytest.mark.parametrize(
    ("status", "expected"),
    [("submitted", ["approve", "reject", "cancel"]), ("approved", ["cancel"]), ("rejected", [])],
)
def test_the_admin_change_page_offers_the_decisions_the_rules_allow(
    client_for, secretariat, kish, status, expected
):
    event = make_event(kish, status=status)
    html = client_for(secretariat).get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert offered(html, event, admin_decide_url) == expected


def test_the_admin_approves_after_a_confirmation(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    page = client.get(admin_decide_url(event, "approve"))
    assert page.status_code == 200
    event.refresh_from_db()
    assert event.status == "submitted"  # the button only leads to the confirmation
    response = client.post(admin_decide_url(event, "approve"), {})
    assert response.status_code == 302
    assert response.url == reverse("admin:events_event_change", args=[event.pk])
    event.refresh_from_db()
    assert event.status == "approved"
    assert StatusChange.objects.get(event=event).changed_by == secretariat


def test_the_admin_asks_for_the_reason_of_a_reject(client_for, secretariat, kish):
    event = make_event(kish, status="submitted")
    client = client_for(secretariat)
    response = client.post(admin_decide_url(event, "reject"), {"reject-reason": ""})
    assert response.status_code == 200
    assert REJECT_REASON_MISSING in response.content.decode()
    event.refresh_from_db()
    assert event.status == "submitted"
    client.post(admin_decide_url(event, "reject"), {"reject-reason": "بودجه این فصل تمام شده است"})
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("rejected", "بودجه این فصل تمام شده است")
    assert moves_of(event) == [("submitted", "rejected", "بودجه این فصل تمام شده است")]


def test_the_admin_shows_the_services_refusal_on_the_event(client_for, secretariat, kish):
    event = make_event(kish, status="approved", starts_in_days=-2)
    response = client_for(secretariat).post(
        admin_decide_url(event, "cancel"), {"cancel-reason": "دیر شد"}, follow=True
    )
    assert "فقط رویدادی که هنوز برگزار نشده لغو می‌شود." in response.content.decode()
    event.refresh_from_db()
    assert event.status == "approved"


def test_a_deputy_never_reaches_the_admins_decisions(client_for, kish_deputy, kish):
    event = make_event(kish, status="submitted")
    response = client_for(kish_deputy).post(admin_decide_url(event, "approve"), {})
    assert response.status_code in (302, 403)
    event.refresh_from_db()
    assert event.status == "submitted"


def test_the_admin_list_puts_what_awaits_a_decision_first(client_for, secretariat, kish):
    make_event(kish, status="approved", starts_in_days=1, title="تأییدشده زود")
    make_event(kish, status="submitted", starts_in_days=20, title="ارسالی دیر")
    make_event(kish, status="draft", starts_in_days=5, title="پیش‌نویس میانه")
    make_event(kish, status="submitted", starts_in_days=10, title="ارسالی زود")
    html = client_for(secretariat).get(reverse("admin:events_event_changelist")).content.decode()
    titles = ["ارسالی زود", "ارسالی دیر", "تأییدشده زود", "پیش‌نویس میانه"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert Event.objects.count() == 4


def test_a_secretariat_session_without_the_second_step_is_sent_to_it_before_deciding(
    client, secretariat, kish
):
    """A password alone must not approve for every zone on the dashboard when it cannot in the admin."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    event = make_event(kish, status="submitted")
    client.force_login(secretariat)
    response = client.post(decide_url(event, "approve"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))
    TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    response = client.post(decide_url(event, "approve"))
    assert response["Location"].startswith(reverse("twofactor:code"))
    event.refresh_from_db()
    assert event.status == "submitted"
    assert moves_of(event) == []
