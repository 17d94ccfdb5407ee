"""The scorecard pages: the zones side by side, and one zone month by month; both exportable.

What a page shows is named by its address alone (the span, the calendar, the columns), so links keep
it and the cache keeps the drawn content per address (``_variant``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from scorecard import caching, charts, periods, permissions
from scorecard.forms import SpanForm, showing
from scorecard.measures import COMPONENT_LABELS, WEIGHTS, Score
from zones_portal.dates import persian_digits, uses_jalali
from zones_portal.exports import csv_download, xlsx_download
from zones_portal.models import Zone

PRESET_LABELS = {
    "month": gettext_lazy("This month"),
    "last-month": gettext_lazy("Last month"),
    "quarter": gettext_lazy("This quarter"),
    "last-quarter": gettext_lazy("Last quarter"),
    "year": gettext_lazy("This year"),
    "last-year": gettext_lazy("Last year"),
    "five-years": gettext_lazy("Five years"),
}

SPAN_PARAMETERS = ("period", "start", "end")
CALENDAR_PARAMETER = "calendar"
COLUMN_PARAMETER = "col"


@dataclass(frozen=True)
class Chosen:
    """What the address asks the page to show, read once and written back into every link and form."""

    period: periods.Period
    preset: str  # "" for a span typed in
    form: SpanForm
    calendar: str
    calendar_asked: bool  # named in the address (English only): links keep it
    columns: list[str]  # the measures' keys, in the table's order
    span_query: list[tuple[str, str]]  # the span as the address gave it

    @property
    def heading(self) -> str:
        return periods.described(
            self.period, self.calendar, str(PRESET_LABELS[self.preset]) if self.preset else None
        )

    def query(
        self, *, span: bool = True, calendar: bool = True, columns: bool = True
    ) -> list[tuple[str, str]]:
        """The address's parameters, all or some (a preset link replaces the span, say)."""
        pairs = list(self.span_query) if span else []
        if calendar and self.calendar_asked:
            pairs.append((CALENDAR_PARAMETER, self.calendar))
        if columns and len(self.columns) < len(COLUMNS):
            pairs.extend((COLUMN_PARAMETER, key) for key in self.columns)
        return pairs


def _chosen(request: HttpRequest) -> Chosen:
    language = get_language()
    asked = request.GET.get(CALENDAR_PARAMETER)
    calendar = periods.calendar_for(language, asked)
    calendar_asked = not uses_jalali(language) and asked in periods.CALENDAR_NAMES
    span_query = [(name, value) for name, value in request.GET.items() if name in SPAN_PARAMETERS]
    form = SpanForm(request.GET if "start" in request.GET else None, calendar=calendar)
    choices = periods.presets(timezone.localdate(), language, calendar)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("start"):
        period = periods.span(form.cleaned_data["start"], form.cleaned_data["end"], language, calendar)
        preset = ""
        form = showing(period, calendar)  # as the page's calendar writes it, whatever was typed
    else:
        preset = request.GET.get("period", "quarter")
        preset = preset if preset in choices else "quarter"
        period = choices[preset]
        if not form.is_bound or form.is_valid():  # a form with errors keeps what was typed
            form = showing(period, calendar)
    wanted = set(request.GET.getlist(COLUMN_PARAMETER))
    columns = [key for key, _label in COLUMNS if key in wanted] or [key for key, _label in COLUMNS]
    return Chosen(period, preset, form, calendar, calendar_asked, columns, span_query)


def _require_access(request: HttpRequest) -> None:
    if not permissions.can_see_scorecard(request.user):
        raise PermissionDenied(_("The scorecard is for the secretariat and the zones."))


# The measures by theme, in the table's order; the table groups its headers by them.
COLUMN_GROUPS: list[tuple[str, Promise, list[tuple[str, Promise]]]] = [
    ("index", gettext_lazy("Coordination index"), [("index", gettext_lazy("Coordination index"))]),
    (
        "events",
        gettext_lazy("Events"),
        [
            ("proposed", gettext_lazy("Events proposed")),
            ("approved", gettext_lazy("Approved")),
            ("held", gettext_lazy("Held")),
            ("reported", gettext_lazy("Reported")),
            ("reports_on_time_rate", gettext_lazy("Reports on time (%)")),
        ],
    ),
    (
        "activity",
        gettext_lazy("Cross-zone activity"),
        [
            ("cross_hosted", gettext_lazy("Cross-zone events hosted")),
            ("cross_joined", gettext_lazy("Cross-zone events joined")),
            ("invitations", gettext_lazy("Invitations received")),
            ("answer_rate", gettext_lazy("Answer rate (%)")),
            ("median_hours_to_answer", gettext_lazy("Median hours to answer")),
            ("days_since_activity", gettext_lazy("Days since last activity")),
        ],
    ),
    (
        "agreements",
        gettext_lazy("Agreements"),
        [("obligations_on_time_rate", gettext_lazy("Obligations met on time (%)"))],
    ),
    ("talent", gettext_lazy("Talent calls"), [("applications", gettext_lazy("Applications to calls"))]),
    (
        "coordination",
        gettext_lazy("Coordination desk"),
        [
            ("attendance_rate", gettext_lazy("Council meetings attended (%)")),
            ("action_items_on_time_rate", gettext_lazy("Action items done on time (%)")),
            ("circulars_on_time_rate", gettext_lazy("Circulars acknowledged in time (%)")),
        ],
    ),
    (
        "programme",
        gettext_lazy("Annual programme"),
        [("plan_delivered_rate", gettext_lazy("Plan delivered (%)"))],
    ),
]
# A theme that is its one measure (the index) needs no header above the measure's own.
HEADERLESS = {"index"}
COLUMNS = [column for _key, _label, columns in COLUMN_GROUPS for column in columns]
RATES = {
    "answer_rate",
    "reports_on_time_rate",
    "obligations_on_time_rate",
    "attendance_rate",
    "action_items_on_time_rate",
    "circulars_on_time_rate",
    "plan_delivered_rate",
}


def cell(score: Score, column: str) -> float | int | None:
    if score.future:
        return None
    value = getattr(score, column)
    if column in RATES:
        return round(value * 100, 1) if value is not None else None
    return value


@dataclass(frozen=True)
class HeaderGroup:
    key: str
    label: Promise
    members: list[tuple[str, Promise]]
    headerless: bool


def _header_groups(columns: list[str]) -> list[HeaderGroup]:
    """The themes with at least one chosen measure, each with its chosen measures."""
    shown = []
    for key, label, members in COLUMN_GROUPS:
        chosen = [(column, name) for column, name in members if column in columns]
        if chosen:
            shown.append(HeaderGroup(key, label, chosen, key in HEADERLESS))
    return shown


def _labels(columns: list[str]) -> list[tuple[str, Promise]]:
    return [(key, label) for key, label in COLUMNS if key in columns]


def measured(score: Score) -> bool:
    """Whether a month has anything to plot: it has begun, and the zone had some activity by its end
    or something counted in it. Before that the chart leaves a gap, rather than a 0 that reads as a
    zone gone quiet."""
    if score.future:
        return False
    counted = (
        score.proposed,
        score.approved,
        score.held,
        score.reported,
        score.cross_hosted,
        score.cross_joined,
        score.invitations,
        score.obligations_due,
        score.applications,
        score.meeting_invitations,
        score.action_items_due,
        score.circulars_due,
        score.plan_due,
    )
    return score.days_since_activity is not None or any(counted)


EXPORTS = ("csv", "xlsx")


def _export(
    request: HttpRequest, name: str, first_header: str, rows: list[tuple[str, Score]], columns: list[str]
) -> HttpResponse:
    """The table as it is on the page: the measures chosen, in its order."""
    kind = request.GET.get("format")
    shown = _labels(columns)
    header = [first_header] + [str(label) for _key, label in shown]
    table = [[label] + [cell(score, key) for key, _label in shown] for label, score in rows]
    if kind == "csv":
        return csv_download(name, header, [["" if v is None else v for v in row] for row in table])
    return xlsx_download(name, header, table, rtl=get_language_bidi())


def _formula(window: int) -> list[tuple[int, str]]:
    days = persian_digits(str(window)) if uses_jalali() else str(window)
    return [(WEIGHTS[key], str(COMPONENT_LABELS[key]) % {"days": days}) for key in WEIGHTS]


def _variant(chosen: Chosen, page: str) -> str:
    """All a page's content depends on besides its counts: the page, the language and the address as
    ``Chosen`` reads it (span, calendar, columns; nothing else it may carry, so a stray parameter
    makes no new entry)."""
    return f"{page}|{get_language()}|{urlencode(chosen.query())}"


def _page_context(chosen: Chosen, rows: list[tuple[Score, list]]) -> dict:
    """What both pages' span form, calendar choice, column choice and table need."""
    language = get_language()
    groups = _header_groups(chosen.columns)
    others = periods.presets(timezone.localdate(), language, chosen.calendar)
    return {
        "period": chosen.period,
        "heading": chosen.heading,
        "preset": chosen.preset,
        "presets": [
            (key, label, f"{periods.CALENDAR_NAMES[chosen.calendar]}: {others[key].label}")
            for key, label in PRESET_LABELS.items()
        ],
        "form": chosen.form,
        "calendar": chosen.calendar,
        "calendar_name": periods.CALENDAR_NAMES[chosen.calendar],
        "calendars": (
            []
            if uses_jalali(language)
            else [
                (key, name, urlencode([*chosen.query(calendar=False), (CALENDAR_PARAMETER, key)]))
                for key, name in periods.CALENDAR_NAMES.items()
            ]
        ),
        "preset_query": urlencode(chosen.query(span=False)),
        "span_hidden": chosen.query(span=False),
        "columns_hidden": chosen.query(columns=False),
        "all_columns_query": urlencode(chosen.query(columns=False)),
        "column_groups": [
            (label, [(key, name, key in chosen.columns) for key, name in members])
            for _key, label, members in COLUMN_GROUPS
        ],
        "chosen_count": len(chosen.columns),
        "column_count": len(COLUMNS),
        "header_groups": groups,
        "two_header_rows": any(not group.headerless for group in groups),
        "columns": _labels(chosen.columns),
        "rows": rows,
        "table_rows": [(score, list(zip(chosen.columns, cells, strict=True))) for score, cells in rows],
        "query": urlencode(chosen.query()),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The seven zones side by side for the chosen span."""
    _require_access(request)
    chosen = _chosen(request)
    counts = caching.Counts([chosen.period])
    if request.GET.get("format") in EXPORTS:
        scores, _window = counts.scores()
        return _export(
            request, "scorecard", _("Zone"), [(score.zone.name, score) for score in scores], chosen.columns
        )

    def content() -> SafeString:
        scores, window = counts.scores()
        ranked = sorted(scores, key=lambda s: -(s.index or 0))
        rows = [(score, [cell(score, key) for key in chosen.columns]) for score in scores]
        return render_to_string(
            "scorecard/_overview.html",
            {
                **_page_context(chosen, rows),
                "chart": charts.bar_chart(
                    [(s.zone.name, s.index or 0) for s in ranked], rtl=get_language_bidi()
                ),
                "formula": _formula(window),
            },
        )

    return render(
        request,
        "scorecard/overview.html",
        {"period": chosen.period, "content": counts.html(_variant(chosen, "overview"), content)},
    )


@login_required
def zone_trend(request: HttpRequest, slug: str) -> HttpResponse:
    """One zone, month by month across the span (at most five years: sixty months)."""
    _require_access(request)
    zone = get_object_or_404(Zone.objects.visible_to(request.user), slug=slug)
    chosen = _chosen(request)
    months = periods.months(chosen.period.start, chosen.period.end, get_language(), chosen.calendar)
    counts = caching.Counts(months, zone=zone)
    if request.GET.get("format") in EXPORTS:
        scores, _window = counts.scores()
        return _export(
            request,
            f"scorecard-{zone.slug}",
            _("Month"),
            [(score.period.label, score) for score in scores],
            chosen.columns,
        )

    def content() -> SafeString:
        scores, window = counts.scores()
        rows = [(score, [cell(score, key) for key in chosen.columns]) for score in scores]
        return render_to_string(
            "scorecard/_zone.html",
            {
                **_page_context(chosen, rows),
                "zone": zone,
                "chart": charts.line_chart(
                    [(s.period.label, s.index if measured(s) else None) for s in scores],
                    rtl=get_language_bidi(),
                ),
                "held_chart": charts.line_chart(
                    [(s.period.label, s.held if measured(s) else None) for s in scores],
                    rtl=get_language_bidi(),
                    maximum=max([s.held for s in scores] + [1]),
                ),
                "formula": _formula(window),
            },
        )

    return render(
        request,
        "scorecard/zone.html",
        {"zone": zone, "period": chosen.period, "content": counts.html(_variant(chosen, "zone"), content)},
    )
