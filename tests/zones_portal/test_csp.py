"""Every page carries the Content-Security-Policy and nothing in it that the policy would block.

The policy allows scripts and styles only from the portal's own files. So a page may hold no inline
``<script>``, no ``on...=`` handler, no ``javascript:`` address, no ``style=`` attribute and no ``<style>``
element: the browser would refuse them and the page would quietly break. The crawl starts from each role's
home page (the secretariat's admin, a deputy's dashboard, a partner's, a juror's, the public's), the API
docs and the browsable API, and follows every link to a kind of page it has not seen yet, on the demo data.
``tests/e2e/test_csp.py`` watches a real browser's console on the main pages.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from unittest import mock
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from reminders.services import record_due
from zones_portal.models import User

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}  # never run
BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"  # the API answers a browser with HTML
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
# Links that change something even on GET, or only repeat a page already seen with another order.
SKIPPED = re.compile(
    r"/(logout|language)/|/admin/logout/|[?&](o|p|q|_changelist_filters|format|ordering|page)="
)


class PageChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>: an inline style")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: address")
        if tag == "style":
            self.problems.append("<style>: an inline style sheet")
        kind = (attributes.get("type") or "").lower()
        if tag == "script" and not attributes.get("src") and kind not in DATA_SCRIPT_TYPES:
            self.problems.append(f"<script {attrs}>: an inline script")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def check_page(url: str, response, links: list[str] | None = None) -> list[str]:
    """What on the page breaks the policy, or is missing from it; the page's links go into ``links``."""
    problems = []
    header = response.get("Content-Security-Policy", "")
    policy = dict(part.strip().partition(" ")[::2] for part in header.split(";"))
    for directive, source in REQUIRED.items():
        if policy.get(directive) != source:
            problems.append(f"{url}: the policy's {directive} is {policy.get(directive)!r}, not {source}")
    for directive in ("script-src", "style-src", "default-src"):
        if "unsafe" in policy.get(directive, ""):
            problems.append(f"{url}: {directive} allows {policy[directive]}")
    checker = PageChecker()
    checker.feed(response.content.decode())
    if links is not None:
        links += checker.links
    return problems + [f"{url}: {problem}" for problem in checker.problems]


def shape(path: str) -> str:
    """Pages of one kind differ only in their numbers (/events/12/ and /events/13/)."""
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, starts: list[str], limit: int = 400) -> tuple[set[str], list[str]]:
    seen_shapes: set[str] = set()
    visited: set[str] = set()
    problems: list[str] = []
    queue = deque(starts)
    while queue and len(visited) < limit:
        url = queue.popleft()
        if shape(url) in seen_shapes:
            continue
        seen_shapes.add(shape(url))
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        if response.status_code in (301, 302):
            location = urljoin(url, response["Location"])
            if not urlsplit(location).netloc or urlsplit(location).netloc == "testserver":
                queue.append(urlsplit(location)._replace(scheme="", netloc="").geturl())
            continue
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        visited.add(url)
        links: list[str] = []
        problems += check_page(url, response, links)
        for link in links:
            target = urlsplit(urljoin(url, link))
            if target.netloc not in ("", "testserver") or target.scheme not in ("", "http"):
                continue
            local = target._replace(scheme="", netloc="", fragment="").geturl()
            if local.startswith("/") and not SKIPPED.search(local) and not local.startswith("/static/"):
                queue.append(local)
    return visited, problems


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", stdout=StringIO())
    record_due(timezone.now())  # notifications too, whose admin page previews the mail


def signed_in(username: str, client_for) -> Client:
    return client_for(User.objects.get(username=username))


@pytest.mark.parametrize(
    ("username", "starts", "must_see"),
    [
        (None, ["/", "/accounts/login/"], {"/accounts/login/"}),
        ("deputy-kish", ["/"], {"/", "/events/", "/events/calendar/", "/agreements/"}),
        ("partner-artbureau", ["/", "/api/docs/", "/api/v1/"], {"/", "/api/docs/", "/api/v1/"}),
        ("juror-1", ["/"], {"/"}),
        ("secretariat", ["/", "/admin/", "/scorecard/"], {"/admin/", "/scorecard/"}),
    ],
)
def test_every_page_keeps_to_the_policy(demo, client_for, username, starts, must_see):
    client = Client() if username is None else signed_in(username, client_for)
    visited, problems = crawl(client, starts)
    assert must_see <= visited
    assert not problems, "\n".join(problems)
    if username == "secretariat":  # the admin's lists and forms, where Django's widgets add their HTML
        assert sum(path.startswith("/admin/") and path.endswith("/change/") for path in visited) >= 10
        assert any(path.startswith("/admin/reminders/notification/") for path in visited)
        assert sum(path.startswith("/admin/") and path.count("/") == 4 for path in visited) >= 10


def test_the_api_docs_script_is_a_file_of_its_own(client_for, art_bureau_partner):
    client = client_for(art_bureau_partner)
    page = client.get("/api/docs/")
    assert not check_page("/api/docs/", page)
    sources = re.findall(r'<script src="([^"]+)"', page.content.decode())
    assert any("script" in source for source in sources)
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_error_pages_keep_to_the_policy(anonymous, rf: RequestFactory):
    missing = anonymous.get("/no-such-page/")
    assert missing.status_code == 404
    assert not check_page("/no-such-page/", missing)
    from zones_portal import errors

    failed = errors.server_error(rf.get("/"))
    failed["Content-Security-Policy"] = "; ".join(f"{k} {v}" for k, v in REQUIRED.items())
    assert not check_page("500", failed)


def test_the_policy_built_once_is_django_csps_own(client, settings):
    from csp.utils import build_policy

    from zones_portal import middleware

    middleware._plain_policies.cache_clear()
    assert client.get("/accounts/login/")["Content-Security-Policy"] == build_policy()
    with (
        mock.patch("csp.middleware.build_policy", side_effect=AssertionError("built again")),
        mock.patch.object(middleware, "build_policy", side_effect=AssertionError("built again")),
    ):
        assert client.get("/accounts/login/")["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}  # setting_changed
    assert client.get("/accounts/login/")["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_that_asks_for_its_own_policy_still_gets_it(rf, settings):
    from zones_portal.middleware import PolicyOnceCSPMiddleware

    def view(request):
        response = HttpResponse("x")
        response._csp_update = {"img-src": ["https://maps.example"]}
        return response

    request = rf.get("/")
    layer = PolicyOnceCSPMiddleware(view)
    response = layer(request)
    assert "https://maps.example" in response["Content-Security-Policy"]
