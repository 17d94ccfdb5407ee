"""One id per request on every log line, one access line per request, and the two log formats.

With several web nodes behind a load balancer, the lines of one request are scattered among many. The
middleware gives each request an id (the balancer's, when it sent a safe one), keeps it in a context
variable for the request's duration, and returns it as ``X-Request-ID``; the filter, attached to the
handlers, copies it (and the signed-in person's id, once known) onto every record, whichever logger
emitted it. Production writes JSON lines a log collector can index; a developer reads plain text.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

HEADER = "X-Request-ID"
# An incoming id is kept only if it cannot smuggle anything into a log line or a header.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Load balancers ask every few seconds; a line for each would drown the rest.
QUIET_PATHS = frozenset({"/healthz"})

access_logger = logging.getLogger("zones_portal.requests")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    request: HttpRequest


_current: ContextVar[RequestContext | None] = ContextVar("zones_portal_request", default=None)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def request_id_for(request: HttpRequest) -> str:
    """The id the client or balancer sent, when it is safe to repeat; a fresh one otherwise."""
    given = request.headers.get(HEADER, "")
    return given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex


def known_user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id, if something has already looked them up.

    Never triggers the lookup itself: that would cost a session query on requests that need none, and a
    query logged from inside a log filter would recurse. Django's lazy user is read only once evaluated;
    DRF replaces it with the authenticated user, which is read as is.
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            return None
        user = user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that even a redirect or a refusal by a later middleware has an id and a line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _current.set(RequestContext(request_id, request))
        sentry = sys.modules.get("sentry_sdk")  # only there when SENTRY_DSN is set
        if sentry is not None:
            sentry.set_tag("request_id", request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if request.path not in QUIET_PATHS:
                # The path without its query string: a query may carry a token or a personal detail.
                duration_ms = round((time.monotonic() - started) * 1000, 1)
                access_logger.info(
                    "%s %s %s %sms",
                    request.method,
                    request.path,
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                    },
                )
            return response
        finally:
            _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record; both are None outside a request.

    Attached to handlers rather than loggers, so it sees records from every logger, Django's included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id if context else None
        if not hasattr(record, "user_id"):
            record.user_id = known_user_id(context.request) if context else None
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, user_id, and
    whatever the call added with ``extra`` (the access line adds method, path, status and duration_ms)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("fmt", ["levelname", "name", "message", "request_id", "user_id"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        # Django's request logger passes the request object; its text holds the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        kwargs.setdefault("json_ensure_ascii", False)  # Persian stays readable
        super().__init__(**kwargs)


class TextFormatter(logging.Formatter):
    """One readable line for a developer's terminal, ending with the request id and user when known."""

    def __init__(
        self, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s", **kwargs: object
    ) -> None:
        super().__init__(fmt, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - the standard library's name
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        if not request_id:
            return line
        user_id = getattr(record, "user_id", None)
        return f"{line} [{request_id}{f' user {user_id}' if user_id else ''}]"
