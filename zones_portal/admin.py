from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zones_portal.admin_site import SecretariatAdmin, SecretariatOnly, SecretariatStackedInline
from zones_portal.models import Institution, Membership, User, Zone

# Standing comes from Membership and zones_portal.permissions, not from Django groups.
admin.site.unregister(Group)


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


@admin.register(User)
class PortalUserAdmin(SecretariatOnly, UserAdmin):
    inlines = (MembershipInline,)
    list_display = ("username", "get_full_name", "email", "role", "organisation", "is_active")
    list_filter = ("membership__role", "membership__zone", "membership__institution", "is_active", "is_staff")
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
    )
    readonly_fields = ("last_login", "date_joined")

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
