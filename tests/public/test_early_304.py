"""A visitor's repeated conditional GET of a public page or of the feed of all zones is answered before
sessions, CSRF, authentication and the view run (issue #13: the 304 path at half the plain ceiling),
with the same ETag and the same headers the long way gives."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings

from events import services
from tests.public.conftest import visitor
from whatson import caching

pytestmark = pytest.mark.django_db

EARLY = "zones_portal.middleware.VisitorConditionalMiddleware"
LONG_WAY = [name for name in settings.MIDDLEWARE if name != EARLY]
PAGES = [
    "/whats-on/",
    "/whats-on/?zone=qeshm&utm_source=x",
    "event",
    "/whats-on/qeshm/",
    "ics",
    "/sitemap.xml",
]
FEED = "/events/calendar.ics"


def _path(path: str, event) -> str:
    return {"event": f"/whats-on/events/{event.pk}/", "ics": f"/whats-on/events/{event.pk}/calendar.ics"}.get(
        path, path
    )


def _headers(response) -> dict[str, object]:
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    # django-csp writes its directives in no fixed order
    headers["Content-Security-Policy"] = set(headers["Content-Security-Policy"].split("; "))
    return headers


def _not_built():
    return mock.patch("whatson.caching.render", side_effect=AssertionError("the page was drawn"))


@pytest.mark.parametrize("path", [*PAGES, FEED])
def test_the_early_304_is_the_long_ways_304(now_event, path):
    path = _path(path, now_event)
    client = visitor("en")
    client.get(path)  # a page's first answer sets the CSRF cookie its ETag is bound to
    etag = client.get(path)["ETag"]
    with override_settings(MIDDLEWARE=LONG_WAY):
        slow = client.get(path, HTTP_IF_NONE_MATCH=etag)
    with (
        mock.patch("django.contrib.sessions.middleware.SessionMiddleware.process_request") as session,
        mock.patch("events.feed_views._answer", side_effect=AssertionError("the feed view ran")),
        mock.patch("whatson.caching.serve", side_effect=AssertionError("the page view ran")),
        mock.patch("whatson.caching.serve_bytes", side_effect=AssertionError("the file view ran")),
    ):
        fast = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not session.called
    assert slow.status_code == fast.status_code == 304
    assert fast["ETag"] == etag
    assert _headers(fast) == _headers(slow)


def test_the_feeds_if_modified_since_is_answered_early(now_event):
    last_modified = Client().get(FEED)["Last-Modified"]
    with mock.patch("events.feed_views._answer", side_effect=AssertionError("the feed view ran")):
        response = Client().get(FEED, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304
    assert response["Last-Modified"] == last_modified


def test_a_change_is_a_200_again(now_event, secretariat):
    client = Client()
    etag = client.get(FEED)["ETag"]
    page = f"/whats-on/events/{now_event.pk}/"
    page_etag = Client().get(page)["ETag"]
    services.update_event(secretariat, now_event, title="Renamed: a night of regional music")
    assert client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 200
    again = Client().get(page, HTTP_IF_NONE_MATCH=page_etag)
    assert again.status_code == 200
    assert "Renamed: a night of regional music" in again.content.decode()


def test_another_language_is_not_the_same_copy(now_event):
    path = f"/whats-on/events/{now_event.pk}/"
    etag = Client().get(path)["ETag"]  # Persian: no cookie
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = english.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_lang_in_the_address_not_yet_remembered_goes_the_long_way(now_event):
    path = f"/whats-on/events/{now_event.pk}/?lang=en"
    etag = Client().get(path)["ETag"]
    client = Client()
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"  # the long way remembered it


def test_a_visitor_with_a_session_goes_the_long_way(now_event, qeshm_deputy):
    client = Client()
    client.force_login(qeshm_deputy)
    path = f"/whats-on/events/{now_event.pk}/"
    client.get(path)  # sets the CSRF cookie
    etag = client.get(path)["ETag"]
    with mock.patch("whatson.views.serve", wraps=caching.serve) as serve:
        response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert serve.called


def test_a_bad_host_is_still_refused(now_event):
    response = Client().get("/whats-on/", HTTP_IF_NONE_MATCH='"x"', HTTP_HOST="evil.example")
    assert response.status_code == 400
