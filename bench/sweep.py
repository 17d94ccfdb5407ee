"""Times the reminder sweep on five years of history in PostgreSQL. Run by hand, never in the test suite.

    .venv/bin/python bench/sweep.py --events 20000
    .venv/bin/python bench/sweep.py --events 100000

Each size has its own database (``bench_sweep_20k``, ``bench_sweep_100k`` on 127.0.0.1 as postgres,
created when missing; or DATABASE_URL). The first run migrates and loads five years of history (per
20,000 events: about 20,000 participations, 68,000 status changes, 12,000 reports, 2,000 agreements with
10,000 obligations, monthly calls with juries); later runs reuse it. Then it times, printing seconds and
queries: the dry run; a real sweep (its recording and its cancelling), which on fresh data records every
reminder due at once; once those are delivered, a second sweep 15 minutes later (the steady state, what
beat runs every 15 minutes); and cancelling after a tenth of the upcoming events moved. Real sweeps run
in a transaction that is rolled back, so every run starts from the same data; queueing for delivery is
counted, not sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events in five years (default 20000)")
    return parser.parse_args()


ARGS = _arguments()
DATABASE = f"bench_sweep_{ARGS.events // 1000}k"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zones_portal.settings")


def _create_database() -> None:
    import psycopg2

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    server = psycopg2.connect(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


_create_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

BATCH = 5_000
YEARS = 5


def load(events_wanted: int) -> None:  # noqa: PLR0912, PLR0915 - one straight seeding script
    from agreements.models import Agreement, Obligation, Party
    from events.models import Event, EventCategory, EventReport, Participation, StatusChange, week_start
    from talent.models import Application, Discipline, JuryMember, TalentCall
    from talent.services import sync_assignments
    from zones_portal.models import Institution, Membership, User, Zone

    random.seed(7)
    now = timezone.now()
    zones = list(Zone.objects.all())
    categories = list(EventCategory.objects.all())
    print("loading people …", flush=True)
    people = []
    for zone in zones:
        for n in range(2):
            people.append(
                (User(username=f"deputy-{zone.slug}-{n}", email=f"{zone.slug}{n}@bench.example"), zone)
            )
    institutions = [
        Institution.objects.get_or_create(
            slug=f"bench-inst-{n}", defaults={"name_fa": f"نهاد {n}", "name_en": f"Inst {n}"}
        )[0]
        for n in range(20)
    ]
    users = User.objects.bulk_create([user for user, _zone in people])
    memberships = [
        Membership(user=user, role=Membership.Role.DEPUTY, zone=zone)
        for user, (_u, zone) in zip(users, people, strict=True)
    ]
    partners = User.objects.bulk_create(
        [
            User(username=f"partner-{i.slug}-{n}", email=f"{i.slug}{n}@bench.example")
            for i in institutions
            for n in range(2)
        ]
    )
    memberships += [
        Membership(user=user, role=Membership.Role.INSTITUTION, institution=institutions[k // 2])
        for k, user in enumerate(partners)
    ]
    officers = User.objects.bulk_create(
        [User(username=f"officer-{n}", email=f"officer{n}@bench.example", is_staff=True) for n in range(4)]
    )
    memberships += [Membership(user=user, role=Membership.Role.SECRETARIAT) for user in officers]
    Membership.objects.bulk_create(memberships)

    span = YEARS * 365 * 24 * 3600
    ahead = 90 * 24 * 3600
    print(f"loading {events_wanted:,} events …", flush=True)
    for first in range(0, events_wanted, BATCH):
        batch = []
        for _ in range(first, min(first + BATCH, events_wanted)):
            start = now - dt.timedelta(seconds=random.randrange(-ahead, span))
            past = start < now
            status = random.choice(
                ["reported"] * 5 + ["held", "cancelled", "rejected"]
                if past
                else ["approved", "approved", "submitted", "draft"]
            )
            batch.append(
                Event(
                    title="رویداد سنجش یادآوری",
                    category=random.choice(categories),
                    host_zone=random.choice(zones),
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=random.randint(2, 50)),
                    week_start=week_start(start),  # bulk_create skips save(), which sets it
                    status=status,
                    venue="سالن همایش",
                )
            )
        batch = Event.objects.bulk_create(batch)
        changes, participations, reports, co_organisers = [], [], [], []
        for event in batch:
            submitted = event.starts_at - dt.timedelta(days=random.randint(10, 40))
            if event.status == "draft":
                continue
            changes.append(
                StatusChange(event=event, from_status="draft", to_status="submitted", changed_at=submitted)
            )
            decided = submitted + dt.timedelta(days=random.randint(1, 6))
            if event.status in ("approved", "held", "reported", "cancelled"):
                changes.append(
                    StatusChange(
                        event=event, from_status="submitted", to_status="approved", changed_at=decided
                    )
                )
            if event.status == "rejected":
                changes.append(
                    StatusChange(
                        event=event, from_status="submitted", to_status="rejected", changed_at=decided
                    )
                )
            if event.status in ("held", "reported"):
                changes.append(
                    StatusChange(
                        event=event, from_status="approved", to_status="held", changed_at=event.ends_at
                    )
                )
            if event.status == "cancelled":
                changes.append(
                    StatusChange(
                        event=event,
                        from_status="approved",
                        to_status="cancelled",
                        changed_at=decided + dt.timedelta(days=1),
                    )
                )
            if event.status == "reported":
                changes.append(
                    StatusChange(
                        event=event,
                        from_status="held",
                        to_status="reported",
                        changed_at=event.ends_at + dt.timedelta(days=3),
                    )
                )
                reports.append(
                    EventReport(
                        event=event,
                        attendance=100,
                        artists_count=5,
                        outcomes="—",
                        filed_at=event.ends_at + dt.timedelta(days=random.randint(0, 20)),
                    )
                )
            guests = random.sample(
                [z for z in zones if z.pk != event.host_zone_id], k=random.choice([0, 1, 1, 2])
            )
            for guest in guests:
                answered = event.starts_at < now or random.random() < 0.5
                participations.append(
                    Participation(
                        event=event,
                        zone=guest,
                        invited_at=submitted,
                        answer=random.choice(["accepted", "accepted", "declined"]) if answered else "invited",
                        answered_at=submitted + dt.timedelta(hours=random.randint(1, 200))
                        if answered
                        else None,
                    )
                )
            if random.random() < 0.2:
                co_organisers.append(
                    Event.co_organisers.through(event=event, institution=random.choice(institutions))
                )
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        EventReport.objects.bulk_create(reports, batch_size=BATCH)
        Event.co_organisers.through.objects.bulk_create(co_organisers, batch_size=BATCH)

    agreements_wanted = events_wanted // 10
    print(f"loading {agreements_wanted:,} agreements …", flush=True)
    for first in range(0, agreements_wanted, BATCH):
        batch = []
        for _ in range(first, min(first + BATCH, agreements_wanted)):
            signed = (now - dt.timedelta(days=random.randint(0, YEARS * 365))).date()
            expires = signed + dt.timedelta(days=random.randint(365, 3 * 365))
            notice = random.choice([30, 60, 90])
            batch.append(
                Agreement(
                    title="تفاهم‌نامه سنجش",
                    subject="culture_art",
                    status="active" if expires >= now.date() else random.choice(["expired", "terminated"]),
                    signed_on=signed,
                    effective_from=signed,
                    expires_on=expires,
                    notice_days=notice,
                    notice_starts_on=expires - dt.timedelta(days=notice),  # bulk_create skips save()
                )
            )
        batch = Agreement.objects.bulk_create(batch)
        parties = []
        for agreement in batch:
            parties.append(Party(agreement=agreement, kind="secretariat"))
            parties += [
                Party(agreement=agreement, kind="zone", zone=zone) for zone in random.sample(zones, 2)
            ]
            if random.random() < 0.5:
                parties.append(
                    Party(agreement=agreement, kind="institution", institution=random.choice(institutions))
                )
        parties = Party.objects.bulk_create(parties)
        obligations = []
        for party in parties:
            if party.kind == "secretariat":
                continue
            for _ in range(2):
                due = (now - dt.timedelta(days=random.randint(-365, YEARS * 365))).date()
                late = due < now.date()
                obligations.append(
                    Obligation(
                        agreement_id=party.agreement_id,
                        party=party,
                        description="تعهد سنجش",
                        due_on=due,
                        status=random.choice(["done"] * 8 + ["missed", "in_progress"])
                        if late
                        else random.choice(["pending", "pending", "in_progress", "done"]),
                    )
                )
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)

    print("loading calls …", flush=True)
    disciplines = list(Discipline.objects.all())
    jurors = User.objects.bulk_create(
        [User(username=f"juror-{n}", email=f"juror{n}@bench.example") for n in range(30)]
    )
    for n in range(YEARS * 12):
        opens = now - dt.timedelta(days=YEARS * 365 - n * 30 - 60)
        recent = opens > now - dt.timedelta(days=40)
        call = TalentCall.objects.create(
            title=f"فراخوان سنجش {n}",
            description="—",
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=20),
            status="published" if recent else "finished",
        )
        call.disciplines.set(disciplines)
        if n % 2:
            call.eligible_zones.set(random.sample(zones, 3))
        JuryMember.objects.bulk_create(
            [JuryMember(call=call, user=juror) for juror in random.sample(jurors, 5)]
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    call=call,
                    tracking_code=f"S{n:03d}{k:05d}",
                    full_name="متقاضی",
                    birth_date=dt.date(2000, 1, 1),
                    zone=random.choice(zones),
                    email=f"applicant{n}-{k}@bench.example",
                    discipline=random.choice(disciplines),
                    statement="—",
                    consent=True,
                    submitted_at=opens + dt.timedelta(days=random.randint(0, 19)),
                )
                for k in range(events_wanted // 200)
            ]
        )
        if recent:
            sync_assignments(call, applications=applications)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(label: str, work) -> object:
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s, {count:,} queries", flush=True)
    return result


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a PostgreSQL database: this benchmark is about PostgreSQL.")
    call_command("migrate", verbosity=0)
    from agreements.models import Agreement, Obligation
    from events.models import Event, EventReport, Participation, StatusChange
    from reminders import services
    from reminders.models import Notification
    from reminders.tasks import deliver_notification

    if not Event.objects.exists():
        started = time.perf_counter()
        load(ARGS.events)
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    print(
        f"{Event.objects.count():,} events, {Participation.objects.count():,} participations, "
        f"{StatusChange.objects.count():,} status changes, {EventReport.objects.count():,} reports, "
        f"{Agreement.objects.count():,} agreements, {Obligation.objects.count():,} obligations",
        flush=True,
    )
    queued: list[int] = []
    deliver_notification.apply_async = lambda args, **options: queued.extend(args)
    now = timezone.now()

    def rows(report) -> str:
        return f"{len(report.created):,} new, {len(report.missed):,} missed, {report.cancelled:,} cancelled"

    report = timed("dry run", lambda: services.sweep(now, dry_run=True))
    print(f"  would record {rows(report)}")
    with transaction.atomic():
        report = timed("real sweep, first (records everything due)", lambda: services.sweep(now))
        failed = getattr(report, "failed", None) or "none"
        print(f"  {rows(report)}, {len(queued):,} queued; failed: {failed}")
        # Between two sweeps the workers deliver what was queued.
        Notification.objects.filter(status="pending").update(status="sent", sent_at=now)
        queued.clear()
        report = timed(
            "real sweep, 15 minutes later (the steady state)",
            lambda: services.sweep(now + dt.timedelta(minutes=15)),
        )
        print(f"  {rows(report)}, {len(queued):,} queued")
        Notification.objects.filter(status="sent", sent_at=now).update(status="pending", sent_at=None)
        moved = list(
            Event.objects.filter(status="approved", starts_at__gt=now).values_list("pk", flat=True)[::10]
        )
        Event.objects.filter(pk__in=moved).update(
            starts_at=now + dt.timedelta(days=200), ends_at=now + dt.timedelta(days=201)
        )
        cancelled = timed(
            f"cancel stale after {len(moved)} events moved",
            lambda: services.cancel_stale(now + dt.timedelta(minutes=30)),
        )
        print(f"  {cancelled:,} cancelled")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
