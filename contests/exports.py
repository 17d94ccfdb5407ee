"""A round's results as CSV or XLSX, for those who run it.

While a blind round is not revealed the file carries entry numbers only: a spreadsheet leaves the portal
and may reach a judge, so who may download it does not widen what it says. Once revealed (or for a round
that was never blind) it names each contestant and their zone; contact details are never exported.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from contests.models import Round
from contests.services.rounds import rank_round
from zones_portal.exports import csv_download, xlsx_download


def results_table(round_: Round) -> tuple[list[str], list[list[object]]]:
    criteria = list(round_.criteria.all())
    blind = round_.hides_identity
    header = [pgettext("standing", "place"), _("entry number")]
    if not blind:
        header += [_("full name"), _("zone")]
    header += [_("judges"), _("weighted score"), *[c.name for c in criteria], _("status")]
    rows = []
    for standing in rank_round(round_):
        entry = standing.entry
        row: list[object] = [standing.place if standing.place is not None else "", entry.number]
        if not blind:
            row += [entry.application.full_name, entry.application.zone.name]
        row += [
            standing.judges,
            float(standing.total) if standing.total is not None else "",
            *[float(round(value, 3)) for value in standing.by_criterion],
            entry.get_status_display(),
        ]
        rows.append(row)
    return header, rows


def results_download(round_: Round, kind: str, *, rtl: bool) -> HttpResponse:
    header, rows = results_table(round_)
    name = f"round-{round_.pk}-results"
    if kind == "xlsx":
        return xlsx_download(name, header, rows, rtl=rtl)
    return csv_download(name, header, rows)
