"""A year of history for ``seed_demo``, so the scorecard tells a story.

Kish is active: an event every month, other zones invited, reports filed within days. Qeshm and
Chabahar work steadily, Chabahar's reports come late. Arvand holds events but never files a report
and leaves invitations unanswered. Maku has gone quiet: nothing since five months ago. The history
is written as it would have been recorded at the time; it is added once (its events are marked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from events.models import Event, EventCategory, EventReport, Participation, StatusChange
from zones_portal.models import User, Zone

MARK = "(سابقه)"  # in the titles of the history events, so a second run finds them

# zone: (months ago at which it held an event, zones it invited, days it took to report or None, answers invitations)
STORY = {
    "kish": (list(range(1, 12)), ["qeshm", "chabahar"], 3, True),
    "qeshm": ([2, 4, 6, 8, 10], ["kish"], 5, True),
    "chabahar": ([3, 6, 9], ["kish"], 12, True),
    "anzali": ([5, 10], [], 6, True),
    "aras": ([4, 11], ["arvand"], 4, True),
    "arvand": ([1, 3, 5, 7, 9], ["maku"], None, False),
    "maku": ([5, 9], [], 8, False),
}
CATEGORIES = ["festival", "exhibition", "workshop", "conference", "performance", "screening", "quran"]
TITLES = {
    "festival": "جشنواره فرهنگی",
    "exhibition": "نمایشگاه هنرهای تجسمی",
    "workshop": "کارگاه آموزشی هنر",
    "conference": "نشست هم‌اندیشی",
    "performance": "شب موسیقی",
    "screening": "اکران فیلم",
    "quran": "محفل قرآنی",
}


def seed(say: Callable[[str], None]) -> None:
    if Event.objects.filter(title__contains=MARK).exists():
        say("The scorecard's history was already there.")
        return
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    categories = {c.slug: c for c in EventCategory.objects.all()}
    deputies = {slug: User.objects.get(username=f"deputy-{slug}") for slug in zones}
    secretariat = User.objects.get(username="secretariat")
    answers = {slug: story[3] for slug, story in STORY.items()}
    now = timezone.now()
    made = 0
    for slug, (months_ago, invited, report_after, _answers) in STORY.items():
        for order, months in enumerate(months_ago):
            start = now - dt.timedelta(days=30 * months + 3)
            category = CATEGORIES[(order + len(slug)) % len(CATEGORIES)]
            event = Event.objects.create(
                title=f"{TITLES[category]} {zones[slug].name_fa} {MARK}",
                category=categories[category],
                host_zone=zones[slug],
                starts_at=start,
                ends_at=start + dt.timedelta(hours=6),
                status=Event.Status.REPORTED if report_after is not None else Event.Status.HELD,
                created_by=deputies[slug],
            )
            submitted = start - dt.timedelta(days=25)
            Event.objects.filter(pk=event.pk).update(created_at=submitted - dt.timedelta(days=2))
            history = [
                ("", "draft", submitted - dt.timedelta(days=2), deputies[slug]),
                ("draft", "submitted", submitted, deputies[slug]),
                ("submitted", "approved", submitted + dt.timedelta(days=3), secretariat),
                ("approved", "held", start + dt.timedelta(hours=7), None),
            ]
            if report_after is not None:
                history.append(("held", "reported", start + dt.timedelta(days=report_after), deputies[slug]))
                EventReport.objects.create(
                    event=event,
                    attendance=150 + 20 * order,
                    artists_count=8 + order,
                    outcomes="برگزار شد؛ گزارش تصویری پیوست است.",
                    filed_by=deputies[slug],
                    filed_at=start + dt.timedelta(days=report_after),
                )
            for before, after, moment, who in history:
                StatusChange.objects.create(
                    event=event, from_status=before, to_status=after, changed_at=moment, changed_by=who
                )
            for guest in invited:
                answered = answers[guest]
                Participation.objects.create(
                    event=event,
                    zone=zones[guest],
                    invited_at=submitted,
                    answer=Participation.Answer.ACCEPTED if answered else Participation.Answer.INVITED,
                    answered_at=submitted + dt.timedelta(hours=20 + 10 * order) if answered else None,
                    answered_by=deputies[guest] if answered else None,
                )
            made += 1
    say(f"{made} past events for the scorecard.")
