"""The plan-against-delivery pages: every zone's annual programme for a Solar Hijri year against what its
events delivered, and one zone's quarter by quarter; both as CSV and XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_bidi, pgettext_lazy
from django.utils.translation import gettext as _

from programmes.models import ProgrammeYear
from scorecard import charts
from scorecard.plan import Line, Plan, ZonePlan, current_year, plan_against_delivery
from scorecard.views import EXPORTS, _require_access
from zones_portal.dates import latin_digits
from zones_portal.exports import csv_download, xlsx_download
from zones_portal.models import Zone
from zones_portal.permissions import scope_of

QUARTER_NAMES = {
    1: pgettext_lazy("Solar Hijri quarter", "Spring"),
    2: pgettext_lazy("Solar Hijri quarter", "Summer"),
    3: pgettext_lazy("Solar Hijri quarter", "Autumn"),
    4: pgettext_lazy("Solar Hijri quarter", "Winter"),
}
YEARS = range(1390, 1501)


def _year(request: HttpRequest) -> int:
    """The year the address asks for, in any digits; this year when it names none that can be."""
    asked = latin_digits(request.GET.get("year", "").strip())
    if asked.isascii() and asked.isdecimal() and int(asked) in YEARS:
        return int(asked)
    return current_year()


def _years(chosen: int) -> list[int]:
    """The years the secretariat opened for programmes, and the one shown."""
    return sorted(
        {*ProgrammeYear.objects.values_list("year", flat=True), chosen, current_year()}, reverse=True
    )


def _quarter_name(line: Line) -> str:
    return str(QUARTER_NAMES[line.quarter]) if line.quarter else _("Whole year")


def _numbers(line: Line, money: bool = True) -> list[object]:
    """A line's counts, and its budget planned and spent unless the reader may not see that zone's money
    (then empty)."""
    return [
        line.planned,
        line.held,
        line.reported,
        line.slipped,
        line.unplanned,
        int(line.budget_planned) if money else "",
        int(line.spent) if money else "",
    ]


def _header(*first: str) -> list[str]:
    return [
        *first,
        _("Activities planned"),
        _("Held"),
        _("Reported"),
        _("Slipped"),
        _("Unplanned events held"),
        _("Budget planned (rials)"),
        _("Spent (rials)"),
    ]


def download(request: HttpRequest, name: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return csv_download(name, header, rows)
    return xlsx_download(name, header, rows, rtl=get_language_bidi())


def _may_read_activities(request: HttpRequest, zone: Zone) -> bool:
    """The activities' titles and the budget are the zone's programme (between the zone and the
    secretariat, as on the programme's own pages): its own people and the secretariat read them; the
    other zones see how many activities were planned and held, as they do on the scorecard."""
    scope = scope_of(request.user)
    return scope.secretariat or scope.zone_id == zone.pk


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """All zones' plan against delivery for a year: quarter by quarter together, and zone by zone."""
    _require_access(request)
    year = _year(request)
    result: Plan = plan_against_delivery(year)
    if request.GET.get("format") in EXPORTS:
        rows = [
            [
                zone_plan.zone.name,
                _quarter_name(line),
                *_numbers(line, _may_read_activities(request, zone_plan.zone)),
            ]
            for zone_plan in result.zones
            for line in [*zone_plan.quarters, zone_plan.year_total]
        ]
        rows += [
            [_("All zones"), _quarter_name(line), *_numbers(line)]
            for line in [*result.quarters, result.year_total]
        ]
        return download(request, f"plan-{year}", _header(_("Zone"), _("Quarter")), rows)
    scope = scope_of(request.user)
    return render(
        request,
        "scorecard/plan.html",
        {
            "year": year,
            "years": _years(year),
            "plan": result,
            "zone_rows": [
                (zone_plan, not _may_read_activities(request, zone_plan.zone)) for zone_plan in result.zones
            ],
            "quarter_lines": [(_quarter_name(line), line) for line in result.quarters],
            "slipped": [
                (zone_plan.zone, activity)
                for zone_plan in result.zones
                if scope.secretariat or zone_plan.zone.pk == scope.zone_id
                for activity in zone_plan.slipped
            ],
            "chart": charts.bar_chart(
                [(zone_plan.zone.name, zone_plan.year_total.held_rate or 0) for zone_plan in result.zones],
                rtl=get_language_bidi(),
            ),
        },
    )


@login_required
def plan_zone(request: HttpRequest, slug: str) -> HttpResponse:
    """One zone's programme against its delivery, quarter by quarter, with the activities that slipped."""
    _require_access(request)
    zone = get_object_or_404(Zone.objects.visible_to(request.user), slug=slug)
    year = _year(request)
    result: ZonePlan = plan_against_delivery(year, [zone]).zones[0]
    lines = [*result.quarters, result.year_total]
    own = _may_read_activities(request, zone)
    if request.GET.get("format") in EXPORTS:
        return download(
            request,
            f"plan-{zone.slug}-{year}",
            _header(_("Quarter")),
            [[_quarter_name(line), *_numbers(line, own)] for line in lines],
        )
    return render(
        request,
        "scorecard/plan_zone.html",
        {
            "zone": zone,
            "year": year,
            "years": _years(year),
            "plan": result,
            "lines": [(_quarter_name(line), line) for line in lines],
            "activities": result.activities if own else None,
            "hide_money": not own,
            "chart": charts.bar_chart(
                [(_quarter_name(line), line.held_rate or 0) for line in result.quarters],
                rtl=get_language_bidi(),
            ),
        },
    )
