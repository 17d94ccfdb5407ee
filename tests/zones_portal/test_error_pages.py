"""Refusals, missing pages and server errors are pages in the reader's language, never Django's bare ones."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from zones_portal import errors


@pytest.mark.django_db
def test_a_refusal_is_a_persian_page_with_the_reason(client_for, qeshm_deputy, kish):
    response = client_for(qeshm_deputy).get(f"/zones/{kish.slug}/edit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>شما اجازه باز کردن این صفحه را ندارید</h1>" in page
    assert "بازگشت به سامانه" in page
    assert "403 Forbidden" not in page
    # The service's reason reaches the reader, in their language.
    assert "Only the secretariat" not in page
    assert 'class="topbar"' in page


@pytest.mark.django_db
def test_a_refusal_in_english_keeps_the_reason(client_for, qeshm_deputy, kish):
    qeshm_deputy.language = "en"  # a signed-in person's saved choice decides the pages' language
    qeshm_deputy.save(update_fields=["language"])
    page = client_for(qeshm_deputy).get(f"/zones/{kish.slug}/edit/").content.decode()
    assert "You may not open this page" in page
    assert "Only the secretariat or this zone&#x27;s deputy may change its details." in page


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_page(anonymous):
    response = anonymous.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "صفحه پیدا نشد" in page
    assert "Not Found" not in page


@pytest.mark.django_db
def test_a_missing_api_object_is_not_found_in_the_readers_language(client_for, secretariat):
    from rest_framework.test import APIClient

    from zones_portal.models import ApiToken

    _token, key = ApiToken.issue(secretariat)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    persian = api.get("/api/v1/agreements/999999/", HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.status_code == 404
    assert persian.json() == {"detail": "یافت نشد."}
    english = api.get("/api/v1/agreements/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Not found."}
    assert "Agreement" not in english.content.decode()


def test_the_server_error_page_keeps_the_language_and_the_request_id():
    request = RequestFactory().get("/")
    request.request_id = "abc123"
    with translation.override("fa"):
        page = errors.server_error(request).content.decode()
    assert 'dir="rtl"' in page
    assert "<h1>در سامانه خطایی رخ داد</h1>" in page
    assert "abc123" in page
    with translation.override("en"):
        page = errors.server_error(request).content.decode()
    assert "Something went wrong on our side" in page


@pytest.mark.django_db
def test_an_expired_form_says_so_and_nothing_is_saved(kish_deputy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kish_deputy)
    response = client.post("/events/new/", {"title_fa": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "CSRF" not in page
    assert "<h1>" in page
