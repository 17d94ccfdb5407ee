"""Public pages for a crowd: kept until what they show changes, 304 for a matching ETag, and the
language switch still the visitor's own on a kept page (issue 18)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from events import services
from events.models import EventReport
from tests.factories import make_call
from tests.public.conftest import visitor

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_kept_page_follows_a_change_of_title(now_event, secretariat):
    client = visitor("en")
    old = now_event.title
    assert old in client.get(f"/whats-on/events/{now_event.pk}/").content.decode()
    assert old in client.get("/whats-on/").content.decode()
    services.update_event(secretariat, now_event, title="Renamed: a night of regional music")
    page = client.get(f"/whats-on/events/{now_event.pk}/").content.decode()
    listing = client.get("/whats-on/").content.decode()
    zone = client.get("/whats-on/qeshm/").content.decode()
    for html in (page, listing, zone):
        assert "Renamed: a night of regional music" in html
        assert old not in html


def test_a_cancelled_event_leaves_at_once(now_event, secretariat):
    client = visitor()
    assert now_event.title in client.get("/whats-on/").content.decode()
    assert client.get(f"/whats-on/events/{now_event.pk}/").status_code == 200
    services.cancel_event(secretariat, now_event, "باران شدید")
    assert client.get(f"/whats-on/events/{now_event.pk}/").status_code == 404
    assert now_event.title not in client.get("/whats-on/").content.decode()


def test_figures_made_public_show_at_once(leaky, secretariat):
    client = visitor("en")
    assert "4321" not in client.get(f"/whats-on/events/{leaky.pk}/").content.decode()
    services.set_public_figures(secretariat, EventReport.objects.get(event=leaky), public=True)
    assert "4321" in client.get(f"/whats-on/events/{leaky.pk}/").content.decode()


def test_a_call_opened_shows_on_the_zone_page(qeshm):
    client = visitor()
    assert "فراخوان تازه" not in client.get("/whats-on/qeshm/").content.decode()
    make_call(title="فراخوان تازه", zones=[qeshm])
    assert "فراخوان تازه" in client.get("/whats-on/qeshm/").content.decode()


@pytest.mark.parametrize("path", ["/whats-on/", "/whats-on/?zone=qeshm", "event", "/whats-on/qeshm/"])
def test_a_matching_etag_gets_304_without_a_query(now_event, path, django_assert_num_queries, secretariat):
    path = f"/whats-on/events/{now_event.pk}/" if path == "event" else path
    client = visitor()
    client.get(path)  # the first answer sets the CSRF cookie, which the page's forms (and ETag) are bound to
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    services.update_event(secretariat, now_event, title="تازه")
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_visitor_without_cookies_gets_304_too(now_event):
    """Crawlers and the bench keep no cookie: their copy is bound to no token, and stays valid."""
    path = f"/whats-on/events/{now_event.pk}/"
    etag = Client().get(path)["ETag"]
    assert Client().get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_copy_bound_to_a_lost_cookie_is_sent_again(now_event):
    """A browser that lost its CSRF cookie but kept the page gets a new page (and cookie), not a 304
    that would leave it a language switch bound to the lost cookie."""
    path = f"/whats-on/events/{now_event.pk}/"
    client = visitor()
    client.get(path)
    etag = client.get(path)["ETag"]
    del client.cookies[settings.CSRF_COOKIE_NAME]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert settings.CSRF_COOKIE_NAME in again.cookies


def test_etags_differ_by_language_and_visitor(now_event):
    path = f"/whats-on/events/{now_event.pk}/"
    persian, english = visitor("fa"), visitor("en")
    persian.get(path)  # the CSRF cookie is set by the first answer
    english.get(path)
    tags = {persian.get(path)["ETag"], english.get(path)["ETag"], visitor("fa").get(path)["ETag"]}
    assert len(tags) == 3


def test_the_ics_and_sitemap_answer_304_too(now_event):
    for path in (f"/whats-on/events/{now_event.pk}/calendar.ics", "/sitemap.xml"):
        first = visitor().get(path)
        assert first.status_code == 200
        assert visitor().get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_switching_language_on_a_kept_page_works_for_a_fresh_visitor(now_event):
    path = f"/whats-on/events/{now_event.pk}/"
    first = Client(enforce_csrf_checks=True)
    first_page = first.get(path).content.decode()  # fills the cache, in Persian
    fresh = Client(enforce_csrf_checks=True)
    page = fresh.get(path)
    html = page.content.decode()
    assert '<html lang="fa"' in html
    (token,) = TOKEN.findall(html)
    assert token not in first_page  # the kept content carries no token: each visitor gets their own
    assert fresh.cookies[settings.CSRF_COOKIE_NAME].value != first.cookies[settings.CSRF_COOKIE_NAME].value
    # Another visitor's token is refused; their own is taken.
    (first_token,) = TOKEN.findall(first_page)
    refused = fresh.post("/language/", {"language": "en", "next": path, "csrfmiddlewaretoken": first_token})
    assert refused.status_code == 403
    switched = fresh.post("/language/", {"language": "en", "next": path, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert switched["Location"] == path
    english = fresh.get(path).content.decode()
    assert '<html lang="en"' in english
    assert 'lang="fa">فارسی</button>' in english
    # The first visitor still reads Persian, from the kept Persian page.
    assert '<html lang="fa"' in first.get(path).content.decode()


def test_signed_in_answers_are_never_stored(now_event, client_for, kish_deputy):
    response = client_for(kish_deputy).get(f"/whats-on/events/{now_event.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert response["ETag"] != visitor().get(f"/whats-on/events/{now_event.pk}/")["ETag"]


def test_an_unreachable_cache_still_serves_the_page(now_event, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = visitor().get(f"/whats-on/events/{now_event.pk}/")
    assert response.status_code == 200
    assert now_event.title in response.content.decode()
