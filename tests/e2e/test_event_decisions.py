"""Decisions where the event is, and conflict warnings while the form is filled (issue 15), in Chromium."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, StatusChange
from tests.factories import TEST_PASSWORD, make_event, secretariat_user, zone_user
from zones_portal.dates import input_date
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base_url: str, username: str, code: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button.primary")
    if code is not None:  # the second step
        page.wait_for_selector("#id_code")
        page.fill("#id_code", code)
        page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def test_the_secretariat_rejects_without_a_reason_then_approves_from_the_event_page(live_server, chromium):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zones_portal.twofactor.services import current_code

    officer = secretariat_user(username="officer-e2e", first_name="سارا", last_name="امینی")
    # A decision for every zone asks for the second step, as the admin does: the officer has an app.
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    code = current_code(device)
    kish = Zone.objects.get(slug="kish")
    event = make_event(kish, status="submitted", title="جشنواره فیلم کوتاه کیش")
    detail = f"{live_server.url}/events/{event.pk}/"

    with chromium() as page:
        log_in(page, live_server.url, "officer-e2e", code=code)
        page.goto(detail)
        page.wait_for_selector(".status-submitted")
        decisions = page.locator("#decision")
        assert decisions.locator("button").count() == 3

        # A reject without a reason: the decision's page asks for it, and nothing changes.
        decisions.locator("form.decision-reject button").click()
        page.wait_for_selector(".field.has-error")
        asked_again = page.url
        page.goto(detail)
        still_submitted = page.locator(".status-submitted").count()

        page.locator("#decision form.decision-approve button").click()
        page.wait_for_selector(".status-approved")
        approved_at = page.url
        left = (
            page.locator("#decision form").count(),
            page.locator("#decision form.decision-cancel").count(),
        )

    assert asked_again.endswith(f"/events/{event.pk}/decide/reject/")
    assert still_submitted == 1
    assert approved_at == detail
    assert left == (1, 1)  # an approved event that has not started: only a cancel is left
    event.refresh_from_db()
    assert event.status == "approved"
    change = StatusChange.objects.get(event=event)
    assert (change.from_status, change.to_status, change.changed_by.username) == (
        "submitted",
        "approved",
        "officer-e2e",
    )


def test_the_form_warns_of_a_clash_while_the_dates_are_typed(live_server, chromium):
    kish = Zone.objects.get(slug="kish")
    zone_user(kish, username="kish-e2e-conflicts")
    concert = make_event(kish, status="approved", starts_in_days=20, hours=3, title="کنسرت ساحلی")
    local = timezone.localtime(concert.starts_at + dt.timedelta(hours=1))
    ends = local + dt.timedelta(hours=1)  # may fall on the next day when the suite runs late at night
    day, start, end_day, end = (
        input_date(local, "fa"),
        local.strftime("%H:%M"),
        input_date(ends, "fa"),
        ends.strftime("%H:%M"),
    )

    with chromium() as page:
        log_in(page, live_server.url, "kish-e2e-conflicts")
        page.goto(f"{live_server.url}/events/new/")
        region = page.locator("#live-conflicts")
        assert region.get_attribute("aria-live") == "polite"
        page.fill("#id_title", "شب شعر")
        page.select_option("#id_category", label="جشنواره")
        page.fill("#id_starts_at_0", day)
        page.fill("#id_starts_at_1", start)
        page.fill("#id_ends_at_0", end_day)
        page.fill("#id_ends_at_1", end)
        page.keyboard.press("Escape")  # the date picker closes
        region.locator("text=کنسرت ساحلی").wait_for()
        warning = region.inner_text()
        # Moving the event a month on clears the warning.
        later = timezone.localtime(concert.starts_at + dt.timedelta(days=30))
        page.fill("#id_starts_at_0", input_date(later, "fa"))
        page.fill("#id_ends_at_0", input_date(later, "fa"))
        region.locator("text=کنسرت ساحلی").wait_for(state="detached")
        cleared = region.inner_text().strip()

    assert "تداخل‌های احتمالی" in warning
    assert cleared == ""
    assert not Event.objects.filter(title="شب شعر").exists()  # nothing was saved to get the warning
