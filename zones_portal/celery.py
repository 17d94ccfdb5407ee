"""The Celery application: reads the CELERY_ settings and finds each app's tasks.py."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zones_portal.settings")

app = Celery("zones_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender: Celery, **kwargs: object) -> None:
    """The filesystem transport fails on a missing folder; a fresh clone has none."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


SWEEP_AT_START = "reminders.tasks.sweep"


@beat_init.connect
def _sweep_at_start(sender: object = None, **kwargs: object) -> None:
    """Beat's interval entries first fire one interval after it starts, so a fresh start (a deploy, the
    demo's bin/run) left the dashboard's bell empty for the first quarter of an hour. One sweep as beat
    starts fills it at once. Beat, not the worker, sends it: there is one beat however many workers, and
    it is the scheduler in production as in the demo. A repeat costs nothing: each reminder is recorded
    once per occasion and recipient, so a sweep that finds them recorded sends nothing again."""
    app.send_task(SWEEP_AT_START)
