"""Form widgets and fields for dates, times and numbers a person types in their own calendar and digits."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zones_portal.dates import input_date, latin_digits, parse_date, persian_digits, uses_jalali

# The Arabic decimal separator (٫) and thousands separator (٬) that Persian and Arabic keyboards type.
_ARABIC_DECIMAL_SEPARATOR = "\u066b"
_ARABIC_THOUSANDS_SEPARATOR = "\u066c"


def latin_number(text: str) -> str:
    """A number as typed on any keyboard, in the ASCII form Python and Django parse.

    Persian (۰–۹) and Arabic (٠–٩) digits become Latin, the Arabic decimal separator a point and its
    thousands separator nothing, so ``۱۲٫۵`` reads as ``12.5``.
    """
    return (
        latin_digits(text.strip())
        .replace(_ARABIC_DECIMAL_SEPARATOR, ".")
        .replace(_ARABIC_THOUSANDS_SEPARATOR, "")
    )


def readers_number(text: str) -> str:
    """A number written into a field in the reader's digits: Persian digits and ``٫`` in Persian."""
    if uses_jalali():
        return persian_digits(text).replace(".", _ARABIC_DECIMAL_SEPARATOR)
    return text


def grouped_number(value: object) -> str:
    """A whole number (rials) with its thousands grouped, in the reader's digits (``٬`` between groups in
    Persian)."""
    text = f"{int(value or 0):,}"
    return readers_number(text.replace(",", _ARABIC_THOUSANDS_SEPARATOR) if uses_jalali() else text)


class LowerBound(NamedTuple):
    """The field whose date a later date may not come before; ``strict`` when it must come after it."""

    field: str
    strict: bool = False


# The later date of each pair the portal's models keep, by field name. The admin builds every date
# widget from one class (``formfield_overrides``), so a pair is recognised by the names the models
# use; a form may still pass ``lower_bound`` to a widget for a pair of its own.
LOWER_BOUNDS = {
    "ends_at": LowerBound("starts_at"),  # an event
    "closes_at": LowerBound("opens_at"),  # a talent call
    "effective_from": LowerBound("signed_on"),  # an agreement takes effect on or after its signing
    "expires_on": LowerBound("effective_from", strict=True),  # and expires after it takes effect
    "end": LowerBound("start"),  # the scorecard's span
}


def lower_bound_attrs(name: str, bound: LowerBound | None) -> dict[str, str]:
    """The data attribute that tells the picker (and the browser's date input) which input's date comes
    first, by the other input's name: ``data-not-before`` for on or after it, ``data-after`` for after.

    ``name`` is the field's name in the page, so a form prefix (``form-0-ends_at``) carries over.
    """
    field = name.rsplit("-", 1)[-1]
    bound = bound or LOWER_BOUNDS.get(field)
    if bound is None:
        return {}
    other = name[: len(name) - len(field)] + bound.field
    return {"data-after" if bound.strict else "data-not-before": other}


def picker_text() -> str:
    """The picker's own words in the page's language, read by static/js/jalali-datepicker.js."""
    return json.dumps(
        {
            "dialog": gettext("Choose a date"),
            "previous": gettext("Previous month"),
            "next": gettext("Next month"),
            "year": gettext("Year"),
            "month": gettext("Month"),
        },
        ensure_ascii=False,
    )


class LocalDateInput(forms.TextInput):
    """Jalali text (۱۴۰۵/۰۹/۰۷) in Persian, with the portal's Jalali picker; the browser's date picker in English."""

    class Media:
        # The dashboard's base template loads these on every page; the admin loads them from here.
        css = {"all": ["css/datepicker.css"]}
        js = [forms.Script("js/jalali-datepicker.js", type="module")]

    def __init__(self, attrs: dict | None = None, lower_bound: LowerBound | None = None) -> None:
        super().__init__(attrs)
        self.lower_bound = lower_bound

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        attrs = {**lower_bound_attrs(name, self.lower_bound), **(attrs or {})}
        if uses_jalali():
            if "placeholder" not in self.attrs:
                attrs.setdefault("placeholder", "۱۴۰۵/۰۹/۰۷")
            attrs.setdefault("inputmode", "numeric")
            attrs["class"] = (attrs.get("class", "") + " jalali-date").strip()
            attrs["data-picker-text"] = picker_text()
            self.input_type = "text"
        else:
            self.input_type = "date"
        return super().get_context(name, value, attrs)

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.date):
            return input_date(value)
        return super().format_value(value)


class LocalNumberInput(forms.TextInput):
    """A number as text, never ``type="number"``: the browser's number input drops Persian and Arabic
    digits before the form is sent, and the field then says it is required. The keyboard still opens
    on digits (``inputmode``, set by the field); the field parses and bounds the value on the server.
    """

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"dir": "ltr", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: object) -> str | None:
        shown = super().format_value(value)
        return readers_number(shown) if shown else shown


class LocalTimeInput(forms.TextInput):
    """A time of day as ``17:30`` (in Persian digits in Persian): a native time input shows
    "05:00 PM" on a Persian page and drops Persian digits; in English the browser's time input."""

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        attrs = dict(attrs or {})
        if uses_jalali():
            self.input_type = "text"
            attrs.setdefault("inputmode", "numeric")
            attrs.setdefault("dir", "ltr")
            attrs.setdefault("autocomplete", "off")
            if "placeholder" not in self.attrs:
                attrs.setdefault("placeholder", "۱۷:۳۰")
        else:
            self.input_type = "time"
        return super().get_context(name, value, attrs)

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.time):
            shown = value.strftime("%H:%M")
        elif value in (None, ""):
            return None
        else:
            shown = str(value)
        return persian_digits(shown) if uses_jalali() else shown


# The key under which the field's label reaches the widget; the widget turns it into a name for each part.
FIELD_LABEL = "data-field-label"


class LocalDateTimeWidget(forms.MultiWidget):
    """A date input and a time input side by side. A ``<label>`` names one input and Django gives a widget
    of several none, so each part carries its own name ("Starts: date", "Starts: time") for screen readers."""

    template_name = "includes/datetime_widget.html"

    def __init__(self, attrs: dict | None = None, lower_bound: LowerBound | None = None) -> None:
        super().__init__([LocalDateInput(), LocalTimeInput()], attrs)
        self.lower_bound = lower_bound

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        attrs = dict(attrs or {})
        label = attrs.pop(FIELD_LABEL, None)
        context = super().get_context(name, value, attrs)
        date_part, time_part = context["widget"]["subwidgets"]
        if label:
            date_part["attrs"]["aria-label"] = gettext("%(label)s: date") % {"label": label}
            time_part["attrs"]["aria-label"] = gettext("%(label)s: time") % {"label": label}
        bound = lower_bound_attrs(name, self.lower_bound)
        # The other field is a date and time too: its date part is the one to follow.
        date_part["attrs"].update({key: f"{other}_0" for key, other in bound.items()})
        return context

    def decompress(self, value: dt.datetime | None) -> list[object]:
        if not value:
            return [None, None]
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return [local.date(), local.time().replace(second=0, microsecond=0)]


class LabelledPartsBoundField(BoundField):
    """Hands the field's label (as the form shows it, after any change in the form's ``__init__``) to
    a widget of several inputs, which names each of its parts after it."""

    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        attrs[FIELD_LABEL] = str(self.label)
        return attrs


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


class _DigitsOfAnyKeyboard:
    """For a number field: Persian and Arabic digits read as Latin before Django parses and bounds the
    value, so its own messages (required, invalid, minimum, maximum) still speak the person's language."""

    inputmode = "numeric"
    widget = LocalNumberInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = latin_number(value)
        return super().to_python(value)  # type: ignore[misc]

    def run_validators(self, value: Any) -> None:
        """Django words its bounds ("at most 10") with Latin digits; a Persian page says ۱۰."""
        try:
            super().run_validators(value)  # type: ignore[misc]
        except ValidationError as error:
            for item in error.error_list:
                if item.params:
                    item.params = {
                        key: readers_number(str(bound)) if isinstance(bound, int | float | Decimal) else bound
                        for key, bound in item.params.items()
                    }
            raise

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)  # type: ignore[misc]
        if not isinstance(widget, forms.NumberInput):
            attrs.setdefault("inputmode", self.inputmode)
        return attrs


class LocalIntegerField(_DigitsOfAnyKeyboard, forms.IntegerField):
    pass


class LocalDecimalField(_DigitsOfAnyKeyboard, forms.DecimalField):
    inputmode = "decimal"


class LocalFloatField(_DigitsOfAnyKeyboard, forms.FloatField):
    inputmode = "decimal"


class LatinDigitsCharField(forms.CharField):
    """Text made of digits (a phone number, a tracking code), kept in Latin digits whatever keyboard
    typed it, so that it matches, dials and searches the same."""

    def to_python(self, value: Any) -> str:
        return latin_digits(super().to_python(value))


class LocalTimeField(forms.TimeField):
    """A time of day as ``17:30`` in any digits."""

    widget = LocalTimeInput
    input_formats = ["%H:%M", "%H:%M:%S"]

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = latin_digits(value.strip())
        return super().to_python(value)


class LocalDateTimeField(forms.MultiValueField):
    """A date in the person's calendar and a time of day, read as Tehran time."""

    widget = LocalDateTimeWidget
    bound_field_class = LabelledPartsBoundField
    default_error_messages = {
        "incomplete": _("Enter both a date and a time."),
    }

    def __init__(self, **kwargs: object) -> None:
        fields = (LocalDateField(), LocalTimeField())
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
