"""The what's-on filters: zone, category, month in the reader's calendar, upcoming or past, and text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jdatetime
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import EventCategory
from zones_portal.dates import (
    GREGORIAN_YEARS,
    JALALI_YEARS,
    format_date,
    latin_digits,
    month_start,
    next_month,
    persian_digits,
    uses_jalali,
)
from zones_portal.models import Zone

MONTHS_BACK = 3  # the month list: a few past months, then the coming year
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class Month:
    """A month of one calendar: its value in addresses (``1405-01``, ``2026-03``) and its days."""

    value: str
    first: dt.date
    following: dt.date  # the first day of the next month
    jalali: bool

    def label(self, language: str | None = None) -> str:
        """Its name as the reader reads it: a Solar Hijri month keeps its own name on an English page."""
        if self.jalali and not uses_jalali(language):
            j = jdatetime.date.fromgregorian(date=self.first)
            return f"{jdatetime.date.j_months_en[j.month - 1]} {j.year}"
        if not self.jalali and uses_jalali(language):
            return persian_digits(self.first.strftime("%Y-%m"))
        return format_date(self.first, "month", language)


def month_of(day: dt.date, jalali: bool) -> Month:
    first = month_start(day, jalali)
    if jalali:
        j = jdatetime.date.fromgregorian(date=first)
        value = f"{j.year}-{j.month:02d}"
    else:
        value = f"{first.year}-{first.month:02d}"
    return Month(value, first, next_month(first, jalali), jalali)


def parse_month(text: str) -> Month:
    """``YYYY-MM`` in any digits; the year says the calendar (1300 to 1500 Solar Hijri, 1921 to 2121
    Gregorian, as in the portal's date fields), so a link shared from a Persian page works on an English
    one. ValueError for anything else."""
    cleaned = latin_digits(text.strip()).replace("/", "-")
    year_text, _sep, month_text = cleaned.partition("-")
    if not (year_text.isascii() and year_text.isdigit() and month_text.isascii() and month_text.isdigit()):
        raise ValueError(text)
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12:
        raise ValueError(text)
    if year in JALALI_YEARS:
        return month_of(jdatetime.date(year, month, 1).togregorian(), jalali=True)
    if year in GREGORIAN_YEARS:
        return month_of(dt.date(year, month, 1), jalali=False)
    raise ValueError(text)


def month_choices(today: dt.date, language: str | None = None) -> list[tuple[str, str]]:
    jalali = uses_jalali(language)
    month = month_of(today, jalali)
    for _step in range(MONTHS_BACK):
        month = month_of(month.first - dt.timedelta(days=1), jalali)
    choices = []
    for _step in range(MONTHS_BACK + MONTHS_AHEAD + 1):
        choices.append((month.value, month.label(language)))
        month = month_of(month.following, jalali)
    return choices


UPCOMING = "upcoming"
PAST = "past"


class WhatsOnForm(forms.Form):
    """Every field may be left out; a value that does not read is an error on its field, in the
    reader's language (the page answers 400 and shows it)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        empty_label=_("All zones"),
        error_messages={"invalid_choice": _("There is no such zone; choose one from the list.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=EventCategory.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("There is no such category; choose one from the list.")},
    )
    month = forms.CharField(label=_("Month"), required=False, widget=forms.Select)
    when = forms.ChoiceField(
        label=_("When"),
        choices=[(UPCOMING, pgettext_lazy("events", "Upcoming")), (PAST, pgettext_lazy("events", "Past"))],
        required=False,
    )

    def __init__(self, *args: Any, today: dt.date, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Any month")), *month_choices(today, language)]
        asked = (self.data.get("month") or "").strip() if self.is_bound else ""
        if asked and asked not in dict(choices):
            try:
                month = parse_month(asked)
            except ValueError:
                pass
            else:  # a month outside the list (a shared link, an old one) is still offered, as chosen
                choices.insert(1, (asked, month.label(language)))
        self.fields["month"].widget.choices = choices
        self.language = language

    def clean_month(self) -> Month | None:
        text = self.cleaned_data.get("month") or ""
        if not text.strip():
            return None
        try:
            return parse_month(text)
        except ValueError:
            raise forms.ValidationError(
                _("Choose a month from the list, or write it as year-month, for example %(example)s."),
                code="invalid",
                params={"example": "1405-01" if uses_jalali(self.language) else "2026-03"},
            ) from None

    def clean_when(self) -> str:
        return self.cleaned_data.get("when") or UPCOMING
