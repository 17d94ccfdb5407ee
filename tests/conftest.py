"""The fixed cast every test draws on, and the CI rule that a skipped test is a failure.

The cast: the secretariat officer, the Kish deputy, the Qeshm deputy, the Art
Bureau partner, a second partner (Kanoon) and an anonymous visitor.
"""

import os

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import (
    InstitutionFactory,
    institution_user,
    secretariat_user,
    zone_user,
)
from zones_portal.models import Zone

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.section("skipped tests are failures in CI", red=True)
        for report in skipped:
            terminalreporter.line(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a test that skipped because a service or tool is missing must fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Real hashing costs a quarter-second per user; tests prove behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services speak the active language; tests read their messages in English.

    Pages still render in Persian: the locale middleware picks the language of each request.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Queued tasks run at once in the test's process; the integration tests start a real worker."""
    from zones_portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Uploads land in a folder of the test's own, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible server on loopback (moto): CI's, or one started for this test run."""
    from tests.servers import s3_server

    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def object_storage(settings, s3_endpoint):
    """Uploads go to a fresh bucket of the S3 server, as in production; yields the bucket's name."""
    from tests.servers import new_bucket, s3_environment
    from zones_portal.storage import s3_options

    bucket = new_bucket(s3_endpoint)
    environment = s3_environment(s3_endpoint, bucket)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(
                bucket=bucket,
                endpoint_url=s3_endpoint,
                access_key=environment["AWS_ACCESS_KEY_ID"],
                secret_key=environment["AWS_SECRET_ACCESS_KEY"],
                region_name=environment["AWS_S3_REGION_NAME"],
                expire=settings.AWS_QUERYSTRING_EXPIRE,
            ),
        },
    }
    return bucket


@pytest.fixture
def kish(db) -> Zone:
    return Zone.objects.get(slug="kish")


@pytest.fixture
def qeshm(db) -> Zone:
    return Zone.objects.get(slug="qeshm")


@pytest.fixture
def anzali_zone(db) -> Zone:
    return Zone.objects.get(slug="anzali")


@pytest.fixture
def art_bureau(db):
    return InstitutionFactory(
        slug="artbureau", name_fa="حوزه هنری انقلاب اسلامی", name_en="Art Bureau of the Islamic Revolution"
    )


@pytest.fixture
def kanoon(db):
    return InstitutionFactory(slug="kanoon", name_fa="کانون پرورش فکری", name_en="Kanoon")


@pytest.fixture
def secretariat(db):
    return secretariat_user(username="officer", first_name="سارا", last_name="امینی")


@pytest.fixture
def kish_deputy(kish):
    return zone_user(kish, username="kish-deputy", first_name="علی", last_name="کریمی")


@pytest.fixture
def qeshm_deputy(qeshm):
    return zone_user(qeshm, username="qeshm-deputy", first_name="زهرا", last_name="محمدی")


@pytest.fixture
def art_bureau_partner(art_bureau):
    return institution_user(art_bureau, username="artbureau-partner")


@pytest.fixture
def kanoon_partner(kanoon):
    return institution_user(kanoon, username="kanoon-partner")


@pytest.fixture
def anonymous() -> Client:
    return Client()


def confirm_with_code(client: Client, user) -> None:
    """Marks the client's session as confirmed with a two-step code, as signing in with the code does:
    a confirmed authenticator app for ``user`` (made if they have none) and django-otp's session key.
    The admin's requirement stays on; tests meet it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client_for():
    """A logged-in test client for any of the cast: ``client_for(kish_deputy)``. Whoever can use the
    admin is signed in as they would be for real: with two steps (``confirm_with_code``)."""
    from zones_portal.permissions import can_use_admin

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        if can_use_admin(user):
            confirm_with_code(client, user)
        return client

    return make
