"""Template helpers of the programme pages: quarters and months by name."""

from django import template

from programmes.calendar import month_name, quarter_name

register = template.Library()


@register.filter
def quarter(value: int) -> str:
    return quarter_name(value)


@register.filter
def month(value: int | None) -> str:
    return month_name(value)
