"""Form widgets and fields for dates a person types in their own calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zones_portal.dates import input_date, parse_date, uses_jalali


class LocalDateInput(forms.TextInput):
    """Jalali text (۱۴۰۵/۰۹/۰۷) in Persian, with the portal's Jalali picker; the browser's date picker in English."""

    class Media:
        # The dashboard's base template loads these on every Persian page; the admin loads them from here.
        css = {"all": ["css/datepicker.css"]}
        js = [forms.Script("js/jalali-datepicker.js", type="module")]

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        attrs = dict(attrs or {})
        if uses_jalali():
            if "placeholder" not in self.attrs:
                attrs.setdefault("placeholder", "۱۴۰۵/۰۹/۰۷")
            attrs.setdefault("inputmode", "numeric")
            attrs["class"] = (attrs.get("class", "") + " jalali-date").strip()
            self.input_type = "text"
        else:
            self.input_type = "date"
        return super().get_context(name, value, attrs)

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.date):
            return input_date(value)
        return super().format_value(value)


class LocalDateTimeWidget(forms.MultiWidget):
    template_name = "includes/datetime_widget.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__([LocalDateInput(), forms.TimeInput(attrs={"type": "time"}, format="%H:%M")], attrs)

    def decompress(self, value: dt.datetime | None) -> list[object]:
        if not value:
            return [None, None]
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return [local.date(), local.time().replace(second=0, microsecond=0)]


class LocalDateField(forms.DateField):
    widget = LocalDateInput
    default_error_messages = {"invalid": _("Enter a real date, such as %(example)s.")}

    def to_python(self, value: object) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            example = "۱۴۰۵/۰۹/۰۷" if uses_jalali() else "2026-11-28"
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"example": example}
            ) from None


class LocalDateTimeField(forms.MultiValueField):
    """A date in the person's calendar and a time of day, read as Tehran time."""

    widget = LocalDateTimeWidget
    default_error_messages = {
        "incomplete": _("Enter both a date and a time."),
    }

    def __init__(self, **kwargs: object) -> None:
        fields = (LocalDateField(), forms.TimeField(input_formats=["%H:%M", "%H:%M:%S"]))
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[object]) -> dt.datetime | None:
        if not data_list:
            return None
        day, time = data_list
        if day is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, time))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is judged by the service, by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []
