"""The one search box in the signed-in top bar."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_signed_in_top_bar_has_the_search_box(client_for, kish_deputy):
    html = client_for(kish_deputy).get("/").content.decode()
    header = re.search(r'<header class="topbar">.*?</header>', html, re.S)[0]
    form = re.search(r'<form class="topbar-search"[^>]*>.*?</form>', header, re.S)[0]
    assert 'action="/search/"' in form
    assert 'method="get"' in form
    assert 'type="search"' in form
    assert 'name="q"' in form
    assert '<label for="topbar-q"' in form
    assert re.search(r'placeholder="[^"]+"', form)  # "Search…", in the reader's language


def test_the_public_sees_no_search_box(anonymous):
    html = anonymous.get("/calls/").content.decode()
    assert "topbar-search" not in html
