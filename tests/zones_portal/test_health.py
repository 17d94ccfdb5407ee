"""The probes: /healthz needs no shared service; /readyz names the one that is down and nothing more."""

import datetime as dt
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from reminders import services as reminder_services
from zones_portal import health
from zones_portal.celery import app
from zones_portal.models import Heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_folder(settings) -> Path:
    """The uploads folder exists, as a mounted shared folder would."""
    folder = Path(settings.MEDIA_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database_unreachable():
    """Every database connection fails, as when PostgreSQL is unreachable; the message holds secrets."""
    error = OperationalError('connection to "db.internal" (10.0.0.5) failed: password "hunter2" rejected')
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=error)


@pytest.fixture
def database_down():
    with database_unreachable():
        yield


def components(response) -> dict:
    return response.json()["components"]


# /healthz ------------------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(anonymous, django_assert_num_queries):
    with django_assert_num_queries(0), database_unreachable():
        response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_takes_get_and_head_only(anonymous):
    assert anonymous.head("/healthz").status_code == 200
    assert anonymous.post("/healthz").status_code == 405


# /readyz -------------------------------------------------------------------------------------------


def test_readyz_is_ready_when_every_service_answers(anonymous, media_folder):
    response = anonymous.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "cache", "broker", "storage"}
    for name, component in body["components"].items():
        assert component["ok"] is True, name
        assert component["ms"] >= 0
        assert "error" not in component
    assert body["sweep"] is None  # no sweep has run yet
    assert "no-store" in response["Cache-Control"]
    assert anonymous.post("/readyz").status_code == 405


def test_readyz_is_unready_when_the_database_is_down(anonymous, media_folder, database_down):
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert components(response)["database"] == {
        "ok": False,
        "ms": components(response)["database"]["ms"],
        "error": "OperationalError",
    }
    assert components(response)["cache"]["ok"] is True
    assert b"hunter2" not in response.content
    assert b"db.internal" not in response.content


def test_readyz_is_unready_when_the_cache_is_down(anonymous, media_folder, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:cache-secret@127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert components(response)["cache"]["ok"] is False
    assert components(response)["cache"]["error"] == "ConnectionError"
    assert components(response)["database"]["ok"] is True
    assert b"cache-secret" not in response.content


def test_readyz_is_unready_when_the_broker_is_down_and_names_no_secret(anonymous, media_folder, monkeypatch):
    # The write URL, because Celery prefers the CELERY_BROKER_URL variable to a changed broker_url.
    monkeypatch.setitem(app.conf, "broker_write_url", "redis://:broker-secret@127.0.0.1:1/0")
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert components(response)["broker"]["ok"] is False
    assert components(response)["broker"]["error"] == "OperationalError"
    assert b"broker-secret" not in response.content
    assert b"127.0.0.1" not in response.content


def test_readyz_is_unready_when_the_uploads_folder_is_missing(anonymous):
    # MEDIA_ROOT points at a folder that is not there: a shared mount that failed.
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert components(response)["storage"] == {
        "ok": False,
        "ms": components(response)["storage"]["ms"],
        "error": "FileNotFoundError",
    }


def test_readyz_is_ready_with_an_object_storage_bucket(anonymous, object_storage):
    response = anonymous.get("/readyz")
    assert components(response)["storage"]["ok"] is True
    assert response.status_code == 200


def test_readyz_is_unready_when_the_bucket_is_unreachable_and_names_no_key(anonymous, settings):
    settings.READYZ_TIMEOUT_SECONDS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "uploads",
                "endpoint_url": "http://127.0.0.1:1",
                "access_key": "storage-key-id",
                "secret_key": "storage-secret-key",
                "region_name": "us-east-1",
            },
        },
    }
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert components(response)["storage"]["ok"] is False
    assert b"storage-secret-key" not in response.content
    assert b"storage-key-id" not in response.content


def test_a_hanging_service_costs_the_probe_its_deadline_and_no_more(
    anonymous, media_folder, settings, monkeypatch
):
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "broker", lambda: release.wait(10))
    try:
        response = anonymous.get("/readyz")
    finally:
        release.set()
    assert response.status_code == 503
    assert components(response)["broker"]["ok"] is False
    assert components(response)["broker"]["error"] == "TimeoutError"
    assert components(response)["broker"]["ms"] < 2000
    assert components(response)["database"]["ok"] is True


def test_a_component_that_is_down_is_logged(anonymous, media_folder, database_down, caplog):
    anonymous.get("/readyz")
    assert "readyz: database is down (OperationalError)" in caplog.messages


# The last sweep --------------------------------------------------------------------------------
# /readyz reads it on its own connection, in its own thread: the rows must be committed to be seen.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_shows_the_last_sweep_and_flags_it_stale(anonymous, media_folder, settings):
    settings.READYZ_SWEEP_STALE_SECONDS = 3600
    completed = timezone.now() - dt.timedelta(minutes=20)
    Heartbeat.objects.create(name=health.SWEEP, completed_at=completed)
    response = anonymous.get("/readyz")
    assert response.status_code == 200
    sweep = response.json()["sweep"]
    assert dt.datetime.fromisoformat(sweep["at"]) == completed
    assert 1200 <= sweep["age_seconds"] < 1260
    assert sweep["stale"] is False

    Heartbeat.objects.filter(name=health.SWEEP).update(completed_at=timezone.now() - dt.timedelta(hours=2))
    response = anonymous.get("/readyz")
    assert response.json()["sweep"]["stale"] is True
    assert response.status_code == 200  # beat is a separate process: the web node still serves


def test_a_sweep_records_its_heartbeat():
    before = timezone.now()
    reminder_services.sweep()
    heartbeat = Heartbeat.objects.get(name="reminders.sweep")
    assert heartbeat.completed_at >= before
    reminder_services.sweep()
    assert Heartbeat.objects.filter(name="reminders.sweep").count() == 1


def test_a_dry_run_records_no_heartbeat():
    reminder_services.sweep(dry_run=True)
    assert not Heartbeat.objects.exists()


def test_a_sweep_that_could_not_queue_still_records_its_heartbeat(monkeypatch):
    def broker_down(now):
        raise reminder_services.BrokerUnavailableError("Could not queue reminders")

    monkeypatch.setattr(reminder_services, "queue_pending", broker_down)
    report = reminder_services.sweep()
    assert report.error
    assert Heartbeat.objects.filter(name="reminders.sweep").exists()
