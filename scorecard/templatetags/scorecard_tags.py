"""Numbers on the scorecard's pages in the reader's digits: ۶۲٫۵ on a Persian page, 62.5 on an English one."""

from django import template

from zones_portal.widgets import readers_number

register = template.Library()


@register.filter
def digits(value: object) -> str:
    """The font draws Latin digits as Persian ones, but copied text, screen readers and print do not."""
    if value is None:
        return ""
    return readers_number(str(value))
