"""What search engines and link previews read: schema.org JSON-LD and the Open Graph / Twitter tags.

The JSON-LD block is data, not script (``type="application/ld+json"`` is never run, so the CSP's
``script-src 'self'`` does not apply to it); its text is escaped as Django's ``json_script`` escapes
(``<``, ``>`` and ``&`` as ``\\u`` escapes), so no title or description can close the element.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.models import Event
from zones_portal.dates import format_date
from zones_portal.i18n import join_list
from zones_portal.models import Institution, Zone

IMAGE = "img/og-default.png"  # 1200 x 630, drawn for the portal (static/img/og-default.svg is its source)
IMAGE_WIDTH, IMAGE_HEIGHT = 1200, 630
DESCRIPTION_WORDS = 40

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
LOCALES = {"fa": "fa_IR", "en": "en_US"}


def json_ld(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` element holding ``data``, safe whatever it says."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def in_language(url: str, language: str | None = None) -> str:
    """A public page's address in a language: the portal's own (Persian) as it is, any other with
    ``lang=`` added, which the locale middleware obeys on public pages. Crawlers and link previews carry
    no cookie, so this is how they reach the English pages."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    if language == settings.LANGUAGE_CODE:
        return url
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def alternates(url: str) -> list[tuple[str, str]]:
    """(hreflang, address) of every language's version of a page, and the default one (``x-default``:
    the address as it is, Persian for a visitor with no choice made)."""
    return [(code, in_language(url, code)) for code, _name in settings.LANGUAGES] + [("x-default", url)]


def locale() -> str:
    return LOCALES.get((get_language() or "fa")[:2], "fa_IR")


def other_locales() -> list[str]:
    mine = locale()
    return [value for value in LOCALES.values() if value != mine]


@dataclass(frozen=True)
class Sharing:
    """One page's sharing tags (``public/_meta.html``): every address absolute."""

    title: str
    description: str
    url: str
    image: str
    kind: str = "website"  # og:type
    site_name: str = ""
    # (hreflang, address) of each language's version (``alternates``): link rel="alternate" tags.
    alternates: tuple[tuple[str, str], ...] = ()

    @property
    def locale(self) -> str:
        return locale()

    @property
    def alternate_locales(self) -> list[str]:
        return other_locales()

    @property
    def image_width(self) -> int:
        return IMAGE_WIDTH

    @property
    def image_height(self) -> int:
        return IMAGE_HEIGHT


def image_url(absolute: Callable[[str], str]) -> str:
    return absolute(static(IMAGE))


def shorten(text: str, words: int = DESCRIPTION_WORDS) -> str:
    return Truncator(" ".join(text.split())).words(words, truncate="…")


def place_of(event: Event) -> str:
    """Where it happens, in words: the venue, then the zone."""
    return join_list(part for part in (event.venue.strip(), event.host_zone.name) if part)


def _iso(moment: object) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def event_data(
    event: Event,
    *,
    url: str,
    image: str,
    partners: list[Zone],
    institutions: list[Institution],
) -> dict:
    """schema.org ``Event``: only what the public page shows (cancelled events are not public, so
    ``eventStatus`` is always ``EventScheduled``)."""
    zone = event.host_zone
    address = join_list(part for part in (event.venue.strip(), zone.name, zone.province) if part)
    organizers = [{"@type": "Organization", "name": zone.name}]
    organizers += [{"@type": "Organization", "name": institution.name} for institution in institutions]
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": _iso(event.starts_at),
        "endDate": _iso(event.ends_at),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": event.venue.strip() or zone.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": address,
                "addressRegion": zone.province,
                "addressCountry": "IR",
            },
            **({"hasMap": event.map_link} if event.map_link else {}),
        },
        "organizer": organizers if len(organizers) > 1 else organizers[0],
        "description": shorten(event.description, 80) if event.description else event_summary(event),
        "url": url,
        "image": [image],
        "inLanguage": get_language() or "fa",
    }
    if partners:
        data["contributor"] = [{"@type": "Organization", "name": partner.name} for partner in partners]
    return data


def event_summary(event: Event) -> str:
    """The preview's line: when and where (a shared link shows title, date and place)."""
    return _("%(when)s · %(place)s") % {
        "when": format_date(event.starts_at, "datetime"),
        "place": place_of(event),
    }
