"""The reviewer's findings on the public pages, each pinned: a decorated link (utm_source, fbclid) makes
no copy of its own, ``?lang=en`` gives crawlers and link previews the English page with its alternates,
and the sitemap lists both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from tests.public.conftest import visitor
from whatson import caching

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def kept(monkeypatch):
    """Every key a public page is kept under, in order."""
    keys: list[str] = []
    keep = caching._keep

    def noting(key: str, built: object) -> None:
        keys.append(key)
        keep(key, built)

    monkeypatch.setattr(caching, "_keep", noting)
    return keys


@pytest.mark.parametrize(
    "path",
    ["/whats-on/", "/whats-on/?zone=qeshm", "/whats-on/events/{pk}/", "/whats-on/qeshm/"],
)
def test_a_query_string_outside_the_form_makes_no_new_copy(now_event, kept, path):
    path = path.format(pk=now_event.pk)
    client = Client()
    client.get(path)  # the visitor's CSRF cookie is set now; the ETag names it from here on
    first = client.get(path)
    assert first.status_code == 200
    assert len(kept) == 1
    joiner = "&" if "?" in path else "?"
    for noise in ("utm_source=newsletter&utm_medium=mail", "fbclid=IwAR0abc", "utm_campaign=2"):
        decorated = client.get(f"{path}{joiner}{noise}")
        assert decorated.status_code == 200
        assert decorated["ETag"] == first["ETag"]  # one identity, so a 304 serves the decorated link too
        # The language switch's way back is drawn per request (not kept) and may keep the visitor's address.
        html = re.sub(r'<input type="hidden" name="next" value="[^"]*">', "", decorated.content.decode())
        assert "utm_" not in html
        assert "fbclid" not in html
    assert len(kept) == 1
    again = client.get(f"{path}{joiner}utm_source=x", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_parameters_the_list_reads_still_make_their_own_page(now_event, kept):
    client = Client()
    client.get("/whats-on/")
    client.get("/whats-on/?zone=qeshm")
    client.get("/whats-on/?when=past")
    assert len(set(kept)) == 3


def _links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def _meta(html: str, prop: str) -> str:
    return unescape(re.search(rf'<meta property="{prop}" content="([^"]*)">', html).group(1))


def test_lang_en_gives_a_crawler_the_english_page_with_its_alternates(now_event):
    crawler = Client()  # no cookie, no account: a search engine or a link preview
    path = f"/whats-on/events/{now_event.pk}/"
    response = crawler.get(f"{path}?lang=en")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in html
    assert "Open this event" not in html  # (the dashboard link is for the signed-in only)
    assert "Add to calendar" in html
    url = f"http://testserver{path}"
    assert f'<link rel="canonical" href="{url}?lang=en">' in html
    assert _meta(html, "og:url") == f"{url}?lang=en"
    assert _meta(html, "og:locale") == "en_US"
    assert _meta(html, "og:locale:alternate") == "fa_IR"
    assert _links(html) == {"fa": url, "en": f"{url}?lang=en", "x-default": url}
    # The choice is remembered as the language switch remembers it.
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    # The Persian page names the same alternates; its canonical has no parameter.
    persian = Client().get(path).content.decode()
    assert '<html lang="fa"' in persian
    assert f'<link rel="canonical" href="{url}">' in persian
    assert _links(persian) == _links(html)
    # Every alternate is a real page in its language.
    for hreflang, href in _links(html).items():
        answer = Client().get(href.removeprefix("http://testserver"))
        assert answer.status_code == 200
        assert answer["Content-Language"] == ("en" if hreflang == "en" else "fa")


def test_lang_in_the_address_wins_over_the_cookie_on_public_pages_only(now_event, kish_deputy):
    english = visitor("en")
    assert english.get("/whats-on/?lang=fa")["Content-Language"] == "fa"
    assert english.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fa"
    assert english.get("/whats-on/qeshm/")["Content-Language"] == "fa"  # remembered
    assert visitor("fa").get("/calls/?lang=en")["Content-Language"] == "en"
    assert visitor("fa").get("/whats-on/?lang=xx")["Content-Language"] == "fa"  # not a language: ignored
    signed_in = Client()
    signed_in.force_login(kish_deputy)
    assert signed_in.get("/?lang=en")["Content-Language"] == kish_deputy.language  # not a public page
    assert signed_in.get("/whats-on/?lang=en")["Content-Language"] == "en"


def test_a_filtered_english_list_shares_its_filters_in_english(now_event):
    html = Client().get("/whats-on/?zone=qeshm&lang=en&utm_source=x").content.decode()
    assert _meta(html, "og:url") == "http://testserver/whats-on/?zone=qeshm&lang=en"
    assert '<link rel="canonical" href="http://testserver/whats-on/?lang=en">' in html


def test_the_sitemap_lists_each_page_in_both_languages(now_event):
    root = ET.fromstring(Client().get("/sitemap.xml").content)  # noqa: S314 - the portal's own answer
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }
    event = f"http://testserver/whats-on/events/{now_event.pk}/"
    alternates = {"fa": event, "en": f"{event}?lang=en", "x-default": event}
    assert entries[event] == alternates
    assert entries[f"{event}?lang=en"] == alternates
    assert "http://testserver/whats-on/qeshm/?lang=en" in entries
    assert "http://testserver/whats-on/?lang=en" in entries
