"""Times the five-year scorecard on a large PostgreSQL database. Run by hand, never in the test suite.

    createdb -h 127.0.0.1 -U postgres zones_portal_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zones_portal_bench .venv/bin/python bench/scorecard.py

It migrates, loads 100,000 events (with their status history, invitations and reports), 5,000
agreements with 20,000 obligations and 50,000 applications the first time (a few minutes), then
times the counting itself (``measures.compute``, uncached): the overview (seven zones, five years as
one span) and one zone's trend (sixty months), each several times, and prints the median and the
query count. Then it times the two pages as a signed-in secretariat officer through Django's test
client, in this process: cold (the cached counts just marked out of date, as after any change) and
warm (read from the cache), and prints the warm pages per second of one process.

Time the pages as production serves them, with Redis and the cached template loader:

    DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=localhost LOG_LEVEL=WARNING MEDIA_ROOT=/tmp/bench-media \
    CACHE_URL=redis://127.0.0.1:6379/1 CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zones_portal_bench .venv/bin/python bench/scorecard.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zones_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

EVENTS, AGREEMENTS, APPLICATIONS = 100_000, 5_000, 50_000
BATCH = 5_000


def load() -> None:
    from agreements.models import Agreement, Obligation, Party
    from events.models import Event, EventCategory, EventReport, Participation, StatusChange, week_start
    from talent.models import Application, Discipline, TalentCall
    from zones_portal.models import Zone

    random.seed(7)
    zones = list(Zone.objects.all())
    categories = list(EventCategory.objects.all())
    now = timezone.now()
    span = 5 * 365 * 24 * 3600
    print(f"loading {EVENTS:,} events …", flush=True)
    for first in range(0, EVENTS, BATCH):
        events = []
        for _ in range(first, min(first + BATCH, EVENTS)):
            start = now - dt.timedelta(seconds=random.randrange(span))
            events.append(
                Event(
                    title="رویداد سنجش",
                    category=random.choice(categories),
                    host_zone=random.choice(zones),
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=random.randint(2, 50)),
                    week_start=week_start(start),  # bulk_create skips save(), which sets it
                    status=random.choice(
                        ["reported", "reported", "held", "approved", "submitted", "rejected"]
                    ),
                )
            )
        events = Event.objects.bulk_create(events)
        changes, participations, reports = [], [], []
        for event in events:
            submitted = event.starts_at - dt.timedelta(days=random.randint(10, 40))
            changes.append(
                StatusChange(event=event, from_status="draft", to_status="submitted", changed_at=submitted)
            )
            if event.status in ("approved", "held", "reported"):
                changes.append(
                    StatusChange(
                        event=event,
                        from_status="submitted",
                        to_status="approved",
                        changed_at=submitted + dt.timedelta(days=3),
                    )
                )
            if random.random() < 0.3:
                guest = random.choice([z for z in zones if z.pk != event.host_zone_id])
                answered = random.random() < 0.7
                participations.append(
                    Participation(
                        event=event,
                        zone=guest,
                        invited_at=submitted,
                        answer="accepted" if answered else "invited",
                        answered_at=submitted + dt.timedelta(hours=random.randint(1, 200))
                        if answered
                        else None,
                    )
                )
            if event.status == "reported":
                reports.append(
                    EventReport(
                        event=event,
                        attendance=100,
                        artists_count=5,
                        outcomes="—",
                        filed_at=event.ends_at + dt.timedelta(days=random.randint(0, 20)),
                    )
                )
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        EventReport.objects.bulk_create(reports, batch_size=BATCH)
    print(f"loading {AGREEMENTS:,} agreements …", flush=True)
    for first in range(0, AGREEMENTS, BATCH):
        agreements = Agreement.objects.bulk_create(
            [
                Agreement(
                    title="تفاهم‌نامه سنجش",
                    subject="culture_art",
                    status=random.choice(["active", "active", "expired", "terminated"]),
                    signed_on=(now - dt.timedelta(days=random.randint(0, 1800))).date(),
                )
                for _ in range(first, min(first + BATCH, AGREEMENTS))
            ]
        )
        parties = Party.objects.bulk_create(
            [
                Party(agreement=a, kind="zone", zone=zone)
                for a in agreements
                for zone in random.sample(zones, 2)
            ]
        )
        Obligation.objects.bulk_create(
            [
                Obligation(
                    agreement_id=party.agreement_id,
                    party=party,
                    description="تعهد سنجش",
                    due_on=(now - dt.timedelta(days=random.randint(0, 1800))).date(),
                    status=random.choice(["done", "done", "missed", "pending"]),
                    done_on=(now - dt.timedelta(days=random.randint(0, 1800))).date(),
                )
                for party in parties
                for _ in range(2)
            ],
            batch_size=BATCH,
        )
    print(f"loading {APPLICATIONS:,} applications …", flush=True)
    disciplines = list(Discipline.objects.all())
    calls = [
        TalentCall.objects.create(
            title=f"فراخوان سنجش {n}",
            description="—",
            opens_at=now - dt.timedelta(days=1800 - n * 30),
            closes_at=now - dt.timedelta(days=1780 - n * 30),
            status="finished",
        )
        for n in range(50)
    ]
    for first in range(0, APPLICATIONS, BATCH):
        Application.objects.bulk_create(
            [
                Application(
                    call=calls[n % len(calls)],
                    tracking_code=f"B{n:08d}",
                    full_name="متقاضی",
                    birth_date=dt.date(2000, 1, 1),
                    zone=random.choice(zones),
                    email=f"applicant{n}@bench.example",
                    discipline=random.choice(disciplines),
                    statement="—",
                    consent=True,
                    submitted_at=calls[n % len(calls)].opens_at + dt.timedelta(days=random.randint(0, 19)),
                )
                for n in range(first, min(first + BATCH, APPLICATIONS))
            ]
        )
    call_command("shell", command="from django.db import connection; connection.cursor().execute('ANALYZE')")


def timed(
    label: str, work: Callable[[], object], runs: int = 5, before: Callable[[], object] = lambda: None
) -> float:
    """The median of ``runs`` timings of ``work`` (``before`` runs first each time, untimed), printed."""
    seconds = []
    for _ in range(runs):
        before()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            work()
            seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(
        f"{label}: median {median * 1000:.1f} ms over {runs} runs ({len(queries)} queries)"
        f"{f'; {1 / median:.0f} a second' if median < 0.1 else ''}"
    )
    return median


def pages(paths: dict[str, str]) -> None:
    """Each page as the secretariat sees it: cold after a change, then warm from the cache."""
    from django.test import Client

    from scorecard import caching
    from zones_portal.models import Membership, User

    officer, created = User.objects.get_or_create(username="bench-secretariat", defaults={"is_staff": True})
    if created:
        Membership.objects.create(user=officer, role=Membership.Role.SECRETARIAT)
    client = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS; "testserver" is only for the test runner
    client.force_login(officer)
    for label, path in paths.items():

        def page(path: str = path) -> None:
            response = client.get(path, secure=True)  # secure: no redirect to HTTPS when DEBUG is off
            assert response.status_code == 200, response.status_code  # noqa: S101 - a benchmark of errors is no benchmark

        page()  # the session and the templates, once
        timed(f"{label} page, cold", page, before=caching.bump)
        page()
        timed(f"{label} page, warm", page, runs=300)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a PostgreSQL database: this benchmark is about PostgreSQL.")
    call_command("migrate", verbosity=0)
    from events.models import Event
    from scorecard import measures, periods
    from zones_portal.models import Zone

    if Event.objects.count() < EVENTS:
        started = time.perf_counter()
        load()
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    today = timezone.localdate()
    five_years = periods.presets(today, "fa")["five-years"]
    months = periods.months(five_years.start, five_years.end, "fa")
    kish = Zone.objects.get(slug="kish")
    print(
        f"{Event.objects.count():,} events; span {five_years.start} to {five_years.end} ({len(months)} months)"
    )
    timed("overview, seven zones, five years", lambda: measures.compute([five_years]))
    timed("one zone, sixty months", lambda: measures.compute(months, zones=[kish]))
    timed("seven zones, sixty months", lambda: measures.compute(months))
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; DEBUG {settings.DEBUG}")
    pages(
        {
            "overview, five years": reverse("scorecard:overview") + "?period=five-years",
            "Kish, sixty months": reverse("scorecard:zone", args=[kish.slug]) + "?period=five-years",
        }
    )


if __name__ == "__main__":
    main()
