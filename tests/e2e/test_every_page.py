"""Every page each kind of user reaches, in a real browser at a phone's, a tablet's and a desktop's width
(issue 15): the document is exactly as wide as the window (no sideways scrolling), the header stays
compact, the console shows no error (the Content-Security-Policy is on, so a refused script or style is
one), and no request of the page fails. The pages are those of ``pages.py``, and every link of the
role's menu and top bar must be among them, so a new menu entry cannot go unvisited.

A screenshot of every page at every width goes to ``var/screenshots/<role>-<page>-<width>.png``
(gitignored; CI keeps the folder as an artefact) to look at by eye."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.e2e.pages import (
    ENGLISH_COOKIE,
    OVERFLOW,
    ROLES,
    WIDTHS,
    pages_for,
    seed,
    session_of,
    shot_name,
    widths_for,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
HEADER_MAX = 100  # pixels: a taller top bar pushes the page's own content below a phone's first screen

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

# The links of the header (menu, bell, account): the pages a person reaches from anywhere.
HEADER_LINKS = (
    "() => [...document.querySelectorAll('header.topbar a[href]')].map(a => a.getAttribute('href'))"
)


def watch(page, origin: str, problems: list[str]) -> None:
    """Console errors, uncaught exceptions, failed requests and refused same-origin files, as they come."""

    def where() -> str:
        return urlsplit(page.url).path

    page.on(
        "console",
        lambda message: (
            problems.append(f"{where()}: console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{where()}: uncaught {error}"))
    page.on(
        "requestfailed",
        lambda request: problems.append(f"{where()}: {request.url} failed ({request.failure})"),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{where()}: {response.url} answered {response.status}")
            if response.status >= 400 and response.url.startswith(origin)
            else None
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_loads_cleanly_and_is_photographed(role, live_server, browser):
    demo = seed()
    username = ROLES[role]
    session = session_of(username) if username else None
    paths = pages_for(role, demo)
    language = "en" if role == "english" or role in ENGLISH_COOKIE else "fa"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    problems: list[str] = []
    context = browser.new_context()
    try:
        if session:
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        if role in ENGLISH_COOKIE:
            context.add_cookies([{"name": "portal_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch(page, live_server.url, problems)
        for size, viewport in widths_for(role).items():
            page.set_viewport_size(viewport)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                if response is None or response.status != 200:
                    problems.append(f"{size} {path}: answered {response and response.status}")
                    continue
                if page.get_attribute("html", "lang") != language:
                    problems.append(f"{size} {path}: not in {language}")
                if path == paths[0] and size == "phone":
                    # The public's home is the sign-in page ("/" sends them there), walked on its own.
                    walked = {*paths, "/"} if session is None else set(paths)
                    unvisited = {urlsplit(href).path for href in page.evaluate(HEADER_LINKS)} - walked
                    problems.extend(f"the header links to {link}, not walked here" for link in unvisited)
                header = page.locator("header.topbar")  # the admin has a header of its own
                if header.count() and header.bounding_box()["height"] > HEADER_MAX:
                    problems.append(f"{size} {path}: the header is {header.bounding_box()['height']} px tall")
                if path == "/events/new/":  # the date and time inside the card, the picker inside the window
                    if page.locator("input.jalali-date").count():  # the picker is for Persian dates
                        page.click("#id_starts_at_0")
                        page.locator(".datepicker").first.wait_for(state="visible")
                    problems.extend(f"{size} {path}: {stray}" for stray in page.evaluate(CONTAINED))
                page.screenshot(
                    path=str(SCREENSHOTS / shot_name(role, path, viewport["width"])), full_page=True
                )
                measure = page.evaluate(OVERFLOW)
                if measure["scroll"] > measure["client"]:
                    problems.append(
                        f"{size} {path}: the document is {measure['scroll']} px wide in a {measure['client']} px"
                        f" window ({measure['widest']})"
                    )
    finally:
        context.close()
    assert not problems, f"{role} ({username or 'anonymous'}):\n" + "\n".join(problems)


def test_the_watch_sees_console_errors_uncaught_errors_and_failed_requests(live_server, browser):
    """The walk above would pass on a blind watch; this shows it sees each kind of trouble."""
    problems: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        watch(page, live_server.url, problems)
        page.route("**/canary-cut.js", lambda route: route.abort())
        page.goto(f"{live_server.url}/accounts/login/")
        page.evaluate(
            """async () => {
              console.error("canary");
              await fetch("/static/canary-missing.js");
              await fetch("/static/canary-cut.js").catch(() => null);
              setTimeout(() => { throw new Error("canary thrown"); });
            }"""
        )
        page.wait_for_timeout(300)
    finally:
        context.close()
    seen = "\n".join(problems)
    assert "console error: canary" in seen
    assert "canary-missing.js answered 404" in seen
    assert "canary-cut.js failed" in seen
    assert "uncaught canary thrown" in seen


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_error_pages_are_styled_and_fit_a_phone(language, live_server, browser):
    """A refusal (with its reason) and a missing page, as a juror and the public meet them on a phone."""
    UserFactory(username="juror-errors", language=language)
    session = session_of("juror-errors")
    reasons = {
        "fa": ("کارنامه برای دبیرخانه و مناطق است.", "صفحه پیدا نشد"),
        "en": ("The scorecard is for the secretariat and the zones.", "Page not found"),
    }[language]
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for who, path, status, text in (
        ("juror", "/scorecard/", 403, reasons[0]),
        ("public", "/no-such-page/", 404, reasons[1]),
    ):
        context = browser.new_context(viewport=WIDTHS["phone"])
        try:
            cookies = [{"name": "portal_language", "value": language, "url": live_server.url}]
            if who == "juror":
                cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
            context.add_cookies(cookies)
            page = context.new_page()
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == status, path
            assert page.get_attribute("html", "lang") == language
            assert page.locator(".error-page").get_by_text(text).is_visible(), f"{path}: {text}"
            # Styled: the portal's sheet is applied (the card has its border), not the browser's defaults.
            border = page.eval_on_selector(".error-page", "e => getComputedStyle(e).borderTopStyle")
            assert border != "none", f"{path} is not styled"
            page.screenshot(
                path=str(SCREENSHOTS / f"{who}-error-{status}-{language}-390.png"), full_page=True
            )
            measure = page.evaluate(OVERFLOW)
            if measure["scroll"] > measure["client"]:
                problems.append(f"{path}: {measure['scroll']} px wide ({measure['widest']})")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
