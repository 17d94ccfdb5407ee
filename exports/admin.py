"""The export register in the secretariat's admin: the list of creative fields (edited in place), the
zones' businesses and their deals. Every save and deletion of a business or deal goes through
``exports.services``, so the admin keeps the same rules as the zones' pages (a deal's rate, its date,
the fair or agreement it may come from)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exports import services
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from zones_portal.admin_search import NormalisedSearchMixin
from zones_portal.admin_site import (
    CsvExportMixin,
    SecretariatAdmin,
    SecretariatTabularInline,
    ServiceActionsMixin,
    ServiceErrorsMixin,
    calendar_date_filter,
)
from zones_portal.widgets import LocalDateField, LocalDateInput, readers_number


def retired_message(count: int) -> str:
    return ngettext("%(count)d business retired.", "%(count)d businesses retired.", count) % {"count": count}


def restored_message(count: int) -> str:
    return ngettext("%(count)d business brought back.", "%(count)d businesses brought back.", count) % {
        "count": count
    }


@admin.register(CreativeField)
class CreativeFieldAdmin(SecretariatAdmin):
    list_display = ("name_fa", "name_en", "slug", "business_count", "is_active", "sort_order")
    list_editable = ("name_en", "is_active", "sort_order")
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ("name_fa", "name_en", "slug")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreativeField]:
        return super().get_queryset(request).annotate(business_total=Count("businesses"))

    def has_delete_permission(self, request: HttpRequest, obj: CreativeField | None = None) -> bool:
        """A field in use is retired (``is_active``), never deleted: the businesses keep it."""
        return super().has_delete_permission(request, obj) and (obj is None or not obj.businesses.exists())

    @admin.display(description=_("businesses"))
    def business_count(self, creative_field: CreativeField) -> str:
        return readers_number(str(creative_field.business_total))


class DealInline(SecretariatTabularInline):
    model = ExportDeal
    fields = (
        "signed_on",
        "buyer_country",
        "product",
        "value",
        "currency",
        "value_rial",
        "event",
        "agreement",
    )
    readonly_fields = fields
    extra = 0
    show_change_link = True
    ordering = ("-signed_on",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportDeal]:
        return super().get_queryset(request).select_related("event", "agreement")


@admin.register(CreativeBusiness)
class CreativeBusinessAdmin(NormalisedSearchMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin):
    list_display = ("name", "zone", "field", "size", "deal_count", "is_active")
    list_filter = ("zone", "field", "size", "is_active")
    list_select_related = ("zone", "field")
    search_fields = ("name", "description", "contact_name")
    fields = (
        "zone",
        "name",
        "field",
        "size",
        "description",
        "contact_name",
        "contact_phone",
        "contact_email",
    )
    inlines = (DealInline,)
    actions = ("retire_selected", "restore_selected")

    def get_readonly_fields(self, request: HttpRequest, obj: CreativeBusiness | None = None) -> Any:
        # A business stays in its zone: its deals were that zone's.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "zone") if obj is not None else readonly

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreativeBusiness]:
        return CreativeBusiness.objects.visible_to(request.user).annotate(deal_count=Count("deals"))

    def has_delete_permission(self, request: HttpRequest, obj: CreativeBusiness | None = None) -> bool:
        """Retired, never deleted: its deals stay in the sums."""
        return False

    @admin.display(description=_("deals"))
    def deal_count(self, business: CreativeBusiness) -> str:
        return readers_number(str(business.deal_count))

    def save_model(self, request: HttpRequest, obj: CreativeBusiness, form: Any, change: bool) -> None:
        data = {
            name: form.cleaned_data[name] for name in services.BUSINESS_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.update_business(request.user, obj, **data)
        else:
            saved = services.add_business(request.user, zone=form.cleaned_data["zone"], **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Retire the selected businesses"))
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[CreativeBusiness]) -> None:
        self.run_service(
            request, queryset, lambda b: services.retire_business(request.user, b), retired_message
        )

    @admin.action(description=_("Bring the selected businesses back"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[CreativeBusiness]) -> None:
        self.run_service(
            request,
            queryset,
            lambda b: services.retire_business(request.user, b, active=True),
            restored_message,
        )


@admin.register(ExportDeal)
class ExportDealAdmin(NormalisedSearchMixin, CsvExportMixin, ServiceErrorsMixin, SecretariatAdmin):
    list_display = ("signed_on", "business", "zone", "buyer_country", "product", "value_shown", "rial_shown")
    list_display_links = ("signed_on", "business")
    list_filter = (
        "zone",
        "business__field",
        "buyer_country",
        "currency",
        calendar_date_filter("signed_on", _("date of the deal"), dates=True),
    )
    list_select_related = ("business", "zone")
    search_fields = ("product", "business__name", "note")
    search_text_field = "business__search_text"  # a deal is found by its business
    autocomplete_fields = ("business",)
    raw_id_fields = ("event", "agreement")
    fields = (
        "business",
        "buyer_country",
        "product",
        "value",
        "currency",
        "rate_to_rial",
        "signed_on",
        "event",
        "agreement",
        "note",
        "zone",
        "value_rial",
        "recorded_by",
    )
    readonly_fields = ("zone", "value_rial", "recorded_by")
    formfield_overrides = {models.DateField: {"form_class": LocalDateField, "widget": LocalDateInput}}
    export_name = "export-deals"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportDeal]:
        return ExportDeal.objects.visible_to(request.user).select_related("business", "zone")

    @admin.display(description=_("value"), ordering="value")
    def value_shown(self, deal: ExportDeal) -> str:
        return readers_number(f"{deal.value:,.2f} {deal.currency}".replace(".00 ", " "))

    @admin.display(description=_("value in rials"), ordering="value_rial")
    def rial_shown(self, deal: ExportDeal) -> str:
        return readers_number(f"{int(deal.value_rial):,}")

    def save_model(self, request: HttpRequest, obj: ExportDeal, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.DEAL_FIELDS if name in form.cleaned_data}
        if change:
            saved = services.update_deal(request.user, obj, **data)
        else:
            business = data.pop("business")
            saved = services.add_deal(request.user, business=business, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: ExportDeal) -> None:
        services.delete_deal(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ExportDeal]) -> None:
        for deal in queryset:
            services.delete_deal(request.user, deal)

    def export_header(self) -> list[str]:
        return [
            str(_("date of the deal")),
            str(_("business")),
            str(_("zone")),
            str(_("buyer's country")),
            str(_("product or service")),
            str(_("value")),
            str(_("currency")),
            str(_("rate to the rial")),
            str(_("value in rials")),
            str(_("fair or event it came from")),
            str(_("agreement it came from")),
        ]

    def export_queryset(self, queryset: QuerySet[ExportDeal]) -> QuerySet[ExportDeal]:
        return queryset.select_related("business", "zone", "event", "agreement")

    def export_row(self, deal: ExportDeal) -> list[Any]:
        return [
            deal.signed_on.isoformat(),
            deal.business.name,
            deal.zone.name,
            deal.buyer_country.name,
            deal.product,
            str(deal.value),
            deal.currency,
            str(deal.rate_to_rial),
            int(deal.value_rial),
            deal.event.title if deal.event else "",
            deal.agreement.title if deal.agreement else "",
        ]
