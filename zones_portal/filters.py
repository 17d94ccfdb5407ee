"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zones_portal.dates import latin_digits, within_sane_years

MAX_OFFSET = dt.timedelta(hours=14)  # the widest offset any place on Earth keeps


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (midnight, Tehran time) or date-time (naive ones read as Tehran time)."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 date (2026-11-28) or date and time (2026-11-28T09:00:00+03:30)."),
        "offset": _("A time zone offset lies between -12:00 and +14:00."),
        "year": _("Give a year between 1921 and 2121."),
    }

    def to_python(self, value: object) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        text = latin_digits(str(value).strip())
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = dt.datetime.combine(day, dt.time.min) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        if not within_sane_years(moment):
            raise forms.ValidationError(self.error_messages["year"], code="year")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
        ],
        "description": "A date (midnight, Tehran time) or date and time; the year between 1921 and 2121.",
    }
)
class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField


class _NoneVisible:
    """What a well-formed id of a record the person does not see (or that does not exist) filters by."""


NONE_VISIBLE = _NoneVisible()


class VisibleChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value: object) -> object:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if str(value).strip().isdecimal():
                return NONE_VISIBLE
            raise


@extend_schema_field(OpenApiTypes.INT)
class VisibleIdFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its id among those the person sees. Another id, well formed, matches
    nothing, as it would for a record that exists but is not theirs: the list is empty, not a 400 (the
    schema promises an integer and a 400 would also tell an id from an unseen one)."""

    field_class = VisibleChoiceField

    def filter(self, qs, value):
        if value is NONE_VISIBLE:
            return qs.none()
        return super().filter(qs, value)
