"""The whole event journey on a 390-pixel phone (issue 15's "done when"): a deputy signs in, proposes
with Persian digits, submits; the invited zone's deputy answers; the secretariat approves on the event's
page after its second step. No page along the way scrolls sideways."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event, Participation
from tests.e2e.pages import OVERFLOW
from tests.factories import TEST_PASSWORD, secretariat_user, zone_user
from zones_portal.models import Zone
from zones_portal.twofactor.services import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


def test_the_event_journey_on_a_phone(live_server, browser):
    zone_user(Zone.objects.get(slug="kish"), username="kish-phone")
    zone_user(Zone.objects.get(slug="qeshm"), username="qeshm-phone")
    officer = secretariat_user(username="officer-phone")
    code = current_code(TOTPDevice.objects.create(user=officer, name="phone", confirmed=True))
    base = live_server.url
    too_wide: list[str] = []

    def fits(page, step: str) -> None:
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["client"]:
            too_wide.append(f"{step}: {found['scroll']} px ({found['widest']})")

    def signed_in(username: str, second_step: str | None = None):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/accounts/login/")
        fits(page, "login")
        page.fill("#id_username", username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button.primary")
        if second_step is not None:
            page.wait_for_selector("#id_code")
            fits(page, "second step")
            page.fill("#id_code", second_step)
            page.click("button.primary")
        page.wait_for_url(f"{base}/")
        fits(page, f"home of {username}")
        return context, page

    context, page = signed_in("kish-phone")
    page.goto(f"{base}/events/new/")
    fits(page, "event form")
    page.fill("#id_title", "شب شعر در ساحل")
    page.select_option("#id_category", label="اجرا")
    page.fill("#id_venue", "سالن ارغوان")
    page.fill("#id_starts_at_0", "۱۴۰۶/۰۱/۱۵")
    page.fill("#id_starts_at_1", "۱۸:۰۰")
    page.fill("#id_ends_at_0", "۱۴۰۶/۰۱/۱۵")
    page.fill("#id_ends_at_1", "۲۱:۰۰")
    page.check("text=قشم")
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('شب شعر در ساحل')")
    fits(page, "draft page")
    page.click("text=ارسال به دبیرخانه")
    page.wait_for_selector(".status-submitted")
    fits(page, "submitted page")
    event_url = page.url
    context.close()

    context, page = signed_in("qeshm-phone")
    page.goto(event_url.rstrip("/") + "/invitation/")
    fits(page, "invitation form")
    page.check("input[name=answer][value=accepted]")
    page.click("button.primary")
    page.wait_for_url(event_url)
    fits(page, "answered")
    context.close()

    context, page = signed_in("officer-phone", second_step=code)
    page.goto(event_url)
    page.locator("#decision form.decision-approve button").click()
    page.wait_for_selector(".status-approved")
    fits(page, "approved")
    context.close()

    event = Event.objects.get(title="شب شعر در ساحل")
    assert event.status == "approved"
    assert event.participations.get().answer == Participation.Answer.ACCEPTED
    assert too_wide == []
