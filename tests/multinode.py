"""The portal as deployed on several machines, started on this one.

Two gunicorn nodes on two ports, two Celery workers and one beat, all with ``DEBUG`` off and production
settings, sharing one PostgreSQL database, a Redis of their own (broker and cache), an S3-compatible
bucket and an SMTP server that keeps what it receives. Every portal process runs on the Python named by
``RUNTIME_PYTHON``: CI points it at a virtualenv holding ``requirements.txt`` alone, so this also proves
that a deployment needs nothing the dev tools bring. The orchestration here (the tools' side: S3, SMTP,
HTTP client) runs in the test's own virtualenv.

Used by ``tests/test_multinode.py`` and, by hand, ``bench/multinode.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from tests.servers import (
    RedisServer,
    SmtpSink,
    free_port,
    new_bucket,
    process_of_local_port,
    s3_environment,
    s3_server,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "multinode-demo-9f3"
# Variables of the test's own environment that must not leak into the portal's processes.
DROPPED = {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "REDIS_URL", "EMAIL_BACKEND", "MEDIA_ROOT"}


def database_url(name: str) -> str:
    """A database on the server of DATABASE_URL when that is PostgreSQL, else on the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def runtime_python() -> str:
    return os.environ.get("RUNTIME_PYTHON") or sys.executable


@dataclass
class Cluster:
    folder: Path
    smtp_delay: float = 0.0
    sweep_seconds: int = 2
    lease_seconds: int = 4
    apply_rate: int = 3
    # Off: beat's sweeps wait in Redis until a test calls start_workers(), so the demo's reminders are
    # still to be sent when that test begins.
    workers_at_start: bool = True
    python: str = field(default_factory=runtime_python)
    web_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stack = ExitStack()
        self.database = f"zones_portal_multinode_{uuid.uuid4().hex[:8]}"
        self.redis = RedisServer(self.folder / "redis")
        self.smtp = SmtpSink(delay=self.smtp_delay)

    # Start and stop ------------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        self._admin(f'CREATE DATABASE "{self.database}"')
        self._stack.callback(self._admin, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.redis.start()
        self._stack.callback(self.redis.stop)
        self.s3_endpoint = self._stack.enter_context(s3_server())
        self.bucket = new_bucket(self.s3_endpoint)
        self._stack.enter_context(self.smtp)
        # The release step, once per deploy, before the processes start.
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("seed_demo", "--force")
        for name, port in zip(("web-a", "web-b"), self.web_ports, strict=True):
            self.start_process(
                name,
                ["-m", "gunicorn", "zones_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            )
        if self.workers_at_start:
            self.start_workers()
        schedule = self.folder / "celerybeat-schedule"
        self.start_process("beat", ["-m", "celery", "-A", "zones_portal", "beat", "-s", str(schedule)])
        for name, port in zip(("web-a", "web-b"), self.web_ports, strict=True):
            wait_for_port(port, seconds=60, process=self.processes[name])

    def __exit__(self, *exc: object) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self._stack.close()

    @property
    def environment(self) -> dict[str, str]:
        base = {key: value for key, value in os.environ.items() if key not in DROPPED}
        return {
            **base,
            "DJANGO_SETTINGS_MODULE": "zones_portal.settings",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": "multinode-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url(self.database),
            "CELERY_BROKER_URL": f"{self.redis.url}/0",
            "CACHE_URL": f"{self.redis.url}/1",
            **s3_environment(self.s3_endpoint, self.bucket),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "EMAIL_TIMEOUT": "20",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "VAR_DIR": str(self.folder / "var"),
            "STATIC_ROOT": str(self.folder / "static"),
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "REMINDER_SWEEP_SECONDS": str(self.sweep_seconds),
            "REMINDER_REQUEUE_SECONDS": str(self.sweep_seconds),
            "RECEIPT_SWEEP_SECONDS": str(self.sweep_seconds),
            "REMINDER_SENDING_LEASE_SECONDS": str(self.lease_seconds),
            "TALENT_APPLY_RATE_COUNT": str(self.apply_rate),
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start_process(self, name: str, args: list[str]) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        self._stack.callback(log.close)
        self.processes[name] = subprocess.Popen(
            [self.python, *args],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes its children too
        )

    def start_workers(self) -> None:
        for name in ("worker-a", "worker-b"):
            self.start_worker(name)

    def start_worker(self, name: str) -> None:
        """Starts (or, after a kill, starts again as its supervisor would) one Celery worker."""
        self.start_process(
            name, ["-m", "celery", "-A", "zones_portal", "worker", "--concurrency", "1", "-n", f"{name}@%h"]
        )

    def kill(self, name: str) -> None:
        """As if the machine died: SIGKILL to the process and every child it forked."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    # Looking inside ------------------------------------------------------------------------------

    def url(self, node: int, path: str) -> str:
        return f"http://127.0.0.1:{self.web_ports[node]}{path}"

    def query(self, sql: str, params: tuple = ()) -> list[tuple[Any, ...]]:
        connection = psycopg2.connect(database_url(self.database))
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def _admin(self, sql: str) -> None:
        connection = psycopg2.connect(database_url("postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def delivering(self) -> str | None:
        """A worker in the middle of a send: one whose connection the SMTP server is holding in its delay,
        found from the client's port through /proc, so a kill lands mid-send."""
        for port in self.smtp.senders_mid_send():
            pid = process_of_local_port(port)
            if pid is None:
                continue
            with contextlib.suppress(OSError):
                group = os.getpgid(pid)
                for name, process in self.processes.items():
                    if name.startswith("worker") and process.pid == group:
                        return name
        return None

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        self.redis.start()


def wait_until(condition: Callable[[], Any], seconds: float, what: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Waited {seconds} s for {what}.")
