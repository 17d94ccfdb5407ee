"""The projector's polling answer of a live round, measured as production serves it. Run by hand, never
in the test suite.

    .venv/bin/python bench/live.py                 # 3 rounds of 10 s per row
    .venv/bin/python bench/live.py --rounds 1 --duration 5

It creates (or reuses) the PostgreSQL database bench_live, migrates it and seeds one live final (a panel
of five, twelve contestants, eight turns closed, one on stage); starts the portal (gunicorn, 2 sync
workers, DEBUG off, Redis cache) beside the bare DRF yardstick of ../shared/bench-reference (as
bench/run.py does, reusing its database bench_reference when it is there), and runs wrk on, in turn:
the yardstick's ``/plain/`` (a JsonResponse: the ceiling) and ``/api/events/`` (a bare DRF list), then the
display's ``state.json`` with a matching If-None-Match (304: one cache read, no database) and without
(200: the body kept for this version, again no database). It also times, in this process, building the
answer afresh (what the first poll after each score or close costs). Ratios, side by side in one run:
this machine drifts.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
import run
import wrk

ROOT = run.ROOT
DATABASE = "bench_live"
SERVICES: list[procs.Service] = []


def arguments_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--events", type=int, default=20_000, help="events in the yardstick's database")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--broker-db", type=int, default=12)
    parser.add_argument("--cache-db", type=int, default=13)
    return parser


def seed() -> str:
    """One live final ready to poll; returns its display key."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contests.models import Entry, Judge, Round, RoundCriterion, Turn
    from contests.services import live
    from talent.models import Application, Discipline, TalentCall
    from zones_portal.models import Membership, Zone

    existing = Round.objects.filter(name="bench live final").first()
    if existing is not None:
        return existing.display_key
    users = get_user_model().objects
    officer = users.create_user("bench-live-officer", password=None)
    Membership.objects.create(user=officer, role=Membership.Role.SECRETARIAT, zone=None)
    judges = [users.create_user(f"bench-live-judge-{n}", password=None) for n in range(5)]
    discipline, _ = Discipline.objects.get_or_create(
        slug="quran", defaults={"name_fa": "قرآن", "name_en": "Quran"}
    )
    now = timezone.now()
    call = TalentCall.objects.create(
        title="bench live",
        description="-",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now,
        status="published",
    )
    zones = list(Zone.objects.all())
    round_ = Round.objects.create(
        call=call, stage=2, name="bench live final", kind=Round.Kind.JOINT, mode=Round.Mode.LIVE,
        zone=zones[0], held_at=now, advance_rule=Round.Advance.FINAL, drop_extremes=True,
    )  # fmt: skip
    for order, (name, weight) in enumerate((("تجوید", 3), ("صوت", 2), ("لحن", 2), ("حفظ", 3))):
        RoundCriterion.objects.create(round=round_, name=name, weight=weight, max_score=10, sort_order=order)
    for n, judge in enumerate(judges):
        Judge.objects.create(round=round_, user=judge, is_chair=n == 0)
    for n in range(12):
        application = Application.objects.create(
            call=call, full_name=f"قاری {n + 1}", birth_date=dt.date(2000, 1, 1), zone=zones[n % len(zones)],
            email=f"bench-live-{n}@example.org", discipline=discipline, statement="-", consent=True,
        )  # fmt: skip
        Turn.objects.create(entry=Entry.objects.create(round=round_, application=application, number=n + 1))
    live.open_live_scoring(officer, round_)
    ids = [str(c.pk) for c in round_.criteria.all()]
    for n in range(9):
        turn = live.open_turn(officer, round_)
        for k, judge in enumerate(judges):
            live.submit_score(judge, turn, dict.fromkeys(ids, str(5 + (n + k) % 5)), uuid.uuid4())
        if n < 8:
            live.close_turn(officer, turn)
    return round_.display_key


def build_time(key: str) -> tuple[float, int]:
    """Median milliseconds and queries to build the answer afresh (no kept body, a new version)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contests.services import live
    from zones_portal import versions

    client, times, queries = Client(), [], 0
    for _ in range(30):
        versions.bump(live.counter_name(key))
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"/contests/live/display/{key}/state.json", HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"state.json answered {response.status_code}")
        queries = len(captured)
    return statistics.median(times), queries


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return response.getheader("ETag")


def main() -> int:
    arguments = arguments_parser().parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    atexit.register(lambda: [service.stop() for service in SERVICES])
    env = run.portal_environment(arguments, folder)
    env["DATABASE_URL"] = f"postgres://{arguments.pg_user}@{arguments.pg_host}:5432/{DATABASE}"
    os.environ.update(env)
    run.ensure_database(arguments, DATABASE, drop=arguments.reseed)
    run.flush_redis(env["CACHE_URL"])

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    key = seed()
    built_ms, built_queries = build_time(key)
    connections.close_all()
    wrk_path = wrk.ensure()
    reference = run.prepare_reference(arguments, folder)

    portal_port, reference_port = procs.free_port(), procs.free_port()
    gunicorn = [str(run.BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync", "--no-control-socket"]
    portal = procs.Service(
        "portal", [*gunicorn, "zones_portal.wsgi", "--bind", f"127.0.0.1:{portal_port}"], {**os.environ, **env},
        ROOT, folder / "portal.log",
    )  # fmt: skip
    yardstick = procs.Service(
        "reference", [*gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{reference_port}"],
        run.reference_environment(arguments), reference, folder / "reference.log",
    )  # fmt: skip
    SERVICES.extend([portal.start(), yardstick.start()])
    portal.wait_http(portal_port, "/healthz", expect_workers=2)
    yardstick.wait_http(reference_port, "/plain/", expect_workers=2)

    state = f"/contests/live/display/{key}/state.json"
    etag = etag_of(portal_port, state)
    rows = [
        ("reference `/plain/` (JsonResponse)", reference_port, "/plain/", {}),
        ("reference `/api/events/` (bare DRF list)", reference_port, "/api/events/", {}),
        ("display `state.json`, 304 (If-None-Match)", portal_port, state, {"If-None-Match": etag}),
        ("display `state.json`, 200 (kept body)", portal_port, state, {}),
    ]
    results: dict[str, list[wrk.Result]] = {label: [] for label, *_ in rows}
    for number in range(arguments.rounds):
        for label, port, path, headers in rows if number % 2 == 0 else rows[::-1]:
            result, _output = wrk.run(
                wrk_path, f"http://127.0.0.1:{port}{path}", {"Host": "127.0.0.1", **headers},
                duration=arguments.duration, connections=arguments.connections,
            )  # fmt: skip
            results[label].append(result)
            time.sleep(1)
    ceiling = statistics.median(r.rps for r in results[rows[0][0]])
    print(f"\nPolling answer of a live round: wrk -t2 -c{arguments.connections}, {arguments.rounds} × "
          f"{arguments.duration} s per row, medians; gunicorn 2 sync workers each, PostgreSQL, Redis.\n")  # fmt: skip
    print("| row | requests/s | vs /plain/ | p50 ms | p99 ms | non-2xx/3xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, *_ in rows:
        rps = statistics.median(r.rps for r in results[label])
        print(
            f"| {label} | {rps:.0f} | {rps / ceiling:.2f} | {statistics.median(r.p50_ms for r in results[label]):.1f} "
            f"| {statistics.median(r.p99_ms for r in results[label]):.1f} | {sum(r.bad_status for r in results[label])} |"
        )
    print(f"\nBuilding the answer afresh (first poll after a score or a close), in process: "
          f"{built_ms:.1f} ms median, {built_queries} queries.")  # fmt: skip
    for service in SERVICES:
        service.stop()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
