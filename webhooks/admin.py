"""The secretariat's view of webhooks: registering an endpoint for an institution, switching one on again
after it was switched off, rotating its secret; every delivery with its attempts, and sending again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from webhooks import services
from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from zones_portal.admin_site import SecretariatAdmin, SecretariatTabularInline
from zones_portal.dates import format_date


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https")
    topics = forms.MultipleChoiceField(
        label=_("topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("institution", "url", "description", "topics", "is_active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # An address the field itself refused is not judged again.
        errors = services.endpoint_errors(cleaned.get("url"), cleaned.get("topics") or [])
        for field, problems in errors.items():
            for problem in problems:
                self.add_error(field, problem)
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SecretariatAdmin):
    form = EndpointForm
    list_display = ("url", "institution", "is_active", "consecutive_failures", "switched_off")
    list_filter = ("is_active", "institution")
    search_fields = ("url", "description", "institution__name_fa", "institution__name_en")
    list_select_related = ("institution",)
    readonly_fields = (
        "disabled_at",
        "disabled_reason",
        "switched_off_for_failures",
        "consecutive_failures",
        "created_by",
        "created_at",
    )
    actions = ("rotate_selected",)

    @admin.display(description=_("switched off"), ordering="disabled_at")
    def switched_off(self, endpoint: WebhookEndpoint) -> str:
        return format_date(endpoint.disabled_at, "datetime") if endpoint.disabled_at else "—"

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: forms.Form, change: bool) -> None:
        obj.topics = [value for value in Topic.values if value in (form.cleaned_data.get("topics") or [])]
        if not change:
            obj.created_by = request.user
        elif "is_active" in form.changed_data:
            if obj.is_active:
                services.switch_on(obj)  # a clean slate: the failure count starts afresh
            else:
                services.switch_off(obj, gettext("Switched off by the secretariat."), request.user)
        super().save_model(request, obj, form, change)
        if not change:
            self._show_secret(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["topics"].initial = list(obj.topics or [])
        return form

    def _show_secret(self, request: HttpRequest, endpoint: WebhookEndpoint) -> None:
        self.message_user(
            request,
            gettext(
                "The signing secret of %(url)s is %(secret)s. It is shown only now: give it to the "
                "institution."
            )
            % {"url": endpoint.url, "secret": endpoint.secret},
            messages.WARNING,
        )

    @admin.action(description=_("Give the selected endpoints a new signing secret"))
    def rotate_selected(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            self._show_secret(request, services.rotate_secret(request.user, endpoint))


class AttemptInline(SecretariatTabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SecretariatAdmin):
    list_display = ("topic", "endpoint", "status", "attempts", "last_status_code", "created")
    list_filter = ("status", "topic", "endpoint__institution")
    search_fields = ("message_id", "endpoint__url")
    list_select_related = ("endpoint",)
    inlines = (AttemptInline,)
    actions = ("resend_selected",)
    readonly_fields = (
        "endpoint",
        "message_id",
        "topic",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, delivery: WebhookDelivery) -> str:
        return format_date(delivery.created_at, "datetime")

    @admin.action(description=_("Send the selected deliveries again"))
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = services.resend(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
        )
