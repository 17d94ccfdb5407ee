"""One FilterSet for action items, serving the dashboard's list and the API alike (as events/filters.py)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from coordination.models import ActionItem, Meeting, Side
from zones_portal.filters import DateOrDateTimeFilter, VisibleIdFilter
from zones_portal.models import Zone
from zones_portal.search import SearchFilter

Status = ActionItem.Status


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its slug (documented as a string in the API)."""


def _meetings(request: Any) -> QuerySet[Meeting]:
    user = getattr(request, "user", None)
    return Meeting.objects.visible_to(user).filter(status__in=(*Meeting.MINUTES_SHOWN, Meeting.Status.HELD))


def status_q(status: str, today: Any = None) -> Q:
    """An action item's status as people read it (``ActionItem.current_status``): open and past its due
    date reads as missed before the nightly job records it."""
    today = today or timezone.localdate()
    late = Q(status=Status.OPEN, due_on__lt=today)
    if status == Status.OPEN:
        return Q(status=Status.OPEN) & ~late
    if status == Status.MISSED:
        return Q(status=Status.MISSED) | late
    return Q(status=status)


class ActionItemFilter(django_filters.FilterSet):
    zone = SlugFilter(
        label=_("Zone"),
        queryset=Zone.objects.all(),
        to_field_name="slug",
        method="filter_zone",
        empty_label=_("All zones"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status", empty_label=_("Any status")
    )
    meeting = VisibleIdFilter(
        label=_("Meeting"),
        queryset=_meetings,
        field_name="decision__meeting",
        empty_label=_("All meetings"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        # A tick on the page; ``?overdue=true`` in the API, as before.
        widget=forms.CheckboxInput,
    )
    due_after = DateOrDateTimeFilter(field_name="due_on", lookup_expr="gte", label=_("Due from"))
    due_before = DateOrDateTimeFilter(field_name="due_on", lookup_expr="lt", label=_("Due before"))

    class Meta:
        model = ActionItem
        fields = ("zone", "status", "meeting", "overdue", "due_after", "due_before")

    def filter_zone(self, queryset: QuerySet[ActionItem], name: str, zone: Zone) -> QuerySet[ActionItem]:
        return queryset.filter(kind=Side.ZONE, zone=zone)

    def filter_status(self, queryset: QuerySet[ActionItem], name: str, value: str) -> QuerySet[ActionItem]:
        return queryset.filter(status_q(value)) if value else queryset

    def filter_overdue(
        self, queryset: QuerySet[ActionItem], name: str, value: bool | None
    ) -> QuerySet[ActionItem]:
        if not value:
            return queryset
        return queryset.filter(status_q(Status.MISSED))


class MeetingFilter(django_filters.FilterSet):
    """The meetings' Persian-aware search (title, reference, place, notes)."""

    search = SearchFilter()

    class Meta:
        model = Meeting
        fields = ("search",)
