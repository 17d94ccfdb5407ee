"""Paging parameters are what the schema says, whole numbers from 1 given once, or a 400 naming them.

schemathesis (``bin/fuzz``) found DRF quietly answering ``page_size=false`` with 20 rows and ``page=``
with the first page, so a client's mistake looked like success.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page_size=false", "page_size"),
        ("page_size=", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-5", "page_size"),
        ("page_size=2.5", "page_size"),
        ("page_size=5&page_size=6", "page_size"),
        ("page=", "page"),
        ("page=0", "page"),
        ("page=last", "page"),
        ("page=1&page=2", "page"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/events/", "/api/v1/agreements/", "/api/v1/talent-calls/"])
def test_a_bad_paging_parameter_is_a_400_naming_it(api_for, art_bureau_partner, endpoint, query, parameter):
    response = api_for(art_bureau_partner).get(f"{endpoint}?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [parameter]


def test_good_paging_still_works(api_for, art_bureau_partner, kish):
    for _ in range(3):
        make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    second = client.get("/api/v1/events/?page_size=2&page=2").json()
    assert (second["count"], len(second["results"])) == (3, 1)
    assert len(client.get("/api/v1/events/?page_size=۲").json()["results"]) == 2  # Persian digits count too
    assert client.get("/api/v1/events/?page=99").status_code == 404  # past the last page
    assert client.get(f"/api/v1/events/?page={'9' * 5000}").status_code == 404
    assert len(client.get(f"/api/v1/events/?page_size={'9' * 5000}").json()["results"]) == 3


def test_the_schema_says_where_paging_starts():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert "100" in parameters["page_size"]["description"]
