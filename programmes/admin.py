"""The secretariat's admin for the annual programmes: the years and the dates programmes are due (edited
here), and the programmes themselves, read-only: they move on the dashboard, through
``programmes.services``, where the return comment and the versions are kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    PlannedActivity,
    Programme,
    ProgrammeStatusChange,
    ProgrammeVersion,
    ProgrammeYear,
)
from zones_portal.admin_site import SecretariatAdmin, SecretariatTabularInline
from zones_portal.dates import format_date


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(SecretariatAdmin):
    list_display = ("year", "due_on_shown", "programmes_count")
    fields = ("year", "due_on", "notes")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeYear]:
        return super().get_queryset(request).annotate(programmes_total=Count("programmes"))

    @admin.display(description=_("programmes due on"), ordering="due_on")
    def due_on_shown(self, year: ProgrammeYear) -> str:
        return format_date(year.due_on)

    @admin.display(description=_("programmes"))
    def programmes_count(self, year: ProgrammeYear) -> int:
        return year.programmes_total

    def has_delete_permission(self, request: HttpRequest, obj: ProgrammeYear | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.programmes.exists())


class ReadOnlyInline(SecretariatTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActivityInline(ReadOnlyInline):
    model = PlannedActivity
    fields = (
        "title",
        "category",
        "quarter",
        "month",
        "expected_audience",
        "budget_zone",
        "budget_secretariat",
        "budget_partner",
    )
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = ProgrammeVersion
    fields = ("number", "kind", "made_at", "made_by", "comment")
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = ProgrammeStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields


@admin.register(Programme)
class ProgrammeAdmin(SecretariatAdmin):
    list_display = ("zone", "year", "status", "activities_count", "submitted_at", "approved_at")
    list_filter = ("status", "year", "zone")
    list_select_related = ("zone", "year")
    fields = (
        "zone",
        "year",
        "status",
        "summary",
        "return_comment",
        "submitted_at",
        "approved_at",
        "created_by",
        "on_dashboard",
    )
    readonly_fields = fields
    inlines = (ActivityInline, VersionInline, StatusChangeInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).annotate(activities_total=Count("activities"))

    @admin.display(description=_("activities"))
    def activities_count(self, programme: Programme) -> int:
        return programme.activities_total

    @admin.display(description=_("on the dashboard"))
    def on_dashboard(self, programme: Programme) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("programmes:detail", args=[programme.pk]),
            _("Return, approve or reopen it on the programme's page"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Programme | None = None) -> bool:
        # Viewing stays; nothing is edited here: the moves are the services'.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Programme | None = None) -> bool:
        return False
