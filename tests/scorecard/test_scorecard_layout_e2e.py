"""The scorecard in a browser at 390 px and at 1366 px (issue 15): the page never scrolls sideways; the
table scrolls in its own box, says so, and keeps the zone column in view; no two month names of a trend
chart overlap; and the printed page holds the whole table. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.conftest import confirm_with_code
from tests.e2e.conftest import chromium  # noqa: F401 - the fixture, used by name
from tests.factories import secretariat_user, zone_user
from tests.scorecard.test_scorecard import held_event
from zones_portal.models import Zone
from zones_portal.permissions import can_use_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"

# The page's width against the window's, and the table box's.
MEASURE = """() => {
  const box = document.querySelector(".score-scroll");
  const hint = document.querySelector(".scroll-hint");
  return {
    window: window.innerWidth,
    page: document.documentElement.scrollWidth,
    box: box.clientWidth,
    table: box.scrollWidth,
    hint: hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).display !== "none",
  };
}"""

# Scrolls the table box to its far end, then says where the first row's zone cell is against the box.
SCROLLED = """() => {
  const box = document.querySelector(".score-scroll");
  box.scrollLeft = document.documentElement.dir === "rtl" ? -box.scrollWidth : box.scrollWidth;
  box.dispatchEvent(new Event("scroll"));
  const frame = box.getBoundingClientRect();
  const zone = box.querySelector("tbody th.first").getBoundingClientRect();
  const lastCell = box.querySelector("tbody tr td:last-child").getBoundingClientRect();
  return {
    moved: Math.abs(box.scrollLeft),
    zoneInside: zone.left >= frame.left - 1 && zone.right <= frame.right + 1,
    lastInside: lastCell.left >= frame.left - 1 && lastCell.right <= frame.right + 1,
    scrolledClass: box.closest(".score-table").classList.contains("scrolled"),
  };
}"""

# The month names a reader sees under each trend chart: any two that touch, and any outside the chart.
MONTH_NAMES = """() => {
  const problems = [];
  let shown = 0;
  for (const svg of document.querySelectorAll("svg.trend-chart")) {
    const chart = svg.getBoundingClientRect();
    const names = [...svg.querySelectorAll("text.month")]
      .filter((text) => getComputedStyle(text).display !== "none")
      .map((text) => ({ label: text.textContent, box: text.getBoundingClientRect() }))
      .sort((a, b) => a.box.left - b.box.left);
    shown += names.length;
    names.forEach(({ label, box }, index) => {
      if (box.left < chart.left - 1 || box.right > chart.right + 1) problems.push(`${label} outside the chart`);
      const next = names[index + 1];
      if (next && next.box.left < box.right) problems.push(`${label} touches ${next.label}`);
    });
  }
  return { shown, problems };
}"""


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    if can_use_admin(user):
        confirm_with_code(client, user)
    return client.cookies["sessionid"].value


def problems_of(page, where: str, size: str, trend: bool) -> list[str]:
    """What is wrong with the page on show: a page wider than the window, a hint that does not match
    the table, a zone column that scrolls away, month names that touch."""
    problems = []
    seen = page.evaluate(MEASURE)
    if seen["page"] > seen["window"]:
        problems.append(f"{where}: the page is {seen['page']} px wide in {seen['window']}")
    scrolls = seen["table"] > seen["box"] + 1
    if scrolls != seen["hint"]:
        problems.append(f"{where}: the table scrolls: {scrolls}, the hint shows: {seen['hint']}")
    if size == "phone" and not scrolls:
        problems.append(f"{where}: fourteen measures fit in 390 px?")
    if scrolls:
        after = page.evaluate(SCROLLED)
        if not (after["moved"] > 0 and after["zoneInside"] and after["lastInside"]):
            problems.append(f"{where}: scrolled to the end, {after}")
        if not page.evaluate("() => document.querySelector('.score-table').classList.contains('scrolled')"):
            problems.append(f"{where}: no shadow marks the held column once scrolled")
    if trend:
        names = page.evaluate(MONTH_NAMES)
        if not names["shown"]:
            problems.append(f"{where}: no month names")
        problems.extend(f"{where}: {problem}" for problem in names["problems"])
    return problems


def column_choice_problems(page, base: str, name: str) -> list[str]:
    """On a phone the column choice opens within the window, and the address keeps what was chosen."""
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{base}/scorecard/?period=year")
    page.click(".columns-choice summary")
    for key in ("proposed", "approved", "reported"):
        page.uncheck(f".columns-choice input[value='{key}']")
    seen = page.evaluate(MEASURE)
    page.click(".columns-choice button[type=submit]")
    page.wait_for_load_state("networkidle")
    problems = []
    if seen["page"] > seen["window"]:
        problems.append(f"{name}: with the column choice open the page is {seen['page']} px wide")
    if "col=held" not in page.url or "period=year" not in page.url:
        problems.append(f"{name}: the address lost the choice: {page.url}")
    shown = page.locator("table.scores thead th[scope=col]").count()
    if shown != 1 + 18 - 3:  # the zone, 18 measures (three of the desk, plan delivered), three left out
        problems.append(f"{name}: {shown} header cells after leaving three measures out")
    return problems


def print_problems(page, base: str, name: str) -> list[str]:
    """On paper: no controls, and the whole table on the page."""
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(f"{base}/scorecard/?period=year")
    page.emulate_media(media="print")
    printed = page.evaluate(MEASURE)
    hidden = page.evaluate(
        "() => ['.columns-choice', '.period-form', '.topbar'].every("
        "(selector) => getComputedStyle(document.querySelector(selector)).display === 'none')"
    )
    page.emulate_media(media="screen")
    if printed["table"] > printed["box"] + 1 or not hidden:
        return [f"{name} printed: {printed}, controls hidden: {hidden}"]
    return []


def test_the_scorecard_reads_on_a_phone_and_a_desktop(live_server, chromium):  # noqa: F811
    kish = Zone.objects.get(slug="kish")
    today = timezone.localdate()
    for months_ago in (1, 3, 4, 9, 14, 20):  # activity here and there, and none before it: gaps
        held_event(kish, today - dt.timedelta(days=30 * months_ago + 2), report_after_days=months_ago % 3 * 5)
    people = {
        "persian": secretariat_user(username="scorecard-officer"),
        "english": zone_user(kish, username="scorecard-english", language="en"),
    }
    sessions = {name: session_of(user) for name, user in people.items()}
    visits = {
        "persian": ["/scorecard/?period=year", "/scorecard/kish/?period=five-years"],
        "english": [
            "/scorecard/?period=year",
            "/scorecard/?period=quarter&calendar=solar-hijri",
            "/scorecard/kish/?period=five-years",
            "/scorecard/kish/?period=year&calendar=solar-hijri",
        ],
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with chromium() as page:
        for name, paths in visits.items():
            page.context.clear_cookies()
            page.context.add_cookies([{"name": "sessionid", "value": sessions[name], "url": live_server.url}])
            for size, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                for path in paths:
                    response = page.goto(f"{live_server.url}{path}")
                    assert response is not None
                    assert response.status == 200, path
                    page.wait_for_load_state("networkidle")
                    shot = (
                        f"scorecard-{name}-{size}-{path.strip('/').replace('/', '-').replace('?', '-')}.png"
                    )
                    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
                    problems.extend(problems_of(page, f"{name} {size} {path}", size, "/kish/" in path))
            problems.extend(column_choice_problems(page, live_server.url, name))
            problems.extend(print_problems(page, live_server.url, name))
    assert not problems, "\n".join(problems)
