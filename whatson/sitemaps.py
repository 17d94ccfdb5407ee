"""The sitemap's sections: what's on, the zones' pages, the published events, the published talent calls.

Served with ``django.contrib.sitemaps``' view and our own template (``public/sitemap.xml``), so neither
``django.contrib.sitemaps`` nor ``django.contrib.sites`` needs to be an installed app: without the sites
framework the view takes the domain from the request. Each page is listed in Persian (its plain address)
and in English (``?lang=en``, which the locale middleware obeys on public pages), with ``xhtml:link``
alternates between them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from events.models import Event
from talent.models import TalentCall
from whatson import seo
from zones_portal.models import Zone


class InLanguages(Sitemap):
    """Every page in each language: its address per language (``languages``, Persian first) and the
    alternates each entry names (``alternates``: hreflang and address, and the x-default)."""

    def get_urls(self, page: Any = 1, site: Any = None, protocol: str | None = None) -> list[dict]:
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            url["languages"] = [seo.in_language(url["location"], code) for code, _name in settings.LANGUAGES]
            url["alternates"] = seo.alternates(url["location"])
        return urls


class WhatsOnSitemap(InLanguages):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["public:whats-on"]

    def location(self, item: str) -> str:
        return reverse(item)


class ZoneSitemap(InLanguages):
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> QuerySet[Zone]:
        return Zone.objects.visible_to(None).only("slug").order_by("sort_order", "slug")

    def location(self, zone: Zone) -> str:
        return reverse("public:zone", args=[zone.slug])


class EventSitemap(InLanguages):
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


class TalentCallSitemap(InLanguages):
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
