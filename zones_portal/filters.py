"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (midnight, Tehran time) or date-time (naive ones read as Tehran time)."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 date (2026-11-28) or date and time (2026-11-28T09:00:00+03:30).")
    }

    def to_python(self, value: object) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = dt.datetime.combine(day, dt.time.min) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField
