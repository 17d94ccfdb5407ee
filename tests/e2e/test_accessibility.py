"""The main pages, in Persian and in English, checked by axe-core (issue 15): no serious or critical
violation of its rules (WCAG A and AA, and its best practices).

axe-core is vendored for these tests only (``vendor/axe.min.js``, see ``vendor/README.md``); the portal
never serves it. The page keeps its Content-Security-Policy: a script tag added by the test would be an
inline script and refused, so the file's text is run through the DevTools protocol instead, which the
policy does not govern (the pages' own scripts stay under it, as ``test_every_page.py`` checks)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.e2e.pages import Demo, seed, session_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Each main page as a deputy (Persian: deputy-kish; English: deputy-english) or the public sees it.
MAIN_PAGES = {
    "home": lambda demo: "/",
    "events": lambda demo: "/events/",
    "event": lambda demo: f"/events/{demo.event}/",
    "event-form": lambda demo: "/events/new/",
    "calendar": lambda demo: "/events/calendar/",
    "agreements": lambda demo: "/agreements/",
    "agreement": lambda demo: f"/agreements/{demo.agreement}/",
    "notifications": lambda demo: "/notifications/",
    "scorecard": lambda demo: "/scorecard/",
    "call": lambda demo: f"/calls/{demo.call}/",
    "call-form": lambda demo: f"/calls/{demo.call}/apply/",
    "login": lambda demo: "/accounts/login/",
}
PUBLIC = {"call", "call-form", "login"}
READER = {"fa": "deputy-kish", "en": "deputy-english"}

# Runs every rule of axe's WCAG 2.x A/AA and best-practice sets on the whole document; only violations
# come back, each with its elements (a CSS selector and axe's own account of what is wrong).
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations_on(page, url: str) -> list[str]:
    """Serious and critical violations on the page at ``url``, one line per rule and element."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"
    page.evaluate(axe_source())
    found = []
    for violation in page.evaluate(RUN):
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{violation['impact']} {violation['id']} ({violation['help']}) at {node['target']}: "
                + node["summary"].replace("\n", " ")
            )
    return found


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_main_pages_have_no_serious_accessibility_violation(language, live_server, browser):
    demo: Demo = seed()
    session = session_of(READER[language])
    problems = []
    for signed_in in (True, False):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            # The public's language is their cookie's; a signed-in person's is their account's.
            cookies = [{"name": "portal_language", "value": language, "url": live_server.url}]
            if signed_in:
                cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
            context.add_cookies(cookies)
            page = context.new_page()
            page.set_default_timeout(15_000)
            for name, address in MAIN_PAGES.items():
                if (name in PUBLIC) == signed_in:
                    continue
                path = address(demo)
                problems.extend(f"{path}: {line}" for line in violations_on(page, live_server.url + path))
                assert page.get_attribute("html", "lang") == language, path
        finally:
            context.close()
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_axe_sees_a_violation_when_there_is_one(live_server, browser):
    """The check itself works: a button with no name, added to the login page, is found."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.evaluate(
            "() => { const b = document.createElement('button'); document.querySelector('main').append(b); }"
        )
        page.evaluate(axe_source())
        found = {violation["id"] for violation in page.evaluate(RUN) if violation["impact"] in BLOCKING}
    finally:
        context.close()
    assert "button-name" in found
