"""Reminder rules about the zones themselves: a zone gone quiet, and the secretariat's weekly digest.

They live with the scorecard because they read what it measures: a zone's activity (``activity.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    days,
    deputies_by_zone,
    in_readers_digits,
    morning,
    occasion_parts,
    per_sweep,
    register,
    secretariat_ids,
    stale_subjects,
)
from scorecard.activity import last_activity
from zones_portal.dates import format_date
from zones_portal.models import Membership, User, Zone


def quiet_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    window = offsets[0] if offsets else settings.ZONE_QUIET_DAYS
    zones = list(Zone.objects.filter(is_active=True))
    seen = last_activity([zone.pk for zone in zones])
    deputies = deputies_by_zone([zone.pk for zone in zones])
    secretariat = secretariat_ids()
    for zone in zones:
        since = seen.get(zone.pk)
        if since is None or since > now - days(window):
            continue
        last_day = timezone.localtime(since).date()
        yield Due(
            zone,
            f"quiet-since:{last_day.isoformat()}",
            # A state, not a moment: a zone found quiet is reported now, however long ago it fell silent.
            max(since + days(window), now),
            secretariat + deputies.get(zone.pk, ()),
        )


def _quiet_stands(since: dt.datetime | None, occasion: str) -> bool:
    return since is not None and occasion_parts(occasion)[1] == timezone.localtime(since).date().isoformat()


def quiet_current(zone: Zone, occasion: str, now: dt.datetime) -> bool:
    return _quiet_stands(last_activity([zone.pk]).get(zone.pk), occasion)


def quiet_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    rows = list(pending.values_list("pk", "object_id", "occasion"))
    seen = last_activity({object_id for _pk, object_id, _occasion in rows}) if rows else {}
    return [pk for pk, zone_id, occasion in rows if not _quiet_stands(seen.get(zone_id), occasion)]


def quiet_context(zone: Zone, occasion: str) -> dict:
    since = dt.date.fromisoformat(occasion_parts(occasion)[1])
    return {
        "headline": _("%(zone)s has proposed or held no event since %(day)s")
        % {"zone": zone.name, "day": format_date(since)},
        "details": [_("A short call to the zone's cultural deputy often restarts the work.")],
        "path": reverse("zone-detail", args=[zone.slug]),
    }


register(
    Rule(
        slug="zone_quiet",
        title=_("Zone quiet"),
        description=_(
            "Days without an event proposed or held by a zone; to the secretariat and that zone's deputies."
        ),
        collect=quiet_collect,
        still_current=quiet_current,
        context=quiet_context,
        stale=quiet_stale,
    )
)


# Weekly digest: Saturday 08:00 Tehran time, to the secretariat: the week per zone.


def week_opening(now: dt.datetime) -> dt.datetime:
    """The latest Saturday 08:00 at or before ``now``."""
    local = timezone.localtime(now)
    saturday = local.date() - dt.timedelta(days=(local.weekday() - 5) % 7)
    opening = morning(saturday)
    return opening if opening <= now else opening - dt.timedelta(days=7)


def digest_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    opening = week_opening(now)
    readers = Membership.objects.filter(
        role=Membership.Role.SECRETARIAT, user__is_active=True, user__wants_digest=True
    ).select_related("user")
    for membership in readers:
        yield Due(membership.user, f"week:{opening.date().isoformat()}", opening, (membership.user_id,))


def _digest_stands(user: User, occasion: str) -> bool:
    return user.is_active and user.wants_digest


def digest_current(user: User, occasion: str, now: dt.datetime) -> bool:
    return _digest_stands(user, occasion)


def digest_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(pending, User.objects.only("pk", "is_active", "wants_digest"), _digest_stands)


def digest_context(user: User, occasion: str) -> dict:
    opening = morning(dt.date.fromisoformat(occasion_parts(occasion)[1]))
    # The same figures for every reader of one week: counted once per sweep, worded per reader.
    zones = per_sweep(("digest", opening), lambda: list(_week_in_zones(opening)))
    lines = [
        _("%(zone)s: %(proposed)s proposed, %(held)s held, %(upcoming)s in the coming week")
        % {
            "zone": zone.name,
            "proposed": in_readers_digits(zone.proposed),
            "held": in_readers_digits(zone.held),
            "upcoming": in_readers_digits(zone.upcoming),
        }
        for zone in zones
    ]
    return {
        "headline": _("The week in the zones, to %(day)s") % {"day": format_date(opening)},
        "details": lines,
        "path": reverse("home"),
    }


def _week_in_zones(opening: dt.datetime) -> QuerySet[Zone]:
    week_ago = opening - dt.timedelta(days=7)
    in_week = Q(hosted_events__created_at__gte=week_ago, hosted_events__created_at__lt=opening)
    return Zone.objects.filter(is_active=True).annotate(
        proposed=Count("hosted_events", filter=in_week),
        held=Count(
            "hosted_events",
            filter=Q(
                hosted_events__status__in=Event.REPORTABLE,
                hosted_events__ends_at__gte=week_ago,
                hosted_events__ends_at__lt=opening,
            ),
        ),
        upcoming=Count(
            "hosted_events",
            filter=Q(
                hosted_events__status=Event.Status.APPROVED,
                hosted_events__starts_at__gte=opening,
                hosted_events__starts_at__lt=opening + dt.timedelta(days=7),
            ),
        ),
    )


register(
    Rule(
        slug="weekly_digest",
        title=_("Weekly digest"),
        description=_("Saturday 08:00 Tehran time; to secretariat staff who have not opted out."),
        collect=digest_collect,
        still_current=digest_current,
        context=digest_context,
        stale=digest_stale,
    )
)
