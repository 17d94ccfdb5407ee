"""The search box and page in a real browser: the top bar stays under 100 px at 1366 px, nothing scrolls
sideways at 390 px, in Persian and English, and a phone reaches the search page from the top bar."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from talent.models import Artist
from tests.e2e.conftest import browser  # noqa: F401 - the shared Chromium fixture
from tests.e2e.pages import OVERFLOW, WIDTHS
from tests.exports.register_world import make_business
from tests.factories import make_agreement, make_call, make_event, make_meeting, secretariat_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER_MAX = 100
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.parametrize("language", ["fa", "en"])
def test_search_fits_a_phone_and_a_desktop(live_server, browser, language):  # noqa: F811
    from zones_portal.models import Zone

    kish = Zone.objects.get(slug="kish")
    officer = secretariat_user(username="search-officer", language=language)
    long = "کنسرت موسیقی سنتی با حضور گروه‌های محلی جزیره کیش و هنرمندان مهمان از استان‌های همسایه"
    for number in range(7):
        make_event(kish, status="approved", title=f"{long} {number}")
    make_agreement(zones=(kish,), title="تفاهم‌نامه کنسرت‌های مشترک")
    make_call(title="فراخوان آهنگسازی کنسرت")
    Artist.objects.create(full_name="نوازنده کنسرت", zone=kish)
    make_business(kish, name="کارگاه ساز کنسرت")
    make_meeting(zones=(kish,), title="نشست برنامه‌ریزی کنسرت")
    cookie = session(officer)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        for size in ("desktop", "phone"):
            page.set_viewport_size(WIDTHS[size])
            for path in (
                "/",
                f"/search/?q={quote('كنسرت')}",
                f"/search/?q={quote('كنسرت')}&kind=events",
                "/search/",
            ):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                assert page.get_attribute("html", "lang") == language
                height = page.locator("header.topbar").bounding_box()["height"]
                assert height <= HEADER_MAX, f"{size} {path}: header {height} px"
                measure = page.evaluate(OVERFLOW)
                assert measure["scroll"] <= measure["client"], f"{size} {path}: {measure}"
                name = {"/": "home", "/search/": "search-blank"}.get(path) or (
                    "search-kind" if "kind=" in path else "search-results"
                )
                page.screenshot(
                    path=str(SCREENSHOTS / f"search-{name}-{language}-{size}.png"), full_page=True
                )
            if size == "desktop":
                page.goto(f"{live_server.url}/")
                page.fill("#topbar-q", "كنسرت")
                page.press("#topbar-q", "Enter")
                page.wait_for_url("**/search/?q=*")
                assert page.locator(".search-group").count() == 6
            else:
                page.goto(f"{live_server.url}/")
                assert not page.locator("#topbar-q").is_visible()
                page.click(".topbar-search button")
                page.wait_for_url("**/search/?q=*")
                assert page.locator(".search-form input[type=search]").is_visible()
    finally:
        context.close()
    assert not problems, problems
