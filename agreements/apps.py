from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from agreements import signals  # noqa: PLC0415 - models are loaded only once the registry is ready

        signals.connect()
