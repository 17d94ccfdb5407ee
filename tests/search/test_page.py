"""The search page: results grouped by kind, only what the person may see, best first, at a fixed cost."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talent.models import Artist
from tests.exports.register_world import make_business
from tests.factories import UserFactory, make_agreement, make_call, make_event, make_meeting

pytestmark = pytest.mark.django_db

URL = "/search/"


def groups(html: str) -> dict[str, list[str]]:
    """Each group's slug and the titles of its hits, in order."""
    found = {}
    for slug, body in re.findall(r'aria-labelledby="group-([a-z]+)">(.*?)</section>', html, re.S):
        found[slug] = re.findall(r'class="event-title" href="[^"]*">([^<]*)</a>', body)
    return found


def world(kish, qeshm, tag: str = "سرو") -> dict[str, object]:
    """One record of each kind in Kish that holds ``tag``, and in Qeshm what Kish must not see."""
    return {
        "event": make_event(kish, status="approved", title=f"کنسرت {tag} کیش"),
        "agreement": make_agreement(zones=(kish,), title=f"تفاهم‌نامه {tag}"),
        "call": make_call(title=f"فراخوان {tag}"),
        "artist": Artist.objects.create(full_name=f"هنرمند {tag}", zone=kish),
        "business": make_business(kish, name=f"کارگاه {tag}"),
        "meeting": make_meeting(zones=(kish,), title=f"نشست {tag}"),
        "qeshm_draft": make_event(qeshm, status="draft", title=f"پیش‌نویس {tag} قشم"),
        "qeshm_meeting": make_meeting(zones=(qeshm,), title=f"نشست {tag} قشم"),
        "qeshm_business": make_business(qeshm, name=f"کارگاه {tag} قشم"),
        "qeshm_agreement": make_agreement(zones=(qeshm,), title=f"تفاهم‌نامه {tag} قشم"),
        "draft_call": make_call(title=f"فراخوان {tag} پیش‌نویس", status="draft"),
    }


def test_the_page_needs_a_sign_in():
    response = Client().get(URL, {"q": "کنسرت"})
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "login" in response["Location"]


def test_a_blank_query_shows_the_box_and_a_hint(client_for, kish_deputy):
    for query in ({}, {"q": ""}, {"q": "   "}):
        response = client_for(kish_deputy).get(URL, query)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="q"' in html
        assert "search-hint" in html
        assert not groups(html)


def test_a_query_of_punctuation_asks_for_a_letter(client_for, kish_deputy):
    response = client_for(kish_deputy).get(URL, {"q": "؟!"})
    assert response.status_code == 200
    assert "search-hint" not in response.content.decode()
    assert not groups(response.content.decode())


def test_a_too_long_query_is_a_form_error(client_for, kish_deputy):
    response = client_for(kish_deputy).get(URL, {"q": "ک" * 201})
    assert response.status_code == 400
    assert "search-errors" in response.content.decode()


def test_results_are_grouped_by_kind_for_the_secretariat(client_for, secretariat, kish, qeshm):
    records = world(kish, qeshm)
    response = client_for(secretariat).get(URL, {"q": "سرو"})
    assert response.status_code == 200
    found = groups(response.content.decode())
    assert list(found) == ["events", "agreements", "calls", "artists", "businesses", "meetings"]
    assert set(found["events"]) == {records["event"].title, records["qeshm_draft"].title}
    assert records["artist"].full_name in found["artists"]
    assert records["draft_call"].title not in found["calls"]  # a draft call has no page to open


def test_a_kish_deputy_never_sees_what_is_not_theirs(client_for, kish_deputy, kish, qeshm):
    records = world(kish, qeshm)
    html = client_for(kish_deputy).get(URL, {"q": "سرو"}).content.decode()
    found = groups(html)
    assert found["events"] == [records["event"].title]  # not Qeshm's draft
    assert found["meetings"] == [records["meeting"].title]  # not the Qeshm-only meeting
    assert found["businesses"] == [records["business"].name]  # not Qeshm's register
    assert found["agreements"] == [records["agreement"].title]
    assert "قشم" not in "".join(title for titles in found.values() for title in titles)
    # The counts beside each kind count only what is shown: one each.
    for slug in ("events", "meetings", "businesses", "agreements"):
        count = re.search(rf'id="group-{slug}">[^<]*<span class="count">([^<]*)</span>', html)[1]
        assert count == "۱", slug
    # Nor on a kind's own page.
    for slug, leak in (
        ("meetings", "qeshm_meeting"),
        ("events", "qeshm_draft"),
        ("businesses", "qeshm_business"),
    ):
        page = client_for(kish_deputy).get(URL, {"q": "سرو", "kind": slug}).content.decode()
        assert len(groups(page)[slug]) == 1, slug
        leaked = records[leak]
        assert (getattr(leaked, "title", None) or leaked.name) not in page


def test_the_artists_are_only_for_those_who_may_browse_the_network(
    client_for, kish, qeshm, art_bureau_partner
):
    world(kish, qeshm)
    outsider = UserFactory(username="juror-only")  # signed in, but no zone, institution or secretariat
    found = groups(client_for(outsider).get(URL, {"q": "سرو"}).content.decode())
    assert "artists" not in found
    assert "businesses" not in found  # the register is the zones' and the secretariat's
    assert "meetings" not in found  # not invited
    kind_page = client_for(outsider).get(URL, {"q": "سرو", "kind": "artists"}).content.decode()
    assert "هنرمند سرو" not in kind_page
    # A partner institution may browse the network, not the register.
    partner = groups(client_for(art_bureau_partner).get(URL, {"q": "سرو"}).content.decode())
    assert partner["artists"] == ["هنرمند سرو"]
    assert "businesses" not in partner


def test_spellings_and_digits_in_the_query(client_for, kish_deputy, kish):
    event = make_event(kish, status="approved", title="كنسرت موسيقي جشنواره 1405")
    for query in ("کنسرت موسیقی", "کنسرت‌موسیقی", "جشنواره ۱۴۰۵", "١٤٠٥", "موسیقی"):
        found = groups(client_for(kish_deputy).get(URL, {"q": query}).content.decode())
        assert found.get("events") == [event.title], query


def test_a_title_hit_comes_before_a_description_only_hit(client_for, kish_deputy, kish):
    make_event(kish, status="approved", title="نشست هنری", description="درباره خوشنویسی")
    make_event(kish, status="approved", title="خوشنویسی معاصر")
    found = groups(client_for(kish_deputy).get(URL, {"q": "خوشنويسي"}).content.decode())
    assert found["events"] == ["خوشنویسی معاصر", "نشست هنری"]


def test_no_results_is_a_sentence(client_for, kish_deputy, kish):
    make_event(kish, status="approved", title="کنسرت")
    html = client_for(kish_deputy).get(URL, {"q": "نمایشگاه"}).content.decode()
    assert not groups(html)
    assert "نمایشگاه" in html
    assert "<p>" in html


def test_see_all_opens_the_kind_with_every_hit_a_page_at_a_time(client_for, kish_deputy, kish):
    for number in range(30):
        make_event(kish, status="approved", title=f"کارگاه عکاسی {number}")
    client = client_for(kish_deputy)
    html = client.get(URL, {"q": "عکاسی"}).content.decode()
    assert len(groups(html)["events"]) == 5
    more = re.search(r'class="search-more"><a href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert "kind=events" in more
    first = client.get(more).content.decode()
    assert len(groups(first)["events"]) == 25
    assert 'rel="next"' in first
    second = client.get(more + "&page=2").content.decode()
    assert len(groups(second)["events"]) == 5


def test_english_readers_get_english_labels_and_gregorian_dates(client_for, kish_deputy, kish):
    make_event(kish, status="approved", title="کنسرت سرو")
    kish_deputy.language = "en"
    kish_deputy.save()
    html = client_for(kish_deputy).get(URL, {"q": "سرو"}).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert ">Events <span" in html
    assert re.search(r"· [A-Z][a-z]+ \d+ 20\d\d", html) or re.search(r"\d+ [A-Z][a-z]+ 20\d\d", html)


@pytest.mark.parametrize("who", ["secretariat", "kish_deputy", "art_bureau_partner"])
def test_the_page_costs_the_same_at_any_size(
    client_for, kish, qeshm, request, who, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    world(kish, qeshm)
    client.get(URL, {"q": "سرو"})  # warm the session and the caches of the first request
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"q": "سرو"}).status_code == 200
    for number in range(6):
        world(kish, qeshm, tag=f"سرو{number}")
    with django_assert_num_queries(len(small)):
        html = client.get(URL, {"q": "سرو"}).content.decode()
    assert "search-more" in html  # the second size has more than a group shows
