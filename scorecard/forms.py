"""The scorecard's span form: two days in the page's calendar, shown filled with the span on show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecard import periods
from zones_portal.dates import input_date, uses_jalali
from zones_portal.widgets import LocalDateField, LocalDateInput


class SpanDateInput(LocalDateInput):
    """A day in the page's calendar. In Persian, the portal's Jalali field; in English with the Solar
    Hijri calendar chosen, the same ``1405/09/07`` in Latin digits (the browser's date picker knows
    only the Gregorian calendar); in English with the Gregorian one, the browser's date picker."""

    def __init__(self, attrs: dict | None = None, calendar: str = periods.GREGORIAN) -> None:
        super().__init__(attrs)
        self.calendar = calendar

    def _english_solar_hijri(self) -> bool:
        return self.calendar == periods.SOLAR_HIJRI and not uses_jalali()

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        if not self._english_solar_hijri():
            return super().get_context(name, value, attrs)
        self.input_type = "text"
        attrs = {
            **(attrs or {}),
            "placeholder": "1405/09/07",
            "inputmode": "numeric",
            "dir": "ltr",
            "autocomplete": "off",
        }
        return forms.TextInput.get_context(self, name, value, attrs)

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.date) and self._english_solar_hijri():
            day = jdatetime.date.fromgregorian(date=value)
            return f"{day.year}/{day.month:02d}/{day.day:02d}"
        if isinstance(value, dt.date):
            return input_date(value)
        return super().format_value(value)


class SpanForm(forms.Form):
    start = LocalDateField(label=gettext_lazy("From"), required=False)
    end = LocalDateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, calendar: str = periods.GREGORIAN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = SpanDateInput(calendar=calendar)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both the first and the last day."))
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first."))
            if end - start > periods.MAX_SPAN:
                raise forms.ValidationError(_("Choose a span of at most five years."))
        return data


def showing(period: periods.Period, calendar: str) -> SpanForm:
    """An unbound form filled with the span on show, so its fields say what the page counts."""
    return SpanForm(
        calendar=calendar, initial={"start": period.start, "end": period.end - dt.timedelta(days=1)}
    )
