"""The count of one kind's hits in the reader's digits, and the top bar's box keeping the query on the
search page (issue 18 review)."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_event

pytestmark = pytest.mark.django_db


def _count(html: str) -> str:
    return re.search(r'<h2 id="group-events">.*?<span class="count">([^<]*)</span>', html, re.S).group(1)


def test_one_kinds_count_is_in_the_readers_digits(client_for, kish_deputy, kish):
    for number in range(12):
        make_event(kish, status="approved", title=f"کنسرت سرو {number}")
    client = client_for(kish_deputy)
    kish_deputy.language = "fa"
    kish_deputy.save()
    assert _count(client.get("/search/", {"q": "سرو", "kind": "events"}).content.decode()) == "۱۲"
    kish_deputy.language = "en"
    kish_deputy.save()
    assert _count(client.get("/search/", {"q": "سرو", "kind": "events"}).content.decode()) == "12"


def _box(html: str) -> str:
    return re.search(r'<input id="topbar-q"[^>]*>', html)[0]


def test_the_top_bar_keeps_the_query_on_the_search_page_only(client_for, kish_deputy):
    client = client_for(kish_deputy)
    box = _box(client.get("/search/", {"q": 'کنسرت "<b>'}).content.decode())
    assert 'value="کنسرت &quot;&lt;b&gt;"' in box  # escaped, never markup
    assert "value=" not in _box(client.get("/search/").content.decode())
    assert "value=" not in _box(client.get("/", {"q": "x"}).content.decode())
