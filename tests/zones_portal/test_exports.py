"""Every export is inert in a spreadsheet: text that would run as a formula is kept as text."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import make_application, make_call, make_event
from zones_portal.exports import csv_download, xlsx_download

pytestmark = pytest.mark.django_db
DANGEROUS = [
    '=HYPERLINK("http://evil.example","win")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_csv_cell_that_would_run_starts_with_an_apostrophe(text):
    rows = read_csv(csv_download("test", ["title"], [[text], ["عادی"], [-5], [None]]))
    assert rows[1] == ["'" + text]
    assert rows[2:] == [["عادی"], ["-5"], [""]]  # ordinary text and numbers stay as they are


@pytest.mark.parametrize("text", DANGEROUS)
def test_an_xlsx_cell_is_text_never_a_formula(text):
    response = xlsx_download("test", ["title"], [[text], [3]])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value.strip() == text.strip()  # (a leading carriage return comes back as a line feed)
    assert sheet["A3"].value == 3


@pytest.mark.parametrize("first", ["=", "+", "-", "@"])
def test_the_events_export_neutralises_a_title(client_for, secretariat, kish, first):
    make_event(kish, status="approved", title=f"{first}1+1 عنوان")
    response = client_for(secretariat).get(reverse("admin:events_event_export"))
    assert read_csv(response)[1][1] == f"'{first}1+1 عنوان"


def test_the_ranking_export_neutralises_an_applicants_name(client_for, secretariat, kish):
    call = make_call()
    make_application(call, kish, full_name='=HYPERLINK("http://evil.example","win")')
    response = client_for(secretariat).get(reverse("admin:talent_talentcall_ranking_csv", args=[call.pk]))
    assert response.status_code == 200
    names = [row for row in read_csv(response)[1:] if any("HYPERLINK" in cell for cell in row)]
    assert names
    assert all(cell.startswith("'") for row in names for cell in row if "HYPERLINK" in cell)
