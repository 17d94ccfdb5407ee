"""The rounds' pages: who reaches what, the forms, query counts at two sizes, the applicant's status page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contests.models import Entry, Round
from contests.services import rounds as services
from tests.contests.world import enter, make_round, panel, quran_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def kish_round(kish):
    judges = panel(2)
    round_ = make_round(quran_call(), kish, judges=judges, status=Round.Status.SCORING)
    enter(round_, kish, 2)
    return round_, judges


# Who reaches what ----------------------------------------------------------------------------------


def test_permissions_matrix(
    kish_round, kish_deputy, qeshm_deputy, secretariat, art_bureau_partner, client_for, client
):
    round_, (judge, _other) = kish_round
    other_judge = panel(1, "elsewhere")[0]
    make_round(quran_call(), round_.zone, judges=[other_judge], status=Round.Status.SCORING)
    entry = round_.entries.first()
    pages = {
        "round": reverse("contests:round", args=[round_.pk]),
        "queue": reverse("contests:judge-queue", args=[round_.pk]),
        "entry": reverse("contests:judge-entry", args=[round_.pk, entry.number]),
        "judges": reverse("contests:round-judges", args=[round_.pk]),
        "results": reverse("contests:round-results", args=[round_.pk, "csv"]),
        "list": reverse("contests:rounds"),
        "setup": reverse("contests:preliminaries", args=[round_.call_id]),
    }
    expected = {
        "secretariat": {
            "round": 200,
            "queue": 403,
            "entry": 403,
            "judges": 200,
            "results": 200,
            "list": 200,
            "setup": 200,
        },
        "deputy": {
            "round": 200,
            "queue": 403,
            "entry": 403,
            "judges": 200,
            "results": 200,
            "list": 200,
            "setup": 403,
        },
        "judge": {
            "round": 200,
            "queue": 200,
            "entry": 200,
            "judges": 403,
            "results": 403,
            "list": 200,
            "setup": 403,
        },
        "other deputy": {
            "round": 404,
            "queue": 404,
            "entry": 404,
            "judges": 404,
            "results": 404,
            "list": 200,
            "setup": 403,
        },
        "other judge": {
            "round": 404,
            "queue": 404,
            "entry": 404,
            "judges": 404,
            "results": 404,
            "list": 200,
            "setup": 403,
        },
        "partner": {
            "round": 404,
            "queue": 404,
            "entry": 404,
            "judges": 404,
            "results": 404,
            "list": 403,
            "setup": 403,
        },
    }
    people = {
        "secretariat": secretariat,
        "deputy": kish_deputy,
        "judge": judge,
        "other deputy": qeshm_deputy,
        "other judge": other_judge,
        "partner": art_bureau_partner,
    }
    for who, person in people.items():
        browser = client_for(person)
        got = {name: browser.get(url).status_code for name, url in pages.items()}
        assert got == expected[who], who
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_moves_by_someone_else_change_nothing(kish_round, qeshm_deputy, client_for):
    round_, (judge, _other) = kish_round
    for person in (qeshm_deputy, judge):
        browser = client_for(person)
        for name in ("round-close", "round-decide", "round-enter"):
            browser.post(reverse(f"contests:{name}", args=[round_.pk]))
    assert Round.objects.get(pk=round_.pk).status == Round.Status.SCORING
    assert Entry.objects.filter(round=round_).count() == 2


def test_the_deputy_runs_their_preliminary_from_the_page(kish, kish_deputy, client_for):
    judge = panel(1)[0]
    from talent.models import JuryMember
    from tests.factories import make_application

    call = quran_call()
    JuryMember.objects.create(call=call, user=judge)
    round_ = make_round(call, kish)
    make_application(call, kish, discipline="quran")
    browser = client_for(kish_deputy)
    response = browser.post(
        reverse("contests:round-judges", args=[round_.pk]), {"judges": [judge.pk], "chair": ""}
    )
    assert response.status_code == 302
    browser.post(reverse("contests:round-enter", args=[round_.pk]))
    browser.post(reverse("contests:round-open", args=[round_.pk]))
    assert Round.objects.get(pk=round_.pk).status == Round.Status.SCORING
    assert round_.entries.count() == 1
    browser.post(reverse("contests:round-close", args=[round_.pk]))
    page = browser.get(reverse("contests:round-reopen", args=[round_.pk]))
    assert page.status_code == 200
    refused = browser.post(reverse("contests:round-reopen", args=[round_.pk]), {"reason": ""})
    assert refused.status_code == 200
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED


def test_a_judge_scores_with_persian_digits_and_sees_an_error_in_range(kish_round, client_for):
    round_, (judge, _other) = kish_round
    entry = round_.entries.order_by("number").first()
    criteria = list(round_.criteria.all())
    url = reverse("contests:judge-entry", args=[round_.pk, entry.number])
    browser = client_for(judge)
    bad = browser.post(url, {f"criterion_{c.pk}": "۱۱" for c in criteria})
    assert bad.status_code == 200
    assert not entry.review_scores.exists()
    good = browser.post(url, {f"criterion_{c.pk}": "۸٫۵" for c in criteria})
    assert good.status_code == 302
    assert set(entry.review_scores.values_list("value", flat=True)) == {Decimal("8.50")}


def test_the_secretariat_creates_the_preliminaries_from_the_page(kish, qeshm, secretariat, client_for):
    call = quran_call()
    url = reverse("contests:preliminaries", args=[call.pk])
    browser = client_for(secretariat)
    assert browser.get(url).status_code == 200
    refused = browser.post(url, {"zones": [kish.pk], "advance_rule": "top", "tie_break": "criteria"})
    assert refused.status_code == 200
    assert b"advance_count" in refused.content or "N" in refused.content.decode()
    assert not Round.objects.filter(call=call).exists()
    response = browser.post(
        url,
        {
            "zones": [kish.pk, qeshm.pk],
            "advance_rule": "top_per_zone",
            "advance_count": "۲",
            "tie_break": "criteria",
            "scoring_opens_at_0": "1405/01/10",
            "scoring_opens_at_1": "09:00",
            "scoring_closes_at_0": "1405/01/20",
            "scoring_closes_at_1": "18:00",
            "blind": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Round.objects.filter(call=call)
    assert made.count() == 2
    assert all(r.blind and r.advance_count == 2 for r in made)


# Query counts --------------------------------------------------------------------------------------


def count_queries(browser, url) -> int:
    browser.get(url)  # the session's first-visit writes, once
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_round_list_costs_the_same_for_few_and_many_rounds(kish, qeshm, secretariat, client_for):
    browser = client_for(secretariat)
    url = reverse("contests:rounds")

    def add(n):
        for _ in range(n):
            call = quran_call()
            round_ = make_round(call, kish, judges=panel(1, f"j{call.pk}"))
            enter(round_, kish, 2)

    add(1)
    small = count_queries(browser, url)
    add(6)
    assert count_queries(browser, url) == small


def test_the_judges_queue_and_the_round_page_cost_the_same_for_few_and_many_entries(
    kish, kish_deputy, client_for
):
    judges = panel(2)
    round_ = make_round(quran_call(), kish, judges=judges, status=Round.Status.SCORING)
    enter(round_, kish, 2)
    judge_browser, runner = client_for(judges[0]), client_for(kish_deputy)
    queue = reverse("contests:judge-queue", args=[round_.pk])
    page = reverse("contests:round", args=[round_.pk])
    small = (count_queries(judge_browser, queue), count_queries(runner, page))
    more = enter(round_, kish, 12)
    for entry in more[:5]:
        services.score_entry(judges[0], entry, {c.pk: 5 for c in round_.criteria.all()})
    assert (count_queries(judge_browser, queue), count_queries(runner, page)) == small


# The applicant's status page -----------------------------------------------------------------------


def test_the_status_page_shows_decided_rounds_only(kish, secretariat, client):
    call = quran_call()
    final = make_round(
        call,
        kish,
        stage=2,
        kind=Round.Kind.JOINT,
        name="نهایی کشوری",
        advance_rule=Round.Advance.FINAL,
        advance_count=1,
    )
    judges = panel(1)
    preliminary = make_round(
        call, kish, judges=judges, status=Round.Status.SCORING, advance_count=1, next_round=final
    )
    (entry,) = enter(preliminary, kish, 1)
    services.score_entry(judges[0], entry, {c.pk: 9 for c in preliminary.criteria.all()})
    application = entry.application

    def status_page():
        return client.post(
            reverse("talent:status"), {"tracking_code": application.tracking_code, "email": application.email}
        ).content.decode()

    assert preliminary.name not in status_page()  # scoring: nothing shown, no partial score
    services.close_scoring(secretariat, preliminary)
    services.decide(secretariat, preliminary)
    page = status_page()
    assert preliminary.name in page
    assert "نهایی کشوری" in page
    assert "90" not in page
    assert "۹۰" not in page
    services.name_judges(secretariat, final, judges)
    services.open_scoring(secretariat, final)
    final_entry = Entry.objects.get(round=final)
    services.score_entry(judges[0], final_entry, {c.pk: 8 for c in final.criteria.all()})
    services.close_scoring(secretariat, final)
    services.decide(secretariat, final)
    page = status_page()
    assert Entry.objects.get(pk=final_entry.pk).status == Entry.Status.WINNER
    assert "place ۱" in page or "place 1" in page or "رتبه ۱" in page


# The admin -----------------------------------------------------------------------------------------


def test_the_admin_shows_rounds_and_entries_and_moves_through_the_services(
    kish_round, secretariat, client_for
):
    round_, _judges = kish_round
    client = client_for(secretariat)
    for name, args in (
        ("admin:contests_round_changelist", []),
        ("admin:contests_round_change", [round_.pk]),
        ("admin:contests_round_add", []),
        ("admin:contests_entry_changelist", []),
        ("admin:contests_entry_change", [round_.entries.first().pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    response = client.post(
        reverse("admin:contests_round_changelist"),
        {"action": "close_selected", "_selected_action": [round_.pk]},
    )
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    assert round_.status_changes.filter(to_status="closed", changed_by=secretariat).exists()


def test_an_institutions_representative_on_a_panel_finds_the_competitions_in_the_menu(
    kish_round, art_bureau_partner, kanoon_partner, client_for
):
    """Judges are chosen by person: a partner institution's representative may sit on a panel, and the
    menu must lead them to it as it leads any judge (it offered them nothing)."""
    round_, _judges = kish_round
    round_.judges.create(user=art_bureau_partner)
    link = f'href="{reverse("contests:rounds")}"'
    assert link in client_for(art_bureau_partner).get("/").content.decode()
    assert client_for(art_bureau_partner).get(reverse("contests:rounds")).status_code == 200
    assert link not in client_for(kanoon_partner).get("/").content.decode()
