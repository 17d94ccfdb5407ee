"""The top bar's links are reversed once per process (``{% link %}``), and still follow the script prefix
a deployment under a sub-path sets."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from zones_portal.fragments import forget_fragments
from zones_portal.templatetags import portal

pytestmark = pytest.mark.django_db


def test_the_top_bar_reverses_its_links_once_not_on_every_page(client_for, kish_deputy):
    portal._address.cache_clear()
    forget_fragments()  # the menu as earlier tests left it, kept ({% cache %}): drawn afresh here
    client = client_for(kish_deputy)
    with mock.patch.object(portal, "reverse", wraps=reverse) as reversing:
        first = client.get("/events/")
        once = reversing.call_count
        second = client.get("/events/")
    assert first.status_code == second.status_code == 200
    assert once >= 10  # the menu, search, bell, two-step, preferences, log-out, language
    assert reversing.call_count == once  # the second page reversed none of them again
    assert 'href="/agreements/"' in second.content.decode()


def test_a_link_follows_the_script_prefix():
    portal._address.cache_clear()
    template = Template("{% link 'events:list' %}")
    try:
        set_script_prefix("/portal/")
        assert template.render(Context()) == "/portal/events/"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/events/"
