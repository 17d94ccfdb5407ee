from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from scorecard.db import add_sqlite_median


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = _("Scorecard")

    def ready(self) -> None:

        connection_created.connect(add_sqlite_median, dispatch_uid="scorecard-sqlite-median")
