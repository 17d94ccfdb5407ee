"""A local receiver (http.server on 127.0.0.1, in a thread) and the settings that let the portal reach it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import services
from webhooks.models import Topic, WebhookEndpoint


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers every POST with ``status`` (after ``delay`` seconds) and keeps what it was sent."""

    port: int = 0
    status: int = 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode()
            state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if state.delay:
                threading.Event().wait(state.delay)
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_targets(settings):
    """The private-targets and plain-http settings on, the back-off tiny: deliveries reach 127.0.0.1 now."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    settings.WEBHOOK_SWEEP_GRACE_SECONDS = 0
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    return settings


@pytest.fixture
def endpoint_for(local_targets):
    """``endpoint_for(partner, url, topics)``: registered through the service, as the API does."""

    def make(partner, url, topics=(Topic.EVENT_STATUS,), **options) -> WebhookEndpoint:
        return services.register_endpoint(partner, url=url, topics=list(topics), **options)

    return make
