"""The admin site: the secretariat's tool, opened by the permissions module alone."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as django_models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zones_portal import permissions
from zones_portal.dates import format_date, month_start, next_month, next_year, uses_jalali, year_start
from zones_portal.exports import csv_download


class PortalAdminSite(admin.AdminSite):
    site_header = _("Zones Portal: secretariat")
    site_title = _("Zones Portal")
    index_title = _("Coordination of culture, art and creative industries")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and permissions.can_use_admin(request.user)


class SecretariatOnly:
    """Every secretariat member manages every model here; nobody else reaches the admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return permissions.can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_use_admin(request.user)


class SecretariatAdmin(SecretariatOnly, admin.ModelAdmin):
    pass


class SecretariatTabularInline(SecretariatOnly, admin.TabularInline):
    pass


class SecretariatStackedInline(SecretariatOnly, admin.StackedInline):
    pass


class ServiceActionsMixin:
    """Admin actions that call a service per selected row and report each refusal with its reason.

    ``with_reason`` first shows a page asking for the reason (reject, cancel, terminate), the way
    the zone will read it.
    """

    def run_service(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        move: Callable[[Any], object],
        done: Callable[[int], str],
    ) -> None:
        succeeded = 0
        for obj in queryset:
            try:
                move(obj)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{obj}: {reason}", messages.WARNING)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done(succeeded), messages.SUCCESS)

    def with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        action: str,
        service: Callable[[Any, Any, str], object],
        done: Callable[[int], str],
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self.run_service(request, queryset, lambda obj: service(request.user, obj, reason), done)
            return None
        return TemplateResponse(
            request,
            "admin/reason.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Give a reason"),
                "objects": queryset,
                "form": form,
                "action": action,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def export_url(request: HttpRequest, name: str) -> str:
    """The export link of a changelist, carrying the filters and search the person has set."""
    return reverse(name) + ("?" + request.GET.urlencode() if request.GET else "")


class ServiceErrorsMixin:
    """A save refused by a service (wrong person, wrong moment, or a rule across fields) comes back
    as a message on the page; the transaction around the admin's save has undone everything."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class CsvExportMixin:
    """An "Export CSV" button on the list that exports what the list shows, filters and search included.

    Subclasses name ``export_name`` and give ``export_header()`` and ``export_row(obj)``.
    """

    export_name = "export"

    def _export_url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_export"

    def get_urls(self) -> list[Any]:
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv), name=self._export_url_name()),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "export_url": export_url(request, f"admin:{self._export_url_name()}"),
        }
        return super().changelist_view(request, extra_context)

    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = self.export_queryset(self.get_changelist_instance(request).get_queryset(request))
        return csv_download(self.export_name, self.export_header(), (self.export_row(obj) for obj in rows))


def calendar_date_filter(
    field_name: str, title: str | Any, dates: bool = False
) -> type[admin.SimpleListFilter]:
    """A date filter for the admin list whose months and years are the reader's: Jalali in Persian.

    Django's own date filter counts "this month" in the Gregorian calendar, which a Persian reader
    does not use.
    """

    class CalendarDateFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_in"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [
                ("today", _("Today")),
                ("week", _("Past 7 days")),
                ("month", _("This month")),
                ("last-month", _("Last month")),
                ("year", _("This year")),
                ("next-30", _("The next 30 days")),
            ]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            span = self._span(self.value())
            if span is None:
                return queryset
            start, end = span
            if not dates:
                start = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
                end = timezone.make_aware(dt.datetime.combine(end, dt.time.min))
            return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

        @staticmethod
        def _span(value: str | None) -> tuple[dt.date, dt.date] | None:
            today = timezone.localdate()
            jalali = uses_jalali()
            day = dt.timedelta(days=1)
            spans = {
                "today": (today, today + day),
                "week": (today - 6 * day, today + day),
                "month": (month_start(today, jalali), next_month(today, jalali)),
                "last-month": (
                    month_start(month_start(today, jalali) - day, jalali),
                    month_start(today, jalali),
                ),
                "year": (year_start(today, jalali), next_year(today, jalali)),
                "next-30": (today, today + 31 * day),
            }
            return spans.get(value or "")

    CalendarDateFilter.title = title
    return CalendarDateFilter


def _calendar_display(original: Callable[..., Any]) -> Callable[..., Any]:
    """Dates the admin shows (read-only fields, list columns) go through ``format_date`` like every
    other date in the portal: Jalali with Persian digits in Persian."""

    def display_for_field(value: Any, field: Any, empty_value_display: Any, *args: Any, **kwargs: Any) -> Any:
        if value is not None and isinstance(field, django_models.DateTimeField):
            return format_date(value, "datetime")
        if value is not None and isinstance(field, django_models.DateField):
            return format_date(value, "date")
        return original(value, field, empty_value_display, *args, **kwargs)

    display_for_field.calendar_aware = True
    return display_for_field


def use_the_readers_calendar_in_the_admin() -> None:
    """Django's admin formats dates itself; this routes them through the portal's one date formatter."""
    from django.contrib.admin import helpers
    from django.contrib.admin.templatetags import admin_list

    for module in (helpers, admin_list):
        if not getattr(module.display_for_field, "calendar_aware", False):
            module.display_for_field = _calendar_display(module.display_for_field)
