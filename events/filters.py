"""One FilterSet for events, serving the dashboard's calendar and list and the API alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events.models import Event, EventCategory, Participation
from zones_portal.filters import DateOrDateTimeFilter
from zones_portal.models import Zone
from zones_portal.search import SearchFilter


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its slug (documented as a string in the API)."""


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A related record by its id: a whole number (``1.5`` or ``x`` is a clear 400, not a server error)."""

    field_class = forms.IntegerField


class EventFilter(django_filters.FilterSet):
    zone = SlugFilter(
        label=_("Zone"),
        queryset=Zone.objects.all(),
        to_field_name="slug",
        method="filter_zone",
        empty_label=_("All zones"),
    )
    category = SlugFilter(
        label=_("Category"),
        queryset=EventCategory.objects.all(),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices)
    # The editions of one series, by its id (the events' ``series`` field).
    series = IdFilter(field_name="series_id", label=_("Series"))
    starts_after = DateOrDateTimeFilter(field_name="starts_at", lookup_expr="gte", label=_("Starts after"))
    starts_before = DateOrDateTimeFilter(field_name="starts_at", lookup_expr="lt", label=_("Starts before"))
    search = SearchFilter()

    class Meta:
        model = Event
        fields = ("zone", "category", "status", "series", "starts_after", "starts_before", "search")

    def filter_zone(self, queryset: QuerySet[Event], name: str, zone: Zone) -> QuerySet[Event]:
        """A zone's events are those it hosts and those it takes part in."""
        joined = Participation.objects.filter(event_id=OuterRef("pk"), zone=zone)
        return queryset.filter(Q(host_zone=zone) | Q(Exists(joined)))
