from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from events import signals  # noqa: PLC0415 - models are loaded only once the registry is ready

        signals.connect()
