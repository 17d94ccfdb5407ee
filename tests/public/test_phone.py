"""The public pages on a phone (390 px), in Persian and in English, in a real browser: no sideways
scroll, no refusal of the Content-Security-Policy in the console (the JSON-LD block is data, not a
script), and the language switch of a kept page works (issue 18)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from tests.e2e.pages import OVERFLOW
from tests.factories import InstitutionFactory, make_call, make_event
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_public_pages_fit_a_phone(live_server, chromium, language):
    qeshm, kish = Zone.objects.get(slug="qeshm"), Zone.objects.get(slug="kish")
    long_title = "جشنواره‌ی بین‌المللی موسیقی نواحی و آیین‌های سنتی جزیره قشم با حضور هنرمندان مناطق آزاد کشور"
    event = make_event(
        qeshm,
        status="approved",
        title=long_title,
        venue="مجموعه فرهنگی هنری خلیج فارس، سالن همایش‌های بین‌المللی شماره دو",
        description="برنامه‌ای سه‌روزه " * 40,
        starts_in_days=2,
        hours=50,
        invite=(kish,),
        map_link="https://neshan.org/maps/places/" + "a" * 120,
    )
    event.participations.update(answer="accepted")
    event.co_organisers.set(
        [
            InstitutionFactory(
                name_fa="مؤسسه فرهنگی هنری بسیار بلندنام خلیج فارس",
                name_en="A Persian Gulf arts foundation with a long name",
            )
        ]
    )
    for number in range(5):
        make_event(
            qeshm,
            status="approved",
            title=f"کارگاه خوشنویسی نستعلیق شماره {number}",
            starts_in_days=3 + number,
        )
    make_call(title="فراخوان ملی عکاسی مستند از زندگی مردم جزیره‌های خلیج فارس", zones=[qeshm])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []
    refused: list[str] = []
    paths = {
        "list": "/whats-on/",
        "filtered": "/whats-on/?zone=qeshm&q=کارگاه",
        "event": f"/whats-on/events/{event.pk}/",
        "zone": "/whats-on/qeshm/",
    }
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
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        for name, path in paths.items():
            for visit in ("built", "kept"):  # the second visit is served from the kept content
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None, path
                assert response.status == 200, path
                page.wait_for_load_state("networkidle")
                found = page.evaluate(OVERFLOW)
                if found["scroll"] > found["client"]:
                    too_wide.append(
                        f"{name} ({visit}): {found['scroll']} > {found['client']} ({found['widest']})"
                    )
            page.screenshot(path=str(SCREENSHOTS / f"public-{language}-{name}.png"), full_page=True)
        page.goto(f"{live_server.url}{paths['event']}")
        data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        direction = page.evaluate("() => document.documentElement.dir")
        # The kept page's language switch is this visitor's own: it works.
        page.click(".langswitch button")
        page.wait_for_load_state("networkidle")
        switched = page.evaluate("() => document.documentElement.lang")
        switched_url = page.url
    assert not too_wide, "\n".join(too_wide)
    assert not refused, "\n".join(refused)
    assert data["name"] == long_title
    assert direction == ("rtl" if language == "fa" else "ltr")
    assert switched == ("en" if language == "fa" else "fa")
    assert switched_url == f"{live_server.url}{paths['event']}"
