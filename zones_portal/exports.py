"""Spreadsheet downloads: CSV (with a byte-order mark, so spreadsheet programs read Persian) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell that begins with one of these is run as a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(value: object) -> object:
    """Text a spreadsheet would run is kept as text: an apostrophe in front, which spreadsheet programs
    take to mean "this is text" and do not show. Numbers and empty cells pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _filename(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_download(name: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([inert(str(cell)) for cell in header])
    writer.writerows(
        [inert(cell if isinstance(cell, int | float) or cell is None else str(cell)) for cell in row]
        for row in rows
    )
    return response


def xlsx_download(
    name: str, header: Iterable[object], rows: Iterable[Iterable[object]], *, rtl: bool = False
) -> HttpResponse:
    # Imported here: openpyxl costs every web worker some 19 MB of memory, and few requests download.
    from openpyxl import Workbook  # noqa: PLC0415 - see the comment above
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell if isinstance(cell, int | float) or cell is None else str(cell) for cell in row])
    # openpyxl stores text that begins with "=" as a formula; every text cell is stored as text.
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "xlsx")}"'
    return response
