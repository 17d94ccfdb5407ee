"""The scorecard pages: the zones side by side, and one zone month by month; both exportable."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from scorecard import caching, charts, periods, permissions
from scorecard.measures import COMPONENT_LABELS, WEIGHTS, Score
from zones_portal.dates import persian_digits, uses_jalali
from zones_portal.exports import csv_download, xlsx_download
from zones_portal.models import Zone
from zones_portal.widgets import LocalDateField

PRESET_LABELS = {
    "month": gettext_lazy("This month"),
    "last-month": gettext_lazy("Last month"),
    "quarter": gettext_lazy("This quarter"),
    "last-quarter": gettext_lazy("Last quarter"),
    "year": gettext_lazy("This year"),
    "last-year": gettext_lazy("Last year"),
    "five-years": gettext_lazy("Five years"),
}


class SpanForm(forms.Form):
    start = LocalDateField(label=gettext_lazy("From"), required=False)
    end = LocalDateField(label=gettext_lazy("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both the first and the last day."))
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first."))
            if end - start > periods.MAX_SPAN:
                raise forms.ValidationError(_("Choose a span of at most five years."))
        return data


SPAN_PARAMETERS = ("period", "start", "end")


def _period(request: HttpRequest) -> tuple[periods.Period, str, SpanForm]:
    form = SpanForm(request.GET if "start" in request.GET else None)
    choices = periods.presets(timezone.localdate(), get_language())
    if form.is_bound and form.is_valid() and form.cleaned_data.get("start"):
        return periods.span(form.cleaned_data["start"], form.cleaned_data["end"], get_language()), "", form
    key = request.GET.get("period", "quarter")
    key = key if key in choices else "quarter"
    return choices[key], key, form


def _require_access(request: HttpRequest) -> None:
    if not permissions.can_see_scorecard(request.user):
        raise PermissionDenied(_("The scorecard is for the secretariat and the zones."))


COLUMNS = [
    ("index", gettext_lazy("Coordination index")),
    ("proposed", gettext_lazy("Events proposed")),
    ("approved", gettext_lazy("Approved")),
    ("held", gettext_lazy("Held")),
    ("reported", gettext_lazy("Reported")),
    ("cross_hosted", gettext_lazy("Cross-zone events hosted")),
    ("cross_joined", gettext_lazy("Cross-zone events joined")),
    ("invitations", gettext_lazy("Invitations received")),
    ("answer_rate", gettext_lazy("Answer rate (%)")),
    ("median_hours_to_answer", gettext_lazy("Median hours to answer")),
    ("reports_on_time_rate", gettext_lazy("Reports on time (%)")),
    ("obligations_on_time_rate", gettext_lazy("Obligations met on time (%)")),
    ("applications", gettext_lazy("Applications to calls")),
    ("days_since_activity", gettext_lazy("Days since last activity")),
]
RATES = {"answer_rate", "reports_on_time_rate", "obligations_on_time_rate"}


def cell(score: Score, column: str) -> float | int | None:
    if score.future:
        return None
    value = getattr(score, column)
    if column in RATES:
        return round(value * 100, 1) if value is not None else None
    return value


EXPORTS = ("csv", "xlsx")


def _export(
    request: HttpRequest, name: str, first_header: str, rows: list[tuple[str, Score]]
) -> HttpResponse:
    kind = request.GET.get("format")
    header = [first_header] + [str(label) for _key, label in COLUMNS]
    table = [[label] + [cell(score, key) for key, _label in COLUMNS] for label, score in rows]
    if kind == "csv":
        return csv_download(name, header, [["" if v is None else v for v in row] for row in table])
    return xlsx_download(name, header, table, rtl=get_language_bidi())


def _formula(window: int) -> list[tuple[int, str]]:
    days = persian_digits(str(window)) if uses_jalali() else str(window)
    return [(WEIGHTS[key], str(COMPONENT_LABELS[key]) % {"days": days}) for key in WEIGHTS]


def _query(request: HttpRequest) -> str:
    """The span as the query names it, and nothing else the address may carry: links keep it, and the
    content is kept per span, not per stray parameter."""
    return urlencode([(name, value) for name, value in request.GET.items() if name in SPAN_PARAMETERS])


def _variant(request: HttpRequest, page: str) -> str:
    """All a page's content depends on besides its counts: the page, the language and the span."""
    return f"{page}|{get_language()}|{_query(request)}"


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The seven zones side by side for the chosen span."""
    _require_access(request)
    period, preset, form = _period(request)
    counts = caching.Counts([period])
    if request.GET.get("format") in EXPORTS:
        scores, _window = counts.scores()
        return _export(request, "scorecard", _("Zone"), [(score.zone.name, score) for score in scores])

    def content() -> SafeString:
        scores, window = counts.scores()
        ranked = sorted(scores, key=lambda s: -(s.index or 0))
        return render_to_string(
            "scorecard/_overview.html",
            {
                "period": period,
                "preset": preset,
                "presets": PRESET_LABELS,
                "form": form,
                "rows": [(score, [cell(score, key) for key, _label in COLUMNS]) for score in scores],
                "columns": COLUMNS,
                "chart": charts.bar_chart(
                    [(s.zone.name, s.index or 0) for s in ranked], rtl=get_language_bidi()
                ),
                "formula": _formula(window),
                "query": _query(request),
            },
        )

    return render(
        request,
        "scorecard/overview.html",
        {"period": period, "content": counts.html(_variant(request, "overview"), content)},
    )


@login_required
def zone_trend(request: HttpRequest, slug: str) -> HttpResponse:
    """One zone, month by month across the span (at most five years: sixty months)."""
    _require_access(request)
    zone = get_object_or_404(Zone.objects.visible_to(request.user), slug=slug)
    period, preset, form = _period(request)
    months = periods.months(period.start, period.end, get_language())
    counts = caching.Counts(months, zone=zone)
    if request.GET.get("format") in EXPORTS:
        scores, _window = counts.scores()
        return _export(
            request, f"scorecard-{zone.slug}", _("Month"), [(score.period.label, score) for score in scores]
        )

    def content() -> SafeString:
        scores, window = counts.scores()
        return render_to_string(
            "scorecard/_zone.html",
            {
                "zone": zone,
                "period": period,
                "preset": preset,
                "presets": PRESET_LABELS,
                "form": form,
                "rows": [(score, [cell(score, key) for key, _label in COLUMNS]) for score in scores],
                "columns": COLUMNS,
                "chart": charts.line_chart(
                    [(s.period.label, s.index) for s in scores], rtl=get_language_bidi()
                ),
                "held_chart": charts.line_chart(
                    [(s.period.label, None if s.future else s.held) for s in scores],
                    rtl=get_language_bidi(),
                    maximum=max([s.held for s in scores] + [1]),
                ),
                "formula": _formula(window),
                "query": _query(request),
            },
        )

    return render(
        request,
        "scorecard/zone.html",
        {"zone": zone, "period": period, "content": counts.html(_variant(request, "zone"), content)},
    )
