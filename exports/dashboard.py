"""The export dashboard's numbers: the value of the zones' creative-industries export deals (in rials, at
each deal's own rate) by zone, field, country and year, the top destinations, the growth on last year and
the share that came from the portal's fairs and from agreements.

A year is the reader's: a Solar Hijri year in Persian, a Gregorian one in English. Every breakdown is one
grouped query, so the page costs the same few queries however many deals there are. The secretariat sees
every zone; a zone's people see their own zone's deals, with the total of all zones beside it (a sum, no
other zone's name or deals) to place their own. Partner institutions read the deals of their own
agreements and fairs through the API, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import jdatetime
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from exports.models import ExportDeal
from zones_portal.dates import uses_jalali
from zones_portal.models import in_active_language
from zones_portal.permissions import AnyUser, scope_of

YEARS_SHOWN = 5  # the year chosen and the four before it, for the trend
TOP_DESTINATIONS = 5
ZERO = Decimal(0)


def can_see_dashboard(user: AnyUser | None) -> bool:
    """The secretariat and the zones' own people; institutions read their deals through the API."""
    scope = scope_of(user)
    return scope.secretariat or scope.zone_id is not None


def year_of(day: dt.date, jalali: bool) -> int:
    return jdatetime.date.fromgregorian(date=day).year if jalali else day.year


def year_bounds(year: int, jalali: bool) -> tuple[dt.date, dt.date]:
    """The first day of ``year`` and the first day of the next one, as stored (Gregorian) dates."""
    if jalali:
        return jdatetime.date(year, 1, 1).togregorian(), jdatetime.date(year + 1, 1, 1).togregorian()
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _same_day_a_year_before(day: dt.date, jalali: bool) -> dt.date:
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        try:
            return jdatetime.date(j.year - 1, j.month, j.day).togregorian()
        except ValueError:  # the 30th of Esfand of a leap year
            return jdatetime.date(j.year - 1, j.month, j.day - 1).togregorian()
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year - 1, day=28)


def growth(now: Decimal, before: Decimal) -> float | None:
    """The change on the year before, in per cent; none when there was nothing to grow from."""
    if not before:
        return None
    return round(float((now - before) / before * 100), 1)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a zone, a field, a country, a year or a source."""

    key: str
    label: str
    value: Decimal
    deals: int
    share: float | None  # of the span's total, in per cent
    growth: float | None = None  # on the year before (the years' breakdown only)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    label_x: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars in the chart's own units, mirrored for right-to-left pages (labels on the right,
    bars growing leftwards)."""

    width: int
    height: int
    axis_x: float
    bars: list[Bar]


def bar_chart(rows: list[Row], rtl: bool, width: int = 640) -> BarChart:
    label_room, value_room, row_height = 150, 150, 34
    plot = width - label_room - value_room
    largest = max((row.value for row in rows), default=ZERO)
    bars = []
    for index, row in enumerate(rows):
        length = float(plot * row.value / largest) if largest else 0.0
        y = 10 + index * row_height
        if rtl:
            start = width - label_room
            bars.append(Bar(row.label, row.value, start - length, y, length, width - 6, start - length - 6))
        else:
            bars.append(Bar(row.label, row.value, label_room, y, length, 6, label_room + length + 6))
    return BarChart(
        width=width,
        height=20 + len(rows) * row_height,
        axis_x=width - label_room if rtl else label_room,
        bars=bars,
    )


@dataclass
class Dashboard:
    year: int
    jalali: bool
    start: dt.date
    end: dt.date  # the day after the span
    in_progress: bool  # the year has not ended: growth compares with the same days of last year
    zone_id: int | None  # the one zone shown, or None for all
    total: Decimal = ZERO
    deals: int = 0
    previous_total: Decimal = ZERO
    growth: float | None = None
    all_zones_total: Decimal | None = None  # for a zone's reader: every zone's deals, summed
    by_zone: list[Row] = field(default_factory=list)
    by_field: list[Row] = field(default_factory=list)
    by_country: list[Row] = field(default_factory=list)
    by_year: list[Row] = field(default_factory=list)
    by_source: list[Row] = field(default_factory=list)

    @property
    def top_destinations(self) -> list[Row]:
        return self.by_country[:TOP_DESTINATIONS]

    def sections(self) -> list[tuple[str, list[Row]]]:
        """Every breakdown with its heading, in the page's order: what the downloads hold."""
        return [
            (str(_("Zone")), self.by_zone),
            (str(_("Creative field")), self.by_field),
            (str(_("Buyer's country")), self.by_country),
            (str(_("Year")), self.by_year),
            (str(_("Where the deals came from")), self.by_source),
        ]


def _share(value: Decimal, total: Decimal) -> float | None:
    return round(float(value / total * 100), 1) if total else None


def _rows(grouped: list[dict], key: str, label_of, total: Decimal) -> list[Row]:
    rows = [
        Row(
            str(item[key]),
            label_of(item),
            item["value"] or ZERO,
            item["deals"],
            _share(item["value"] or ZERO, total),
        )
        for item in grouped
    ]
    return sorted(rows, key=lambda row: (-row.value, row.label))


def _sums() -> dict:
    return {"value": Coalesce(Sum("value_rial"), Value(ZERO)), "deals": Count("pk")}


def deals_for(user: AnyUser | None, zone_id: int | None = None) -> QuerySet[ExportDeal]:
    """The deals the dashboard may count for ``user``: the secretariat's all (or one zone's, if it
    chose one), a zone's people their own zone's."""
    scope = scope_of(user)
    deals = ExportDeal.objects.visible_to(user)
    if not scope.secretariat:
        return deals.filter(zone_id=scope.zone_id) if scope.zone_id is not None else deals.none()
    return deals.filter(zone_id=zone_id) if zone_id is not None else deals


def build(user: AnyUser | None, year: int | None = None, zone_id: int | None = None) -> Dashboard:
    """The dashboard of ``year`` (the reader's calendar; this year if none) as ``user`` may see it."""
    jalali = uses_jalali()
    today = timezone.localdate()
    year = year or year_of(today, jalali)
    start, end = year_bounds(year, jalali)
    in_progress = start <= today < end
    previous_start, _previous_end = year_bounds(year - 1, jalali)
    # This year so far is set against the same days of last year, not against all of it.
    previous_cutoff = _same_day_a_year_before(today, jalali) + dt.timedelta(days=1) if in_progress else start
    scope = scope_of(user)
    deals = deals_for(user, zone_id)
    board = Dashboard(
        year=year,
        jalali=jalali,
        start=start,
        end=end,
        in_progress=in_progress,
        zone_id=zone_id if scope.secretariat else scope.zone_id,
    )
    in_year = deals.filter(signed_on__gte=start, signed_on__lt=end)

    totals = deals.filter(signed_on__gte=previous_start, signed_on__lt=end).aggregate(
        total=Coalesce(Sum("value_rial", filter=Q(signed_on__gte=start)), Value(ZERO)),
        deals=Count("pk", filter=Q(signed_on__gte=start)),
        previous=Coalesce(Sum("value_rial", filter=Q(signed_on__lt=previous_cutoff)), Value(ZERO)),
        fairs=Coalesce(Sum("value_rial", filter=Q(signed_on__gte=start, event__isnull=False)), Value(ZERO)),
        fair_deals=Count("pk", filter=Q(signed_on__gte=start, event__isnull=False)),
        agreements=Coalesce(
            Sum("value_rial", filter=Q(signed_on__gte=start, agreement__isnull=False)), Value(ZERO)
        ),
        agreement_deals=Count("pk", filter=Q(signed_on__gte=start, agreement__isnull=False)),
        neither=Coalesce(
            Sum("value_rial", filter=Q(signed_on__gte=start, event__isnull=True, agreement__isnull=True)),
            Value(ZERO),
        ),
        neither_deals=Count("pk", filter=Q(signed_on__gte=start, event__isnull=True, agreement__isnull=True)),
    )
    board.total, board.deals, board.previous_total = totals["total"], totals["deals"], totals["previous"]
    board.growth = growth(board.total, board.previous_total)
    total = board.total
    # A deal may come from a fair held under an agreement: the two shares may overlap.
    board.by_source = [
        Row(
            "fairs",
            str(_("A fair or event in the portal")),
            totals["fairs"],
            totals["fair_deals"],
            _share(totals["fairs"], total),
        ),
        Row(
            "agreements",
            str(_("An agreement")),
            totals["agreements"],
            totals["agreement_deals"],
            _share(totals["agreements"], total),
        ),
        Row(
            "neither",
            str(_("Neither")),
            totals["neither"],
            totals["neither_deals"],
            _share(totals["neither"], total),
        ),
    ]

    board.by_zone = _rows(
        list(in_year.values("zone__slug", "zone__name_fa", "zone__name_en").annotate(**_sums())),
        "zone__slug",
        lambda item: in_active_language(item["zone__name_fa"], item["zone__name_en"]),
        total,
    )
    board.by_field = _rows(
        list(
            in_year.values(
                "business__field__slug", "business__field__name_fa", "business__field__name_en"
            ).annotate(**_sums())
        ),
        "business__field__slug",
        lambda item: in_active_language(item["business__field__name_fa"], item["business__field__name_en"]),
        total,
    )
    board.by_country = _rows(
        list(in_year.values("buyer_country").annotate(**_sums())),
        "buyer_country",
        _country_label,
        total,
    )
    board.by_year = _years(deals, year, jalali)
    if not scope.secretariat:
        board.all_zones_total = ExportDeal.objects.filter(signed_on__gte=start, signed_on__lt=end).aggregate(
            value=Coalesce(Sum("value_rial"), Value(ZERO))
        )["value"]
    return board


def _country_label(item: dict) -> str:
    """A country's name; deals moved from old event reports that named no country have none."""
    code = item["buyer_country"]
    if not code:
        return str(_("Country not given"))
    return str(countries.name(code) or code)


def _years(deals: QuerySet[ExportDeal], year: int, jalali: bool) -> list[Row]:
    """The chosen year and the ones before it, oldest first, each with its growth on the one before."""
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    bounds = {y: year_bounds(y, jalali) for y in years}
    which = Case(
        *(When(signed_on__gte=start, signed_on__lt=end, then=Value(y)) for y, (start, end) in bounds.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    grouped = {
        item["year"]: item
        for item in deals.filter(signed_on__gte=bounds[years[0]][0], signed_on__lt=bounds[year][1])
        .annotate(year=which)
        .values("year")
        .annotate(**_sums())
        .order_by("year")
    }
    rows, before = [], None
    for y in years:
        item = grouped.get(y, {"value": ZERO, "deals": 0})
        value = item["value"] or ZERO
        rows.append(
            Row(
                str(y),
                str(y),
                value,
                item["deals"],
                None,
                growth(value, before) if before is not None else None,
            )
        )
        before = value
    return rows
