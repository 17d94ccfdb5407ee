"""The menu offers the artist network and the scorecard only to those whose pages would open (issue 15):
a juror with no zone or institution follows neither link into a refusal."""

from unittest.mock import patch

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.contests.world import make_round
from tests.factories import UserFactory, make_call

pytestmark = pytest.mark.django_db

NETWORK = reverse("talent:network")
SCORECARD = reverse("scorecard:overview")


def menu_links(user) -> set[str]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    menu = page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return {link for link in (NETWORK, SCORECARD) if f'href="{link}"' in menu}


def reachable(user, links: set[str]) -> set[str]:
    client = Client()
    client.force_login(user)
    return {link for link in links if client.get(link).status_code == 200}


def test_a_juror_is_offered_neither_the_network_nor_the_scorecard():
    juror = UserFactory(username="juror")
    make_call(jurors=[juror])
    assert menu_links(juror) == set()
    assert reachable(juror, {NETWORK, SCORECARD}) == set()


def test_a_deputy_is_offered_both_and_both_open(kish_deputy):
    assert menu_links(kish_deputy) == {NETWORK, SCORECARD}
    assert reachable(kish_deputy, {NETWORK, SCORECARD}) == {NETWORK, SCORECARD}


def test_a_partner_is_offered_the_network_but_not_the_scorecard(art_bureau_partner):
    assert menu_links(art_bureau_partner) == {NETWORK}
    assert reachable(art_bureau_partner, {NETWORK, SCORECARD}) == {NETWORK}


JURY = reverse("talent:jury")


def menu_of(client: Client) -> str:
    page = client.get(reverse("home")).content.decode()
    return page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]


def test_the_jury_link_comes_with_the_scope_in_one_query(kish_deputy):
    """Whether someone sits on a jury is read in the query that reads their scope (a person fact
    registered by talent), so the menu's Jury link costs no query of its own."""
    from talent.permissions import is_juror
    from zones_portal.models import User
    from zones_portal.permissions import scope_of

    make_call(jurors=[kish_deputy])
    reader = User.objects.get(pk=kish_deputy.pk)
    loner = User.objects.get(pk=UserFactory(username="loner").pk)
    with CaptureQueriesContext(connection) as queries:
        assert scope_of(reader).zone_id == kish_deputy.membership.zone_id
        assert is_juror(reader) is True
    assert len(queries) == 1
    assert is_juror(loner) is False
    assert is_juror(AnonymousUser()) is False


def test_the_kept_menu_follows_who_is_looking_and_the_language(kish_deputy):
    """The menu is kept in the process per language and kind of reader ({% cache %} in base.html):
    joining a jury adds the Jury link at the next page, and the other language gets its own menu."""
    client = Client()
    client.force_login(kish_deputy)
    before = menu_of(client)
    assert f'href="{JURY}"' not in before
    assert menu_of(client) == before  # the kept copy, drawn alike
    make_call(jurors=[kish_deputy])
    assert f'href="{JURY}"' in menu_of(client)
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    english = menu_of(client)
    assert ">Events</a>" in english
    assert f'href="{JURY}"' in english
    assert english != before


def test_the_menu_is_drawn_once_per_kind_of_reader(kish_deputy, secretariat):
    """A second page of the same kind of reader takes the menu from the process's memory: its
    translations and links are not drawn again."""
    from django.templatetags import i18n

    from zones_portal.fragments import forget_fragments

    forget_fragments()  # menus kept by earlier tests in this process
    client = Client()
    client.force_login(kish_deputy)
    client.get(reverse("home"))
    drawn = []
    original = i18n.TranslateNode.render

    def counting(node, context):
        drawn.append(node.filter_expression.var.literal)  # the message, as written in the template
        return original(node, context)

    with patch.object(i18n.TranslateNode, "render", counting):
        client.get(reverse("home"))
        assert "Annual programmes" not in drawn  # a menu entry: kept
        assert "Log out" in drawn  # the top bar around it: drawn each time
        drawn.clear()
        other = Client()
        other.force_login(secretariat)
        other.get(reverse("home"))
        assert "Annual programmes" in drawn  # another kind of reader: its own menu, drawn once


def test_a_changed_urlconf_empties_the_kept_menu(kish_deputy, settings):
    from django.core.cache import caches

    client = Client()
    client.force_login(kish_deputy)
    client.get(reverse("home"))
    fragments = caches["template_fragments"]
    assert fragments._cache  # the menu, the footer, the style sheets' links
    settings.ROOT_URLCONF = "zones_portal.urls"  # a test that swaps the URLconf, as some do
    assert not fragments._cache


def test_a_judge_without_a_zone_is_offered_the_competitions_with_no_query_of_its_own(
    kish, django_assert_num_queries
):
    """Whether someone judges a round not yet decided comes with their scope (a person fact of contests):
    the Competitions link of an artist or a partner's representative on a panel costs no query."""
    from contests.permissions import sits_on_a_panel
    from zones_portal.models import User
    from zones_portal.permissions import scope_of

    judge = UserFactory(username="judge-only")
    round_ = make_round(make_call(), kish, judges=[judge])
    reader = User.objects.get(pk=judge.pk)
    with django_assert_num_queries(1):
        scope_of(reader)
        assert sits_on_a_panel(reader) is True
    client = Client()
    client.force_login(judge)
    assert f'href="{reverse("contests:rounds")}"' in menu_of(client)
    round_.status = "decided"
    round_.save()
    assert f'href="{reverse("contests:rounds")}"' not in menu_of(client)
