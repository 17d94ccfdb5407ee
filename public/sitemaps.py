"""The sitemap's sections: what's on, the zones' pages, the published events, the published talent calls.

Served with ``django.contrib.sitemaps``' view and our own template (``public/sitemap.xml``), so neither
``django.contrib.sitemaps`` nor ``django.contrib.sites`` needs to be an installed app: without the sites
framework the view takes the domain from the request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from events.models import Event
from talent.models import TalentCall
from zones_portal.models import Zone


class WhatsOnSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["public:whats-on"]

    def location(self, item: str) -> str:
        return reverse(item)


class ZoneSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> QuerySet[Zone]:
        return Zone.objects.visible_to(None).only("slug").order_by("sort_order", "slug")

    def location(self, zone: Zone) -> str:
        return reverse("public:zone", args=[zone.slug])


class EventSitemap(Sitemap):
    """Published events only: the rule for a visitor with no account (drafts, refusals and cancelled
    events are never listed)."""

    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Event]:
        return Event.objects.visible_to(None).only("pk", "updated_at").order_by("pk")

    def location(self, event: Event) -> str:
        return reverse("public:event", args=[event.pk])

    def lastmod(self, event: Event) -> dt.datetime:
        return event.updated_at


class TalentCallSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[TalentCall]:
        return TalentCall.objects.published().only("pk", "updated_at").order_by("pk")

    def location(self, call: TalentCall) -> str:
        return reverse("talent:call", args=[call.pk])

    def lastmod(self, call: TalentCall) -> dt.datetime:
        return call.updated_at


SITEMAPS = {
    "whats-on": WhatsOnSitemap,
    "zones": ZoneSitemap,
    "events": EventSitemap,
    "calls": TalentCallSitemap,
}
