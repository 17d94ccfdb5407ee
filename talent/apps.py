from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Talent scouting")

    def ready(self) -> None:
        from talent import glance  # noqa: PLC0415 - models are loaded only once the registry is ready

        glance.connect()
