"""/api/v1/export-deals/: scoped like the register; a partner reads the deals of its own agreements and
fairs, never a business's contact; filters by zone, country, field, year, event and agreement."""

from __future__ import annotations

import jdatetime
import pytest

from tests.api.conftest import api_for  # noqa: F401 (the fixture)
from tests.exports.register_world import creative_field, make_agreement, make_business, make_deal, make_fair

pytestmark = pytest.mark.django_db

URL = "/api/v1/export-deals/"


@pytest.fixture
def world(kish, qeshm, art_bureau, kanoon):
    kish_business = make_business(kish, "کارگاه سفال", contact_phone="09121110000")
    qeshm_business = make_business(qeshm, "استودیو بازی", field=creative_field("games", "بازی"))
    art_fair = make_fair(qeshm, co_organisers=[art_bureau])
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    return {
        "art_fair": art_fair,
        "agreement": agreement,
        "at_art_fair": make_deal(qeshm_business, event=art_fair, country="AE"),
        "by_agreement": make_deal(kish_business, agreement=agreement, country="IQ"),
        "kish_plain": make_deal(kish_business, country="TR", days_ago=400),
        "kanoon_fair": make_deal(kish_business, event=make_fair(kish, co_organisers=[kanoon]), country="OM"),
    }


def _ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


SEES = {
    "secretariat": {"at_art_fair", "by_agreement", "kish_plain", "kanoon_fair"},
    "kish_deputy": {"by_agreement", "kish_plain", "kanoon_fair"},
    "qeshm_deputy": {"at_art_fair"},
    "art_bureau_partner": {"at_art_fair", "by_agreement"},
    "kanoon_partner": {"kanoon_fair"},
}


@pytest.mark.parametrize("role", list(SEES))
def test_the_list_is_scoped(request, api_for, world, role):  # noqa: F811
    client = api_for(request.getfixturevalue(role))
    assert _ids(client.get(URL)) == {world[name].pk for name in SEES[role]}
    for name in {"at_art_fair", "by_agreement", "kish_plain", "kanoon_fair"} - SEES[role]:
        assert client.get(f"{URL}{world[name].pk}/").status_code == 404


def test_a_partner_reads_the_deal_of_its_fair_without_the_contact(api_for, art_bureau_partner, world):  # noqa: F811
    row = api_for(art_bureau_partner).get(f"{URL}{world['at_art_fair'].pk}/").json()
    assert (row["buyer_country"], row["event"], row["zone"], row["field"]) == (
        "AE",
        world["art_fair"].pk,
        "qeshm",
        "games",
    )
    assert "09121110000" not in str(api_for(art_bureau_partner).get(URL).json())
    assert not {"contact_name", "contact_phone", "contact_email"} & set(row)


def test_anonymous_gets_401_and_nobody_writes(api_for, kish_deputy, world):  # noqa: F811
    assert api_for(None).get(URL).status_code == 401
    assert api_for(kish_deputy).post(URL, {}, format="json").status_code == 405


def test_filters(api_for, secretariat, world):  # noqa: F811
    client = api_for(secretariat)
    assert _ids(client.get(URL, {"zone": "qeshm"})) == {world["at_art_fair"].pk}
    assert _ids(client.get(URL, {"country": "IQ"})) == {world["by_agreement"].pk}
    assert _ids(client.get(URL, {"field": "games"})) == {world["at_art_fair"].pk}
    assert _ids(client.get(URL, {"event": world["art_fair"].pk})) == {world["at_art_fair"].pk}
    assert _ids(client.get(URL, {"agreement": world["agreement"].pk})) == {world["by_agreement"].pk}
    old = world["kish_plain"].signed_on
    assert world["kish_plain"].pk in _ids(client.get(URL, {"year": old.year}))
    solar = jdatetime.date.fromgregorian(date=old).year
    assert world["kish_plain"].pk in _ids(client.get(URL, {"year": solar}))
    assert world["by_agreement"].pk not in _ids(client.get(URL, {"year": solar}))


def test_the_list_costs_the_same_at_two_sizes(api_for, kish_deputy, kish, world, django_assert_num_queries):  # noqa: F811
    client = api_for(kish_deputy)
    client.get(URL)
    with django_assert_num_queries(4):
        client.get(URL)
    business = make_business(kish, "بنگاه دیگر")
    for _ in range(15):
        make_deal(business)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.json()["count"] == 18


def test_an_id_one_does_not_see_filters_to_nothing_not_a_400(api_for, kish_deputy, world):  # noqa: F811
    """Ids of businesses, events and agreements outside the person's view give an empty list, as an id
    that exists nowhere does: the schema promises an integer, and the answer tells no id from another."""
    for name in ("business", "event", "agreement"):
        for value in (0, world["art_fair"].pk if name == "event" else 999_999):
            response = api_for(kish_deputy).get("/api/v1/export-deals/", {name: value})
            assert _ids(response) == set()


def test_a_year_is_a_whole_number(api_for, kish_deputy, world):  # noqa: F811
    for not_whole in ("1405.5", "1405.0", "0.0", "--1"):
        assert api_for(kish_deputy).get("/api/v1/export-deals/", {"year": not_whole}).status_code == 400
    assert api_for(kish_deputy).get("/api/v1/export-deals/", {"year": "۱۴۰۵"}).status_code == 200
    assert _ids(api_for(kish_deputy).get("/api/v1/export-deals/", {"year": "-1"})) == set()
    assert api_for(kish_deputy).get("/api/v1/export-deals/", {"year": "1405"}).status_code == 200
