"""Signed-in pages are never kept by a shared cache or after sign-out; public pages may be."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_private_and_not_stored(client_for, kish_deputy):
    response = client_for(kish_deputy).get("/events/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]


def test_an_api_answer_to_a_key_is_private(api_for, art_bureau_partner):
    response = api_for(art_bureau_partner).get("/api/v1/zones/")
    assert "private" in response["Cache-Control"]


def test_a_public_page_is_not_marked_private(anonymous):
    response = anonymous.get("/calls/")
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
    assert "camera=()" in response["Permissions-Policy"]
