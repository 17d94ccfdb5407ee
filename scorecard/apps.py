from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from scorecard.db import add_sqlite_median


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = _("Scorecard")

    def ready(self) -> None:
        from scorecard import caching  # noqa: PLC0415 - models are loaded only once the registry is ready

        connection_created.connect(add_sqlite_median, dispatch_uid="scorecard-sqlite-median")
        caching.connect()  # what the scorecard counts changes: its cached counts are out of date
