"""The admin site: the secretariat's tool, opened by the permissions module alone."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zones_portal import permissions


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
