import pytest

from events.models import Event
from tests.factories import TEST_PASSWORD, zone_user
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_deputy_logs_in_proposes_an_event_and_sees_it_listed(live_server, chromium):
    zone_user(Zone.objects.get(slug="kish"), username="kish-e2e", first_name="علی", last_name="کریمی")

    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.get_attribute("html", "dir") == "rtl"
        page.fill("#id_username", "kish-e2e")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/events/new/")
        page.fill("#id_title", "شب شعر خلیج فارس")
        page.select_option("#id_category", label="اجرا")
        page.fill("#id_venue", "سالن ارغوان")
        page.fill("#id_starts_at_0", "۱۴۰۶/۰۱/۱۵")
        page.fill("#id_starts_at_1", "18:00")
        page.fill("#id_ends_at_0", "۱۴۰۶/۰۱/۱۵")
        page.fill("#id_ends_at_1", "21:00")
        page.check("text=قشم")
        page.click("button.primary")
        page.wait_for_selector("h1:has-text('شب شعر خلیج فارس')")
        assert "۱۵ فروردین ۱۴۰۶" in page.content()

        page.click("text=ارسال به دبیرخانه")
        page.wait_for_selector(".status-submitted")

        page.goto(f"{live_server.url}/events/")
        listed = page.locator("#submitted .event-row", has_text="شب شعر خلیج فارس").count()

    assert listed == 1
    event = Event.objects.get(title="شب شعر خلیج فارس")
    assert (event.status, event.host_zone.slug) == ("submitted", "kish")
    assert [p.zone.slug for p in event.participations.all()] == ["qeshm"]
