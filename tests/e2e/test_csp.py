"""The main pages, at a phone's 390 pixels, in a real browser: not one "Refused to ..." from the
Content-Security-Policy in the console, with their scripts run (the date picker, the admin's widgets,
Swagger UI) and not only their HTML read, as ``tests/zones_portal/test_csp.py`` does."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from agreements.models import Agreement
from events.models import Event
from talent.models import TalentCall
from tests.e2e.pages import session_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def test_the_main_pages_break_no_rule_of_the_policy(live_server, chromium):
    call_command("seed_demo", "--force", stdout=StringIO())
    event = Event.objects.filter(host_zone__slug="kish").order_by("pk").first()
    agreement = Agreement.objects.order_by("pk").first()
    call = TalentCall.objects.published().order_by("pk").first()
    sessions = {name: session_of(name) for name in ("deputy-kish", "partner-artbureau", "secretariat")}
    visits = {
        None: [
            "/accounts/login/",
            "/calls/",
            f"/calls/{call.pk}/",
            f"/calls/{call.pk}/apply/",
            "/calls/status/",
        ],
        "deputy-kish": [
            "/",
            "/events/",
            "/events/calendar/",
            f"/events/{event.pk}/",
            "/events/new/",
            "/agreements/",
            f"/agreements/{agreement.pk}/",
            "/scorecard/",
            "/notifications/",
        ],
        "partner-artbureau": ["/api/docs/", "/api/v1/events/"],
        "secretariat": [
            "/admin/",
            "/admin/events/event/",
            f"/admin/events/event/{event.pk}/change/",
            f"/admin/agreements/agreement/{agreement.pk}/change/",
            "/scorecard/",
        ],
    }
    refused: list[str] = []
    with chromium() as page:
        page.set_viewport_size(PHONE)
        page.on(
            "console",
            lambda message: (
                refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Refused to" in message.text
                else None
            ),
        )
        for username, paths in visits.items():
            page.context.clear_cookies()
            if username is not None:
                page.context.add_cookies(
                    [{"name": "sessionid", "value": sessions[username], "url": live_server.url}]
                )
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None, path
                assert response.status == 200, path
                assert response.headers.get("content-security-policy"), path
                page.wait_for_load_state("networkidle")
                try:
                    if path == "/events/new/":  # the Jalali date picker draws its month on a click
                        page.click("#id_starts_at_0")
                        page.locator(".datepicker").first.wait_for(state="visible", timeout=5_000)
                    if path == "/api/docs/":  # Swagger UI builds the page from the schema with its scripts
                        page.locator(".swagger-ui .opblock").first.wait_for(state="visible", timeout=5_000)
                except PlaywrightTimeout:
                    refused.append(f"{path}: its scripts did not draw it")
        # The watch itself works: an inline style added now is refused and reported.
        page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'p {}'; document.head.append(s); }"
        )
        page.wait_for_timeout(300)
    canary = [line for line in refused if "style" in line.lower()][-1:]
    assert canary, "the console watch did not see a refusal it should have"
    refused = [line for line in refused if line not in canary]
    assert not refused, "\n".join(refused)
