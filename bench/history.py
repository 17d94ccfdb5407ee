"""The five-year dataset: a portal that has been in use for five years, loaded fast through the models.

Used by ``bench/run.py``; call ``load(events)`` with Django set up on an empty, migrated database that
already holds the demo accounts (``seed_demo --force``). Everything scales with ``events``; at 20,000
it makes about 16,000 participations, 57,000 status changes, 8,400 reports, 2,000 agreements with
9,700 obligations, 20 talent calls with 5,000 applications, over five years across the seven zones.
Deterministic (a fixed random seed), bulk_create in batches, one transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

MARK = "رویداد پنج‌ساله"  # every generated event's title starts with it: how a rerun recognises the dataset
BATCH = 5_000
SPAN_DAYS = 5 * 365
FUTURE_DAYS = 120
WORDS = [
    "نمایشگاه",
    "جشنواره",
    "کارگاه",
    "همایش",
    "نشست",
    "موسیقی",
    "تئاتر",
    "سینما",
    "عکاسی",
    "خوشنویسی",
    "صنایع",
    "دستی",
    "کتاب",
    "شعر",
    "قصه",
    "کودک",
    "نوجوان",
    "هنرمند",
    "بومی",
    "دریا",
    "خلیج",
    "فارس",
    "گردشگری",
    "فرهنگی",
    "صادرات",
    "خلاق",
    "مشترک",
    "منطقه",
    "آزاد",
]


def description(rng: random.Random, words: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def present(events: int) -> bool:
    """Whether the database already holds the dataset for this many events."""
    from events.models import Event

    return Event.objects.filter(title__startswith=MARK).count() == events


def load(events: int, say: Callable[[str], None] = print, years: int = 5) -> dict[str, int]:
    """Loads the dataset; returns how many rows of each kind it made. ``years``: how far back the
    history goes (5); more years at the same number of events spread them thinner, and
    ``--events 100000 --years 25`` is five years' density over twenty-five years of history."""
    span_days = years * 365
    with transaction.atomic():
        counts = _load_events(events, say, span_days)
        counts.update(_load_agreements(max(events // 10, 1), say, span_days))
        counts.update(_load_talent(max(events // 1000, 1), max(events // 4, 1), say, span_days))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def _deputies() -> dict[int, object]:
    from zones_portal.models import Membership

    return {
        m.zone_id: m.user
        for m in Membership.objects.filter(role=Membership.Role.DEPUTY).select_related("user")
    }


def _past_status(rng: random.Random) -> str:
    return rng.choices(
        ["reported", "held", "cancelled", "rejected", "submitted", "draft"], [44, 16, 10, 20, 5, 5]
    )[0]


def _future_status(rng: random.Random) -> str:
    return rng.choices(["draft", "submitted", "approved", "rejected", "cancelled"], [15, 30, 45, 6, 4])[0]


# One pass over each batch writes every record that hangs off an event: split up, it reads worse.
def _load_events(total: int, say: Callable[[str], None], span_days: int = SPAN_DAYS) -> dict[str, int]:  # noqa: PLR0912, PLR0915
    from events.models import (
        Event,
        EventCategory,
        EventReport,
        Participation,
        StatusChange,
        week_start,
    )
    from zones_portal.models import Institution, User, Zone

    rng = random.Random(2021)
    zones = list(Zone.objects.order_by("pk"))
    categories = list(EventCategory.objects.order_by("pk"))
    institutions = list(Institution.objects.order_by("pk"))
    deputies = _deputies()
    secretariat = User.objects.get(username="secretariat")
    now = timezone.now()
    counts = {"events": 0, "participations": 0, "status changes": 0, "reports": 0, "co-organisers": 0}
    say(f"loading {total:,} events over {span_days // 365} years …")
    for first in range(0, total, BATCH):
        planned = []
        for n in range(first, min(first + BATCH, total)):
            start = now - dt.timedelta(
                days=span_days, minutes=-rng.randrange((span_days + FUTURE_DAYS) * 24 * 60)
            )
            start = start.replace(second=0, microsecond=0)
            end = start + dt.timedelta(hours=rng.choice([2, 3, 4, 6, 8, 26, 50, 74]))
            status = _future_status(rng) if start > now else _past_status(rng)
            host = rng.choice(zones)
            category = rng.choice(categories)
            planned.append((n, start, end, status, host, category))
        rows = [
            Event(
                title=f"{MARK} {n:06d} {rng.choice(WORDS)}",
                description=description(rng),
                category=category,
                host_zone=host,
                venue=f"{rng.choice(WORDS)} {host.name_fa}",
                starts_at=start,
                ends_at=end,
                week_start=week_start(start),  # bulk_create skips save(), which sets it
                expected_audience=rng.choice([None, 50, 120, 300, 800, 2500]),
                status=status,
                status_reason="" if status not in ("rejected", "cancelled") else description(rng, 8),
                created_by=deputies.get(host.pk),
            )
            for n, start, end, status, host, category in planned
        ]
        rows = Event.objects.bulk_create(rows)
        changes, participations, reports, co_organisers = [], [], [], []
        through = Event.co_organisers.through
        for event, (_n, start, end, planned_status, host, category) in zip(rows, planned, strict=True):
            status = planned_status
            deputy = deputies.get(host.pk)
            submitted = min(start - dt.timedelta(days=rng.randint(15, 60)), now - dt.timedelta(hours=1))
            decided = min(submitted + dt.timedelta(days=rng.randint(1, 10)), now - dt.timedelta(minutes=30))
            steps: list[tuple[str, dt.datetime, object]] = []
            if status != "draft":
                steps.append(("submitted", submitted, deputy))
            if status == "rejected":
                steps.append(("rejected", decided, secretariat))
            if status in ("approved", "held", "reported", "cancelled"):
                steps.append(("approved", decided, secretariat))
            if status == "cancelled":
                steps.append(("cancelled", min(decided + dt.timedelta(days=2), now), deputy))
            filed = end + dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 20))
            if status == "reported" and filed > now:
                status = event.status = "held"
                Event.objects.filter(pk=event.pk).update(status="held")
            if status in ("held", "reported"):
                steps.append(("held", end + dt.timedelta(minutes=15), None))
            if status == "reported":
                steps.append(("reported", filed, deputy))
            previous = "draft"
            for to_status, when, who in steps:
                changes.append(
                    StatusChange(
                        event=event,
                        from_status=previous,
                        to_status=to_status,
                        changed_by=who,
                        changed_at=when,
                    )
                )
                previous = to_status
            guests = rng.sample(
                [z for z in zones if z.pk != host.pk], rng.choices([0, 1, 2, 3], [46, 32, 16, 6])[0]
            )
            for guest in guests:
                invited = None if status == "draft" else submitted
                answer, answered = "invited", None
                if invited is not None and rng.random() < (0.55 if start > now else 0.8):
                    answer = "accepted" if rng.random() < 0.8 else "declined"
                    answered = min(invited + dt.timedelta(hours=rng.randint(1, 400)), now)
                participations.append(
                    Participation(
                        event=event,
                        zone=guest,
                        answer=answer,
                        invited_at=invited,
                        answered_at=answered,
                        answered_by=deputies.get(guest.pk) if answered else None,
                    )
                )
            if institutions and rng.random() < 0.06:
                co_organisers.append(through(event_id=event.pk, institution_id=rng.choice(institutions).pk))
            if status == "reported":
                exports = category.is_creative_industry and rng.random() < 0.6
                reports.append(
                    EventReport(
                        event=event,
                        attendance=rng.randint(20, 5000),
                        artists_count=rng.randint(1, 80),
                        outcomes=description(rng, 30),
                        export_contracts=rng.randint(1, 6) if exports else 0,
                        export_value=rng.randint(1_000, 900_000) if exports else 0,
                        export_currency=rng.choice(["USD", "AED", "CNY", "EUR"]),
                        buyer_countries=rng.sample(["AE", "CN", "IQ", "TR", "RU", "IN", "OM"], 2)
                        if exports
                        else [],
                        filed_by=deputy,
                        filed_at=filed,
                    )
                )
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        EventReport.objects.bulk_create(reports, batch_size=BATCH)
        through.objects.bulk_create(co_organisers, batch_size=BATCH)
        counts["events"] += len(rows)
        counts["status changes"] += len(changes)
        counts["participations"] += len(participations)
        counts["reports"] += len(reports)
        counts["co-organisers"] += len(co_organisers)
        say(f"  {counts['events']:,} events")
    # auto_now and auto_now_add stamped every row with today: give them the dates they would have.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_event SET created_at = LEAST(starts_at - (20 + id %% 40) * interval '1 day', now()),"
            " updated_at = LEAST(ends_at + (id %% 25) * interval '1 day', now()) WHERE title LIKE %s",
            [MARK + "%"],
        )
        cursor.execute(
            "UPDATE events_eventreport r SET updated_at = r.filed_at FROM events_event e"
            " WHERE r.event_id = e.id AND e.title LIKE %s",
            [MARK + "%"],
        )
    return counts


# The same for agreements: their parties, history and obligations in one pass.
def _load_agreements(total: int, say: Callable[[str], None], span_days: int = SPAN_DAYS) -> dict[str, int]:  # noqa: PLR0912, PLR0915
    from agreements.models import Agreement, AgreementStatusChange, Obligation, Party
    from zones_portal.models import Institution, User, Zone

    rng = random.Random(2022)
    zones = list(Zone.objects.order_by("pk"))
    institutions = list(Institution.objects.order_by("pk"))
    secretariat = User.objects.get(username="secretariat")
    today = timezone.localdate()
    now = timezone.now()
    counts = {"agreements": 0, "parties": 0, "obligations": 0, "agreement status changes": 0}
    say(f"loading {total:,} agreements …")
    for first in range(0, total, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, total)):
            status = rng.choices(
                ["active", "expired", "terminated", "draft", "negotiation"], [35, 40, 8, 7, 10]
            )[0]
            signed = effective = expires = None
            if status not in ("draft", "negotiation"):
                signed = today - dt.timedelta(days=rng.randint(0, span_days))
                effective = signed + dt.timedelta(days=rng.randint(0, 20))
                expires = effective + dt.timedelta(days=rng.choice([365, 730, 1095]))
                if status == "active" and expires < today:
                    status = "expired"
                elif status == "expired" and expires >= today:
                    status = "active"
            notice = rng.choice([30, 60, 90])
            rows.append(
                Agreement(
                    title=f"تفاهم‌نامه پنج‌ساله {n:05d} {rng.choice(WORDS)}",
                    subject=rng.choice(
                        ["culture_art", "creative_export", "quran", "talent", "tourism", "training", "other"]
                    ),
                    summary=description(rng, 25),
                    signed_on=signed,
                    effective_from=effective,
                    expires_on=expires,
                    notice_days=notice,
                    notice_starts_on=expires - dt.timedelta(days=notice) if expires else None,
                    status=status,
                    termination_reason=description(rng, 6) if status == "terminated" else "",
                    created_by=secretariat,
                )
            )
        rows = Agreement.objects.bulk_create(rows)
        parties, history = [], []
        for agreement in rows:
            parties.append(Party(agreement=agreement, kind="secretariat", role="signatory"))
            for zone in rng.sample(zones, rng.choices([1, 2, 3], [50, 35, 15])[0]):
                parties.append(
                    Party(
                        agreement=agreement,
                        kind="zone",
                        zone=zone,
                        role=rng.choice(["signatory", "implementer"]),
                    )
                )
            if institutions and rng.random() < 0.3:
                parties.append(
                    Party(
                        agreement=agreement,
                        kind="institution",
                        institution=rng.choice(institutions),
                        role="signatory",
                    )
                )
            moments = []
            if agreement.status != "draft":
                moments.append(("draft", "negotiation"))
            if agreement.signed_on:
                moments.append(("negotiation", "active"))
            if agreement.status in ("expired", "terminated"):
                moments.append(("active", agreement.status))
            for offset, (before, after) in enumerate(moments):
                when = (
                    timezone.make_aware(dt.datetime.combine(agreement.signed_on, dt.time(10)))
                    if agreement.signed_on
                    else now - dt.timedelta(days=rng.randint(1, 90))
                )
                history.append(
                    AgreementStatusChange(
                        agreement=agreement,
                        from_status=before,
                        to_status=after,
                        changed_by=secretariat,
                        changed_at=min(when + dt.timedelta(days=offset * 30), now),
                    )
                )
        parties = Party.objects.bulk_create(parties, batch_size=BATCH)
        owed_by: dict[int, list[Party]] = {}
        for party in parties:
            owed_by.setdefault(party.agreement_id, []).append(party)
        obligations = []
        for agreement in rows:
            begins = agreement.effective_from or today
            ends = agreement.expires_on or today + dt.timedelta(days=365)
            for _ in range(rng.randint(3, 8) if agreement.signed_on else rng.randint(0, 3)):
                due = begins + dt.timedelta(days=rng.randint(0, max((ends - begins).days, 1)))
                if due < today:
                    status = rng.choices(["done", "missed", "pending"], [60, 30, 10])[0]
                else:
                    status = rng.choices(["pending", "in_progress", "done"], [70, 25, 5])[0]
                done = status == "done"
                obligations.append(
                    Obligation(
                        agreement=agreement,
                        party=rng.choice(owed_by[agreement.pk]),
                        description=description(rng, 12),
                        due_on=due,
                        status=status,
                        evidence_note=description(rng, 10) if done else "",
                        done_on=min(due + dt.timedelta(days=rng.randint(-20, 15)), today) if done else None,
                    )
                )
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
        AgreementStatusChange.objects.bulk_create(history, batch_size=BATCH)
        counts["agreements"] += len(rows)
        counts["parties"] += len(parties)
        counts["obligations"] += len(obligations)
        counts["agreement status changes"] += len(history)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreement SET created_at = COALESCE(signed_on::timestamptz, now()),"
            " updated_at = COALESCE(signed_on::timestamptz, now()) WHERE title LIKE %s",
            ["تفاهم‌نامه پنج‌ساله%"],
        )
    return counts


def _load_talent(
    calls: int, applications: int, say: Callable[[str], None], span_days: int = SPAN_DAYS
) -> dict[str, int]:
    from talent.models import Application, Discipline, TalentCall
    from zones_portal.models import Zone

    rng = random.Random(2023)
    zones = list(Zone.objects.order_by("pk"))
    disciplines = list(Discipline.objects.order_by("pk"))
    now = timezone.now()
    say(f"loading {calls:,} talent calls with {applications:,} applications …")
    made = []
    for n in range(calls):
        opens = now - dt.timedelta(days=span_days) + dt.timedelta(days=n * span_days // calls)
        made.append(
            TalentCall(
                title=f"فراخوان پنج‌ساله {n:03d}",
                description=description(rng, 30),
                opens_at=opens,
                closes_at=opens + dt.timedelta(days=30),
                status="finished" if opens + dt.timedelta(days=30) < now else "published",
            )
        )
    made = TalentCall.objects.bulk_create(made)
    TalentCall.disciplines.through.objects.bulk_create(
        [
            TalentCall.disciplines.through(talentcall_id=c.pk, discipline_id=d.pk)
            for c in made
            for d in disciplines
        ]
    )
    rows = []
    for n in range(applications):
        call = made[n % len(made)]
        rows.append(
            Application(
                call=call,
                tracking_code=f"H{n:08d}",
                full_name=f"متقاضی {n}",
                birth_date=dt.date(1985 + n % 20, 1 + n % 12, 1 + n % 28),
                zone=rng.choice(zones),
                email=f"applicant{n}@history.example",
                discipline=rng.choice(disciplines),
                statement=description(rng, 30),
                consent=True,
                status=rng.choices(
                    ["submitted", "under_review", "shortlisted", "selected", "not_selected", "withdrawn"],
                    [10, 10, 10, 10, 55, 5],
                )[0],
                submitted_at=min(call.opens_at + dt.timedelta(days=rng.randint(0, 29)), now),
            )
        )
    Application.objects.bulk_create(rows, batch_size=BATCH)
    return {"talent calls": len(made), "applications": len(rows)}
