from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsOnConfig(AppConfig):
    name = "whatson"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from whatson import caching  # noqa: PLC0415 - models are ready only now

        caching.connect()
