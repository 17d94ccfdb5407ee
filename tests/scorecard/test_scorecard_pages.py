"""The scorecard's pages (issue 15): a readable table (grouped headers, a held first column, a choice of
columns kept in the address), trend charts with thinned month names and gaps for months without data,
the span's dates in the From and To fields, periods that name their calendar, Persian digits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import jdatetime
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from scorecard import caching, charts, periods, views
from tests.scorecard.test_scorecard import held_event
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("scorecard:overview")
KISH = reverse("scorecard:zone", args=["kish"])


class Markup(HTMLParser):
    """The page's elements with their attributes and the text of <main>, outside scripts and styles."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._in_main = 0
        self._skipping = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "main":
            self._in_main += 1
        if tag in ("script", "style"):
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main -= 1
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data):
        if self._in_main and not self._skipping:
            self.text.append(data)

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(key.rstrip("_")) == value for key, value in wanted.items())
        ]


def english(user):
    user.language = "en"
    user.save()
    return user


def thead(html: str) -> str:
    return html[html.index("<thead>") : html.index("</thead>")]


def header_cells(html: str) -> list[tuple[str, str]]:
    """The table's header cells as (attributes, text)."""
    return re.findall(r"<th ([^>]*)>([^<]*)</th>", thead(html))


# 1. The table


def test_the_headers_are_grouped_by_theme_and_the_first_column_is_held(client_for, secretariat):
    html = client_for(english(secretariat)).get(OVERVIEW).content.decode()
    cells = header_cells(html)
    groups = [
        (re.search(r'colspan="(\d+)"', attrs).group(1), text) for attrs, text in cells if "colgroup" in attrs
    ]
    assert groups == [
        ("5", "Events"),
        ("6", "Cross-zone activity"),
        ("1", "Agreements"),
        ("1", "Talent calls"),
        ("3", "Coordination desk"),
        ("1", "Annual programme"),
    ]
    first, index = cells[0], cells[1]
    assert (first[1], 'class="first"' in first[0], 'rowspan="2"' in first[0]) == ("Zone", True, True)
    assert (index[1], 'rowspan="2"' in index[0]) == ("Coordination index", True)  # a theme of its own
    # Under the themes, every measure once, in the order of the columns (and of the exports).
    measures = [text for attrs, text in cells if 'scope="col"' in attrs][1:]
    assert measures == [str(label) for _key, label in views.COLUMNS]
    assert '<th scope="row" class="first"><a href="/scorecard/kish/">Kish</a></th>' in html
    page = Markup(html)
    assert page.find("colgroup", class_="theme theme-events", span="5")
    # The table scrolls in a box of its own that says so, and a keyboard can scroll it.
    [box] = page.find("div", role="region")
    assert (box["tabindex"], box["aria-describedby"]) == ("0", "scores-hint")
    assert "The table scrolls sideways; the first column stays in view." in html
    assert page.find("link", rel="stylesheet", href=settings.STATIC_URL + "css/scorecard.css")
    assert page.find("script", src=settings.STATIC_URL + "js/scorecard.js")


def test_the_style_sheet_holds_the_first_column_and_prints_the_whole_table():
    sheet = (Path(settings.BASE_DIR) / "static" / "css" / "scorecard.css").read_text()
    held = re.search(r"table\.scores \.first \{([^}]*)\}", sheet).group(1)
    assert "position: sticky" in held
    assert "inset-inline-start: 0" in held
    printed = sheet[sheet.index("@media print") :]
    assert ".columns-choice" in printed
    assert ".score-scroll { overflow: visible; }" in printed


def test_the_columns_chosen_stay_in_the_address_links_and_exports(client_for, secretariat, kish):
    held_event(kish, timezone.localdate() - dt.timedelta(days=2), report_after_days=1)
    client = client_for(english(secretariat))
    html = client.get(OVERVIEW + "?period=year&col=held&col=index&col=nonsense").content.decode()
    assert [text for _attrs, text in header_cells(html)] == ["Zone", "Coordination index", "Events", "Held"]
    kish_row = html[html.index(">Kish</a>") :]
    assert re.findall(r'<td class="m-(\w+)', kish_row[: kish_row.index("</tr>")]) == ["index", "held"]
    kept = "period=year&amp;col=index&amp;col=held"
    assert f'href="/scorecard/kish/?{kept}"' in html  # the zone's page
    assert 'href="?period=month&amp;col=index&amp;col=held"' in html  # another span
    assert f'href="?{kept}&amp;format=csv"' in html
    page = Markup(html)
    assert {attrs["value"] for attrs in page.find("input", type="checkbox", name="col", checked="")} == {
        "index",
        "held",
    }
    assert len(page.find("input", type="checkbox", name="col")) == len(views.COLUMNS)
    # The span form carries the columns; the column form carries the span.
    assert page.find("input", type="hidden", name="col", value="held")
    assert page.find("input", type="hidden", name="period", value="year")
    assert "Columns: 2 of 18" in html
    assert 'href="?period=year">All columns</a>' in html
    export = client.get(OVERVIEW + "?period=year&col=held&col=index&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0] == ["Zone", "Coordination index", "Held"]
    assert next(row for row in rows if row[0] == "Kish")[2] == "1"
    # None ticked (or none known): every column.
    every = client.get(OVERVIEW + "?period=year&col=nonsense").content.decode()
    assert len(header_cells(every)) == 1 + 6 + len(views.COLUMNS)  # the zone, six themes, the measures


def test_a_column_choice_is_not_served_another_choices_cached_table(client_for, secretariat, kish):
    client = client_for(english(secretariat))
    assert "Applications to calls" in client.get(OVERVIEW + "?period=year").content.decode()
    narrowed = client.get(OVERVIEW + "?period=year&col=held").content.decode()
    assert "Applications to calls</th>" not in narrowed
    assert "Applications to calls</th>" in client.get(OVERVIEW + "?period=year").content.decode()


def queries(client, page: str) -> tuple[int, int]:
    """How many queries a page runs once something counted changed, and then again from the cache."""
    client.get(page)
    caching.bump()
    counted = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        counted.append(len(captured.captured_queries))
    return counted[0], counted[1]


@pytest.mark.parametrize("page", [OVERVIEW, KISH])
def test_choosing_columns_and_a_calendar_costs_no_query(client_for, secretariat, kish, page):
    held_event(kish, timezone.localdate() - dt.timedelta(days=2), report_after_days=1)
    client = client_for(english(secretariat))
    plain = queries(client, page + "?period=year")
    assert queries(client, page + "?period=year&calendar=solar-hijri&col=held&col=answer_rate") == plain
    assert queries(client, page + "?start=2025-01-01&end=2026-06-30&col=index") == plain


# 2. The trend chart


def months_of(count: int, language: str = "en", calendar: str | None = None) -> list[str]:
    """The names of ``count`` months in a row from the start of a year (Farvardin 1401 or January 2022)."""
    solar = periods.calendar_for(language, calendar) == periods.SOLAR_HIJRI
    start = dt.date(2022, 3, 21) if solar else dt.date(2022, 1, 1)
    every = periods.months(start, start + dt.timedelta(days=6 * 366), language, calendar)
    return [month.label for month in every[:count]]


@pytest.mark.parametrize("count", [3, 6, 12, 24, 36, 60, 61])
@pytest.mark.parametrize(
    ("language", "calendar", "rtl"), [("en", None, False), ("fa", None, True), ("en", "solar-hijri", False)]
)
def test_no_two_month_names_overlap(count, language, calendar, rtl):
    labels = months_of(count, language, calendar)
    assert len(labels) == count
    chart = charts.line_chart([(label, 50) for label in labels], rtl=rtl)
    for ticks, font in ((chart.ticks, charts.TICK_FONT), (chart.narrow_ticks, charts.NARROW_TICK_FONT)):
        assert ticks
        assert not charts.overlapping(ticks, font)
        for tick in ticks:  # inside the chart
            half = charts.label_width(tick.label, font) / 2
            assert half <= tick.x + 0.1
            assert tick.x - 0.1 <= chart.width - half
    assert chart.step in charts.LABEL_STEPS
    if count == 3:
        assert chart.step == 1  # a short span names every month
    if count >= 24:
        assert chart.step >= 3
        assert chart.narrow_step > chart.step


def test_time_runs_right_to_left_in_persian():
    labels = months_of(12, "fa")
    ltr, rtl = (
        charts.line_chart([(m, 1) for m in labels], rtl=False),
        charts.line_chart([(m, 1) for m in labels], rtl=True),
    )
    assert ltr.points[0].x < ltr.points[-1].x
    assert rtl.points[0].x > rtl.points[-1].x
    assert [p.x for p in rtl.points] == pytest.approx([ltr.width + 20 - p.x for p in ltr.points], abs=0.11)


def test_a_month_without_data_is_a_gap_not_a_zero():
    chart = charts.line_chart(
        [("a", 10), ("b", None), ("c", 30), ("d", 40), ("e", None), ("f", 60)], rtl=False
    )
    assert chart.path.count("M") == 3
    assert chart.path.count("L") == 1
    assert [p.y is None for p in chart.points] == [False, True, False, False, True, False]
    assert chart.gaps == 2
    baseline = chart.gridlines[0][0]
    assert f",{baseline}" not in chart.path  # nothing dropped to the zero line


def test_the_zone_trend_leaves_months_before_any_activity_as_gaps(client_for, secretariat, kish):
    today = timezone.localdate()
    held_event(kish, today - dt.timedelta(days=3), report_after_days=1)
    html = client_for(english(secretariat)).get(KISH + "?period=five-years").content.decode()
    index_chart = html[html.index('id="index-trend-title"') : html.index('id="held-trend-title"')]
    months = periods.months(*_bounds(periods.presets(today, "en")["five-years"]), "en")
    past = [m for m in months if m.start <= today]
    # One point a month since the activity (this month only, or last and this at a month's turn).
    dots = re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', index_chart)
    assert 1 <= len(dots) <= 2
    assert index_chart.count("No data") == len(months) - len(dots)
    assert len(past) > len(dots)
    assert "Months with no data are left as gaps in the line." in index_chart
    # Accessible: named and described, with the numbers as a table.
    page = Markup(html)
    [svg] = page.find("svg", **{"aria-labelledby": "index-trend-title index-trend-desc"})
    assert svg["role"] == "img"
    assert '<title id="index-trend-title">Coordination index, month by month</title>' in html
    assert f"{len(months)} months, from {months[0].label} to {months[-1].label}." in html
    assert index_chart.count('<th scope="row">') == len(months)


def _bounds(period):
    return period.start, period.end


def test_month_names_are_thinned_on_the_page(client_for, secretariat, kish):
    html = client_for(english(secretariat)).get(KISH + "?period=five-years").content.decode()
    index_chart = html[html.index('id="index-trend-title"') : html.index('id="held-trend-title"')]
    wide = re.findall(r'class="tick month wide">([^<]+)<', index_chart)
    narrow = re.findall(r'class="tick month narrow">([^<]+)<', index_chart)
    assert 4 <= len(wide) <= 12
    assert 2 <= len(narrow) < len(wide)


# 3. The From and To fields


def test_the_fields_show_the_span_on_show_in_the_readers_calendar(client_for, secretariat):
    today = timezone.localdate()
    client = client_for(secretariat)
    quarter = periods.presets(today, "fa")["quarter"]
    page = Markup(client.get(OVERVIEW + "?period=quarter").content.decode())
    [start] = page.find("input", name="start")
    [end] = page.find("input", name="end")
    with translation.override("fa"):
        assert start["value"] == input_date(quarter.start)
        assert start["value"].startswith("۱۴")
        assert end["value"] == input_date(quarter.end - dt.timedelta(days=1))
    # A span typed in Gregorian on a Persian page is shown back in the Solar Hijri calendar.
    typed = Markup(client.get(OVERVIEW + "?start=2026-03-21&end=2026-06-21").content.decode())
    assert [
        attrs["value"] for attrs in typed.find("input", type="text") if attrs.get("name") in ("start", "end")
    ] == [
        "۱۴۰۵/۰۱/۰۱",
        "۱۴۰۵/۰۳/۳۱",
    ]
    client = client_for(english(secretariat))
    gregorian = periods.presets(today, "en")["quarter"]
    page = Markup(client.get(OVERVIEW + "?period=quarter").content.decode())
    assert [(a["type"], a["value"]) for a in page.find("input") if a.get("name") in ("start", "end")] == [
        ("date", gregorian.start.isoformat()),
        ("date", (gregorian.end - dt.timedelta(days=1)).isoformat()),
    ]
    page = Markup(client.get(OVERVIEW + "?period=quarter&calendar=solar-hijri").content.decode())
    [start] = page.find("input", name="start")
    first = jdatetime.date.fromgregorian(date=quarter.start)
    assert (start["type"], start["value"]) == ("text", f"{first.year}/{first.month:02d}/{first.day:02d}")


def test_a_span_typed_in_the_solar_hijri_calendar_on_an_english_page(client_for, secretariat):
    response = client_for(english(secretariat)).get(
        OVERVIEW + "?start=1405/01/01&end=1405/03/31&calendar=solar-hijri"
    )
    assert (response.context["period"].start, response.context["period"].end) == (
        dt.date(2026, 3, 21),
        dt.date(2026, 6, 22),
    )
    assert "1 Farvardin 1405 – 31 Khordad 1405 (Solar Hijri)" in response.content.decode()


# 4. Periods name their calendar


def test_this_quarter_names_its_calendar_in_english(client_for, secretariat):
    today = timezone.localdate()
    client = client_for(english(secretariat))
    gregorian = periods.presets(today, "en")["quarter"]
    solar = periods.presets(today, "fa")["quarter"]
    html = client.get(OVERVIEW + "?period=quarter").content.decode()
    assert (
        f"Coordination scorecard: This quarter (Gregorian: Quarter {(today.month - 1) // 3 + 1} of {today.year})"
        in html
    )
    assert "Months, quarters and years on this page are in the Gregorian calendar." in html
    assert 'href="?period=quarter&amp;calendar=solar-hijri">Solar Hijri</a>' in html
    response = client.get(OVERVIEW + "?period=quarter&calendar=solar-hijri")
    html = response.content.decode()
    year = jdatetime.date.fromgregorian(date=today).year
    assert re.search(rf"This quarter \(Solar Hijri: Quarter [1-4] of {year}\)", html)
    assert (response.context["period"].start, response.context["period"].end) == (solar.start, solar.end)
    assert (solar.start, solar.end) != (gregorian.start, gregorian.end) or today.month in (1, 4, 7, 10)
    # The choice stays in the links, and is marked as the one in use.
    assert 'href="?period=month&amp;calendar=solar-hijri"' in html
    assert 'aria-current="true">Solar Hijri</a>' in html
    assert "Months, quarters and years on this page are in the Solar Hijri calendar." in html


def test_persian_pages_count_in_the_solar_hijri_calendar_and_say_so(client_for, secretariat):
    today = timezone.localdate()
    response = client_for(secretariat).get(OVERVIEW + "?period=quarter&calendar=gregorian")
    solar = periods.presets(today, "fa")["quarter"]
    assert (response.context["period"].start, response.context["period"].end) == (solar.start, solar.end)
    html = response.content.decode()
    with translation.override("fa"):
        name = str(periods.CALENDAR_NAMES[periods.SOLAR_HIJRI])
        heading = periods.described(solar, periods.SOLAR_HIJRI, str(views.PRESET_LABELS["quarter"]))
    assert f"<strong>{name}</strong>" in html
    assert heading in html
    assert name in heading
    assert solar.label in heading
    assert 'href="?period=month"' in html  # no calendar choice to keep


def test_preset_labels_name_their_calendar():
    today = dt.date(2026, 11, 28)
    with translation.override("en"):
        english = periods.presets(today, "en")
        solar = periods.presets(today, "en", periods.SOLAR_HIJRI)
        assert periods.described(english["quarter"], periods.GREGORIAN, "This quarter") == (
            "This quarter (Gregorian: Quarter 4 of 2026)"
        )
        assert periods.described(solar["quarter"], periods.SOLAR_HIJRI, "This quarter") == (
            "This quarter (Solar Hijri: Quarter 3 of 1405)"
        )
        assert [solar["month"].label, solar["five-years"].label] == ["Azar 1405", "1401–1405"]
        assert english["five-years"].label == "2022–2026"
        custom = periods.span(dt.date(2026, 9, 23), dt.date(2026, 12, 21), "en", periods.SOLAR_HIJRI)
        assert periods.described(custom, periods.SOLAR_HIJRI) == "1 Mehr 1405 – 30 Azar 1405 (Solar Hijri)"
    assert periods.calendar_for("fa", periods.GREGORIAN) == periods.SOLAR_HIJRI
    assert periods.calendar_for("en", "nonsense") == periods.GREGORIAN


# Persian digits throughout


@pytest.mark.parametrize("page", [OVERVIEW + "?period=year", KISH + "?period=five-years"])
def test_persian_pages_write_every_number_in_persian_digits(client_for, secretariat, kish, page):
    held_event(kish, timezone.localdate() - dt.timedelta(days=3), report_after_days=1)
    markup = Markup(client_for(secretariat).get(page).content.decode())
    text = " ".join(markup.text)
    assert re.search("[۰-۹]", text)
    assert not re.findall(r"\S*[0-9]\S*", text)
