"""Every log line of a request carries its id; production logs are JSON lines; Sentry only when asked."""

import json
import logging
import sys
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.zones_portal.test_settings import PRODUCTION, run_python
from zones_portal.celery import app
from zones_portal.environment import env_float
from zones_portal.requestlog import JsonFormatter, RequestContextFilter, TextFormatter

pytestmark = pytest.mark.django_db
view_logger = logging.getLogger("zones_portal.tests")


def view_that_logs(request: HttpRequest) -> HttpResponse:
    view_logger.info("inside the view")
    return HttpResponse("logged")


def view_for_a_signed_in_person(request: HttpRequest) -> HttpResponse:
    view_logger.info("hello %s", request.user.get_username())
    return HttpResponse("hello")


urlpatterns = [
    path("logs/", view_that_logs),
    path("signed-in/", view_for_a_signed_in_person),
]


class Collector(logging.Handler):
    """Keeps records as the console handler sees them: after the request filter."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestContextFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def named(self, logger_name: str) -> list[logging.LogRecord]:
        return [record for record in self.records if record.name == logger_name]


@pytest.fixture
def logged():
    collector = Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    yield collector
    root.removeHandler(collector)


# The request id ------------------------------------------------------------------------------------


def test_a_request_without_an_id_gets_a_fresh_one(anonymous):
    first = anonymous.get("/healthz")["X-Request-ID"]
    second = anonymous.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


def test_a_safe_incoming_id_is_echoed_back(anonymous):
    response = anonymous.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2_b")
    assert response["X-Request-ID"] == "lb-7f3a.2_b"


@pytest.mark.parametrize(
    "given",
    ["x" * 65, "two words", "id\r\nX-Injected: 1", "../../etc", "<script>", "آیدی"],
)
def test_an_unsafe_incoming_id_is_replaced(anonymous, given):
    returned = anonymous.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert returned != given
    assert len(returned) == 32


@pytest.mark.urls(__name__)
def test_a_record_logged_inside_a_view_carries_the_request_id(anonymous, logged):
    anonymous.get("/logs/?token=secret", HTTP_X_REQUEST_ID="req-42")
    (record,) = logged.named("zones_portal.tests")
    assert record.getMessage() == "inside the view"
    assert record.request_id == "req-42"
    assert record.user_id is None


@pytest.mark.urls(__name__)
def test_the_signed_in_persons_id_is_on_the_lines_once_known(client_for, secretariat, logged):
    client_for(secretariat).get("/signed-in/", HTTP_X_REQUEST_ID="req-43")
    (record,) = logged.named("zones_portal.tests")
    assert (record.request_id, record.user_id) == ("req-43", secretariat.pk)
    (access,) = logged.named("zones_portal.requests")
    assert access.user_id == secretariat.pk


def test_a_record_outside_any_request_has_no_request_id(logged):
    view_logger.info("from a task")
    (record,) = logged.named("zones_portal.tests")
    assert (record.request_id, record.user_id) == (None, None)


def test_the_configured_console_handler_adds_the_request_context():
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, RequestContextFilter) for handler in handlers for f in handler.filters)


# The access line -----------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_one_access_line_per_request_without_the_query_string(anonymous, logged):
    response = anonymous.get("/logs/?token=secret-token", HTTP_X_REQUEST_ID="req-44")
    assert response.status_code == 200
    (line,) = logged.named("zones_portal.requests")
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status, line.request_id) == ("GET", "/logs/", 200, "req-44")
    assert line.duration_ms >= 0
    assert "secret-token" not in line.getMessage()


def test_healthz_gets_an_id_but_no_access_line(anonymous, logged):
    response = anonymous.get("/healthz")
    assert response["X-Request-ID"]
    assert logged.named("zones_portal.requests") == []


def test_the_request_id_is_a_sentry_tag_when_sentry_is_loaded(anonymous):
    sentry = mock.Mock()
    with mock.patch.dict(sys.modules, {"sentry_sdk": sentry}):
        anonymous.get("/healthz", HTTP_X_REQUEST_ID="req-45")
    sentry.set_tag.assert_called_once_with("request_id", "req-45")


# Formats -------------------------------------------------------------------------------------------


def make_record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("zones_portal.requests", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_the_json_formatter_writes_one_json_object_with_the_required_keys():
    record = make_record(
        "GET %s %s",
        "/events/",
        200,
        request_id="req-46",
        user_id=7,
        method="GET",
        path="/events/",
        status=200,
        duration_ms=12.5,
        request=mock.Mock(__str__=lambda self: "<WSGIRequest: GET '/events/?token=secret'>"),
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["time"].endswith("+00:00")
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "INFO",
        "zones_portal.requests",
        "GET /events/ 200",
    )
    assert (entry["request_id"], entry["user_id"]) == ("req-46", 7)
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == (
        "GET",
        "/events/",
        200,
        12.5,
    )
    assert "token=secret" not in line  # Django's request logger passes the request; it is left out


def test_the_json_formatter_keeps_persian_readable_and_includes_tracebacks():
    try:
        raise ValueError("رویداد")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "رویداد %s", ("۱",), sys.exc_info())
    RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "رویداد ۱" in line
    assert entry["request_id"] is None
    assert "ValueError" in entry["exc_info"]


def test_the_text_formatter_writes_one_readable_line_with_the_request_id():
    line = TextFormatter().format(make_record("GET /events/ 200", request_id="req-47", user_id=3))
    assert line.endswith("INFO zones_portal.requests: GET /events/ 200 [req-47 user 3]")
    assert (
        TextFormatter().format(make_record("quiet", request_id=None)).endswith("zones_portal.requests: quiet")
    )


FORMAT_OF_CONSOLE = (
    "import logging, django; django.setup(); print(type(logging.getLogger().handlers[0].formatter).__name__)"
)


def test_log_format_is_text_in_development_and_json_when_asked(tmp_path):
    development = run_python(FORMAT_OF_CONSOLE, {"VAR_DIR": str(tmp_path)})
    assert development.stdout.strip() == "TextFormatter", development.stderr
    asked = run_python(FORMAT_OF_CONSOLE, {"VAR_DIR": str(tmp_path), "LOG_FORMAT": "json"})
    assert asked.stdout.strip() == "JsonFormatter", asked.stderr


def test_log_format_is_json_in_production(tmp_path):
    production = {
        **PRODUCTION,
        "CACHE_URL": "redis://cache.internal:6379/1",
        "MEDIA_ROOT": str(tmp_path),
        "VAR_DIR": str(tmp_path),
    }
    result = run_python(FORMAT_OF_CONSOLE, production)
    assert result.stdout.strip() == "JsonFormatter", result.stderr


def test_an_unknown_log_format_stops_the_start(tmp_path):
    result = run_python("import django; django.setup()", {"VAR_DIR": str(tmp_path), "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


def test_celery_workers_log_through_the_portals_logging():
    assert app.conf.worker_hijack_root_logger is False


# Sentry --------------------------------------------------------------------------------------------

SENTRY_STATE = (
    "import json, sys, django; django.setup(); loaded = 'sentry_sdk' in sys.modules; client = None\n"
    "if loaded:\n"
    "    import sentry_sdk; client = sentry_sdk.get_client()\n"
    "print(json.dumps({'loaded': loaded, 'active': bool(client and client.is_active()),\n"
    "    'options': {k: client.options[k] for k in ('send_default_pii', 'environment', 'traces_sample_rate')}\n"
    "    if client else None, 'integrations': sorted(client.integrations) if client else []}))"
)


def test_without_a_dsn_sentry_is_not_even_imported(tmp_path):
    result = run_python(SENTRY_STATE, {"VAR_DIR": str(tmp_path), "SENTRY_DSN": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["loaded"] is False


def test_with_a_dsn_sentry_starts_with_django_and_celery_and_no_personal_data(tmp_path):
    result = run_python(
        SENTRY_STATE,
        {
            "VAR_DIR": str(tmp_path),
            "SENTRY_DSN": "https://public@127.0.0.1:9/1",
            "SENTRY_ENVIRONMENT": "staging",
            "SENTRY_TRACES_SAMPLE_RATE": "0.25",
        },
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["loaded"] is True
    assert state["active"] is True
    assert state["options"] == {
        "send_default_pii": False,
        "environment": "staging",
        "traces_sample_rate": 0.25,
    }
    assert {"django", "celery"} <= set(state["integrations"])


def test_a_sample_rate_out_of_range_stops_the_start(tmp_path):
    result = run_python(
        "import django; django.setup()",
        {
            "VAR_DIR": str(tmp_path),
            "SENTRY_DSN": "https://public@127.0.0.1:9/1",
            "SENTRY_TRACES_SAMPLE_RATE": "5",
        },
    )
    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1" in result.stderr


def test_env_float(monkeypatch):
    monkeypatch.setenv("SOME_RATE", "0.5")
    assert env_float("SOME_RATE", 0.0) == 0.5
    assert env_float("UNSET_RATE_FOR_TEST", 0.1) == 0.1
    monkeypatch.setenv("SOME_RATE", "half")
    with pytest.raises(ImproperlyConfigured, match="SOME_RATE must be a number"):
        env_float("SOME_RATE", 0.0)
