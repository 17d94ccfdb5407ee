"""Template helpers loaded into every template (see TEMPLATES builtins)."""

import datetime as dt

from django import template

from zones_portal.dates import format_date

register = template.Library()


@register.filter
def when(value: dt.date | dt.datetime | None, style: str = "date") -> str:
    """The one way a template shows a date: Jalali in Persian, Gregorian in English."""
    return format_date(value, style)
