from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Rules live beside the data they read, in each app's reminders.py, as the admin finds admin.py.
        autodiscover_modules("reminders")
        # A reminder saved or deleted one at a time (the admin, a person deleted) is counted again in
        # every bell; the sweep's bulk changes bump the same counter themselves (reminders.services).
        from reminders.models import Notification  # noqa: PLC0415 - the registry is ready only now
        from reminders.services import NOTIFICATIONS  # noqa: PLC0415
        from zones_portal.versions import watch  # noqa: PLC0415

        watch(NOTIFICATIONS, [Notification])
