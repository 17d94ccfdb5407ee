"""The series page of the scorecard: a repeating event's editions year on year, as a table and a chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from events.models import EventSeries
from scorecard import charts, periods
from scorecard.plan_views import download
from scorecard.series import Edition, editions
from scorecard.views import EXPORTS, _require_access
from zones_portal.dates import format_date
from zones_portal.permissions import scope_of
from zones_portal.widgets import readers_number


def _label(edition: Edition, series: EventSeries) -> str:
    """A yearly edition is named by its year; others by their day, since a year may hold several."""
    if series.recurrence == EventSeries.Recurrence.YEARLY:
        return readers_number(str(edition.year))
    return format_date(edition.event.starts_at, "date")


@login_required
def series(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance, artists and partners of every edition, the money spent (for the host zone and the
    secretariat only, as on the plan-against-delivery pages) and whether each was reported on time."""
    _require_access(request)
    found = get_object_or_404(EventSeries.objects.visible_to(request.user).select_related("host_zone"), pk=pk)
    calendar = periods.calendar_for(get_language(), request.GET.get("calendar"))
    rows = editions(found, request.user, calendar)
    scope = scope_of(request.user)
    show_money = scope.secretariat or scope.zone_id == found.host_zone_id
    if request.GET.get("format") in EXPORTS:
        return _export(request, found, rows, show_money)
    attendance = [(_label(row, found), row.attendance) for row in rows if row.attendance is not None]
    return render(
        request,
        "scorecard/series.html",
        {
            "series": found,
            "rows": [(row, _label(row, found)) for row in rows],
            # The money is the host zone's business with the secretariat (scorecard.plan_views).
            "show_money": show_money,
            "calendar_name": periods.CALENDAR_NAMES[calendar],
            "chart": charts.bar_chart(
                attendance,
                rtl=get_language_bidi(),
                maximum=float(max(value for _l, value in attendance)),
            )
            if attendance
            else None,
        },
    )


def _export(request: HttpRequest, found: EventSeries, rows: list[Edition], show_money: bool) -> HttpResponse:
    """The table as CSV or XLSX: the same rows and the same rule for the money as the page."""
    header = [
        _("Edition"),
        _("Event"),
        _("Attendance"),
        _("Artists"),
        _("Partner zones"),
        _("Partner institutions"),
        _("Spent (rials)"),
        _("Delivered on time"),
    ]
    on_time = {None: _("Not due"), True: _("Yes"), False: _("Late")}
    table = [
        [
            _label(row, found),
            row.event.title,
            row.attendance,
            row.artists,
            row.partner_zones,
            row.partner_institutions,
            row.spent if show_money else None,
            on_time[row.on_time],
        ]
        for row in rows
    ]
    return download(request, f"series-{found.pk}", header, table)
