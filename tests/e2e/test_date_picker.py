import datetime as dt

import jdatetime
import pytest
from django.utils import timezone

from events.models import Event
from tests.factories import TEST_PASSWORD, zone_user
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_deputy_picks_a_jalali_date_from_the_calendar(live_server, chromium):
    zone_user(Zone.objects.get(slug="qeshm"), username="qeshm-e2e")
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    month_index = today.year * 12 + today.month - 1 + 2
    expected = jdatetime.date(month_index // 12, month_index % 12 + 1, 15)

    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "qeshm-e2e")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/events/new/")
        page.fill("#id_title", "نمایشگاه عکس قشم")
        page.select_option("#id_category", label="نمایشگاه")
        page.click("#id_starts_at_0")
        picker = page.locator(".datepicker").first
        picker.wait_for(state="visible")
        picker.locator(".datepicker-next").click()
        picker.locator(".datepicker-next").click()
        picker.locator(".datepicker-day", has_text="۱۵").first.click()
        picked = page.input_value("#id_starts_at_0")
        page.fill("#id_starts_at_1", "10:00")
        page.fill("#id_ends_at_0", picked)
        page.fill("#id_ends_at_1", "18:00")
        page.click("button.primary")
        page.wait_for_selector("h1:has-text('نمایشگاه عکس قشم')")

    assert picked.endswith("/۱۵")
    event = Event.objects.get(title="نمایشگاه عکس قشم")
    assert timezone.localtime(event.starts_at).date() == expected.togregorian()
    assert timezone.localtime(event.starts_at).time() == dt.time(10, 0)
