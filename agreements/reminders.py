"""Reminder rules that read agreements: obligations falling due, agreements entering their notice period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Obligation, Party
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    deputies_by_zone,
    gather,
    institution_users_by_institution,
    morning,
    occasion_parts,
    register,
    secretariat_ids,
    stale_subjects,
)
from zones_portal.dates import format_date

IN_FORCE = Agreement.IN_FORCE
OPEN = (Obligation.Status.PENDING, Obligation.Status.IN_PROGRESS, Obligation.Status.MISSED)


class PartyPeople:
    """The people who answer for parties, looked up for many parties at once: one query for the zones'
    deputies, one for the institutions' people, the secretariat once per sweep."""

    def __init__(self, parties: Iterable[Party]) -> None:
        parties = list(parties)
        self.deputies = deputies_by_zone({p.zone_id for p in parties if p.kind == Party.Kind.ZONE})
        self.institutions = institution_users_by_institution(
            {p.institution_id for p in parties if p.kind == Party.Kind.INSTITUTION}
        )

    def of(self, parties: Iterable[Party]) -> tuple[int, ...]:
        parties = list(parties)
        ids = sorted(
            {uid for p in parties if p.kind == Party.Kind.ZONE for uid in self.deputies.get(p.zone_id, ())}
        )
        ids += [
            uid
            for p in parties
            if p.kind == Party.Kind.INSTITUTION
            for uid in self.institutions.get(p.institution_id, ())
        ]
        if any(p.kind == Party.Kind.SECRETARIAT for p in parties):
            ids += secretariat_ids()
        return tuple(ids)


# Obligation due: 14 and 3 days before its due date; every 7 days once overdue, until done.


def obligation_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    *before, every = offsets if len(offsets) >= 2 else [*offsets, 7]
    today = timezone.localtime(now).date()
    first_day = timezone.localtime(horizon).date()
    # Before the due date: due_on within the offsets' windows. Overdue: every open obligation past its
    # due date is due once a week until done, however old. Both read the index on (status, due_on).
    windows = [Q(due_on__gt=first_day + days(o), due_on__lte=today + days(o)) for o in set(before)]
    obligations = list(
        Obligation.objects.filter(
            reduce(or_, windows, Q(due_on__lte=today - days(every))),
            status__in=OPEN,
            agreement__status__in=IN_FORCE,
        )
        # Only what the headline and the recipients read: thousands are due once a week.
        .select_related("agreement", "party")
        .only(
            "description",
            "due_on",
            "status",
            "agreement__title",
            "agreement__status",
            "party__kind",
            "party__zone",
            "party__institution",
        )
        .order_by("due_on", "pk")
    )
    people = PartyPeople(obligation.party for obligation in obligations)
    for offset in before:
        for obligation in obligations:
            if first_day + days(offset) < obligation.due_on <= today + days(offset):
                yield Due(
                    obligation,
                    f"before-{offset}d:{obligation.due_on.isoformat()}",
                    morning(obligation.due_on - days(offset)),
                    people.of([obligation.party]),
                )
    # Overdue: only the latest weekly reminder of each; the earlier ones were sent in their week.
    for obligation in obligations:
        if obligation.due_on <= today - days(every):
            week = (today - obligation.due_on).days // every
            yield Due(
                obligation,
                f"overdue-{week}:{obligation.due_on.isoformat()}",
                morning(obligation.due_on + days(week * every)),
                people.of([obligation.party]) + secretariat_ids(),
            )


def _obligation_stands(obligation: Obligation, occasion: str) -> bool:
    return (
        obligation.status in OPEN
        and obligation.agreement.status in IN_FORCE
        and occasion_parts(occasion)[1] == obligation.due_on.isoformat()
    )


def obligation_current(obligation: Obligation, occasion: str, now: dt.datetime) -> bool:
    return _obligation_stands(obligation, occasion)


def obligation_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    obligations = Obligation.objects.select_related("agreement").only(
        "pk", "status", "due_on", "agreement__status"
    )
    return stale_subjects(pending, obligations, _obligation_stands)


def obligation_headline(obligation: Obligation, occasion: str) -> str:
    if occasion.startswith("overdue-"):
        return _("An obligation is overdue: %(what)s") % {"what": obligation.description[:120]}
    return _("An obligation falls due on %(day)s: %(what)s") % {
        "what": obligation.description[:120],
        "day": format_date(obligation.due_on),
    }


def obligation_context(obligation: Obligation, occasion: str) -> dict:
    return {
        "headline": obligation_headline(obligation, occasion),
        "details": [obligation.agreement.title, obligation.party.name, format_date(obligation.due_on)],
        "path": reverse("agreements:detail", args=[obligation.agreement_id]),
    }


register(
    Rule(
        slug="obligation_due",
        title=_("Obligation due"),
        description=_(
            "Days before an obligation's due date, the last number being how often (in days) it is repeated while overdue; the secretariat is told once it is overdue."
        ),
        collect=obligation_collect,
        still_current=obligation_current,
        context=obligation_context,
        headline=obligation_headline,
        stale=obligation_stale,
    )
)


# Agreement expiring: when its notice period begins.


def expiring_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    today = timezone.localtime(now).date()
    first_day = timezone.localtime(horizon).date()
    agreements = list(
        Agreement.objects.filter(
            status=Agreement.Status.ACTIVE,
            expires_on__gte=today,
            notice_starts_on__lte=today,
            notice_starts_on__gt=first_day,
        ).prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("kind", "pk")))
    )
    people = PartyPeople(party for agreement in agreements for party in agreement.parties.all())
    for agreement in agreements:
        yield Due(
            agreement,
            f"notice:{agreement.expires_on.isoformat()}",
            morning(agreement.notice_starts_on),
            gather(secretariat_ids(), people.of(agreement.parties.all())),
        )


def _expiring_stands(agreement: Agreement, occasion: str) -> bool:
    return (
        agreement.status == Agreement.Status.ACTIVE
        and agreement.expires_on is not None
        and occasion_parts(occasion)[1] == agreement.expires_on.isoformat()
    )


def expiring_current(agreement: Agreement, occasion: str, now: dt.datetime) -> bool:
    return _expiring_stands(agreement, occasion)


def expiring_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, Agreement.objects.only("pk", "status", "expires_on"), _expiring_stands)


def expiring_context(agreement: Agreement, occasion: str) -> dict:
    return {
        "headline": _("“%(title)s” expires on %(day)s")
        % {"title": agreement.title, "day": format_date(agreement.expires_on)},
        "details": [agreement.get_subject_display()],
        "path": reverse("agreements:detail", args=[agreement.pk]),
    }


register(
    Rule(
        slug="agreement_expiring",
        title=_("Agreement expiring"),
        description=_(
            "When an agreement's notice period begins (each agreement sets its notice days); to the secretariat and every party."
        ),
        collect=expiring_collect,
        still_current=expiring_current,
        context=expiring_context,
        stale=expiring_stale,
    )
)
