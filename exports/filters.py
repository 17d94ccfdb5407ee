"""One FilterSet for export deals, serving the dashboard's list and the API alike (as events/filters.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
import jdatetime
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agreements.models import Agreement
from events.models import Event
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from zones_portal.dates import latin_digits
from zones_portal.filters import VisibleIdFilter
from zones_portal.models import Zone
from zones_portal.search import SearchFilter

# Below this a year is Solar Hijri (the portal's calendar: 1404, 1405), from it Gregorian (2026).
FIRST_GREGORIAN_YEAR = 1700


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first day of the year and of the next, for a Solar Hijri or a Gregorian year number."""
    if year >= FIRST_GREGORIAN_YEAR:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return jdatetime.date(year, 1, 1).togregorian(), jdatetime.date(year + 1, 1, 1).togregorian()


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its slug (documented as a string in the API)."""


class WholeYearField(forms.IntegerField):
    """Digits only (a minus sign allowed): Django's IntegerField also takes "1405.0", which the schema's
    integer does not."""

    def to_python(self, value: Any) -> int | None:
        text = latin_digits(str(value)).strip() if value is not None else ""
        if text and not text.removeprefix("-").isdecimal():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text or None)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A whole year: 1405.5 or 1405.0 is no year (a 400), as the schema's integer says."""

    field_class = WholeYearField


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _events(request: Any) -> QuerySet[Event]:
    return Event.objects.visible_to(_user(request))


def _agreements(request: Any) -> QuerySet[Agreement]:
    return Agreement.objects.visible_to(_user(request))


def _businesses(request: Any) -> QuerySet[CreativeBusiness]:
    return CreativeBusiness.objects.visible_to(_user(request))


class ExportDealFilter(django_filters.FilterSet):
    zone = SlugFilter(
        label=_("Zone"), queryset=Zone.objects.all(), to_field_name="slug", empty_label=_("All zones")
    )
    country = django_filters.ChoiceFilter(
        label=_("Buyer's country"),
        field_name="buyer_country",
        choices=lambda: list(countries),
        empty_label=_("All countries"),
    )
    field = SlugFilter(
        label=_("Creative field"),
        queryset=CreativeField.objects.all(),
        to_field_name="slug",
        field_name="business__field",
        empty_label=_("All fields"),
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        help_text=_("A Solar Hijri year (1405) or a Gregorian one (2026)."),
    )
    business = VisibleIdFilter(label=_("Business"), queryset=_businesses, empty_label=_("All businesses"))
    event = VisibleIdFilter(label=_("Event"), queryset=_events, empty_label=_("Any event"))
    agreement = VisibleIdFilter(label=_("Agreement"), queryset=_agreements, empty_label=_("Any agreement"))
    # A deal is found by its business's name and what it makes.
    search = SearchFilter(
        search_field="business__search_text",
        help_text=_(
            "Words to look for in the deal's business (its name and what it makes), in any spelling: "
            "Arabic or Persian letters, with or without the zero-width non-joiner, in any digits. A deal "
            "matches when its business holds every word."
        ),
    )

    class Meta:
        model = ExportDeal
        fields = ("zone", "country", "field", "year", "business", "event", "agreement", "search")

    def filter_year(self, queryset: QuerySet[ExportDeal], name: str, value: int) -> QuerySet[ExportDeal]:
        if value in (None, ""):
            return queryset
        year = int(value)
        if not 1300 <= year <= 2200:
            return queryset.none()
        first, after = year_bounds(year)
        return queryset.filter(signed_on__gte=first, signed_on__lt=after)


class CreativeBusinessFilter(django_filters.FilterSet):
    """The register's Persian-aware search (name, what it makes)."""

    search = SearchFilter()

    class Meta:
        model = CreativeBusiness
        fields = ("search",)
