from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Rules live beside the data they read, in each app's reminders.py, as the admin finds admin.py.
        autodiscover_modules("reminders")
