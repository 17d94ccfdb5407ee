"""The rounds' pages on a 390 px phone, in Persian and English: no sideways scrolling, no console error
(the Content-Security-Policy is on), and the judge's score inputs take Persian digits."""

from __future__ import annotations

import pytest
from django.conf import settings

from contests.models import Round
from contests.services import rounds as services
from tests.contests.world import enter, make_round, panel, quran_call
from tests.e2e.conftest import browser  # noqa: F401 - the browser fixture of the e2e tests
from tests.e2e.pages import OVERFLOW, WIDTHS, session_of
from tests.factories import secretariat_user, zone_user
from zones_portal.models import Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _world():
    kish = Zone.objects.get(slug="kish")
    officer = secretariat_user(username="rounds-officer")
    deputy = zone_user(kish, username="rounds-deputy")
    judges = panel(2, prefix="rounds-judge")
    call = quran_call()
    round_ = make_round(
        call,
        kish,
        judges=judges,
        blind=True,
        status=Round.Status.SCORING,
        name="مرحله مقدماتی منطقه آزاد کیش ۱۴۰۵",
    )
    entries = enter(round_, kish, 6)
    for entry in entries[:3]:
        services.score_entry(judges[0], entry, {c.pk: 7 for c in round_.criteria.all()})
    return officer, deputy, judges, round_, entries


@pytest.mark.parametrize("english", [False, True])
def test_the_rounds_pages_fit_a_phone(live_server, browser, english):  # noqa: F811
    officer, deputy, judges, round_, entries = _world()
    base = live_server.url
    visits = {
        officer.username: [
            "/contests/",
            f"/contests/calls/{round_.call_id}/preliminaries/",
            f"/contests/calls/{round_.call_id}/rounds/new/",
        ],
        deputy.username: [f"/contests/rounds/{round_.pk}/", f"/contests/rounds/{round_.pk}/judges/"],
        judges[1].username: [
            "/contests/",
            f"/contests/rounds/{round_.pk}/judge/",
            f"/contests/rounds/{round_.pk}/judge/{entries[0].number}/",
        ],
    }
    sessions = {username: session_of(username) for username in visits}
    problems = []
    for username, paths in visits.items():
        context = browser.new_context(viewport=WIDTHS["phone"])
        cookies = [{"name": "sessionid", "value": sessions[username], "url": base}]
        if english:
            cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base})
        context.add_cookies(cookies)
        page = context.new_page()
        errors = []
        page.on(
            "console", lambda message, errors=errors: message.type == "error" and errors.append(message.text)
        )
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, path
            overflow = page.evaluate(OVERFLOW)
            if overflow["scroll"] > overflow["client"]:
                problems.append(f"{username} {path}: {overflow}")
        if errors:
            problems.append(f"{username}: {errors}")
        context.close()
    assert not problems, problems


def test_a_judge_scores_from_a_phone_with_persian_digits(live_server, browser):  # noqa: F811
    _officer, _deputy, judges, round_, entries = _world()
    base = live_server.url
    criteria = list(round_.criteria.all())
    session = session_of(judges[1].username)
    context = browser.new_context(viewport=WIDTHS["phone"])
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/contests/rounds/{round_.pk}/judge/{entries[0].number}/")
    for criterion in criteria:
        page.fill(f"#id_criterion_{criterion.pk}", "۸")
    page.click("form.scores button[type=submit]")
    page.wait_for_url(f"{base}/contests/rounds/{round_.pk}/judge/")
    context.close()
    assert entries[0].review_scores.filter(judge__user=judges[1]).count() == len(criteria)
