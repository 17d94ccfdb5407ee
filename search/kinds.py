"""The kinds of record the search page finds, each from what the person may see of it.

Each kind says once which records a person may search (the same queryset or permission its own pages
use: ``visible_to``, the network's and the export register's gates), how a hit reads in one line, and
where it leads. The page asks every kind the same way, so a new searchable kind is one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from coordination.models import Meeting
from events.models import Event
from exports.models import CreativeBusiness
from talent.models import Artist, TalentCall
from talent.permissions import may_browse_network
from zones_portal.dates import format_date
from zones_portal.permissions import scope_of
from zones_portal.search import matching


@dataclass(frozen=True)
class Hit:
    """One found record as the page shows it: its title, a line of context, where it leads."""

    title: str
    url: str
    context: list[str] = field(default_factory=list)
    badge: str = ""


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise  # the group's heading
    # What the person may search of this kind, or None when the kind is not theirs at all.
    searchable: Callable[[Any], QuerySet | None]
    hit: Callable[[Any], Hit]

    def found(self, user: Any, query: str) -> QuerySet | None:
        """The person's matches, best first, each carrying the kind's total (a window count, so the
        first rows and the total come in one query); None when the kind is not theirs."""
        rows = self.searchable(user)
        if rows is None:
            return None
        return matching(rows, query).annotate(search_total=Window(Count("pk")))


def _events(user: Any) -> QuerySet:
    return Event.objects.visible_to(user).select_related("host_zone").defer("description", "search_text")


def _event(event: Event) -> Hit:
    return Hit(
        title=event.title,
        url=reverse("events:detail", args=[event.pk]),
        context=[event.host_zone.name, format_date(event.starts_at, "date")],
        badge=event.get_status_display(),
    )


def _agreements(user: Any) -> QuerySet:
    return Agreement.objects.visible_to(user).defer("summary", "termination_reason", "search_text")


def _agreement(agreement: Agreement) -> Hit:
    context = [agreement.get_subject_display()]
    if agreement.signed_on:
        context.append(_("signed %(date)s") % {"date": format_date(agreement.signed_on, "date")})
    return Hit(
        title=agreement.title,
        url=reverse("agreements:detail", args=[agreement.pk]),
        context=context,
        badge=agreement.get_status_display(),
    )


def _calls(user: Any) -> QuerySet:
    # A draft call has no page of its own (the secretariat keeps drafts in the admin).
    return TalentCall.objects.published().defer("description", "search_text")


def _call(call: TalentCall) -> Hit:
    return Hit(
        title=call.title,
        url=reverse("talent:call", args=[call.pk]),
        context=[
            _("%(opens)s to %(closes)s")
            % {"opens": format_date(call.opens_at, "date"), "closes": format_date(call.closes_at, "date")}
        ],
        badge=call.get_status_display(),
    )


def _artists(user: Any) -> QuerySet | None:
    if not may_browse_network(user):
        return None
    return Artist.objects.visible_to(user).select_related("zone").defer("bio", "search_text")


def _artist(artist: Artist) -> Hit:
    # The network has no page per artist: the link opens the network at the artist's zone.
    return Hit(
        title=artist.full_name,
        url=f"{reverse('talent:network')}?zone={artist.zone.slug}",
        context=[artist.zone.name],
    )


def _businesses(user: Any) -> QuerySet | None:
    scope = scope_of(user)
    if not (scope.secretariat or scope.zone_id is not None):  # the export register's own gate
        return None
    return (
        CreativeBusiness.objects.visible_to(user)
        .select_related("zone", "field")
        .defer("description", "search_text")
    )


def _business(business: CreativeBusiness) -> Hit:
    return Hit(
        title=business.name,
        url=reverse("exports:business-edit", args=[business.pk]),
        context=[business.zone.name, str(business.field)],
        badge="" if business.is_active else str(_("Retired")),
    )


def _meetings(user: Any) -> QuerySet:
    return Meeting.objects.visible_to(user).defer(
        "notes", "minutes_summary", "cancellation_reason", "search_text"
    )


def _meeting(meeting: Meeting) -> Hit:
    context = [format_date(meeting.starts_at, "datetime")]
    if meeting.place:
        context.append(meeting.place)
    return Hit(
        title=meeting.title,
        url=reverse("coordination:meeting", args=[meeting.pk]),
        context=context,
        badge=meeting.get_status_display(),
    )


KINDS: tuple[Kind, ...] = (
    Kind("events", _("Events"), _events, _event),
    Kind("agreements", _("Agreements"), _agreements, _agreement),
    Kind("calls", _("Talent calls"), _calls, _call),
    Kind("artists", _("Artists"), _artists, _artist),
    Kind("businesses", _("Creative businesses"), _businesses, _business),
    Kind("meetings", _("Meetings"), _meetings, _meeting),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
