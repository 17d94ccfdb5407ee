"""What schemathesis (``bin/fuzz``) found the API doing against its schema, kept as ordinary tests so the
suite guards each fix without the fuzzer. Paging has its own file (``test_schema_paging.py``), and the
answers' shapes theirs (``test_schema_truth.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from events.models import Event
from tests.factories import make_agreement, make_call, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def proposal(**changes):
    start = timezone.now() + dt.timedelta(days=30)
    return {
        "title": "نمایشگاه",
        "category": "exhibition",
        "host_zone": "qeshm",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"venue": 0},  # was stored as "0"
        {"title": 12},
        {"participating_zones": {}},  # was read as no zones
        {"participating_zones": "kish"},
        {"expected_audience": "500"},  # was read as 500
        {"expected_audience": True},
        {"host_zone": 7},
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_by_name(api_for, art_bureau_partner, qeshm, changes):
    response = api_for(art_bureau_partner).post("/api/v1/events/", proposal(**changes), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(changes)
    assert not Event.objects.exists()


def test_an_agreement_is_named_by_its_number_not_a_text(api_for, art_bureau_partner, qeshm, art_bureau):
    agreement = make_agreement(zones=[qeshm], institutions=[art_bureau])
    client = api_for(art_bureau_partner)
    text = client.post("/api/v1/events/", proposal(agreement=str(agreement.pk)), format="json")
    assert text.status_code == 400
    assert list(text.json()) == ["agreement"]
    number = client.post("/api/v1/events/", proposal(agreement=agreement.pk), format="json")
    assert number.status_code == 201, number.content


def test_a_form_body_is_still_read_as_text(api_for, art_bureau_partner, qeshm):
    """Forms carry only text: "500" is how a form says 500."""
    response = api_for(art_bureau_partner).post(
        "/api/v1/events/", proposal(expected_audience="500"), format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["expected_audience"] == 500


def test_a_nomination_consents_with_true_not_a_text(api_for, art_bureau_partner, kish):
    call = make_call(zones=[kish])
    body = {
        "full_name": "رضا خوشنویس",
        "birth_date": "2001-02-03",
        "zone": "kish",
        "email": "reza@example.org",
        "discipline": "calligraphy",
        "statement": "نستعلیق",
        "consent": "true",
    }
    response = api_for(art_bureau_partner).post(
        f"/api/v1/talent-calls/{call.pk}/nominations/", body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["consent"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/1.1754943508222875e-38/",  # a number the router cannot read as an id or a format
        "/api/v1/obligations/-1.3e-192/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_a_path_that_names_no_endpoint_is_a_json_404(api_for, art_bureau_partner, path):
    client = api_for(art_bureau_partner)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "یافت نشد."}  # in the reader's language, Persian unless asked
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").json() == {"detail": "Not found."}


def test_a_post_to_no_endpoint_with_a_session_cookie_is_a_json_404_not_a_csrf_page(
    client_for, art_bureau_partner
):
    client = client_for(art_bureau_partner)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/talent-calls/0.5/nominations/", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "یافت نشد."}


def test_a_path_missing_its_slash_is_still_sent_to_the_endpoint(api_for, art_bureau_partner):
    response = api_for(art_bureau_partner).get("/api/v1/events")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/events/"


def test_an_empty_filter_means_no_filter_and_the_schema_says_so(schema, api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    make_event(kish, status="held")
    client = api_for(art_bureau_partner)
    for name in ("status", "starts_before", "starts_after", "zone", "category", "search"):
        response = client.get(f"/api/v1/events/?{name}=")
        assert response.status_code == 200, name
        assert response.json()["count"] == 2, name
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    for name in ("status", "starts_before", "starts_after", "zone", "category", "search"):
        assert parameters[name]["allowEmptyValue"] is True, name


def test_a_date_filter_is_documented_as_the_date_or_date_time_it_takes(schema, api_for, art_bureau_partner):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    formats = {option["format"] for option in parameters["starts_after"]["schema"]["anyOf"]}
    assert formats == {"date", "date-time"}
    assert api_for(art_bureau_partner).get("/api/v1/events/?starts_after=2026-12-01").status_code == 200


def test_every_operation_documents_what_the_server_may_answer(schema):
    """Including the 414 that gunicorn gives a request line over 4094 bytes, before the portal sees it."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "414", "429"} <= documented, (method, path)
            if method in ("post", "patch"):
                assert {"413", "415"} <= documented, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response.get("content"), (method, path, status)
