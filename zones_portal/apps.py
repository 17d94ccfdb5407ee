from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ZonesPortalConfig(AppConfig):
    name = "zones_portal"
    verbose_name = _("Zones and people")

    def ready(self) -> None:
        autodiscover_modules("permissions", "glance")  # each app's access rules and home-page panels
        # Models are loaded only once the registry is ready.
        from zones_portal import fragments, versions  # noqa: PLC0415, F401 - fragments: its receivers

        versions.connect_core()  # zones, people, memberships and keys: what kept scopes and cards read


class PortalAdminConfig(AdminConfig):
    """Swaps in our admin site so that one rule decides who may use the admin."""

    default_site = "zones_portal.admin_site.PortalAdminSite"
