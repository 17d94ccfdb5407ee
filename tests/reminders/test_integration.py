"""End to end on the production stack: a real Celery worker on Redis sends a reminder to a real SMTP server.

Needs PostgreSQL (the worker shares the test database) and Redis; in CI both are there, and a skip fails.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reminders import services
from reminders.models import Notification
from tests.factories import make_event, zone_user

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append(envelope)
            return "250 Message accepted for delivery"

    import socket

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_real_worker_on_redis_delivers_a_reminder_by_smtp(kish, smtp_server):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs PostgreSQL and a Redis broker (DATABASE_URL and CELERY_BROKER_URL)")
    from zones_portal.celery import app

    inbox, port = smtp_server
    deputy = zone_user(kish, username="kish-integration", email="deputy@kish.example")
    make_event(kish, status="approved", starts_in_days=6.5, title="جشنواره یکپارچه")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = dict(settings.DATABASES["default"])
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DEBUG": "true",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zones_portal",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        report = services.sweep()
        assert report.error == ""
        assert len(report.queued) == 1
        notification = Notification.objects.get(pk=report.queued[0])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.status == "sent" and inbox.messages:
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
        assert notification.status == "sent", notification.last_error
        [envelope] = inbox.messages
        assert envelope.rcpt_tos == [deputy.email]
        assert "جشنواره یکپارچه".encode() in envelope.content or b"=?utf-8?" in envelope.content
        # A second sweep sends nothing new.
        assert services.sweep().queued == []
        time.sleep(1)
        assert len(inbox.messages) == 1
    finally:
        app.conf.task_always_eager = True
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert dt.timedelta(0) <= notification.sent_at - notification.due_at
