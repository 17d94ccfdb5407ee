"""Template helpers loaded into every template (see TEMPLATES builtins)."""

import datetime as dt
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from zones_portal.dates import format_date
from zones_portal.widgets import grouped_number, readers_number

register = template.Library()


@register.filter
def when(value: dt.date | dt.datetime | None, style: str = "date") -> str:
    """The one way a template shows a date: Jalali in Persian, Gregorian in English."""
    return format_date(value, style)


# Numbers in the reader's digits (admin ranking, scorecard, home page cards, reminder mail).
@register.filter
def digits(value: object) -> str:
    """A number (or text made of digits) as the reader writes it: Persian digits and ``٫`` in Persian.

    Apply it after ``floatformat`` or ``intcomma``; never to a code or a link a person copies."""
    return "" if value is None else readers_number(str(value))


@register.filter
def rials(value: object) -> str:
    """A sum of rials, its thousands grouped, in the reader's digits."""
    return grouped_number(value)


@lru_cache(maxsize=256)
def _address(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def link(name: str) -> str:
    """``{% url %}`` for a route without arguments, reversed once per process: the top bar and menu
    draw about twenty such links on every page, and reversing them was a tenth of a cached page's CPU.
    Keyed on the script prefix and urlconf, which are all that can change such an address."""
    return _address(name, get_script_prefix(), get_urlconf())
