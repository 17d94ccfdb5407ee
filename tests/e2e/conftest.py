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


@pytest.fixture
def chromium(tmp_path):
    """``with chromium() as page:`` opens a browser page. Keep ORM calls outside the block:
    Playwright's event loop gives them a context of their own whose connection is never closed."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
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
