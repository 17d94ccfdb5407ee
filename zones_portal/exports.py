"""Spreadsheet downloads: CSV (with a byte-order mark, so spreadsheet programs read Persian) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_download(name: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(cell) for cell in header])
    writer.writerows(rows)
    return response


def xlsx_download(
    name: str, header: Iterable[object], rows: Iterable[Iterable[object]], *, rtl: bool = False
) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell if isinstance(cell, int | float) or cell is None else str(cell) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "xlsx")}"'
    return response
