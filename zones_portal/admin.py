from typing import Any

from axes.models import AccessAttempt, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from zones_portal import services
from zones_portal.admin_site import (
    KeepsRecords,
    ReadersCalendarMixin,
    SecretariatAdmin,
    SecretariatOnly,
    SecretariatStackedInline,
    TimelineMixin,
)
from zones_portal.dates import format_date, persian_digits, uses_jalali
from zones_portal.history import Moves, Track
from zones_portal.models import ApiToken, Institution, Membership, User, Zone
from zones_portal.twofactor import services as twofactor


def shown_number(number: int) -> str:
    """A count in the reader's digits, as the admin's dates are."""
    return persian_digits(str(number)) if uses_jalali() else str(number)


# Standing comes from Membership and zones_portal.permissions, not from Django groups.
admin.site.unregister(Group)
# django-otp's own device pages would show anyone in the admin each person's secret and QR code. A
# person's two-step sign-in is shown, and reset, on their page instead (PortalUserAdmin).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(Zone)
class ZoneAdmin(SecretariatAdmin):
    list_display = ("name_fa", "name_en", "province_fa", "kind", "is_active", "sort_order")
    list_editable = ("sort_order",)
    list_filter = ("kind", "is_active")
    search_fields = ("slug", "name_fa", "name_en", "province_fa", "province_en")
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "name_fa", "name_en", "kind", "is_active", "sort_order")}),
        (_("Province"), {"fields": ("province_fa", "province_en")}),
        (_("Contact details"), {"fields": ("phone", "email", "website", "address")}),
    )


@admin.register(Institution)
class InstitutionAdmin(SecretariatAdmin):
    list_display = ("name_fa", "name_en", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("slug", "name_fa", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}


class MembershipInline(SecretariatStackedInline):
    model = Membership
    can_delete = True
    extra = 0
    max_num = 1
    fields = ("role", "zone", "institution", "job_title")
    verbose_name = _("membership")
    verbose_name_plural = _("where this person belongs")


class TwoStepFilter(admin.SimpleListFilter):
    """Who has set up two-step sign-in: the secretariat checks that its own staff all have."""

    title = _("two-step sign-in")
    parameter_name = "two_step"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("on", _("On")), ("off", _("Off"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in ("on", "off"):
            return queryset
        has_app = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        return queryset.filter(has_app if self.value() == "on" else ~has_app)


@admin.register(User)
class PortalUserAdmin(KeepsRecords, SecretariatOnly, ReadersCalendarMixin, TimelineMixin, UserAdmin):
    """People leave by being made inactive, never deleted: their scores, reports, answers and changes
    in every timeline keep naming them."""

    inlines = (MembershipInline,)
    list_display = ("username", "get_full_name", "email", "role", "organisation", "is_active")
    list_filter = (
        "membership__role",
        "membership__zone",
        "membership__institution",
        "is_active",
        "is_staff",
        TwoStepFilter,
    )
    actions = ("reset_two_step",)
    list_select_related = ("membership__zone", "membership__institution")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Two-step sign-in"), {"fields": ("two_step",)}),
    )
    readonly_fields = ("last_login", "date_joined", "two_step")

    def timeline_parts(self, obj: User) -> tuple[list[Track], list[Moves]]:
        """Where the person belonged, and their API keys: who changed them and when."""
        return [
            Track(
                Membership.history.filter(user_id=obj.pk).select_related("zone", "institution"),
                subject=lambda version: str(_("Membership")),
                hidden=("user",),
            ),
            Track(
                ApiToken.history.filter(user_id=obj.pk),
                subject=lambda version: str(_("API key %(name)s") % {"name": version.name or version.hint}),
                hidden=("user",),
            ),
        ], []

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        """Only a superuser may hand out superuser rights or Django-level permissions."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_superuser", "groups", "user_permissions")
        return fields

    @admin.display(description=_("role"), ordering="membership__role")
    def role(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

    @admin.display(description=_("zone or institution"))
    def organisation(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        if membership is None:
            return "—"
        return str(membership.zone or membership.institution or _("Secretariat"))

    # Two-step sign-in: seen here, and reset here when a phone is lost; never the secret itself.

    @admin.display(description=_("two-step sign-in"))
    def two_step(self, user: User) -> str:
        device = twofactor.app_device(user)
        if device is None:
            if twofactor.requires_two_factor(user):
                return str(_("Off: they will be asked to set it up before they use the administration."))
            return str(_("Off."))
        return format_html(
            '{} <a class="button" href="{}">{}</a>',
            _("On since %(since)s; last used %(used)s; %(codes)s recovery codes left.")
            % {
                "since": format_date(device.created_at, "datetime") or "—",
                "used": format_date(device.last_used_at, "datetime") or "—",
                "codes": shown_number(twofactor.recovery_codes_left(user)),
            },
            reverse("admin:zones_portal_user_reset_two_step", args=[user.pk]),
            _("Reset (lost phone)"),
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/two-step/reset/",
                self.admin_site.admin_view(self.reset_two_step_view),
                name="zones_portal_user_reset_two_step",
            ),
            *super().get_urls(),
        ]

    def reset_two_step_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Asks, then removes the person's authenticator app and recovery codes."""
        person = get_object_or_404(User, pk=pk)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        change_url = reverse("admin:zones_portal_user_change", args=[person.pk])
        if request.method == "POST":
            self._reset(request, [person])
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "twofactor/admin_reset.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reset two-step sign-in"),
                "person": person,
                "required": twofactor.requires_two_factor(person),
                "change_url": change_url,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Reset two-step sign-in (lost phone)"))
    def reset_two_step(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._reset(request, queryset)

    def _reset(self, request: HttpRequest, people: Any) -> None:
        reset = [person for person in people if twofactor.reset(request.user, person)]
        if reset:
            self.message_user(
                request,
                ngettext(
                    "Two-step sign-in was reset for %(count)d person: they sign in with their password and set it up again.",
                    "Two-step sign-in was reset for %(count)d people: they sign in with their password and set it up again.",
                    len(reset),
                )
                % {"count": len(reset)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Nobody selected had two-step sign-in set up."), messages.WARNING)


@admin.register(ApiToken)
class ApiTokenAdmin(SecretariatAdmin):
    """Keys are made here or with ``create_api_token``; the key is shown once, then only its start."""

    list_display = ("hint", "user", "name", "write_enabled", "created", "expires", "last_used", "state")
    list_filter = ("write_enabled",)
    search_fields = ("user__username", "name", "hint")
    list_select_related = ("user",)
    fields = (
        "user",
        "name",
        "write_enabled",
        "expires_at",
        "hint",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("hint", "created_at", "last_used_at", "revoked_at")
    autocomplete_fields = ("user",)
    actions = ("revoke_selected",)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # A key's owner and rights are fixed once issued: revoke it and issue another.
        return super().has_change_permission(request, obj) and obj is None

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, key = ApiToken.issue(
            form.cleaned_data["user"],
            name=form.cleaned_data.get("name", ""),
            expires_at=form.cleaned_data.get("expires_at"),
            write_enabled=form.cleaned_data.get("write_enabled", True),
        )
        obj.pk = token.pk
        obj.refresh_from_db()
        self.message_user(
            request,
            _("The new key, shown only this once; copy it now: %(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, token: ApiToken) -> str:
        return format_date(token.created_at, "datetime")

    @admin.display(description=_("expires"), ordering="expires_at")
    def expires(self, token: ApiToken) -> str:
        return format_date(token.expires_at, "datetime") or "—"

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, token: ApiToken) -> str:
        return format_date(token.last_used_at, "datetime") or "—"

    @admin.display(description=_("state"))
    def state(self, token: ApiToken) -> str:
        if token.revoked_at:
            return str(_("revoked"))
        return str(_("in use")) if token.is_usable else str(_("expired"))

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_selected(self, request: HttpRequest, queryset: Any) -> None:
        count = services.revoke_api_tokens(request.user, queryset)
        self.message_user(
            request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count}
        )


# Sign-in protection (django-axes): who failed to sign in, who is paused, and who signed in.


class SignInRecordAdmin(SecretariatAdmin):
    """What django-axes records is read, never written, in the admin: who tried, from where."""

    search_fields = ("username", "ip_address")

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("account"), ordering="username")
    def who(self, record: AccessAttempt | AccessLog) -> str:
        return record.username or "—"

    @admin.display(description=_("address"), ordering="ip_address")
    def address(self, record: AccessAttempt | AccessLog) -> str:
        return record.ip_address or "—"


@admin.register(AccessAttempt)
class SignInFailureAdmin(SignInRecordAdmin):
    """Failed sign-ins per account and address; lifting a pause deletes the count behind it."""

    list_display = ("who", "address", "failures", "last_attempt", "paused")
    actions = ("lift_pause",)
    readonly_fields = (
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
    )
    fields = readonly_fields

    @admin.display(description=_("failed sign-ins"), ordering="failures_since_start")
    def failures(self, attempt: AccessAttempt) -> int:
        return attempt.failures_since_start

    @admin.display(description=_("last attempt"), ordering="attempt_time")
    def last_attempt(self, attempt: AccessAttempt) -> str:
        return format_date(attempt.attempt_time, "datetime")

    @admin.display(description=_("paused"), boolean=True)
    def paused(self, attempt: AccessAttempt) -> bool:
        return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description=_("Lift the pause on the selected accounts and addresses"))
    def lift_pause(self, request: HttpRequest, queryset: Any) -> None:
        for attempt in queryset:
            if attempt.username:
                axes_reset(username=attempt.username)
            if attempt.ip_address:
                axes_reset(ip=attempt.ip_address)
        self.message_user(request, _("Signing in is open again for the selected accounts and addresses."))


@admin.register(AccessLog)
class SignInLogAdmin(SignInRecordAdmin):
    """Every successful sign-in: who, from where, when, and when they signed out."""

    list_display = ("who", "address", "signed_in", "signed_out")
    readonly_fields = ("username", "ip_address", "user_agent", "path_info", "attempt_time", "logout_time")
    fields = readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("signed in"), ordering="attempt_time")
    def signed_in(self, entry: AccessLog) -> str:
        return format_date(entry.attempt_time, "datetime")

    @admin.display(description=_("signed out"), ordering="logout_time")
    def signed_out(self, entry: AccessLog) -> str:
        return format_date(entry.logout_time, "datetime") if entry.logout_time else "—"
