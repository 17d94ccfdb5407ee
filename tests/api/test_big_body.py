"""An oversized JSON body is answered in JSON, like every other API error."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_oversized_body_gets_a_json_413(api_for, art_bureau_partner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = '{"title": "' + "x" * (2 * 1024 * 1024) + '"}'
    answer = api_for(art_bureau_partner).post(
        "/api/v1/events/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("application/json")
    assert "1 MB" in answer.json()["detail"]
