"""The one list of the pages each kind of user reaches, shared by the browser tests (layout, console,
requests, accessibility): a page added to the portal is added here once and every check sees it.

The demo data (``seed_demo``) gives each role something real to look at; a zone's staff member and an
English-speaking deputy are added to it, so both the staff role and left-to-right pages are walked."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.test import Client

from agreements.models import Agreement, Obligation
from contests.models import Round
from coordination.models import ActionItem, Circular, Meeting
from events.models import Event, EventSeries
from exports.models import ExportDeal
from programmes.models import Programme
from talent.models import Application, TalentCall
from tests.conftest import confirm_with_code
from tests.factories import zone_user
from zones_portal.models import Membership, User, Zone
from zones_portal.permissions import can_use_admin

WIDTHS = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 820, "height": 1180},
    "desktop": {"width": 1366, "height": 900},
}
# A tablet's width for the roles whose pages differ most (menus, forms, both directions); the others at a
# phone's and a desktop's, which is where layouts break, to keep the walk within a few minutes.
TABLET_TOO = {"secretariat", "deputy", "english", "juror"}

# Who walks the portal: a signed-in username, or None for an anonymous visitor (an artist, the public).
ROLES = {
    "secretariat": "secretariat",
    "deputy": "deputy-kish",
    "staff": "staff-kish",
    "partner": "partner-artbureau",
    "juror": "juror-1",
    "judge": "judge-1",  # chairs the Quran contest's live final
    "english": "deputy-english",
    "public": None,
    "public-english": None,
}
# Whose pages are in English: the signed-in by their account's language, the public by their cookie.
ENGLISH_COOKIE = {"public-english"}


@dataclass(frozen=True)
class Demo:
    """The records whose pages are visited, as ids picked from the demo data."""

    event: int  # Kish's, approved: every signed-in person may see it
    reported: int  # Kish's, with its report: the report form opens on it
    agreement: int  # one Kish and the Art Bureau are party to
    obligation: int  # a pending one Kish owes
    partner_obligation: int  # a pending one the Art Bureau owes
    call: int  # published, open to the public
    application: int  # assigned to juror-1
    meeting: int  # the council meeting whose minutes are open for comment: Kish and the Art Bureau invited
    action_item: int  # an open one Kish owes
    partner_action_item: int  # one the Art Bureau owes
    circular: int  # the recent one, sent to every zone
    programme: int  # Kish's approved annual programme for 1405
    chabahar_programme: int  # returned, revised and approved: versions to compare
    deal: int  # an export deal of a Kish business
    preliminary: int  # the Quran contest's decided preliminary in Kish
    final: int  # the Quran contest's live final in Qeshm
    display_key: str  # the final's projector page
    series: int  # Qeshm's yearly festival


def seed() -> Demo:
    """The demo portal plus the two people it lacks; runs the ORM, so call it before the browser starts."""
    call_command("seed_demo", "--force", stdout=StringIO())
    kish = Zone.objects.get(slug="kish")
    zone_user(kish, role=Membership.Role.ZONE_STAFF, username="staff-kish")
    zone_user(kish, username="deputy-english", language="en")
    shared = Agreement.objects.filter(parties__zone=kish).filter(parties__institution__slug="artbureau")
    pending = Obligation.objects.filter(status=Obligation.Status.PENDING).order_by("pk")
    final = Round.objects.get(mode=Round.Mode.LIVE, kind=Round.Kind.JOINT)
    return Demo(
        event=Event.objects.filter(host_zone=kish, status=Event.Status.APPROVED).order_by("pk").first().pk,
        reported=Event.objects.filter(host_zone=kish, status=Event.Status.REPORTED).order_by("pk").first().pk,
        agreement=shared.order_by("pk").first().pk,
        obligation=pending.filter(party__zone=kish).first().pk,
        partner_obligation=pending.filter(party__institution__slug="artbureau").first().pk,
        call=TalentCall.objects.published().order_by("pk").first().pk,
        application=Application.objects.filter(assignments__juror__username="juror-1")
        .order_by("pk")
        .first()
        .pk,
        meeting=Meeting.objects.get(status=Meeting.Status.IN_COMMENT).pk,
        action_item=ActionItem.objects.filter(zone=kish, status=ActionItem.Status.OPEN)
        .order_by("pk")
        .first()
        .pk,
        partner_action_item=ActionItem.objects.filter(institution__slug="artbureau")
        .order_by("pk")
        .first()
        .pk,
        circular=Circular.objects.filter(status=Circular.Status.SENT).order_by("-sent_at").first().pk,
        programme=Programme.objects.get(zone=kish, year__year=1405).pk,
        chabahar_programme=Programme.objects.get(zone__slug="chabahar", year__year=1405).pk,
        deal=ExportDeal.objects.filter(zone=kish).order_by("pk").first().pk,
        preliminary=Round.objects.get(zone=kish, kind=Round.Kind.PRELIMINARY, status=Round.Status.DECIDED).pk,
        final=final.pk,
        display_key=final.display_key,
        series=EventSeries.objects.get(host_zone__slug="qeshm").pk,
    )


def pages_for(role: str, demo: Demo) -> list[str]:
    """Every page on the role's menu and top bar, and the main detail and form pages behind them."""
    shared = [
        "/",
        "/events/",
        f"/events/{demo.event}/",
        "/events/calendar/",
        "/agreements/",
        "/talent/",
        "/notifications/",
        "/notifications/preferences/",
        "/accounts/two-step/",
        "/zones/kish/",
        "/search/?q=%D8%AC%D8%B4%D9%86%D9%88%D8%A7%D8%B1%D9%87",  # the top bar's search: «جشنواره»
        f"/events/series/{demo.series}/",
    ]
    # The coordination desk: on the menu of the secretariat, the zones and the institutions.
    desk = [
        "/coordination/meetings/",
        f"/coordination/meetings/{demo.meeting}/",
        "/coordination/action-items/",
        "/coordination/circulars/",
    ]
    zone = [
        *shared,
        *desk,
        f"/coordination/action-items/{demo.action_item}/",
        f"/coordination/circulars/{demo.circular}/",
        "/events/new/",
        f"/events/{demo.reported}/report/",
        f"/agreements/{demo.agreement}/",
        f"/agreements/obligations/{demo.obligation}/report/",
        "/scorecard/",
        f"/scorecard/series/{demo.series}/",
        "/contests/",
        f"/contests/rounds/{demo.preliminary}/",
        f"/contests/rounds/{demo.final}/",
        "/scorecard/kish/",
        "/scorecard/plan/",
        "/scorecard/plan/kish/",
        "/talent/network/",
        # Annual programmes and the export register: on the menu of the secretariat and the zones.
        "/programmes/",
        f"/programmes/{demo.programme}/",
        "/exports/dashboard/",
        "/exports/deals/",
        "/exports/businesses/",
        f"/exports/deals/{demo.deal}/",
    ]
    public = [
        "/accounts/login/",
        "/calls/",
        f"/calls/{demo.call}/",
        f"/calls/{demo.call}/apply/",
        "/calls/status/",
        "/whats-on/",
        f"/whats-on/events/{demo.event}/",
        "/whats-on/qeshm/",
        "/contests/certificates/check/",
        f"/contests/live/display/{demo.display_key}/",
    ]
    return {
        "secretariat": [
            *zone,
            f"/coordination/meetings/{demo.meeting}/minutes/",
            f"/programmes/{demo.chabahar_programme}/compare/",
            "/zones/kish/edit/",
            "/admin/",
            f"/contests/live/{demo.final}/",
            f"/contests/live/{demo.final}/order/",
            f"/contests/rounds/{demo.preliminary}/certificates/",
            "/contests/certificates/",
        ],
        "deputy": [*zone, "/zones/kish/edit/"],
        "staff": zone,
        "english": [*zone, "/zones/kish/edit/"],
        "partner": [
            *shared,
            f"/agreements/{demo.agreement}/",
            f"/agreements/obligations/{demo.partner_obligation}/report/",
            "/talent/network/",
            *desk,  # circulars go to zones: the partner's list is empty, and reachable
            f"/coordination/action-items/{demo.partner_action_item}/",
        ],
        # A juror proposes no event and is party to no agreement: their pages are the shared ones.
        # juror-1 also judges the demo contest's preliminaries: the competitions are on their menu.
        "juror": [*shared, "/talent/jury/", f"/talent/jury/applications/{demo.application}/", "/contests/"],
        # The chair of the final: the shared pages, the competitions and the final's phone page and desk.
        "judge": [
            *shared,
            "/contests/",
            f"/contests/rounds/{demo.final}/",
            "/contests/live/",
            f"/contests/live/{demo.final}/",
            f"/contests/live/{demo.final}/judge/",
        ],
        "public": public,
        "public-english": public,
    }[role]


def widths_for(role: str) -> dict[str, dict[str, int]]:
    return {size: viewport for size, viewport in WIDTHS.items() if size != "tablet" or role in TABLET_TOO}


def session_of(username: str) -> str:
    """A signed-in session, as the sign-in form (and its second step, for the admin) would leave it."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if can_use_admin(user):
        confirm_with_code(client, user)
    return client.cookies["sessionid"].value


def shot_name(role: str, path: str, width: int) -> str:
    """``<role>-<page>-<width>.png``: the page's path with its slashes as dashes and a record's id as
    ``one`` (ids differ from run to run; the names stay, so a run replaces the last run's pictures)."""
    page = "-".join("one" if part.isdigit() else part for part in path.strip("/").split("/")) or "home"
    return f"{role}-{page}-{width}.png"


# How far the page is wider than the window, and which element sticks out furthest (to name it).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const client = document.documentElement.clientWidth;  // the window less a scroll bar's width
  const scroll = document.documentElement.scrollWidth;
  let widest = "";
  if (scroll > client) {
    // A page scrolls towards its end: leftwards in right-to-left, rightwards in left-to-right.
    const rtl = document.documentElement.dir === "rtl";
    let most = width;
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      const out = rtl ? width - box.left : box.right;
      if (out > most && box.width > 0) {
        most = out;
        widest = element.tagName.toLowerCase() + (element.className ? "." + String(element.className).split(" ").join(".") : "");
      }
    }
  }
  return {client, scroll, widest};
}"""
