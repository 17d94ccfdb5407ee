"""The OpenAPI schema tells the truth: real answers, with the values that used to contradict it (null
links and parties, blank addresses, every error), are validated against the schema the portal serves.

``bin/fuzz`` holds the running portal to the same promise with schemathesis; these tests keep each case it
found in the ordinary suite.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator

from tests.factories import make_agreement, make_call, make_event, make_obligation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _uri(value: object) -> bool:
    """An absolute URI, as schemathesis reads ``format: uri`` (the stock checker ignores the format)."""
    return not isinstance(value, str) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$", value) is not None


FORMATS = FormatChecker()
for name, check in OAS30ReadValidator.FORMAT_CHECKER.checkers.items():
    FORMATS.checkers[name] = check
FORMATS.checks("uri")(_uri)


def conforms(schema, template: str, method: str, response) -> None:
    """The answer's status, media type and body are all ones the schema documents for the operation."""
    operation = schema["paths"][template][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {template} answered {status}, undocumented"
    content = operation["responses"][status].get("content")
    if not content:
        return
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in content, f"{media_type} is not documented for {status}"
    body_schema = {**content[media_type]["schema"], "components": schema["components"]}
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OAS30ReadValidator(body_schema, format_checker=FORMATS).iter_errors(response.json())
    ]
    assert not errors, errors


def test_the_validator_catches_what_the_schema_used_to_miss(schema):
    """The checks below would pass vacuously if the validator let null and "" through."""
    error = {**schema["components"]["schemas"]["Error"], "components": schema["components"]}
    assert list(OAS30ReadValidator(error, format_checker=FORMATS).iter_errors({"detail": None}))
    assert not _uri("")
    assert _uri("https://example.org/report")


@pytest.fixture
def world(kish, qeshm, art_bureau):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    # Dates left open, as a draft agreement has them.
    agreement.signed_on = agreement.effective_from = agreement.expires_on = None
    agreement.save()
    owed = make_obligation(agreement, agreement.parties.get(kind="institution"))
    carried = make_event(kish, status="approved", invite=(qeshm,))
    carried.agreement = agreement
    carried.save()
    plain = make_event(qeshm, status="approved")  # carries out no agreement
    kish.website = kish.email = ""
    kish.save()
    return {"agreement": agreement, "obligation": owed, "event": carried, "plain": plain, "call": make_call()}


def test_every_read_answer_matches_the_schema(schema, api_for, art_bureau_partner, world):
    client = api_for(art_bureau_partner)
    reads = [
        ("/api/v1/zones/", "/api/v1/zones/"),
        ("/api/v1/zones/{slug}/", "/api/v1/zones/kish/"),
        ("/api/v1/events/", "/api/v1/events/"),
        ("/api/v1/events/{id}/", f"/api/v1/events/{world['plain'].pk}/"),
        ("/api/v1/events/{id}/", f"/api/v1/events/{world['event'].pk}/"),
        ("/api/v1/agreements/", "/api/v1/agreements/"),
        ("/api/v1/agreements/{id}/", f"/api/v1/agreements/{world['agreement'].pk}/"),
        ("/api/v1/obligations/{id}/", f"/api/v1/obligations/{world['obligation'].pk}/"),
        ("/api/v1/talent-calls/", "/api/v1/talent-calls/"),
        ("/api/v1/talent-calls/{id}/", f"/api/v1/talent-calls/{world['call'].pk}/"),
    ]
    for template, url in reads:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        conforms(schema, template, "get", response)


def test_the_values_that_used_to_contradict_the_schema_are_there(api_for, art_bureau_partner, world):
    """So the test above really met a null agreement, null parties, blank links and open dates."""
    client = api_for(art_bureau_partner)
    assert client.get(f"/api/v1/events/{world['plain'].pk}/").json()["agreement"] is None
    agreement = client.get(f"/api/v1/agreements/{world['agreement'].pk}/").json()
    assert {(party["zone"], party["institution"]) for party in agreement["parties"]} == {
        (None, None),
        ("kish", None),
        (None, "artbureau"),
    }
    assert agreement["signed_on"] is None
    assert agreement["obligations"][0]["evidence_link"] == ""
    assert client.get("/api/v1/zones/kish/").json()["website"] == ""


def test_every_write_answer_matches_the_schema(schema, api_for, art_bureau_partner, world):
    client = api_for(art_bureau_partner)
    start = timezone.now() + dt.timedelta(days=30)
    proposal = {
        "title": "نمایشگاه",
        "category": "exhibition",
        "host_zone": "qeshm",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
    }
    conforms(schema, "/api/v1/events/", "post", client.post("/api/v1/events/", proposal, format="json"))
    bad = client.post("/api/v1/events/", {**proposal, "ends_at": proposal["starts_at"]}, format="json")
    assert bad.status_code == 400
    conforms(schema, "/api/v1/events/", "post", bad)

    obligation = f"/api/v1/obligations/{world['obligation'].pk}/"
    report = client.patch(obligation, {"status": "in_progress"}, format="json")
    assert report.status_code == 200, report.content
    conforms(schema, "/api/v1/obligations/{id}/", "patch", report)

    nominations = f"/api/v1/talent-calls/{world['call'].pk}/nominations/"
    nomination = {
        "full_name": "رضا خوشنویس",
        "birth_date": "2001-02-03",
        "zone": "kish",
        "email": "reza@example.org",
        "discipline": "calligraphy",
        "statement": "نستعلیق",
        "consent": True,
    }
    created = client.post(nominations, nomination, format="json")
    assert created.status_code == 201, created.content
    conforms(schema, "/api/v1/talent-calls/{id}/nominations/", "post", created)
    # A list field's messages are keyed by the item's position.
    listed = client.post(nominations, {**nomination, "portfolio_links": ["not a link"]}, format="json")
    assert listed.status_code == 400
    assert set(listed.json()["portfolio_links"]) == {"0"}
    conforms(schema, "/api/v1/talent-calls/{id}/nominations/", "post", listed)


def test_the_documented_body_of_a_patch_is_the_one_it_needs(schema, api_for, art_bureau_partner, world):
    """The report is validated whole: the schema must not call the status optional."""
    body = schema["paths"]["/api/v1/obligations/{id}/"]["patch"]["requestBody"]
    component = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][component]["required"] == ["status"]
    assert body["required"] is True
    empty = api_for(art_bureau_partner).patch(
        f"/api/v1/obligations/{world['obligation'].pk}/", {}, format="json"
    )
    assert empty.status_code == 400
    assert "status" in empty.json()


def test_every_error_answer_matches_the_schema(schema, api_for, art_bureau_partner, world, settings):
    client = api_for(art_bureau_partner)
    conforms(schema, "/api/v1/events/", "get", api_for(None).get("/api/v1/events/"))  # 401
    conforms(schema, "/api/v1/events/{id}/", "get", client.get("/api/v1/events/999999/"))  # 404
    conforms(schema, "/api/v1/zones/{slug}/", "get", client.get("/api/v1/zones/nowhere/"))  # 404
    conforms(schema, "/api/v1/events/", "get", client.get("/api/v1/events/?page=99"))  # 404: past the last
    conforms(schema, "/api/v1/events/", "get", client.get("/api/v1/events/?starts_after=someday"))  # 400
    read_only = api_for(art_bureau_partner, write_enabled=False)
    forbidden = read_only.patch(
        f"/api/v1/obligations/{world['obligation'].pk}/", {"status": "done"}, format="json"
    )
    assert forbidden.status_code == 403
    conforms(schema, "/api/v1/obligations/{id}/", "patch", forbidden)
    unreadable = client.post("/api/v1/events/", "title", content_type="text/plain")
    assert unreadable.status_code == 415
    conforms(schema, "/api/v1/events/", "post", unreadable)
    broken = client.post("/api/v1/events/", "{", content_type="application/json")
    assert broken.status_code == 400
    conforms(schema, "/api/v1/events/", "post", broken)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    too_big = client.post("/api/v1/events/", {"title": "x" * 4096}, format="json")
    assert too_big.status_code == 413
    conforms(schema, "/api/v1/events/", "post", too_big)
