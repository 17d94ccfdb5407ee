"""The secretariat's view of reminders: what went out, what failed (with a resend), and the rules' offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders import services
from reminders.models import DeliveryAttempt, Notification, RuleSetting
from reminders.registry import RULES, Rule, offsets_for
from zones_portal.admin_site import (
    KeepsRecords,
    SecretariatAdmin,
    SecretariatTabularInline,
    calendar_date_filter,
)
from zones_portal.dates import format_date, latin_digits, persian_digits, uses_jalali


class AttemptInline(SecretariatTabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "succeeded", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def rule_name(slug: str) -> str:
    """The rule's name in the reader's language; the code only for a rule no longer registered."""
    rule = RULES.get(slug)
    return str(rule.title) if rule else slug


class RuleFilter(admin.SimpleListFilter):
    """The notifications of one rule, chosen by the rule's name rather than its code."""

    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(slug, str(rule.title)) for slug, rule in RULES.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        return queryset.filter(rule=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(KeepsRecords, SecretariatAdmin):
    """What went out. A notification is never deleted: the next sweep would record it, and send it, again."""

    list_display = ("title", "rule_title", "recipient", "due", "status", "attempts", "last_error_short")
    list_filter = ("status", RuleFilter, "channel", calendar_date_filter("due_at", _("due")))
    search_fields = ("title", "recipient__username", "recipient__last_name", "occasion")
    list_select_related = ("recipient",)
    inlines = (AttemptInline,)
    actions = ("resend_selected",)
    readonly_fields = (
        "rule_title",
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

    @admin.display(description=_("rule"), ordering="rule")
    def rule_title(self, notification: Notification) -> str:
        return rule_name(notification.rule)

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


def shown_days(days: list[int]) -> str:
    """Offsets as the reader writes them: ``۱۴، ۷، ۱`` in Persian, ``14, 7, 1`` in English."""
    if uses_jalali():
        return persian_digits("، ".join(str(day) for day in days))
    return ", ".join(str(day) for day in days)


class OffsetsField(forms.CharField):
    """Days typed as a person writes them: ``14, 7, 1`` or ``۱۴، ۷، ۱`` (Persian, Arabic or Latin digits,
    Persian or Latin commas, with or without brackets). Empty means the rule's defaults."""

    default_error_messages = {
        "invalid": _("Give whole numbers of days from 1 to 366, separated by commas, such as 14, 7, 1."),
    }

    def prepare_value(self, value: Any) -> Any:
        return shown_days(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[int]:
        if isinstance(value, list):
            return value
        text = latin_digits(super().to_python(value)).strip().removeprefix("[").removesuffix("]")
        parts = [part for part in re.split(r"[\s,،٬;؛]+", text) if part]
        if not all(part.isascii() and part.isdigit() and 0 < int(part) <= 366 for part in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return [int(part) for part in parts]


class RuleSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("rule"))
    offsets = OffsetsField(
        label=_("offsets in days"),
        required=False,
        help_text=_(
            "Days, separated by commas, such as 14, 7, 1; what each number counts from is in the rule's "
            "description. Empty: the defaults."
        ),
    )

    class Meta:
        model = RuleSetting
        fields = ("rule", "enabled", "offsets")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Names only: with its description, a rule's option was wider than the page.
        self.fields["rule"].choices = [(slug, rule.title) for slug, rule in RULES.items()]
        self.fields["offsets"].widget.attrs.update(size=30)
        if not self.instance._state.adding:
            self.fields["rule"].disabled = True  # a setting belongs to its rule: another rule gets its own
        rule = RULES.get(self.initial.get("rule") or "")
        if rule is not None:
            self.fields["rule"].help_text = rule.description  # what the offsets count from
        if rule is not None and rule.default_offsets:
            # The defaults as a hint, not a value: a setting saved with the field empty keeps following
            # them (the environment may change them later); typed offsets are the secretariat's own.
            offsets = self.fields["offsets"]
            offsets.widget.attrs["placeholder"] = offsets.prepare_value(rule.default_offsets)


@dataclass(frozen=True)
class RuleRow:
    """One registered rule as the rules page lists it, whether or not the secretariat has set it."""

    rule: Rule
    setting: RuleSetting | None
    offsets: str  # the offsets in force, in the reader's digits; "" for a rule that takes none
    defaults: str
    enabled: bool
    edit_url: str


@admin.register(RuleSetting)
class RuleSettingAdmin(SecretariatAdmin):
    """Every registered rule on one page, set or not: a rule the secretariat has never changed runs on
    its defaults, and the page says so rather than hiding it until a row is added."""

    form = RuleSettingForm
    list_display = ("rule", "title", "enabled", "offsets", "defaults")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        settings = {setting.rule: setting for setting in RuleSetting.objects.all()}
        rows = []
        for slug, rule in RULES.items():  # as registered: grouped by the app the rule reads
            setting = settings.get(slug)
            in_force = offsets_for(rule, setting)
            if setting is not None:
                url = reverse("admin:reminders_rulesetting_change", args=[setting.pk])
            else:
                url = reverse("admin:reminders_rulesetting_add") + "?" + urlencode({"rule": slug})
            rows.append(
                RuleRow(
                    rule=rule,
                    setting=setting,
                    offsets=shown_days(in_force or rule.default_offsets),
                    defaults=shown_days(rule.default_offsets),
                    enabled=setting is None or setting.enabled,
                    edit_url=url,
                )
            )
        return TemplateResponse(
            request,
            "admin/reminders/rulesetting/rules.html",
            {
                **self.admin_site.each_context(request),
                "title": capfirst(self.model._meta.verbose_name_plural),
                "rows": rows,
                "opts": self.model._meta,
                "can_change": self.has_change_permission(request),
                **(extra_context or {}),
            },
        )

    @admin.display(description=_("rule"))
    def title(self, setting: RuleSetting) -> str:
        return rule_name(setting.rule)

    @admin.display(description=_("defaults"))
    def defaults(self, setting: RuleSetting) -> str:
        rule = RULES.get(setting.rule)
        return shown_days(rule.default_offsets) if rule else "—"
