"""The services the portal runs on in production: PostgreSQL and a Redis broker.

They skip where the variables do not name them (a laptop running bin/test with
no variables); in CI a skip fails the run, so these can never pass quietly.
"""

import os
import uuid

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from zones_portal.celery import app as celery_app

pytestmark = pytest.mark.services


def round_trip(url: str, transport_options: dict | None = None) -> str:
    queue_name = f"portal-test-{uuid.uuid4().hex}"
    with Connection(url, transport_options=transport_options or {}, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=2)
        queue = conn.SimpleQueue(queue_name)
        try:
            queue.put({"hello": "zones"})
            message = queue.get(timeout=5)
            message.ack()
            return message.payload["hello"]
        finally:
            queue.clear()
            queue.close()


@pytest.mark.django_db
def test_the_database_is_postgresql_when_database_url_names_it():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL does not name PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 150000


def test_the_redis_broker_carries_a_message_when_configured():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("CELERY_BROKER_URL does not name Redis")
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert round_trip(settings.CELERY_BROKER_URL) == "zones"


def test_the_default_filesystem_broker_carries_a_message(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(tmp_path / "control"),
    }
    assert round_trip("filesystem://localhost/", options) == "zones"
