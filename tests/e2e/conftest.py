"""Headless Chromium (Debian's package) driven by Playwright for Python; never `playwright install`."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture
def browser() -> Iterator:
    """One Chromium for a test's page walks; each role gets its own context in it
    (``browser.new_context()``), so cookies never leak from one role to the next.

    Per test, not per module: started before the test's database set-up, Playwright's running loop
    makes Django hand that set-up a fresh connection object, one without the serialized copy of the
    database that ``serialized_rollback`` restores, so a module after a transactional test found the
    seeded zones gone.

    While it is open, Playwright's event loop counts as running in this thread, and Django refuses the
    ORM there (it guards against blocking an event loop). The tests' own ORM calls run on the main
    greenlet, outside the loop, in the test's context and on its connection, so the guard is lifted for
    the module; an ORM call inside a Playwright callback (``page.on``) would still be a mistake."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    guard = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if guard is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = guard


@pytest.fixture
def chromium(tmp_path):
    """``with chromium() as page:`` opens a browser page. Keep ORM calls outside the block:
    Playwright's event loop gives them a context of their own whose connection is never closed."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    @contextmanager
    def open_page() -> Iterator:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            try:
                yield page
            finally:
                page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
                browser.close()

    return open_page
