"""The juror's menu offers no page that would refuse them, and on a phone it folds into one button
(issue 15). That every page of every role fits a phone, a tablet and a desktop, loads without a console
error or a failed request and is photographed to var/screenshots/ is ``test_every_page.py``'s walk."""

from __future__ import annotations

import pytest

from tests.e2e.pages import WIDTHS, session_of
from tests.factories import UserFactory, make_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
