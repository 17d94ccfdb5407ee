"""A series year on year in the scorecard (issue 19, part 5): each edition's attendance, artists,
partners, money (for those who may see it) and whether it was reported on time, at a fixed cost."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import EventReport, EventSeries, Participation
from tests.factories import make_event
from zones_portal.dates import persian_digits

pytestmark = pytest.mark.django_db


def yearly_festival(kish, qeshm, art_bureau, editions: int, *, late: int | None = None) -> EventSeries:
    """``editions`` reported editions, a year apart, the last about a month ago; ``late``: the index of
    the one whose report came three weeks after it ended."""
    series = EventSeries.objects.create(title="جشنواره دریا", host_zone=kish)
    last = timezone.now() - dt.timedelta(days=30)
    for index in range(editions):
        start = services.shifted(last, EventSeries.Recurrence.YEARLY, index - editions + 1)
        event = make_event(kish, status="reported", series=series, invite=(qeshm,), title=f"دریا {index}")
        event.starts_at, event.ends_at = start, start + dt.timedelta(hours=48)
        event.save()
        event.co_organisers.set([art_bureau])
        event.participations.update(answer=Participation.Answer.ACCEPTED)
        EventReport.objects.create(
            event=event,
            attendance=1000 + 100 * index,
            artists_count=20 + index,
            outcomes="برگزار شد.",
            spent=5_000_000 * (index + 1),
            filed_at=event.ends_at + dt.timedelta(days=21 if index == late else 2),
        )
    return series


def rows(html: str) -> list[str]:
    table = html.split('class="table series-editions"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def test_each_edition_year_by_year_with_its_figures(client_for, kish, qeshm, art_bureau, kish_deputy):
    series = yearly_festival(kish, qeshm, art_bureau, 3, late=1)
    make_event(kish, status="draft", series=series, title="پیش‌نویس", starts_in_days=300)
    make_event(kish, status="cancelled", series=series, title="لغو شده", starts_in_days=-500)
    html = client_for(kish_deputy).get(reverse("scorecard:series", args=[series.pk])).content.decode()
    table = [cells(row) for row in rows(html)]
    assert len(table) == 4  # three reported and the draft; a cancelled edition did not take place
    years = [row[0][0] for row in table]
    this_year = jdatetime.date.fromgregorian(date=timezone.localdate() - dt.timedelta(days=30)).year
    assert years[:3] == [persian_digits(str(this_year - back)) for back in (2, 1, 0)]
    first = table[0]
    assert first[1] == [persian_digits("1000")]
    assert first[2] == [persian_digits("20")]
    assert first[3] == [persian_digits("1")]  # Qeshm accepted
    assert first[4] == [persian_digits("1")]  # the Art Bureau
    assert persian_digits("5") in "".join(first[5])  # five million rials, grouped in the reader's digits
    raw = rows(html)
    assert 'class="badge warn"' not in raw[0]
    assert 'class="badge warn"' in raw[1]  # reported three weeks after it ended
    assert table[3][1] == ["—"]  # the draft: no report yet
    assert "<svg" in html  # the attendance chart
    assert html.count('class="bar"') == 3


def test_money_is_for_the_host_and_the_secretariat(
    client_for, kish, qeshm, art_bureau, qeshm_deputy, secretariat
):
    series = yearly_festival(kish, qeshm, art_bureau, 2)
    url = reverse("scorecard:series", args=[series.pk])
    other = [cells(row) for row in rows(client_for(qeshm_deputy).get(url).content.decode())]
    assert [row[5] for row in other] == [["—"], ["—"]]
    assert other[0][1] == [persian_digits("1000")]  # the rest is the scorecard's, for every zone
    officer = [cells(row) for row in rows(client_for(secretariat).get(url).content.decode())]
    assert all(row[5] != ["—"] for row in officer)


def test_who_may_open_it(client_for, kish, qeshm, art_bureau, art_bureau_partner, qeshm_deputy, anonymous):
    series = yearly_festival(kish, qeshm, art_bureau, 1)
    url = reverse("scorecard:series", args=[series.pk])
    assert client_for(art_bureau_partner).get(url).status_code == 403  # the scorecard is for zones
    assert anonymous.get(url).status_code == 302
    unseen = EventSeries.objects.create(title="تنها", host_zone=kish)
    make_event(kish, status="draft", series=unseen)
    assert client_for(qeshm_deputy).get(reverse("scorecard:series", args=[unseen.pk])).status_code == 404


def test_the_series_page_links_to_it(client_for, kish, qeshm, art_bureau, kish_deputy):
    series = yearly_festival(kish, qeshm, art_bureau, 1)
    page = client_for(kish_deputy).get(reverse("events:series", args=[series.pk])).content.decode()
    assert reverse("scorecard:series", args=[series.pk]) in page


@pytest.mark.parametrize("editions", [2, 7])
def test_the_page_costs_the_same_for_two_editions_or_seven(
    client_for, kish, qeshm, art_bureau, secretariat, editions, django_assert_num_queries
):
    series = yearly_festival(kish, qeshm, art_bureau, editions)
    client = client_for(secretariat)
    url = reverse("scorecard:series", args=[series.pk])
    client.get(url)
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    assert len(rows(html)) == editions


def test_in_english_years_are_gregorian_with_latin_digits(client_for, kish, qeshm, art_bureau, kish_deputy):
    kish_deputy.language = "en"
    kish_deputy.save(update_fields=["language"])
    series = yearly_festival(kish, qeshm, art_bureau, 2)
    html = client_for(kish_deputy).get(reverse("scorecard:series", args=[series.pk])).content.decode()
    years = [cells(row)[0][0] for row in rows(html)]
    last = (timezone.localdate() - dt.timedelta(days=30)).year
    assert years[-1] in (str(last), str(last - 1), str(last + 1))
    assert "1000" in html


def test_the_table_downloads_as_csv_and_xlsx_with_the_pages_rule_for_money(
    client_for, kish, qeshm, art_bureau, qeshm_deputy, secretariat, art_bureau_partner
):
    import csv
    import io

    from openpyxl import load_workbook

    series = yearly_festival(kish, qeshm, art_bureau, 2, late=1)
    url = reverse("scorecard:series", args=[series.pk])
    page = client_for(secretariat).get(url).content.decode()
    assert "format=csv" in page
    assert "format=xlsx" in page
    answer = client_for(secretariat).get(url, {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(table) == 3  # the header and two editions
    assert table[1][1] == "دریا 0"
    assert table[1][2:6] == ["1000", "20", "1", "1"]
    assert table[1][6].startswith("5000000")
    assert table[2][7] != table[1][7]  # on time, then late
    theirs = list(
        csv.reader(
            io.StringIO(client_for(qeshm_deputy).get(url, {"format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert [row[6] for row in theirs[1:]] == ["", ""]  # the money stays the host's and the secretariat's
    book = load_workbook(io.BytesIO(client_for(secretariat).get(url, {"format": "xlsx"}).content))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    assert sheet.max_row == 3
    assert client_for(art_bureau_partner).get(url, {"format": "csv"}).status_code == 403
