"""Every dashboard page fits a phone (390 px), a tablet (820 px) and a desktop (1366 px) without sideways scrolling, for a
deputy, the secretariat and a juror (issue 15); the juror's menu offers no page that would refuse them.
Screenshots of every page go to var/screenshots/ (gitignored), to look at by eye."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from agreements.models import Agreement
from events.models import Event
from tests.conftest import confirm_with_code
from tests.factories import UserFactory, make_call, zone_user
from zones_portal.models import User, Zone
from zones_portal.permissions import can_use_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 820, "height": 1180},
    "desktop": {"width": 1366, "height": 900},
}
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
# How far the page is wider than the window, and which element sticks out furthest (to name it).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  let widest = "";
  if (scroll > width) {
    // A page scrolls towards its end: leftwards in right-to-left, rightwards in left-to-right.
    const rtl = document.documentElement.dir === "rtl";
    let most = width;
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      const out = rtl ? width - box.left : box.right;
      if (out > most && box.width > 0) {
        most = out;
        widest = element.tagName.toLowerCase() + (element.className ? "." + String(element.className).split(" ").join(".") : "");
      }
    }
  }
  return {width, scroll, widest};
}"""

# On the event form: the date and time inputs that stick out of their card, and an open picker that
# sticks out of the window.
CONTAINED = """() => {
  const card = document.querySelector(".form-card").getBoundingClientRect();
  const stray = [];
  for (const input of document.querySelectorAll(".datetime-input input")) {
    const box = input.getBoundingClientRect();
    if (box.left < card.left || box.right > card.right) stray.push(input.id + " outside its card");
  }
  for (const picker of document.querySelectorAll(".datepicker:not([hidden])")) {
    const box = picker.getBoundingClientRect();
    if (box.left < 0 || box.right > window.innerWidth) stray.push("the date picker outside the window");
  }
  return stray;
}"""


def session_of(username: str) -> str:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if can_use_admin(user):
        confirm_with_code(client, user)
    return client.cookies["sessionid"].value


def test_every_main_page_fits_a_phone_and_a_desktop(live_server, chromium):
    call_command("seed_demo", "--force", stdout=StringIO())
    zone_user(Zone.objects.get(slug="kish"), username="kish-english", language="en")  # left to right
    event = Event.objects.filter(host_zone__slug="kish").order_by("pk").first()
    agreement = Agreement.objects.filter(parties__zone__slug="kish").order_by("pk").first()
    dashboard = [
        "/",
        "/events/",
        f"/events/{event.pk}/",
        "/events/new/",
        "/events/calendar/",
        "/agreements/",
        f"/agreements/{agreement.pk}/",
        "/talent/",
        "/notifications/",
        "/notifications/preferences/",
    ]
    visits = {
        "deputy-kish": [*dashboard, "/scorecard/", "/talent/network/"],
        "secretariat": [*dashboard, "/scorecard/", "/talent/network/"],
        "kish-english": [*dashboard, "/scorecard/"],
        # A juror proposes no event and is party to no agreement: their pages are the shared ones.
        "juror-1": [
            "/",
            "/events/",
            f"/events/{event.pk}/",
            "/events/calendar/",
            "/agreements/",
            "/talent/",
            "/talent/jury/",
            "/notifications/",
            "/notifications/preferences/",
        ],
    }
    sessions = {name: session_of(name) for name in visits}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []
    too_tall: list[str] = []
    outside: list[str] = []
    refused: list[str] = []
    with chromium() as page:
        for username, paths in visits.items():
            page.context.clear_cookies()
            page.context.add_cookies(
                [{"name": "sessionid", "value": sessions[username], "url": live_server.url}]
            )
            for size, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                for path in paths:
                    response = page.goto(f"{live_server.url}{path}")
                    if response is None or response.status != 200:
                        refused.append(f"{username} {path}: {response and response.status}")
                        continue
                    page.wait_for_load_state("networkidle")
                    header = page.locator("header.topbar").bounding_box()
                    if header["height"] > 100:
                        too_tall.append(f"{username} {size} {path}: the header is {header['height']} px tall")
                    if (
                        path == "/events/new/"
                    ):  # the date and time inside the card, the picker inside the window
                        if page.locator("input.jalali-date").count():  # the picker is for Persian dates
                            page.click("#id_starts_at_0")
                            page.locator(".datepicker").first.wait_for(state="visible")
                        outside.extend(f"{username} {size}: {name}" for name in page.evaluate(CONTAINED))
                    name = f"{username}-{size}-{path.strip('/').replace('/', '-') or 'home'}.png"
                    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
                    measure = page.evaluate(OVERFLOW)
                    if measure["scroll"] > measure["width"]:
                        too_wide.append(
                            f"{username} {size} {path}: {measure['scroll']} > {measure['width']} ({measure['widest']})"
                        )
    assert not refused, "\n".join(refused)
    assert not too_wide, "\n".join(too_wide)
    assert not too_tall, "\n".join(too_tall)
    assert not outside, "\n".join(outside)


def test_a_jurors_menu_offers_no_page_that_refuses_them(live_server, chromium):
    juror = UserFactory(username="juror-menu")
    make_call(jurors=[juror])
    session = session_of("juror-menu")
    with chromium() as page:
        page.set_viewport_size(WIDTHS["phone"])
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto(f"{live_server.url}/")
        menu = page.locator("nav.mainnav a")
        targets = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
        closed = page.locator("nav.mainnav").is_visible()
        page.click(".menu-toggle summary")
        opened = page.locator("nav.mainnav").is_visible()
        statuses = {href: page.request.get(f"{live_server.url}{href}").status for href in targets}
    assert "/talent/jury/" in targets
    assert "/talent/network/" not in targets
    assert "/scorecard/" not in targets
    assert statuses == dict.fromkeys(targets, 200)
    assert (closed, opened) == (False, True), "on a phone the menu opens from its button"
