"""One command: the five-year dataset, the portal served as in production beside the bare DRF yardstick,
interleaved wrk rounds, and a Markdown table of the results. Run by hand, never in the test suite.

    .venv/bin/python bench/run.py --events 20000                       # 3 rounds of 15 s per row
    .venv/bin/python bench/run.py --events 20000 --rounds 1 --duration 5
    .venv/bin/python bench/run.py --events 100000                      # the scale check: 5x as dense
    .venv/bin/python bench/run.py --events 100000 --years 25           # ... or 5x as much history
    .venv/bin/python bench/run.py --events 20000 --only 'api-*,page-home-*'
    .venv/bin/python bench/run.py --list                               # the rows and their keys

What it does, in order:
1. installs wrk (the Debian package) if it is missing;
2. creates the PostgreSQL databases bench_portal_<events> and bench_reference (on 127.0.0.1:5432, user
   postgres; --pg-host/--pg-user to change), migrates and seeds them, or reuses them when they already
   hold the dataset for --events (--reseed drops and loads again). The portal: ``seed_demo --force`` for
   the demo accounts, then bench/history.py (five years of events, agreements and applications; with
   ``--years 25``, twenty-five, in bench_portal_<events>_25y: the same events spread thinner). The
   reference: a copy of ../shared/bench-reference in the run's temporary folder, its own ``seed``;
3. times in-process, before any server starts: ``send_reminders --dry-run``, a real sweep (notifications
   are emptied first, so every run's sweep is the first on the dataset) and the five-year scorecard;
4. starts the portal (gunicorn, 2 sync workers, DEBUG off and the production variables; Redis dbs 9 and 10
   by default, flushed first) and the reference (gunicorn, 2 sync workers) on free ports;
5. checks every row once (a row answering other than 200, or 304 where a 304 is expected, is skipped with
   its status), counts each row's queries in-process, then runs the rounds: every row one after another
   with ``wrk -t2 -c16 --latency``, the order reversed every other round;
6. reads the gunicorn workers' memory, starts a Celery worker (--concurrency 2), sends it one
   ``reminders.tasks.sweep`` and reads its memory after;
7. prints the Markdown table and writes it to var/bench/<timestamp>.md.

Every process it started is stopped at the end, on Ctrl-C and on error. The temporary folder (server logs,
static files, media, the reference's copy) is removed unless --keep, or an error happened.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import http.client
import io
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import procs
import wrk

ROOT = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = ROOT.parent / "shared" / "bench-reference"
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
DEMO_PASSWORD = "bench-demo-password-5y"  # noqa: S105 - the demo accounts' password in the bench database only
REFERENCE_DB = "bench_reference"
DEFAULT_YEARS = 5  # the history the dataset covers unless --years says otherwise
BENCH_TOKEN_NAME = "bench/run.py"  # noqa: S105 - the name of the API keys it makes, not a secret


# Rows -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    side: str  # "portal" or "reference"
    path: str
    auth: tuple[str, str] | None = None  # ("token" or "session", username)
    conditional: str = ""  # "etag" or "modified": the validator is fetched first
    base: str = "list"  # the reference row the ratio divides by: "list", "plain" or ""
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    note: str = ""
    queries: int | None = None
    first_queries: int | None = None
    alone_ms: float | None = None  # one request on its own, at the check
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def expect(self) -> int:
        return 304 if self.conditional else 200

    @property
    def runnable(self) -> bool:
        return self.status in (200, 304)


def make_rows(detail_id: int, reference_detail_id: int) -> list[Row]:
    rows = [
        Row("ref-plain", "reference `/plain/` (JsonResponse: the ceiling)", "reference", "/plain/", base=""),
        Row("ref-list", "reference `/api/events/` (bare DRF list, 50)", "reference", "/api/events/", base=""),
        Row(
            "ref-detail", "reference `/api/events/<id>/`", "reference", f"/api/events/{reference_detail_id}/"
        ),
    ]
    api_list = "/api/v1/events/?page_size=50"
    for who, suffix in (("secretariat", ""), ("partner-artbureau", "-partner")):
        rows.append(Row(f"api-list{suffix}", f"API list, 50 · {who}", "portal", api_list, ("token", who)))
        rows.append(
            Row(
                f"api-list{suffix}-304",
                f"API list, 50 · {who} · If-None-Match",
                "portal",
                api_list,
                ("token", who),
                conditional="etag",
                base="plain",
            )
        )
    detail = f"/api/v1/events/{detail_id}/"
    rows.append(Row("api-detail", "API detail · secretariat", "portal", detail, ("token", "secretariat")))
    rows.append(
        Row(
            "api-detail-304",
            "API detail · secretariat · If-None-Match",
            "portal",
            detail,
            ("token", "secretariat"),
            conditional="etag",
            base="plain",
        )
    )
    rows.append(Row("ics", "`/events/calendar.ics` · anonymous", "portal", "/events/calendar.ics"))
    rows.append(
        Row(
            "ics-304",
            "`/events/calendar.ics` · If-None-Match",
            "portal",
            "/events/calendar.ics",
            conditional="etag",
            base="plain",
        )
    )
    rows.append(
        Row(
            "ics-ims",
            "`/events/calendar.ics` · If-Modified-Since",
            "portal",
            "/events/calendar.ics",
            conditional="modified",
            base="plain",
        )
    )
    pages = [
        ("home", "/"),
        ("events", "/events/"),
        ("calendar", "/events/calendar/"),
        ("agreements", "/agreements/"),
        ("notifications", "/notifications/"),
    ]
    for who, short in (("deputy-kish", "deputy"), ("secretariat", "secretariat")):
        for name, path in pages:
            rows.append(
                Row(f"page-{name}-{short}", f"page `{path}` · {who}", "portal", path, ("session", who))
            )
    # The public pages (issue 18), anonymous as a crowd reads them: each from the kept content, and
    # answered 304 to a matching ETag; compare with page-events-* (the signed-in dashboard's list).
    public_event = f"/whats-on/events/{detail_id}/"
    for key, label, path in (
        ("public-whats-on", "page `/whats-on/` · anonymous", "/whats-on/"),
        ("public-event", "page `/whats-on/events/<id>/` · anonymous", public_event),
    ):
        rows.append(Row(key, label, "portal", path))
        rows.append(
            Row(f"{key}-304", f"{label} · If-None-Match", "portal", path, conditional="etag", base="plain")
        )
    rows.append(
        Row(
            "scorecard",
            "page `/scorecard/?period=five-years` · secretariat",
            "portal",
            "/scorecard/?period=five-years",
            ("session", "secretariat"),
        )
    )
    return rows


def select(rows: list[Row], only: str) -> list[Row]:
    """--only picks rows by key (globs allowed); the reference list and /plain/ always run: every ratio
    is to one of them in the same round."""
    if not only:
        return rows
    patterns = [p.strip() for p in only.split(",") if p.strip()]
    return [
        r
        for r in rows
        if r.key in ("ref-plain", "ref-list") or any(fnmatch.fnmatch(r.key, p) for p in patterns)
    ]


# Environment, databases, Redis ---------------------------------------------------------------------------


def portal_database(arguments: argparse.Namespace) -> str:
    """bench_portal_<events>, or bench_portal_<events>_<years>y for a history of other than five years."""
    name = f"bench_portal_{arguments.events}"
    return name if arguments.years == DEFAULT_YEARS else f"{name}_{arguments.years}y"


def portal_environment(arguments: argparse.Namespace, folder: Path) -> dict[str, str]:
    redis = arguments.redis.rstrip("/")
    pg = f"postgres://{arguments.pg_user}@{arguments.pg_host}:5432"
    return {
        "DJANGO_SETTINGS_MODULE": "zones_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-zones",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{pg}/{portal_database(arguments)}",
        "CELERY_BROKER_URL": f"{redis}/{arguments.broker_db}",
        "CACHE_URL": f"{redis}/{arguments.cache_db}",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "VAR_DIR": str(folder / "var"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "API_RATE": "1000000/minute",
        "LOG_LEVEL": "WARNING",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",  # reminders are sent, to nowhere
        "PORTAL_URL": "http://127.0.0.1",
    }


def reference_environment(arguments: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "REF_DB": REFERENCE_DB,
            "REF_DB_USER": arguments.pg_user,
            "REF_DB_HOST": arguments.pg_host,
            "REF_REDIS_URL": f"{arguments.redis.rstrip('/')}/11",
            "CONN_MAX_AGE": "60",
        }
    )
    return env


def postgres(arguments: argparse.Namespace, database: str = "postgres"):
    import psycopg2

    connection = psycopg2.connect(host=arguments.pg_host, user=arguments.pg_user, dbname=database)
    connection.autocommit = True
    return connection


def ensure_database(arguments: argparse.Namespace, name: str, *, drop: bool) -> bool:
    """Creates the database if missing (dropping it first with ``drop``); True if it was created."""
    with contextlib.closing(postgres(arguments)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and drop:
            print(f"dropping {name} (--reseed)", flush=True)
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
        return not exists


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# The portal's side, in this process ------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, flush=True)


def prepare_portal(arguments: argparse.Namespace) -> dict[str, int]:
    import history
    from django.core.management import call_command

    from zones_portal.models import User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="secretariat").exists():
        say("seed_demo --force (the demo accounts) …")
        call_command("seed_demo", force=True, stdout=io.StringIO())
    counts: dict[str, int] = {}
    if history.present(arguments.events):
        say(
            f"reusing {portal_database(arguments)}: it holds the {arguments.years}-year dataset"
            " (--reseed to load again)"
        )
    else:
        counts = history.load(arguments.events, say, years=arguments.years)
        say(
            f"loaded in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    say("collectstatic …")
    call_command("collectstatic", interactive=False, verbosity=0)
    return counts


def dataset_counts() -> dict[str, int]:
    from agreements.models import Agreement, Obligation
    from events.models import Event, EventReport, Participation, StatusChange
    from talent.models import Application

    return {
        "events": Event.objects.count(),
        "participations": Participation.objects.count(),
        "status changes": StatusChange.objects.count(),
        "reports": EventReport.objects.count(),
        "agreements": Agreement.objects.count(),
        "obligations": Obligation.objects.count(),
        "applications": Application.objects.count(),
    }


def issue_token(username: str) -> str:
    from django.core.management import call_command

    from zones_portal.models import ApiToken

    ApiToken.objects.filter(user__username=username, name=BENCH_TOKEN_NAME).delete()
    out = io.StringIO()
    call_command(
        "create_api_token", username, name=BENCH_TOKEN_NAME, read_only=True, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue().strip()


def measured(work) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        outcome = work()
        seconds = time.perf_counter() - started
    return seconds, len(queries), outcome


def in_process_timings() -> list[tuple[str, float, int, str]]:
    """send_reminders --dry-run, a real sweep, the five-year scorecard: (what, seconds, queries, outcome)."""
    from django.core.management import call_command
    from django.utils import timezone

    from reminders.models import Notification
    from scorecard import measures, periods

    lines = []
    Notification.objects.all().delete()  # every run's sweep is the first on the dataset
    out = io.StringIO()
    seconds, queries, _ = measured(lambda: call_command("send_reminders", dry_run=True, stdout=out))
    would = sum(1 for line in out.getvalue().splitlines() if line.startswith("would record"))
    lines.append(("`send_reminders --dry-run`", seconds, queries, f"would record {would:,}"))
    say(f"send_reminders --dry-run: {seconds:.2f} s, {queries} queries")
    out = io.StringIO()
    seconds, queries, _ = measured(lambda: call_command("send_reminders", stdout=out))
    summary = out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""
    lines.append(("`send_reminders` (first real sweep; queues to Redis)", seconds, queries, summary))
    say(f"send_reminders: {seconds:.2f} s, {queries} queries: {summary}")

    today = timezone.localdate()
    five_years = periods.presets(today, "fa")["five-years"]
    months = periods.months(five_years.start, five_years.end, "fa")
    for label, work in (
        ("scorecard overview: seven zones, five years as one span", lambda: measures.compute([five_years])),
        (f"scorecard trend: seven zones, {len(months)} months", lambda: measures.compute(months)),
    ):
        cold, queries, _ = measured(work)
        warm, _, _ = measured(work)
        lines.append((f"{label} (cold)", cold, queries, f"again: {warm:.2f} s"))
        say(f"{label}: cold {cold:.2f} s ({queries} queries), again {warm:.2f} s")
    return lines


def forget_visitor(client, row: Row) -> None:
    """wrk's visitor sends no cookie: a public page keyed on the CSRF cookie a first answer set (its
    forms carry a token of that secret) would otherwise have another ETag than the row's."""
    if not row.auth:
        client.cookies.clear()


def count_portal_queries(rows: list[Row], port: int) -> None:
    """Each portal row's queries, through Django's test Client in this process (same settings), the
    second of two identical requests so that per-process warm-up does not count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zones_portal.models import User

    clients: dict[object, Client] = {}
    for row in rows:
        if row.side != "portal" or not row.runnable:
            continue
        if row.auth not in clients:
            client = Client(HTTP_HOST=f"127.0.0.1:{port}")  # the Host of the HTTP rows: ETags cover it
            if row.auth and row.auth[0] == "session":
                client.force_login(User.objects.get(username=row.auth[1]))
            clients[row.auth] = client
        client = clients[row.auth]
        headers = {k: v for k, v in row.headers.items() if k != "Cookie"}
        with CaptureQueriesContext(connection) as first:
            forget_visitor(client, row)
            client.get(row.path, headers=headers)
        with CaptureQueriesContext(connection) as queries:
            forget_visitor(client, row)
            response = client.get(row.path, headers=headers)
        row.queries, row.first_queries = len(queries), len(first)
        if response.status_code != row.status:
            row.problems.append(f"in-process answer {response.status_code}, over HTTP {row.status}")


# The reference ------------------------------------------------------------------------------------------

REFERENCE_QUERY_SCRIPT = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, answers = Client(SERVER_NAME="127.0.0.1"), {}
for path in sys.argv[1:]:
    with CaptureQueriesContext(connection) as first:
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    answers[path] = [response.status_code, len(queries), len(first)]
print(json.dumps(answers))
"""


def prepare_reference(arguments: argparse.Namespace, folder: Path) -> Path:
    copy = folder / "bench-reference"
    shutil.copytree(SHARED_REFERENCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wsgi = copy / "portal" / "wsgi.py"
    if not wsgi.exists():  # the shared copy names portal.wsgi in its settings and README but ships none
        wsgi.write_text(
            "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")\n'
            "application = get_wsgi_application()\n"
        )
    env = reference_environment(arguments)
    ensure_database(arguments, REFERENCE_DB, drop=arguments.reseed)
    subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], cwd=copy, env=env, check=True)  # noqa: S603
    with contextlib.closing(postgres(arguments, REFERENCE_DB)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        present = cursor.fetchone()[0]
    if present != arguments.events:
        say(f"seeding the reference with {arguments.events:,} events …")
        subprocess.run(  # noqa: S603
            [str(PYTHON), "manage.py", "seed", "--events", str(arguments.events)],
            cwd=copy,
            env=env,
            check=True,
        )
    else:
        say(f"reusing {REFERENCE_DB}: it holds {present:,} events")
    return copy


def reference_detail_id(arguments: argparse.Namespace) -> int:
    with contextlib.closing(postgres(arguments, REFERENCE_DB)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM events_event ORDER BY id OFFSET %s LIMIT 1", [arguments.events // 2])
        return cursor.fetchone()[0]


def count_reference_queries(rows: list[Row], copy: Path, env: dict[str, str]) -> None:
    paths = [row.path for row in rows if row.side == "reference" and row.runnable]
    completed = subprocess.run(  # noqa: S603
        [str(PYTHON), "-c", REFERENCE_QUERY_SCRIPT, *paths],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        answers = json.loads(completed.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        say(f"could not count the reference's queries:\n{completed.stderr[-2000:]}")
        return
    for row in rows:
        if row.side == "reference" and row.path in answers:
            row.queries, row.first_queries = answers[row.path][1], answers[row.path][2]


# HTTP ------------------------------------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict[str, str], method: str = "GET", body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    # The Host wrk sends, port and all: an ETag covers the host (an answer's links carry it), so a
    # validator fetched under another Host would never match and wrk would measure 200s, not 304s.
    connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **headers})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def cookies_of(response, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            jar[name] = morsel.value


def log_in(port: int, username: str, env: dict[str, str]) -> str:
    """Signs in through /accounts/login/ with the CSRF token, as a person would, and through the code
    page when the account asks for its second step (the demo secretariat's app has a published key, so
    ``manage.py otp_code`` gives the code its phone would show); returns the Cookie header."""
    jar: dict[str, str] = {}
    response, content = fetch(port, "/accounts/login/", {})
    cookies_of(response, jar)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if response.status != 200 or not match:
        raise RuntimeError(f"the login page answered {response.status} without a CSRF token")
    body = urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()}
    )
    response, _ = fetch(
        port,
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
        "POST",
        body,
    )
    cookies_of(response, jar)
    location = urlsplit(response.getheader("Location") or "").path
    if response.status == 302 and location.endswith("/login/code/"):
        response = second_step(port, location, username, env, jar)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(
            f"signing in as {username} answered {response.status} (expected 302 and a session)"
        )
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def second_step(port: int, path: str, username: str, env: dict[str, str], jar: dict[str, str]):
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    response, content = fetch(port, path, cookie)
    cookies_of(response, jar)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if response.status != 200 or not match:
        raise RuntimeError(f"the code page answered {response.status} without a CSRF token")
    code = subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "otp_code", username],
        cwd=ROOT,
        env={**env, "DEBUG": "true"},  # the command prints codes only on a portal that says it is not live
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    body = urlencode({"code": code, "csrfmiddlewaretoken": match.group(1).decode()})
    response, _ = fetch(
        port,
        path,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
        "POST",
        body,
    )
    cookies_of(response, jar)
    return response


def check(row: Row, port: int, credentials: dict[tuple[str, str], dict[str, str]]) -> None:
    """One request to see the row answers as it should; fetches the validator for a conditional row."""
    if row.auth:
        row.headers.update(credentials[row.auth])
    if row.conditional:
        first, _ = fetch(port, row.path, row.headers)
        if first.status != 200:
            row.status, row.note = first.status, f"answers {first.status} without the validator"
            return
        if row.conditional == "etag":
            etag = first.getheader("ETag")
            if not etag:
                row.status, row.note = None, "no ETag in the 200 answer: nothing to send as If-None-Match"
                return
            row.headers["If-None-Match"] = etag
        else:
            last_modified = first.getheader("Last-Modified")
            if not last_modified:
                from django.utils.http import http_date

                last_modified = http_date(time.time())
                row.problems.append("no Last-Modified in the 200 answer: sent the current time")
            row.headers["If-Modified-Since"] = last_modified
    started = time.perf_counter()
    response, _ = fetch(port, row.path, row.headers)
    row.alone_ms = (time.perf_counter() - started) * 1000
    row.status = response.status
    if row.conditional and response.status == 200:
        row.problems.append("answered 200 to a matching validator, not 304: measured anyway")
    elif response.status not in (200, 304) or (response.status == 304 and not row.conditional):
        row.note = f"answers {response.status}" + (
            f" → {response.getheader('Location')}" if response.getheader("Location") else ""
        )
        row.status = response.status if response.status != 304 else None


# Rounds ----------------------------------------------------------------------------------------------------


def drain(service: procs.Service, timeout: float = 300) -> float:
    """Waits until the workers are idle: when wrk stops, the requests still queued on the socket are
    served anyway, and would be counted against the next row. Returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        workers = service.workers()
        before = sum(procs.cpu_seconds(pid) for pid in workers)
        time.sleep(0.5)
        if sum(procs.cpu_seconds(pid) for pid in workers) - before < 0.03:  # under 6% busy: idle
            break
    return time.monotonic() - started


def measure(
    row: Row, number: int, *, service: procs.Service, url: str, arguments: argparse.Namespace, wrk_path: str
) -> wrk.Result:
    workers = service.workers()
    before = sum(procs.cpu_seconds(pid) for pid in workers)
    result, output = wrk.run(
        wrk_path,
        url,
        row.headers,
        duration=arguments.duration,
        threads=arguments.threads,
        connections=arguments.connections,
    )
    after = sum(procs.cpu_seconds(pid) for pid in workers)
    if service.workers() != workers:
        row.problems.append(f"round {number + 1}: the workers changed (restarted?): CPU not counted")
    elif result.requests:
        row.cpu_ms.append((after - before) * 1000 / result.requests)
    if result.bad_status:
        row.problems.append(f"round {number + 1}: {result.bad_status} answers neither 2xx nor 3xx")
    if result.socket_errors:
        row.problems.append(
            f"round {number + 1}: {result.socket_errors} socket errors ({result.timeouts} timeouts)"
        )
    row.rps.append(result.rps)
    if result.requests:
        row.p50.append(result.p50_ms)
        row.p99.append(result.p99_ms)
    else:
        row.problems.append(
            f"round {number + 1}: no request finished within {arguments.duration} s "
            f"(one alone took {row.alone_ms:,.0f} ms; {arguments.connections} at once queue on 2 workers)"
        )
    if arguments.verbose:
        say(output)
    return result


def run_round(
    number: int,
    rows: list[Row],
    servers: dict[str, tuple[procs.Service, int]],
    arguments: argparse.Namespace,
    wrk_path: str,
) -> None:
    order = [r for r in rows if r.runnable]
    if number % 2 == 1:
        order.reverse()  # every other round backwards, so a drift within a round falls on both sides
    this_round: dict[str, float] = {}
    for row in order:
        service, port = servers[row.side]
        result = measure(
            row,
            number,
            service=service,
            url=f"http://127.0.0.1:{port}{row.path}",
            arguments=arguments,
            wrk_path=wrk_path,
        )
        this_round[row.key] = result.rps
        waited = drain(service)
        # wrk reports no status codes (a 200 and a 304 both count as fine): ask once more, as wrk did.
        after, _ = fetch(port, row.path, row.headers)
        if after.status != row.status:
            row.problems.append(
                f"round {number + 1}: answered {after.status} after the run, not {row.status}"
            )
        cpu = f"{row.cpu_ms[-1]:6.1f}" if result.requests and row.cpu_ms else "     —"
        say(
            f"  round {number + 1} {row.key:30} {result.rps:9.1f} req/s  p50 {result.p50_ms:8.1f} ms"
            f"  p99 {result.p99_ms:8.1f} ms  CPU {cpu} ms/req  ({result.requests} requests"
            + (f"; {waited:.0f} s to drain)" if waited >= 1 else ")")
        )
        time.sleep(arguments.pause)
    bases = {"list": this_round.get("ref-list"), "plain": this_round.get("ref-plain")}
    for row in order:
        base = bases.get(row.base)
        if base:
            row.ratios.append(this_round[row.key] / base)


# Celery ----------------------------------------------------------------------------------------------------


def celery_sweep(env: dict[str, str], folder: Path, arguments: argparse.Namespace) -> list[tuple[str, float]]:
    """Starts a Celery worker on the same settings, has it run one reminder sweep, reads its memory."""
    import redis
    from django.db.models import Count
    from django.utils import timezone

    from reminders.models import Notification
    from reminders.tasks import sweep
    from zones_portal.celery import app
    from zones_portal.models import Heartbeat

    worker = procs.Service(
        "celery worker",
        [
            str(BIN / "celery"),
            "-A",
            "zones_portal",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        env,
        ROOT,
        folder / "celery.log",
    )
    SERVICES.append(worker.start())
    deadline = time.monotonic() + 60
    name = f"bench-{os.getpid()}@"
    while not any(name in str(reply) for reply in app.control.ping(timeout=1.0)):
        if not worker.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start:\n{worker.tail()}")
    sent = timezone.now()
    started = time.perf_counter()
    broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    # The deliveries the in-process sweep queued, if the worker has not taken them yet: reminders still
    # pending, in messages of up to reminders.services.DELIVERY_BATCH each.
    waiting = Notification.objects.filter(status="pending").count()
    messages = broker.llen("celery")
    sweep.delay()
    deadline = time.monotonic() + arguments.celery_timeout
    swept = None
    while True:
        done = Heartbeat.objects.filter(name="reminders.sweep", completed_at__gte=sent).exists()
        if done and swept is None:
            swept = time.perf_counter() - started
        if done and broker.llen("celery") == 0 and not Notification.objects.filter(status="sending").exists():
            break
        if not worker.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the sweep did not finish through Celery:\n{worker.tail()}")
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    statuses = dict(Notification.objects.values_list("status").annotate(n=Count("pk")))
    say(
        f"Celery: sweep done after {swept:.1f} s, queue empty after {seconds:.1f} s "
        f"(about {waiting:,} deliveries were waiting, in {messages:,} messages); notifications by status: {statuses}"
    )
    memory = [
        (
            f"celery worker main process (after ~{waiting:,} deliveries and one sweep: {seconds:.0f} s)",
            procs.rss_mb(worker.pid),
        )
    ]
    memory += [(f"celery worker child {n + 1}", procs.rss_mb(pid)) for n, pid in enumerate(worker.workers())]
    worker.stop()
    return memory


# The table -------------------------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else None


def queries_text(row: Row) -> str:
    if row.queries is None:
        return "—"
    if row.first_queries is not None and row.first_queries != row.queries:
        return f"{row.queries} ({row.first_queries} first)"
    return str(row.queries)


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(
    rows: list[Row],
    *,
    arguments: argparse.Namespace,
    meta: dict[str, str],
    timings: list[tuple[str, float, int, str]],
    memory: list[tuple[str, float]],
    counts: dict[str, int],
) -> str:
    out = [
        f"### Benchmark, {meta['when']}: {arguments.events:,} events over {arguments.years} years, {arguments.rounds} round{'s' if arguments.rounds != 1 else ''} of "
        f"`wrk -t{arguments.threads} -c{arguments.connections} -d{arguments.duration}s`",
        "",
        f"Commit {meta['commit']}{meta['dirty']}; {meta['machine']}. Portal: gunicorn, 2 sync workers, DEBUG off, "
        "PostgreSQL, Redis. Reference: the bare DRF project of ../shared/bench-reference, gunicorn, 2 sync workers. "
        "Medians over the rounds; the ratio divides a row's req/s by the reference list's (or /plain/'s, for the "
        "conditional rows) in the same round, then takes the median.",
        "",
        "| row | status | req/s | p50 ms | p99 ms | queries | worker CPU ms/req | ratio | to |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        if not row.runnable:
            continue
        ratio = median(row.ratios) if any(row.rps) else None
        to = {"list": "ref list", "plain": "/plain/"}.get(row.base, "")
        out.append(
            f"| {row.label} | {row.status} | {number(median(row.rps))} | {number(median(row.p50))} | "
            f"{number(median(row.p99))} | {queries_text(row)} | "
            f"{number(median(row.cpu_ms))} | {number(ratio, 3) if ratio is not None else '—'} | {to} |"
        )
    out.append("")
    for key, name in (("ref-list", "reference list"), ("ref-plain", "/plain/")):
        row = next((r for r in rows if r.key == key), None)
        if row and row.rps:
            out.append(
                f"Noise: the {name} ran {min(row.rps):,.1f}–{max(row.rps):,.1f} req/s across the rounds "
                f"(spread {(max(row.rps) - min(row.rps)) / median(row.rps) * 100:.0f}% of its median)."
            )
    skipped = [r for r in rows if not r.runnable]
    problems = [r for r in rows if r.problems]
    if skipped or problems:
        out += ["", "Rows skipped or to look at:", ""]
        out += [f"- {r.label} (`{r.key}`): skipped, {r.note or 'no answer'}" for r in skipped]
        for row in problems:
            seen = list(dict.fromkeys(row.problems))
            out.append(f"- {row.label} (`{row.key}`): " + "; ".join(seen))
    if memory:
        out += ["", "| process | RSS MB |", "| --- | ---: |"]
        out += [f"| {name} | {mb:,.0f} |" for name, mb in memory]
    if timings:
        out += [
            "",
            "| in-process, on the dataset | seconds | queries | outcome |",
            "| --- | ---: | ---: | --- |",
        ]
        out += [
            f"| {what} | {seconds:,.2f} | {queries:,} | {outcome} |"
            for what, seconds, queries, outcome in timings
        ]
    if counts:
        out += ["", "Dataset: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + "."]
    return "\n".join(out) + "\n"


# Main ------------------------------------------------------------------------------------------------------

SERVICES: list[procs.Service] = []


def arguments_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000, help="events in the dataset (20000)")
    parser.add_argument(
        "--years",
        type=int,
        default=DEFAULT_YEARS,
        help="years of history they are spread over (5); --events 100000 --years 25 keeps five years' density",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per row and round (15)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds of rest between two wrk runs")
    parser.add_argument("--only", default="", help="row keys, comma-separated, globs allowed (see --list)")
    parser.add_argument("--list", action="store_true", help="print the rows and their keys, and stop")
    parser.add_argument("--reseed", action="store_true", help="drop both databases and load them again")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, static, media)")
    parser.add_argument(
        "--celery-timeout", type=float, default=900, help="seconds to wait for the sweep and its deliveries"
    )
    parser.add_argument("--skip-celery", action="store_true", help="no Celery worker at the end")
    parser.add_argument(
        "--skip-timings", action="store_true", help="no in-process sweep and scorecard timings"
    )
    parser.add_argument("--verbose", action="store_true", help="print wrk's full report each time")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="the Redis server, without a db")
    parser.add_argument("--broker-db", type=int, default=9, help="Redis db of the Celery broker (flushed)")
    parser.add_argument("--cache-db", type=int, default=10, help="Redis db of the cache (flushed)")
    return parser


def git(*argv: str) -> str:
    completed = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
    return completed.stdout.strip()


def interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # a TERM stops the run as Ctrl-C does: through the finally that stops the servers


# The run's steps in order, read top to bottom; the finally stops whatever was started.
def main() -> int:  # noqa: PLR0912, PLR0915
    arguments = arguments_parser().parse_args()
    if arguments.list:
        for row in make_rows(0, 0):
            print(f"{row.key:28} {row.label}")
        return 0
    signal.signal(signal.SIGTERM, interrupt)
    wrk_path = wrk.ensure()
    folder = Path(tempfile.mkdtemp(prefix="zones-bench-"))
    (folder / "media").mkdir()
    say(f"temporary folder (logs, static, media): {folder}")
    env = portal_environment(arguments, folder)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    failed = True
    try:
        for db in (arguments.broker_db, arguments.cache_db):
            flush_redis(f"{arguments.redis.rstrip('/')}/{db}")
        created = ensure_database(arguments, portal_database(arguments), drop=arguments.reseed)
        if created:
            say(f"created {portal_database(arguments)}")
        import django

        django.setup()
        prepare_portal(arguments)
        counts = dataset_counts()
        say("dataset: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        reference = prepare_reference(arguments, folder)
        timings = [] if arguments.skip_timings else in_process_timings()

        from django.db import connections

        from events.models import Event

        published = Event.objects.filter(status__in=Event.PUBLISHED, participations__isnull=False).order_by(
            "pk"
        )
        detail_id = published.values_list("pk", flat=True)[published.count() // 2]
        tokens = {who: issue_token(who) for who in ("secretariat", "partner-artbureau")}
        connections.close_all()

        portal_port, reference_port = procs.free_port(), procs.free_port()
        portal = procs.Service(
            "portal",
            [
                str(BIN / "gunicorn"),
                "zones_portal.wsgi",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{portal_port}",
                "--no-control-socket",  # gunicorn 27's default socket path is one per machine, shared
            ],
            {**os.environ, **env},
            ROOT,
            folder / "portal.log",
        )
        reference_server = procs.Service(
            "reference",
            [
                str(BIN / "gunicorn"),
                "portal.wsgi",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{reference_port}",
                "--no-control-socket",  # gunicorn 27's default socket path is one per machine, shared
            ],
            reference_environment(arguments),
            reference,
            folder / "reference.log",
        )
        SERVICES.extend([portal.start(), reference_server.start()])
        portal.wait_http(portal_port, "/healthz", expect_workers=2)
        reference_server.wait_http(reference_port, "/plain/", expect_workers=2)
        say(f"portal on 127.0.0.1:{portal_port} (pid {portal.pid}), reference on 127.0.0.1:{reference_port}")

        credentials: dict[tuple[str, str], dict[str, str]] = {
            ("token", who): {"Authorization": f"Token {key}"} for who, key in tokens.items()
        }
        for who in ("deputy-kish", "secretariat"):
            credentials[("session", who)] = {"Cookie": log_in(portal_port, who, env)}
        rows = select(make_rows(detail_id, reference_detail_id(arguments)), arguments.only)
        servers = {"portal": (portal, portal_port), "reference": (reference_server, reference_port)}
        for row in rows:
            check(row, servers[row.side][1], credentials)
            state = f"{row.status}" if row.runnable else f"SKIPPED ({row.note or row.status})"
            say(f"check {row.key:28} {state}" + (f"  [{'; '.join(row.problems)}]" if row.problems else ""))
        count_portal_queries(rows, portal_port)
        count_reference_queries(rows, reference, reference_environment(arguments))
        connections.close_all()

        for number_ in range(arguments.rounds):
            say(f"round {number_ + 1} of {arguments.rounds}")
            run_round(number_, rows, servers, arguments, wrk_path)

        memory = [("gunicorn master, portal", procs.rss_mb(portal.pid))]
        memory += [
            (f"gunicorn worker {n + 1}, portal", procs.rss_mb(pid)) for n, pid in enumerate(portal.workers())
        ]
        memory += [
            (f"gunicorn worker {n + 1}, reference", procs.rss_mb(pid))
            for n, pid in enumerate(reference_server.workers())
        ]
        portal.stop()
        reference_server.stop()
        celery_problem = ""
        if not arguments.skip_celery:
            try:
                memory += celery_sweep({**os.environ, **env}, folder, arguments)
            except RuntimeError as error:  # the table is worth having without the Celery figures
                celery_problem = str(error).splitlines()[0]
                say(f"Celery: {error}")

        meta = {
            "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git("rev-parse", "--short", "HEAD"),
            "dirty": " (with uncommitted changes)"
            if git("status", "--porcelain", "--untracked-files=no")
            else "",
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        }
        text = table(rows, arguments=arguments, meta=meta, timings=timings, memory=memory, counts=counts)
        if celery_problem:
            text += f"\nCelery: {celery_problem}\n"
        output = ROOT / "var" / "bench" / f"{dt.datetime.now(dt.UTC).strftime('%Y%m%d-%H%M%S')}.md"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        print()
        print(text)
        say(f"written to {output.relative_to(ROOT)}")
        failed = False
        return 0
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        return 130
    finally:
        for service in reversed(SERVICES):
            service.stop()
        if arguments.keep or failed:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
