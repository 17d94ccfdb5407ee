"""Refusals, missing pages and server errors are pages in the reader's language, never Django's bare ones."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation

from tests.factories import UserFactory
from zones_portal import errors


def _fails(request):
    raise RuntimeError("a fault the tests cause on purpose")


# The portal's own addresses plus one that fails, for the 500 page as a request meets it.
urlpatterns = [path("fails/", _fails), path("", include("zones_portal.urls"))]
handler500 = errors.server_error


def styled(page: str) -> bool:
    """The portal's own page: its style sheet and its top bar, not a bare server text."""
    return "/static/css/portal" in page and 'class="topbar"' in page


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


@pytest.mark.django_db
def test_a_refusal_in_persian_carries_the_reason_in_persian(client_for, qeshm_deputy, kish):
    page = client_for(qeshm_deputy).get(f"/zones/{kish.slug}/edit/").content.decode()
    assert "فقط دبیرخانه یا معاون همین منطقه می‌تواند اطلاعات آن را تغییر دهد." in page
    assert styled(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [
        ("fa", "شما اجازه باز کردن این صفحه را ندارید", "کارنامه برای دبیرخانه و مناطق است."),
        ("en", "You may not open this page", "The scorecard is for the secretariat and the zones."),
    ],
)
def test_a_juror_refused_the_scorecard_reads_why_in_their_language(client_for, language, heading, reason):
    juror = UserFactory(username=f"juror-{language}", language=language)
    response = client_for(juror).get("/scorecard/")
    assert response.status_code == 403
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert f"<h1>{heading}</h1>" in page
    assert reason in page
    assert styled(page)
    assert "403 Forbidden" not in page


@pytest.mark.django_db
def test_a_missing_page_in_english_is_a_styled_english_page(anonymous):
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = anonymous.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="en"' in page
    assert 'dir="ltr"' in page
    assert "<h1>Page not found</h1>" in page
    assert "Back to the portal" in page
    assert styled(page)


@pytest.mark.django_db
def test_a_missing_page_in_persian_is_styled_and_leads_back(anonymous):
    page = anonymous.get("/no-such-page/").content.decode()
    assert 'dir="rtl"' in page
    assert "بازگشت به سامانه" in page
    assert styled(page)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [("fa", "rtl", "در سامانه خطایی رخ داد"), ("en", "ltr", "Something went wrong on our side")],
)
def test_a_failing_request_meets_the_styled_error_page_in_its_language(language, direction, heading):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert f'dir="{direction}"' in page
    assert f"<h1>{heading}</h1>" in page
    assert styled(page)
    assert "Server Error (500)" not in page
    assert "RuntimeError" not in page
