"""The export dashboard page and its downloads (the numbers are in ``exports.dashboard``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from exports import dashboard
from zones_portal.dates import GREGORIAN_YEARS, JALALI_YEARS, latin_digits, uses_jalali
from zones_portal.exports import csv_download, xlsx_download
from zones_portal.models import Zone
from zones_portal.permissions import scope_of


def _year(request: HttpRequest) -> int | None:
    """The year asked for, in the reader's calendar and in any digits; none (this year) otherwise."""
    text = latin_digits(request.GET.get("year", "")).strip()
    allowed = JALALI_YEARS if uses_jalali() else GREGORIAN_YEARS
    return int(text) if text.isdigit() and int(text) in allowed else None


def _download(request: HttpRequest, board: dashboard.Dashboard) -> HttpResponse:
    """Every breakdown in one sheet, one line per zone, field, country, year or source."""
    header = [
        _("Breakdown"),
        _("Item"),
        _("Value (rials)"),
        _("Deals"),
        _("Share (%)"),
        _("Growth on the year before (%)"),
    ]
    rows = [
        [section, row.label, int(row.value), row.deals, row.share, row.growth]
        for section, lines in board.sections()
        for row in lines
    ]
    name = f"export-deals-{board.year}"
    if request.GET.get("format") == "csv":
        return csv_download(name, header, [["" if cell is None else cell for cell in row] for row in rows])
    return xlsx_download(name, header, rows, rtl=get_language_bidi())


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Value of export deals by zone, field, country and year, for the secretariat and the zones."""
    if not dashboard.can_see_dashboard(request.user):
        raise PermissionDenied(_("The export dashboard is for the secretariat and the zones."))
    scope = scope_of(request.user)
    zones = list(Zone.objects.filter(is_active=True)) if scope.secretariat else []
    chosen = next((zone for zone in zones if zone.slug == request.GET.get("zone")), None)
    board = dashboard.build(request.user, _year(request), chosen.pk if chosen else None)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _download(request, board)
    query = "&".join(part for part in (f"year={board.year}", f"zone={chosen.slug}" if chosen else "") if part)
    rtl = get_language_bidi()
    return render(
        request,
        "exports/dashboard.html",
        {
            "board": board,
            "zones": zones,
            "chosen_zone": chosen,
            "own_zone": None if scope.secretariat else Zone.objects.get(pk=scope.zone_id),
            "query": query,
            "years": [row.key for row in reversed(board.by_year)],
            "country_chart": dashboard.bar_chart(board.top_destinations, rtl),
            "field_chart": dashboard.bar_chart(board.by_field, rtl),
        },
    )


# Included by exports/urls.py beside the register's pages.
urlpatterns = [path("dashboard/", dashboard_page, name="dashboard")]
