"""Reminder rules about the zones themselves: a zone gone quiet, and the secretariat's weekly digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from reminders.registry import Due, Rule, days, deputy_ids, morning, occasion_parts, register, secretariat_ids
from zones_portal.dates import format_date
from zones_portal.models import Membership, User, Zone

HELD = (Event.Status.HELD, Event.Status.REPORTED)


def last_activity(zone_ids: list[int] | None = None) -> dict[int, dt.datetime]:
    """When each zone last proposed an event or held one (the later of the two)."""
    zones = Zone.objects.filter(is_active=True)
    if zone_ids is not None:
        zones = zones.filter(pk__in=zone_ids)
    rows = zones.annotate(
        proposed=Max("hosted_events__created_at"),
        held=Max("hosted_events__ends_at", filter=Q(hosted_events__status__in=HELD)),
    ).values_list("pk", "proposed", "held", "sort_order")
    return {
        pk: max(moment for moment in (proposed, held) if moment)
        for pk, proposed, held, _order in rows
        if proposed or held
    }


def quiet_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    quiet_days = offsets[0] if offsets else 60
    for zone in Zone.objects.filter(is_active=True):
        since = last_activity([zone.pk]).get(zone.pk)
        if since is None or since > now - days(quiet_days):
            continue
        last_day = timezone.localtime(since).date()
        yield Due(
            zone,
            f"quiet-since:{last_day.isoformat()}",
            # A state, not a moment: a zone found quiet is reported now, however long ago it fell silent.
            max(since + days(quiet_days), now),
            secretariat_ids() + deputy_ids([zone.pk]),
        )


def quiet_current(zone: Zone, occasion: str, now: dt.datetime) -> bool:
    since = last_activity([zone.pk]).get(zone.pk)
    return since is not None and occasion_parts(occasion)[1] == timezone.localtime(since).date().isoformat()


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


def digest_current(user: User, occasion: str, now: dt.datetime) -> bool:
    return user.is_active and user.wants_digest


def digest_context(user: User, occasion: str) -> dict:
    opening = morning(dt.date.fromisoformat(occasion_parts(occasion)[1]))
    week_ago = opening - dt.timedelta(days=7)
    in_week = Q(hosted_events__created_at__gte=week_ago, hosted_events__created_at__lt=opening)
    zones = Zone.objects.filter(is_active=True).annotate(
        proposed=Count("hosted_events", filter=in_week),
        held=Count(
            "hosted_events",
            filter=Q(
                hosted_events__status__in=HELD,
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
    lines = [
        _("%(zone)s: %(proposed)s proposed, %(held)s held, %(upcoming)s in the coming week")
        % {"zone": zone.name, "proposed": zone.proposed, "held": zone.held, "upcoming": zone.upcoming}
        for zone in zones
    ]
    return {
        "headline": _("The week in the zones, to %(day)s") % {"day": format_date(opening)},
        "details": lines,
        "path": reverse("home"),
    }


register(
    Rule(
        slug="weekly_digest",
        title=_("Weekly digest"),
        description=_("Saturday 08:00 Tehran time; to secretariat staff who have not opted out."),
        collect=digest_collect,
        still_current=digest_current,
        context=digest_context,
    )
)
