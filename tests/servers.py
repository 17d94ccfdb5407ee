"""Real servers on loopback for the tests that need them: an S3-compatible store, a private Redis, an SMTP sink.

Each is started as its own process (or thread, for SMTP) on a free port and stopped at the end; nothing
here talks to anything but 127.0.0.1. `.ci/run` starts the S3 server once and names it in
``TEST_S3_ENDPOINT_URL``; without it a test starts its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

S3_KEY = "portal-test-key"
S3_SECRET = "portal-test-secret"
S3_REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"The process meant to listen on port {port} exited with {process.returncode}."
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on 127.0.0.1:{port} after {seconds} seconds.")


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def moto_command(port: int) -> list[str]:
    """moto's S3 server, from the dev tools of the Python running the tests."""
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """Yields the endpoint URL of an S3-compatible server: CI's, or one started here."""
    given = os.environ.get("TEST_S3_ENDPOINT_URL")
    if given:
        yield given
        return
    port = free_port()
    process = subprocess.Popen(moto_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    )


def new_bucket(endpoint: str) -> str:
    name = f"portal-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The variables a portal process reads to store its files in ``bucket``."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": S3_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET,
        "AWS_S3_REGION_NAME": S3_REGION,
    }


@dataclass
class RedisServer:
    """A Redis of the test's own, so a test may stop and start it without touching the machine's."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; .ci/run installs Debian's redis-server.")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@dataclass
class SmtpSink:
    """An SMTP server in a thread that keeps every message it accepts.

    ``delay`` holds each delivery open before its data is accepted, so that a test can kill a worker in
    the middle of a send; a message whose sender died before the data was sent is never kept.
    """

    delay: float = 0.0
    port: int = field(default_factory=free_port)
    messages: list[Message] = field(default_factory=list)
    # Connections held in the delay, by the client's port: a sender in the middle of a send.
    sending: dict[int, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        import asyncio

        if self.delay:
            port = session.peer[1]
            with self._lock:
                self.sending[port] = address
            try:
                await asyncio.sleep(self.delay)
            finally:
                with self._lock:
                    self.sending.pop(port, None)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def senders_mid_send(self) -> list[int]:
        """The client ports of the connections now held in the delay."""
        with self._lock:
            return list(self.sending)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [message["Message-ID"] for message in self.messages]

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def process_of_local_port(port: int) -> int | None:
    """The process that owns the local TCP socket on ``port`` (Linux /proc), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:  # noqa: PTH123
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (process / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if str(fd.readlink()) in inodes:
                        return int(process.name)
    return None
