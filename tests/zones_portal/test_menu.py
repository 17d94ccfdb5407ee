"""The menu offers the artist network and the scorecard only to those whose pages would open (issue 15):
a juror with no zone or institution follows neither link into a refusal."""

import pytest
from django.test import Client
from django.urls import reverse

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
