from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Talent scouting")

    def ready(self) -> None:
        # Models are loaded only once the registry is ready.
        from talent import glance, permissions  # noqa: PLC0415
        from zones_portal.permissions import person_fact  # noqa: PLC0415

        glance.connect()
        person_fact(permissions.JUROR, permissions.juror_expression)
