"""The public pages: what's on across the zones, each event, each zone, the sitemap and robots.txt.

Nobody signs in here. What they show is what ``Event.objects.visible_to(None)`` gives a visitor with no
account (published events: approved, held, reported), so the one visibility rule decides it; drafts,
submitted, rejected and cancelled events are 404. No reason, outcome, money, export figure, contact
detail or author ever reaches these templates; a report's attendance and number of artists appear only
when the secretariat marked them public. Each page is built once per version of its data
(``whatson.caching``) and drawn around the visitor's own top bar.
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import quote

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import feeds
from events.models import Event, EventReport, Participation
from talent.models import TalentCall
from whatson import seo
from whatson.caching import LANGUAGE_PARAM, Built, Page, answers_early, serve, serve_bytes
from whatson.forms import PAST, WhatsOnForm
from whatson.sitemaps import SITEMAPS
from zones_portal.models import Zone
from zones_portal.search import matching
from zones_portal.views import paginate

PAGE_SIZE = 20
ZONE_UPCOMING = 12  # a zone page's share of each list; the what's-on list filtered by zone has the rest
ZONE_RECENT = 6
ZONE_CALLS = 10
CLOCK_SECONDS = 300  # pages that follow the clock (a call opens or closes) are rebuilt at least this often
# What the what's-on list reads from its query string (the filters and the page); any other parameter
# (a newsletter's utm_source, a network's fbclid) is dropped before the page is looked up or built.
WHATS_ON_PARAMS = ("q", "zone", "category", "month", "when", "page")


def public_events() -> QuerySet[Event]:
    """What anyone may read: the visibility rule as it stands for a visitor with no account."""
    return Event.objects.visible_to(None)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _in_zone(zone: Zone) -> Q:
    """A zone's public events: those it hosts, and those it accepted to take part in."""
    accepted = Participation.objects.filter(
        event_id=OuterRef("pk"), zone=zone, answer=Participation.Answer.ACCEPTED
    )
    return Q(host_zone=zone) | Q(Exists(accepted))


def _sharing(
    request: HttpRequest,
    title: str,
    description: str,
    path: str,
    kind: str = "website",
    *,
    canonical_path: str | None = None,
) -> seo.Sharing:
    """The sharing tags: ``path`` (with the filters shown) is what a shared link opens, in the reader's
    language; the alternates name each language's version of the canonical page."""
    return seo.Sharing(
        title=title,
        description=description,
        url=seo.in_language(request.build_absolute_uri(path)),
        image=seo.image_url(request.build_absolute_uri),
        kind=kind,
        site_name=_("Zones Portal"),
        alternates=tuple(seo.alternates(request.build_absolute_uri(canonical_path or path))),
    )


def _canonical(request: HttpRequest, path: str) -> str:
    """The page's one address in the reader's language (``?lang=en`` in English)."""
    return seo.in_language(request.build_absolute_uri(path))


def _render(request: HttpRequest, template: str, context: dict) -> str:
    return render_to_string(template, context, request=None)


# What's on -------------------------------------------------------------------------------------------


def _whats_on_page(request: HttpRequest) -> Page:
    return Page("whats-on", WHATS_ON_PARAMS, extra=timezone.localdate())


@answers_early(_whats_on_page)
@require_safe
def whats_on(request: HttpRequest) -> HttpResponse:
    """Published events across the zones, upcoming first (from today on), filtered by zone, category,
    month (in the reader's calendar), past or upcoming, and text; 20 a page."""
    page = _whats_on_page(request)
    today = page.extra
    return serve(request, page.name, lambda: _whats_on(request, today), params=page.params, extra=today)


def _whats_on(request: HttpRequest, today: dt.date) -> Built:
    language = get_language()
    filters = request.GET.copy()
    filters.pop(LANGUAGE_PARAM, None)
    form = WhatsOnForm(filters or None, today=today, language=language)
    events = public_events()
    status = 200
    chosen: dict = {}
    if form.is_bound and not form.is_valid():
        status = 400
        events = events.none()
    elif form.is_bound:
        chosen = form.cleaned_data
    if chosen.get("zone"):
        events = events.filter(_in_zone(chosen["zone"]))
    if chosen.get("category"):
        events = events.filter(category=chosen["category"])
    month = chosen.get("month")
    if chosen.get("q"):
        events = matching(events, chosen["q"])  # every term, in any of its spellings
    if month is not None:
        events = events.filter(
            starts_at__lt=_day_start(month.following), ends_at__gt=_day_start(month.first)
        ).order_by("starts_at", "pk")
    elif chosen.get("when") == PAST:
        events = events.filter(ends_at__lt=_day_start(today)).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=_day_start(today)).order_by("starts_at", "pk")
    rows = events.select_related("category", "host_zone").defer("description", "search_text")
    paged = paginate(request, rows, PAGE_SIZE)
    path = reverse("public:whats-on")
    title = _("What's on in the free zones")
    if chosen.get("zone"):
        title = _("What's on in %(zone)s") % {"zone": chosen["zone"].name}
    sharing = _sharing(
        request,
        title,
        _("Cultural and art events across Iran's free and special economic zones: dates, places, hosts."),
        f"{path}?{filters.urlencode()}" if filters else path,
        canonical_path=path,
    )
    context = {
        "form": form,
        "paged": paged,
        "month": month,
        "past": month is None and chosen.get("when") == PAST,
        "title": title,
        "sharing": sharing,
        "canonical": _canonical(request, path),
    }
    return Built(
        status,
        {
            "title": title,
            "head": _render(request, "public/_meta.html", context),
            "content": _render(request, "public/_whats_on.html", context),
        },
    )


# One event ---------------------------------------------------------------------------------------------


def _event_page_page(request: HttpRequest, pk: int) -> Page:
    return Page(f"event:{pk}", extra=timezone.localdate())


@answers_early(_event_page_page)
@require_safe
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = _event_page_page(request, pk)
    today = page.extra
    context = {}
    if request.user.is_authenticated:  # drawn outside the kept content: only the signed-in see it
        context["dashboard_url"] = reverse("events:detail", args=[pk])
    return serve(request, page.name, lambda: _event_page(request, pk, today), extra=today, context=context)


def _event_page(request: HttpRequest, pk: int, today: dt.date) -> Built:
    event = get_object_or_404(public_events().select_related("category", "host_zone"), pk=pk)
    partners = [
        participation.zone
        for participation in Participation.objects.filter(
            event=event, answer=Participation.Answer.ACCEPTED
        ).select_related("zone")
    ]
    institutions = list(event.co_organisers.all())
    report = (
        EventReport.objects.filter(event=event, public_figures=True)
        .only("attendance", "artists_count")
        .first()
    )
    path = reverse("public:event", args=[event.pk])
    url = _canonical(request, path)
    image = seo.image_url(request.build_absolute_uri)
    summary = seo.event_summary(event)
    description = f"{summary} — {seo.shorten(event.description)}" if event.description else summary
    place = seo.place_of(event)
    context = {
        "event": event,
        "partners": partners,
        "institutions": institutions,
        "report": report,
        "place": place,
        "map_url": event.map_link
        or "https://www.openstreetmap.org/search?query=" + quote(f"{place}, {event.host_zone.province}"),
        "is_past": event.ends_at < _day_start(today),
        "sharing": _sharing(request, event.title, description, path, kind="article"),
        "canonical": url,
        "json_ld": seo.json_ld(
            seo.event_data(event, url=url, image=image, partners=partners, institutions=institutions)
        ),
    }
    return Built(
        200,
        {
            "title": event.title,
            "head": _render(request, "public/_meta.html", context),
            "content": _render(request, "public/_event.html", context),
        },
    )


def _event_calendar_page(request: HttpRequest, pk: int) -> Page:
    return Page(f"event-ics:{pk}", file=True)


@answers_early(_event_calendar_page)
@require_safe
def event_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": the event alone, as the feeds write it (same UID, so no duplicate)."""
    url = request.build_absolute_uri(reverse("public:event", args=[pk]))

    def build() -> tuple[bytes, str] | None:
        content = feeds.event_calendar(pk, url)
        return None if content is None else (content, "text/calendar; charset=utf-8")

    response = serve_bytes(
        request,
        _event_calendar_page(request, pk).name,
        build,
        headers={"Content-Disposition": f'attachment; filename="event-{pk}.ics"'},
    )
    if response is None:
        raise Http404
    return response


# One zone ----------------------------------------------------------------------------------------------


def _zone_page_page(request: HttpRequest, slug: str) -> Page:
    return Page(f"zone:{slug}", extra=int(time.time() // CLOCK_SECONDS))


@answers_early(_zone_page_page)
@require_safe
def zone_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A zone's public face: its coming and recent events and the talent calls open to its artists.
    Calls open and close with the clock, so the kept page is rebuilt every few minutes as well."""
    now = timezone.now()
    page = _zone_page_page(request, slug)
    return serve(request, page.name, lambda: _zone_page(request, slug, now), extra=page.extra)


def _zone_page(request: HttpRequest, slug: str, now: dt.datetime) -> Built:
    zone = get_object_or_404(Zone.objects.visible_to(None), slug=slug)
    today_start = _day_start(timezone.localdate(now))
    events = (
        public_events()
        .filter(_in_zone(zone))
        .select_related("category", "host_zone")
        .defer("description", "search_text")
    )
    upcoming = list(events.filter(ends_at__gte=today_start).order_by("starts_at", "pk")[: ZONE_UPCOMING + 1])
    recent = list(events.filter(ends_at__lt=today_start).order_by("-starts_at", "-pk")[:ZONE_RECENT])
    calls = list(
        TalentCall.objects.open_at(now).eligible_for_zone(zone.pk).order_by("closes_at", "pk")[:ZONE_CALLS]
    )
    path = reverse("public:zone", args=[zone.slug])
    title = _("Culture and art in %(zone)s") % {"zone": zone.name}
    context = {
        "zone": zone,
        "upcoming": upcoming[:ZONE_UPCOMING],
        "more_upcoming": len(upcoming) > ZONE_UPCOMING,
        "recent": recent,
        "calls": calls,
        "title": title,
        "sharing": _sharing(
            request,
            title,
            _("Events and talent calls of %(zone)s, %(province)s.")
            % {"zone": zone.name, "province": zone.province},
            path,
        ),
        "canonical": _canonical(request, path),
    }
    return Built(
        200,
        {
            "title": title,
            "head": _render(request, "public/_meta.html", context),
            "content": _render(request, "public/_zone.html", context),
        },
    )


# For search engines ------------------------------------------------------------------------------------


def _sitemap_page(request: HttpRequest) -> Page:
    return Page("sitemap", ("p",), file=True)  # p: django's sitemap page


@answers_early(_sitemap_page)
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page: what's on, the zones, the published events and the published talent calls,
    each in Persian and in English (``?lang=en``), each naming the other as its alternate."""

    def build() -> tuple[bytes, str]:
        response = sitemap_view(request, SITEMAPS, template_name="public/sitemap.xml")
        response.render()
        return response.content, "application/xml; charset=utf-8"

    page = _sitemap_page(request)
    response = serve_bytes(request, page.name, build, params=page.params)
    if response is None:  # pragma: no cover - build always finds something
        raise Http404
    return response


# Everything is closed to crawlers but what is open to the public: a new signed-in section needs no line
# here. The longest matching rule wins (RFC 9309), so the private corners of /calls/ stay closed.
# /contests/certificates/check/ may become public (issue 19): it is deliberately not allowed here;
# whoever opens it adds its Allow line.
PUBLIC_PREFIXES = ("/whats-on/", "/calls/", "/static/")
PRIVATE_UNDER_PUBLIC = ("/calls/status/", "/calls/applied/", "/calls/*/apply/")  # "*": RFC 9309's wildcard


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /",
        *(f"Allow: {prefix}" for prefix in PUBLIC_PREFIXES),
        f"Allow: {reverse('public:sitemap')}",
        *(f"Disallow: {prefix}" for prefix in PRIVATE_UNDER_PUBLIC),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
