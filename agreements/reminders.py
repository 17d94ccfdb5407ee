"""Reminder rules that read agreements: obligations falling due, agreements entering their notice period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Obligation, Party
from reminders.registry import (
    Due,
    Rule,
    days,
    deputy_ids,
    institution_user_ids,
    morning,
    occasion_parts,
    register,
    secretariat_ids,
)
from zones_portal.dates import format_date

IN_FORCE = Agreement.IN_FORCE
OPEN = (Obligation.Status.PENDING, Obligation.Status.IN_PROGRESS, Obligation.Status.MISSED)


def party_user_ids(parties: Iterable[Party]) -> tuple[int, ...]:
    """The people who answer for these parties."""
    parties = list(parties)
    ids = deputy_ids(p.zone_id for p in parties if p.kind == Party.Kind.ZONE)
    ids += institution_user_ids(p.institution_id for p in parties if p.kind == Party.Kind.INSTITUTION)
    if any(p.kind == Party.Kind.SECRETARIAT for p in parties):
        ids += secretariat_ids()
    return ids


# Obligation due: 14 and 3 days before its due date; every 7 days once overdue, until done.


def obligation_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    *before, every = offsets if len(offsets) >= 2 else [*offsets, 7]
    today = timezone.localtime(now).date()
    open_obligations = Obligation.objects.filter(
        status__in=OPEN, agreement__status__in=IN_FORCE
    ).select_related("party", "agreement")
    first_day = timezone.localtime(horizon).date()
    for offset in before:
        for obligation in open_obligations.filter(
            due_on__gt=first_day + days(offset), due_on__lte=today + days(offset)
        ):
            yield Due(
                obligation,
                f"before-{offset}d:{obligation.due_on.isoformat()}",
                morning(obligation.due_on - days(offset)),
                party_user_ids([obligation.party]),
            )
    # Overdue: only the latest weekly reminder of each; the earlier ones were sent in their week.
    for obligation in open_obligations.filter(due_on__lte=today - days(every)):
        week = (today - obligation.due_on).days // every
        yield Due(
            obligation,
            f"overdue-{week}:{obligation.due_on.isoformat()}",
            morning(obligation.due_on + days(week * every)),
            party_user_ids([obligation.party]) + secretariat_ids(),
        )


def obligation_current(obligation: Obligation, occasion: str, now: dt.datetime) -> bool:
    return (
        obligation.status in OPEN
        and obligation.agreement.status in IN_FORCE
        and occasion_parts(occasion)[1] == obligation.due_on.isoformat()
    )


def obligation_context(obligation: Obligation, occasion: str) -> dict:
    overdue = occasion.startswith("overdue-")
    headline = (
        _("An obligation is overdue: %(what)s")
        if overdue
        else _("An obligation falls due on %(day)s: %(what)s")
    ) % {"what": obligation.description[:120], "day": format_date(obligation.due_on)}
    return {
        "headline": headline,
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
    )
)


# Agreement expiring: when its notice period begins.


def expiring_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    today = timezone.localtime(now).date()
    first_day = timezone.localtime(horizon).date()
    agreements = Agreement.objects.filter(
        status=Agreement.Status.ACTIVE,
        expires_on__gte=today,
        notice_starts_on__lte=today,
        notice_starts_on__gt=first_day,
    ).prefetch_related("parties")
    for agreement in agreements:
        recipients = secretariat_ids() + party_user_ids(agreement.parties.all())
        yield Due(
            agreement,
            f"notice:{agreement.expires_on.isoformat()}",
            morning(agreement.notice_starts_on),
            recipients,
        )


def expiring_current(agreement: Agreement, occasion: str, now: dt.datetime) -> bool:
    return (
        agreement.status == Agreement.Status.ACTIVE
        and agreement.expires_on is not None
        and occasion_parts(occasion)[1] == agreement.expires_on.isoformat()
    )


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
    )
)
