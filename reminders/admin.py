"""The secretariat's view of reminders: what went out, what failed (with a resend), and the rules' offsets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders import services
from reminders.models import DeliveryAttempt, Notification, RuleSetting
from reminders.registry import RULES
from zones_portal.admin_site import SecretariatAdmin, SecretariatTabularInline, calendar_date_filter
from zones_portal.dates import format_date


class AttemptInline(SecretariatTabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "succeeded", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(SecretariatAdmin):
    list_display = ("title", "rule", "recipient", "due", "status", "attempts", "last_error_short")
    list_filter = ("status", "rule", "channel", calendar_date_filter("due_at", _("due")))
    search_fields = ("title", "recipient__username", "recipient__last_name", "occasion")
    list_select_related = ("recipient",)
    inlines = (AttemptInline,)
    actions = ("resend_selected",)
    readonly_fields = (
        "rule",
        "title",
        "content_type",
        "object_id",
        "recipient",
        "occasion",
        "due_at",
        "channel",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "sent_at",
        "read_at",
        "mail_preview",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, notification: Notification) -> str:
        return format_date(notification.due_at, "datetime")

    @admin.display(description=_("last error"))
    def last_error_short(self, notification: Notification) -> str:
        return notification.last_error[:80]

    @admin.display(description=_("the mail"))
    def mail_preview(self, notification: Notification) -> str:
        if notification.rule not in RULES or notification.subject is None:
            return "—"
        subject, text, _html = services.preview(notification)
        # Line breaks as <br>, not a styled <pre>: the Content-Security-Policy refuses inline styles.
        return format_html_join("\n", "<p><strong>{}</strong></p><p>{}</p>", [(subject, linebreaksbr(text))])

    @admin.action(description=_("Send the selected notifications again"))
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.resend(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again by the next sweep.",
                "%(count)d notifications will be sent again by the next sweep.",
                count,
            )
            % {"count": count},
        )


class RuleSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("rule"))

    class Meta:
        model = RuleSetting
        fields = ("rule", "enabled", "offsets")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [
            (slug, f"{rule.title} — {rule.description}") for slug, rule in RULES.items()
        ]

    def clean_offsets(self) -> list[int]:
        offsets = self.cleaned_data.get("offsets") or []
        if not isinstance(offsets, list) or not all(isinstance(d, int) and 0 < d <= 366 for d in offsets):
            raise forms.ValidationError(
                _("Give whole numbers of days from 1 to 366, as a list such as [14, 7, 1].")
            )
        return offsets


@admin.register(RuleSetting)
class RuleSettingAdmin(SecretariatAdmin):
    form = RuleSettingForm
    list_display = ("rule", "title", "enabled", "offsets", "defaults")

    @admin.display(description=_("rule"))
    def title(self, setting: RuleSetting) -> str:
        rule = RULES.get(setting.rule)
        return str(rule.title) if rule else setting.rule

    @admin.display(description=_("defaults"))
    def defaults(self, setting: RuleSetting) -> str:
        rule = RULES.get(setting.rule)
        return str(rule.default_offsets) if rule else "—"
