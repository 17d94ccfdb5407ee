from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Competitions")

    def ready(self) -> None:
        # Models are loaded only once the registry is ready.
        from contests import permissions  # noqa: PLC0415
        from zones_portal.permissions import person_fact  # noqa: PLC0415

        person_fact(permissions.JUDGE, permissions.judge_expression)
