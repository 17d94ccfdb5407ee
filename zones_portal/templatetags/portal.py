"""Template helpers loaded into every template (see TEMPLATES builtins)."""

import datetime as dt

from django import template

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
