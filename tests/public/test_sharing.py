"""What search engines and link previews read: JSON-LD, Open Graph and Twitter tags, the canonical
link, the sitemap and robots.txt (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import jdatetime
import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from tests.factories import make_call, make_event
from tests.public.conftest import visitor

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The head's meta tags, links and JSON-LD blocks, as a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta.setdefault(key, []).append(attributes["content"])
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.links["canonical"] = attributes["href"]
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld[-1] += data


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(("language", "locale"), [("fa", "fa_IR"), ("en", "en_US")])
def test_an_event_page_carries_schema_org_event_data(qeshm, kish, art_bureau, language, locale):
    event = make_event(
        qeshm,
        status="approved",
        title="جشنواره موسیقی نواحی",
        venue="تالار ناز",
        invite=(kish,),
        description="سه شب موسیقی نواحی جنوب.",
        map_link="https://neshan.org/maps/places/abc",
    )
    event.participations.update(answer="accepted")
    event.co_organisers.set([art_bureau])
    html = visitor(language).get(f"/whats-on/events/{event.pk}/").content.decode()
    (block,) = head_of(html).json_ld
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    starts = dt.datetime.fromisoformat(data["startDate"])
    assert starts.utcoffset() == dt.timedelta(hours=3, minutes=30)  # Tehran time, with its offset
    assert starts == event.starts_at.replace(microsecond=0)
    assert dt.datetime.fromisoformat(data["endDate"]) == event.ends_at.replace(microsecond=0)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == "تالار ناز"
    assert data["location"]["address"]["addressCountry"] == "IR"
    assert data["location"]["hasMap"] == "https://neshan.org/maps/places/abc"
    organisers = {organiser["name"] for organiser in data["organizer"]}
    assert organisers == (
        {"قشم", "حوزه هنری انقلاب اسلامی"}
        if language == "fa"
        else {"Qeshm", "Art Bureau of the Islamic Revolution"}
    )
    assert data["description"] == "سه شب موسیقی نواحی جنوب."
    suffix = "?lang=en" if language == "en" else ""
    assert data["url"] == f"http://testserver/whats-on/events/{event.pk}/{suffix}"
    assert data["inLanguage"] == language
    meta = head_of(html).meta
    assert meta["og:locale"] == [locale]


def test_a_title_cannot_break_out_of_the_json_block(qeshm):
    title = '</script><script>alert("x")</script> & <!-- «نمایش»'
    event = make_event(qeshm, status="approved", title=title)
    html = visitor().get(f"/whats-on/events/{event.pk}/").content.decode()
    assert "</script><script>alert" not in html
    assert html.count("<script") == html.count("</script>")
    (block,) = head_of(html).json_ld
    assert json.loads(block)["name"] == title


@pytest.mark.parametrize("language", ["fa", "en"])
def test_open_graph_tags_have_absolute_addresses_on_every_public_page(now_event, language):
    for path in ("/whats-on/", f"/whats-on/events/{now_event.pk}/", "/whats-on/qeshm/"):
        html = visitor(language).get(path).content.decode()
        head = head_of(html)
        for key in (
            "og:title",
            "og:description",
            "og:type",
            "og:url",
            "og:image",
            "og:locale",
            "og:site_name",
            "twitter:card",
            "twitter:title",
            "twitter:image",
        ):
            assert head.meta.get(key), f"{path}: {key}"
        for key in ("og:url", "og:image", "twitter:image"):
            assert head.meta[key][0].startswith("http://testserver/"), f"{path}: {key}"
        assert head.links["canonical"].startswith("http://testserver/")
        assert head.meta["og:locale"] == ["fa_IR" if language == "fa" else "en_US"]
        assert head.meta["og:locale:alternate"] == ["en_US" if language == "fa" else "fa_IR"]
    assert head.meta["og:image"][0].endswith("/img/og-default.png")
    assert finders.find("img/og-default.png"), "the preview image is one of the portal's static files"


def test_the_preview_image_is_the_size_previews_ask_for_and_light_to_fetch():
    """1200 x 630 as Open Graph and Twitter cards want it; a phone on a slow line fetches it with every
    shared link, so it is kept small (it was 260 KB)."""
    from pathlib import Path

    from PIL import Image

    found = Path(finders.find("img/og-default.png"))
    with Image.open(found) as image:
        assert image.size == (1200, 630)
    assert found.stat().st_size <= 60_000


def test_a_shared_event_previews_its_title_date_and_place(now_event):
    head = head_of(visitor().get(f"/whats-on/events/{now_event.pk}/").content.decode())
    assert head.meta["og:title"] == [now_event.title]
    (description,) = head.meta["og:description"]
    assert "تالار ناز" in description
    assert "قشم" in description
    local = timezone.localtime(now_event.starts_at)
    assert (
        jdatetime.date.j_months_fa[jdatetime.date.fromgregorian(date=local.date()).month - 1] in description
    )
    assert head.meta["og:type"] == ["article"]
    assert head.links["canonical"] == f"http://testserver/whats-on/events/{now_event.pk}/"


def test_the_sitemap_lists_public_pages_only(qeshm, anzali_zone):
    public = make_event(qeshm, status="approved", title="عمومی")
    held = make_event(qeshm, status="held", title="برگزارشده", starts_in_days=-5)
    hidden = [make_event(qeshm, status=status) for status in ("draft", "submitted", "rejected", "cancelled")]
    call = make_call(title="فراخوان عمومی")
    draft_call = make_call(title="فراخوان پیش‌نویس", status="draft")
    anzali_zone.is_active = False
    anzali_zone.save()
    response = visitor().get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {
        node.text
        for node in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)  # noqa: S314 - our own page
    }
    assert "http://testserver/whats-on/" in locations
    assert "http://testserver/whats-on/qeshm/" in locations
    assert "http://testserver/whats-on/anzali/" not in locations
    assert f"http://testserver/whats-on/events/{public.pk}/" in locations
    assert f"http://testserver/whats-on/events/{held.pk}/" in locations
    for event in hidden:
        assert f"http://testserver/whats-on/events/{event.pk}/" not in locations
    assert f"http://testserver/calls/{call.pk}/" in locations
    assert f"http://testserver/calls/{draft_call.pk}/" not in locations
    assert all(re.fullmatch(r"http://testserver/\S*", location) for location in locations)


def test_robots_invites_the_public_pages_and_names_the_sitemap():
    """Closed by default, the public pages opened: a new signed-in section (/contests/, /search/) is
    closed without a line of its own; the private corners of /calls/ stay closed (longest match)."""
    response = visitor().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Disallow: /"]
    for public in ("/whats-on/", "/calls/", "/static/", "/sitemap.xml"):
        assert f"Allow: {public}" in lines
    for private in ("/calls/status/", "/calls/applied/", "/calls/*/apply/"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any("contests" in line for line in lines)  # certificates/check stays closed for now
    rules = [line.split(": ", 1) for line in lines if line.startswith(("Allow:", "Disallow:"))]

    def matches(rule: str, path: str) -> bool:  # RFC 9309: a prefix, "*" standing for any characters
        return re.match(".*".join(re.escape(part) for part in rule.split("*")), path) is not None

    def allowed(path: str) -> bool:
        matching = [(len(prefix), kind == "Allow") for kind, prefix in rules if matches(prefix, path)]
        return max(matching)[1]  # the longest match wins; Allow wins a tie

    for public in ("/whats-on/events/3/", "/calls/7/", "/sitemap.xml", "/static/css/public.css"):
        assert allowed(public), public
    for private in (
        "/contests/",
        "/search/?q=x",
        "/admin/",
        "/api/v1/",
        "/calls/status/",
        "/events/3/",
        "/calls/7/apply/",
    ):
        assert not allowed(private), private


def test_the_application_form_asks_search_engines_not_to_list_it():
    """The call's page is what a search should find; its form says noindex, besides robots.txt."""
    open_call = make_call()
    page = visitor().get(f"/calls/{open_call.pk}/apply/").content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert "noindex" not in visitor().get(f"/calls/{open_call.pk}/").content.decode()
