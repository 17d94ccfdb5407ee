"""The public side of a talent call on a phone (390 px), as an artist uses it (issue 15): the application
form, sent back once for a missing consent with two files attached (long names, in Persian), then sent; the
status page, and the withdrawal's "are you sure?" page. No page scrolls sideways, and the files attached
before the form came back are not asked for again."""

from __future__ import annotations

import pytest
from django.conf import settings

from talent.models import Application
from tests.e2e.pages import OVERFLOW
from tests.events.test_validation import JPEG, PDF
from tests.factories import make_call
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
# How far the page is wider than the window, and the element that sticks out furthest (to name it).


@pytest.mark.parametrize("language", ["fa", "en"])
def test_applying_following_and_withdrawing_fit_a_phone(live_server, chromium, tmp_path, language):
    call = make_call(title="فراخوان ملی خوشنویسی و نقاشیخط مناطق آزاد تجاری-صنعتی")
    qeshm = Zone.objects.get(slug="qeshm")
    # No zero-width non-joiner: Django's upload parser drops it from file names (not printable).
    long_name = "نمونه-کار-خوشنویسی-نستعلیق-و-شکسته-نستعلیق-سال-های-۱۳۹۸-تا-۱۴۰۳-نسخه-نهایی.pdf"
    (tmp_path / long_name).write_bytes(PDF)
    (tmp_path / "تابلو.jpg").write_bytes(JPEG)
    birth_date = "۱۳۸۰/۰۵/۲۰" if language == "fa" else "2001-08-11"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []

    def measure(page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"talent-{language}-{name}.png"), full_page=True)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["client"]:
            too_wide.append(f"{name}: {found['scroll']} > {found['client']} ({found['widest']})")

    with chromium() as page:
        page.set_viewport_size(PHONE)
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/calls/{call.pk}/apply/")
        measure(page, "apply")
        page.fill("#id_full_name", "نرگس بندری")
        page.fill("#id_birth_date", birth_date)
        page.keyboard.press("Escape")  # the Jalali picker, if it opened, closes
        page.select_option("#id_zone", str(qeshm.pk))
        page.fill("#id_email", "narges@example.org")
        page.fill("#id_phone", "۰۹۱۲۳۴۵۶۷۸۹")
        page.select_option("#id_discipline", index=1)
        page.fill("#id_statement", "ده سال خوشنویسی نستعلیق")
        page.set_input_files("#id_files", [str(tmp_path / long_name), str(tmp_path / "تابلو.jpg")])
        page.click("button.primary[type=submit]")  # consent not ticked
        page.wait_for_selector(".error-summary")
        measure(page, "apply-sent-back")
        kept = page.locator(".staged-files li").all_inner_texts()
        summary_link = page.locator('.error-summary a[href="#id_consent"]').count()
        kept_name = page.input_value("#id_full_name")
        page.check("#id_consent")
        page.click("button.primary[type=submit]")
        page.wait_for_url("**/calls/applied/")
        measure(page, "applied")
        code = page.locator(".tracking-code").inner_text().strip()

        page.goto(f"{live_server.url}/calls/status/")
        measure(page, "status")
        page.fill("#id_tracking_code", code)
        page.fill("#id_email", "narges@example.org")
        page.click("button.primary[type=submit]")
        page.wait_for_selector("p.withdraw a")
        measure(page, "status-found")
        page.click("p.withdraw a")
        page.wait_for_selector(".withdraw-confirm button.danger")
        measure(page, "withdraw-confirm")
        page.click(".withdraw-confirm button.danger")
        page.wait_for_selector(".application-withdrawn")
        measure(page, "withdrawn")

    assert len(kept) == 2, kept
    assert any(long_name in text for text in kept), kept
    assert summary_link == 1
    assert kept_name == "نرگس بندری"
    application = Application.objects.get()
    assert application.status == "withdrawn"
    assert sorted(application.files.values_list("original_name", flat=True)) == sorted(
        [long_name, "تابلو.jpg"]
    )
    assert not too_wide, "\n".join(too_wide)
