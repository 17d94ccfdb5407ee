import datetime as dt
import re

import jdatetime
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event
from tests.factories import TEST_PASSWORD, make_call, zone_user
from zones_portal.dates import persian_digits
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


# The picker for the rest of the tests: each signs in with a session cookie made before the browser opens.


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def signed_in(page, live_server, session: str) -> None:
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def open_picker(page, selector: str):
    page.click(selector)
    picker = page.locator(f"{selector} + .datepicker")
    picker.wait_for(state="visible")
    return picker


FOCUSED_LABEL = "() => document.activeElement.getAttribute('aria-label')"
FOCUSED_ID = "() => document.activeElement.id"


def test_a_birth_date_decades_back_is_two_choices_away(live_server, chromium):
    call = make_call(opens_in_days=-1, closes_in_days=20)
    this_year = jdatetime.date.fromgregorian(date=timezone.localdate()).year
    with chromium() as page:
        page.goto(f"{live_server.url}{reverse('talent:apply', args=[call.pk])}")
        picker = open_picker(page, "#id_birth_date")
        years = picker.locator(".datepicker-year option")
        first, last = years.first.inner_text(), years.last.inner_text()
        picker.locator(".datepicker-year").select_option("1385")
        picker.locator(".datepicker-month").select_option(label="مهر")
        picker.get_by_role("button", name="۱۲ مهر ۱۳۸۵").click()
        picked = page.input_value("#id_birth_date")
        closed = picker.is_hidden()

    assert (first, last) == ("۱۳۰۰", persian_digits(str(this_year + 10)))
    assert picked == "۱۳۸۵/۰۷/۱۲"
    assert closed


def test_the_end_opens_on_the_starts_month_and_refuses_earlier_days(live_server, chromium):
    session = session_for(zone_user(Zone.objects.get(slug="kish"), username="kish-span"))
    with chromium() as page:
        signed_in(page, live_server, session)
        page.goto(f"{live_server.url}/events/new/")
        page.fill("#id_starts_at_0", "۱۴۰۵/۱۱/۱۰")
        page.keyboard.press("Tab")  # typed, not picked: on to the next field, the picker closes
        picker = open_picker(page, "#id_ends_at_0")
        shown = (
            picker.locator(".datepicker-year").input_value(),
            picker.locator(".datepicker-month").input_value(),
        )
        before = picker.get_by_role("button", name=re.compile(" ۹ بهمن ۱۴۰۵$"))
        start = picker.get_by_role("button", name=re.compile(" ۱۰ بهمن ۱۴۰۵$"))
        refused = (
            before.is_disabled(),
            start.is_disabled(),
            picker.locator(".datepicker-previous").is_disabled(),
        )
        dey = picker.locator(".datepicker-month option[value='10']").is_disabled()
        picker.get_by_role("button", name=re.compile(" ۱۲ بهمن ۱۴۰۵$")).click()
        picked = page.input_value("#id_ends_at_0")

    assert shown == ("1405", "11")
    assert refused == (True, False, True)
    assert dey, "the months before the start's are not offered"
    assert picked == "۱۴۰۵/۱۱/۱۲"


def test_the_keyboard_moves_through_the_days_picks_and_closes(live_server, chromium):
    session = session_for(zone_user(Zone.objects.get(slug="kish"), username="kish-keys"))
    with chromium() as page:
        signed_in(page, live_server, session)
        page.goto(f"{live_server.url}/events/new/")
        page.fill("#id_starts_at_0", "۱۴۰۵/۰۹/۰۷")
        picker = page.locator("#id_starts_at_0 + .datepicker")
        page.keyboard.press("ArrowDown")  # from the input into the month, on its date
        on_the_date = page.evaluate(FOCUSED_LABEL)
        page.keyboard.press("ArrowLeft")  # right to left: the next day is to the left
        next_day = page.evaluate(FOCUSED_LABEL)
        page.keyboard.press("ArrowDown")
        week_later = page.evaluate(FOCUSED_LABEL)
        page.keyboard.press("PageDown")
        month_later = page.evaluate(FOCUSED_LABEL)
        page.keyboard.press("PageUp")
        page.keyboard.press("Enter")
        picked = page.input_value("#id_starts_at_0")
        after_pick = (picker.is_hidden(), page.evaluate(FOCUSED_ID))

        page.keyboard.press("ArrowDown")
        reopened = picker.is_visible()
        page.keyboard.press("Escape")
        after_escape = (picker.is_hidden(), page.evaluate(FOCUSED_ID))

    assert on_the_date == "شنبه ۷ آذر ۱۴۰۵"
    assert next_day == "یکشنبه ۸ آذر ۱۴۰۵"
    assert week_later == "یکشنبه ۱۵ آذر ۱۴۰۵"
    assert month_later == "سه\u200cشنبه ۱۵ دی ۱۴۰۵"
    assert picked == "۱۴۰۵/۰۹/۱۵"
    assert after_pick == (True, "id_starts_at_0")
    assert reopened
    assert after_escape == (True, "id_starts_at_0")


INSIDE = """(picker) => {
  const box = picker.getBoundingClientRect();
  return {
    inside: box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight,
    scrolls: document.documentElement.scrollWidth > window.innerWidth,
    uncovered: picker.previousElementSibling.getBoundingClientRect().bottom <= box.top,
  };
}"""


def test_on_a_phone_the_open_picker_is_inside_the_screen(live_server, chromium):
    session = session_for(zone_user(Zone.objects.get(slug="kish"), username="kish-phone"))
    with chromium() as page:
        signed_in(page, live_server, session)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/events/new/")
        page.fill("#id_starts_at_0", "۱۴۰۵/۱۱/۱۰")
        page.keyboard.press("Tab")  # typed, not picked: on to the next field, the picker closes
        measured = {}
        for selector in ("#id_starts_at_0", "#id_ends_at_0"):
            picker = open_picker(page, selector)
            measured[selector] = picker.evaluate(INSIDE)
            page.keyboard.press("Escape")

    assert measured == {
        selector: {"inside": True, "scrolls": False, "uncovered": True} for selector in measured
    }


def test_every_part_of_the_start_and_end_has_a_name(live_server, chromium):
    persian = session_for(zone_user(Zone.objects.get(slug="kish"), username="kish-names"))
    english = session_for(zone_user(Zone.objects.get(slug="qeshm"), username="qeshm-names", language="en"))
    names = {}
    for language in ("fa", "en"):
        with translation.override(language):
            parts = {0: gettext("%(label)s: date"), 1: gettext("%(label)s: time")}
            labels = {"starts_at": gettext("Starts"), "ends_at": gettext("Ends")}
            names[language] = {
                f"id_{field}_{part}": parts[part] % {"label": label}
                for field, label in labels.items()
                for part in parts
            }
    found = {}
    with chromium() as page:
        for language, session in (("fa", persian), ("en", english)):
            page.context.clear_cookies()
            signed_in(page, live_server, session)
            page.goto(f"{live_server.url}/events/new/")
            for input_id, name in names[language].items():
                labelled = page.get_by_label(name, exact=True)
                found[(language, input_id)] = (labelled.count(), labelled.first.get_attribute("id"))
        # English keeps the browser's date input, which takes the start as its earliest day.
        page.fill("#id_starts_at_0", "2026-12-10")
        earliest = page.get_attribute("#id_ends_at_0", "min")

    assert found == {
        (language, input_id): (1, input_id) for language in names for input_id in names[language]
    }
    assert earliest == "2026-12-10"
