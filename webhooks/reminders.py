"""The notice to an institution that one of its webhook endpoints was switched off, as a reminder rule:
a notification in the portal and a mail, in each recipient's language, recorded once per switch-off
however often the sweep runs. ``webhooks.services`` queues this rule's sweep as soon as it switches an
endpoint off; the regular sweep catches up if the broker was away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders.models import Notification
from reminders.registry import (
    Due,
    Rule,
    in_readers_digits,
    institution_users_by_institution,
    moment_key,
    occasion_parts,
    register,
    stale_subjects,
)
from webhooks.models import WebhookEndpoint
from webhooks.services import DISABLED_RULE
from zones_portal.models import Membership


def disabled_collect(now: dt.datetime, offsets: list[int], horizon: dt.datetime) -> Iterator[Due]:
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=False, disabled_at__gt=horizon, disabled_at__lte=now)
        # Only the portal's own switch-off after failures: a person who switched it off knows.
        .filter(switched_off_for_failures=True)
        .order_by("pk")
    )
    if not endpoints:
        return
    people = institution_users_by_institution({endpoint.institution_id for endpoint in endpoints})
    owners = set(
        Membership.objects.filter(
            user_id__in={e.created_by_id for e in endpoints if e.created_by_id},
            role=Membership.Role.INSTITUTION,
            user__is_active=True,
        ).values_list("user_id", "institution_id")
    )
    for endpoint in endpoints:
        if (endpoint.created_by_id, endpoint.institution_id) in owners:
            recipients: tuple[int, ...] = (endpoint.created_by_id,)
        else:
            recipients = people.get(endpoint.institution_id, ())
        yield Due(endpoint, f"disabled:{moment_key(endpoint.disabled_at)}", endpoint.disabled_at, recipients)


def _stands(endpoint: WebhookEndpoint, occasion: str) -> bool:
    return (
        not endpoint.is_active
        and endpoint.switched_off_for_failures
        and endpoint.disabled_at is not None
        and occasion_parts(occasion)[1] == moment_key(endpoint.disabled_at)
    )


def disabled_current(endpoint: WebhookEndpoint, occasion: str, now: dt.datetime) -> bool:
    return _stands(endpoint, occasion)


def disabled_stale(pending: QuerySet[Notification], now: dt.datetime) -> list[int]:
    return stale_subjects(
        pending,
        WebhookEndpoint.objects.only("pk", "is_active", "disabled_at", "switched_off_for_failures"),
        _stands,
    )


def disabled_headline(endpoint: WebhookEndpoint, occasion: str) -> str:
    return _("Your webhook endpoint %(url)s was switched off") % {"url": endpoint.url}


def disabled_context(endpoint: WebhookEndpoint, occasion: str) -> dict:
    details = [
        ngettext(
            "%(count)s delivery in a row could not be delivered.",
            "%(count)s deliveries in a row could not be delivered.",
            endpoint.consecutive_failures,
        )
        % {"count": in_readers_digits(endpoint.consecutive_failures)},
        endpoint.description,
        _(
            "Nothing more is sent to it. Once the address answers again, switch it on through the API "
            "(is_active: true on the endpoint); the deliveries that failed can then be sent again."
        ),
    ]
    return {
        "headline": disabled_headline(endpoint, occasion),
        "details": details,
        "path": reverse("docs"),
    }


register(
    Rule(
        slug=DISABLED_RULE,
        title=_("Webhook endpoint switched off"),
        description=_(
            "When a webhook endpoint of an institution keeps failing and is switched off; to the person "
            "who registered it, or else to the representatives of the institution."
        ),
        collect=disabled_collect,
        still_current=disabled_current,
        context=disabled_context,
        headline=disabled_headline,
        stale=disabled_stale,
    )
)
