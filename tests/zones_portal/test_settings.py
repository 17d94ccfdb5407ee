"""Settings come from the environment; production values pass Django's deployment checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zones_portal.environment import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq2!vB9zR4mT8wL1pN6sD3fH5jG0cY2uE8iO4aQ7rW1tZ9xV3bM6nK5lP0hJ2",
    "ALLOWED_HOSTS": "portal.free-zones.example",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
    "CACHE_URL": "redis://cache.internal:6379/1",
    "MEDIA_ROOT": "/srv/portal-shared/media",
}


# Variables a developer or CI may have set that would change what these tests read.
UNSET_IN_SUBPROCESS = {"EMAIL_BACKEND", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value for key, value in os.environ.items() if key not in {*PRODUCTION, *UNSET_IN_SUBPROCESS}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "zones_portal.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def read_settings(env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'db': s.DATABASES['default'], "
        "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, "
        "'ssl': s.SECURE_SSL_REDIRECT}, default=str))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_need_no_service(tmp_path):
    values = read_settings({"VAR_DIR": str(tmp_path)})
    assert values["debug"] is True
    assert values["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["db"]["NAME"] == str(tmp_path / "db.sqlite3")
    assert values["broker"] == "filesystem://localhost/"
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert (values["tz"], values["lang"]) == ("Asia/Tehran", "fa")


def test_production_reads_every_service_from_the_environment():
    values = read_settings(PRODUCTION)
    assert values["debug"] is False
    assert values["hosts"] == ["portal.free-zones.example"]
    assert values["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (values["db"]["HOST"], values["db"]["NAME"], values["db"]["CONN_MAX_AGE"]) == (
        "db.internal",
        "portal",
        60,
    )
    assert values["broker"] == "redis://cache.internal:6379/0"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["ssl"] is True


def test_a_secret_key_is_required_when_debug_is_off():
    result = run_python("import django; django.setup()", {**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must be set when DEBUG is off"),
        ("DATABASE_URL", "", "DATABASE_URL must point at PostgreSQL"),
        ("DATABASE_URL", "sqlite:////srv/portal.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        ("CELERY_BROKER_URL", "", "CELERY_BROKER_URL must be a Redis or AMQP URL"),
        ("CELERY_BROKER_URL", "filesystem://localhost/", "CELERY_BROKER_URL must be a Redis or AMQP URL"),
        ("CACHE_URL", "", "CACHE_URL (or REDIS_URL) must point at Redis"),
        ("MEDIA_ROOT", "", "Set AWS_STORAGE_BUCKET_NAME for object storage, or MEDIA_ROOT"),
    ],
)
def test_production_refuses_an_embedded_only_setting(variable, value, sentence):
    env = {**PRODUCTION}
    if value:
        env[variable] = value
    else:
        del env[variable]
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert sentence in result.stderr
    # One sentence for the one problem: nothing else is reported.
    message = result.stderr.strip().splitlines()[-1]
    assert message.count(" must ") + message.count("Set AWS_") == 1, message


def test_every_problem_is_named_at_once():
    env = {key: PRODUCTION[key] for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "MEDIA_ROOT"):
        assert name in result.stderr


def test_the_worker_refuses_to_start_on_an_embedded_setting():
    """Celery reads the same settings: a worker on the filesystem broker with DEBUG off stops at once."""
    env = {**PRODUCTION, "CELERY_BROKER_URL": "filesystem://localhost/"}
    clean = {
        key: value for key, value in os.environ.items() if key not in {*PRODUCTION, *UNSET_IN_SUBPROCESS}
    }
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "zones_portal", "worker", "--pool", "solo"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must be a Redis or AMQP URL" in result.stderr


def test_object_storage_replaces_the_shared_folder():
    env = {key: value for key, value in PRODUCTION.items() if key != "MEDIA_ROOT"}
    env |= {"AWS_STORAGE_BUCKET_NAME": "portal-files", "AWS_S3_ENDPOINT_URL": "https://s3.internal:9000"}
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.STORAGES['default'], default=str))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "portal-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.internal:9000"
    assert storage["OPTIONS"]["querystring_expire"] <= 600


def test_redis_url_serves_as_the_shared_cache():
    env = {key: value for key, value in PRODUCTION.items() if key != "CACHE_URL"}
    env["REDIS_URL"] = "redis://cache.internal:6379/2"
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.CACHES['default']))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "BACKEND": "zones_portal.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_check_deploy_is_clean_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("No", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_names_the_variable_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "42")
    monkeypatch.setenv("SOME_LIST", "a.example, b.example,")
    assert env_int("SOME_NUMBER", 1) == 42
    assert env_int("UNSET_NUMBER_FOR_TEST", 7) == 7
    assert env_list("SOME_LIST") == ["a.example", "b.example"]
    monkeypatch.setenv("SOME_NUMBER", "forty")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)


def test_a_list_of_whole_numbers_names_its_variable_when_mistyped(monkeypatch):
    from zones_portal.environment import env_int_list

    monkeypatch.setenv("WEBHOOK_RETRY_DELAYS", "5, 60 ,3600")
    assert env_int_list("WEBHOOK_RETRY_DELAYS", [1]) == [5, 60, 3600]
    monkeypatch.setenv("WEBHOOK_RETRY_DELAYS", "5,five")
    with pytest.raises(ImproperlyConfigured, match="WEBHOOK_RETRY_DELAYS must be whole numbers"):
        env_int_list("WEBHOOK_RETRY_DELAYS", [1])
    monkeypatch.setenv("WEBHOOK_RETRY_DELAYS", "-5")
    with pytest.raises(ImproperlyConfigured, match="none below zero"):
        env_int_list("WEBHOOK_RETRY_DELAYS", [1])
    monkeypatch.delenv("WEBHOOK_RETRY_DELAYS")
    assert env_int_list("WEBHOOK_RETRY_DELAYS", [5, 300]) == [5, 300]
