"""Signing a delivery the way the Standard Webhooks convention does, and sending it to a judged address.

The receiver computes HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{body}`` with the secret
(the base64 part after ``whsec_``) and compares it with the ``v1,`` signature; the README shows it in a
few lines of Python.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from webhooks.targets import Target

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not a secret
USER_AGENT = "ZonesPortal-Webhooks/1 (+{portal})"


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def body_of(payload: dict[str, Any]) -> str:
    """The exact text sent and signed: compact JSON, Persian left readable."""
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def headers_for(secret: str, message_id: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT.format(portal=settings.PORTAL_URL),
    }


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the judged address, yet checks the certificate against the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._target = target

    def connect(self) -> None:
        sock = socket.create_connection((self._target.address, self._target.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._target.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self._target.address, self._target.port), self.timeout)


def post(target: Target, body: str, headers: dict[str, str]) -> Answer:
    """One POST; redirects are answers like any other (not followed: a 3xx is a failed attempt)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", target.host_header)
        for name, value in headers.items():
            connection.putheader(name, value)
        encoded = body.encode()
        connection.putheader("Content-Length", str(len(encoded)))
        connection.endheaders(encoded)
        response = connection.getresponse()
        response.read(64 * 1024)  # what a receiver says is not kept; reading lets it finish cleanly
        return Answer(response.status, "")
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, f"{error.__class__.__name__}: {error}")
    finally:
        connection.close()
