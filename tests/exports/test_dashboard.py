"""The export dashboard (issue 17, part 7): value by zone, field, country and year, the top destinations,
the growth on last year, the share from fairs and agreements, downloads, and who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import jdatetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from exports import dashboard
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from tests.factories import make_agreement, make_event

pytestmark = pytest.mark.django_db

URL = "/exports/dashboard/"
THIS_YEAR = jdatetime.date.today().year


def field(slug: str, name_fa: str) -> CreativeField:
    made, _ = CreativeField.objects.get_or_create(
        slug=slug, defaults={"name_fa": name_fa, "name_en": slug.title()}
    )
    return made


def business(zone, name: str, creative: CreativeField) -> CreativeBusiness:
    return CreativeBusiness.objects.create(zone=zone, name=name, field=creative, contact_phone="09121112233")


def deal(owner: CreativeBusiness, country: str, rials: int, on: dt.date, **extra) -> ExportDeal:
    """A deal in dollars at 500,000 rials, worth ``rials``."""
    return ExportDeal.objects.create(
        business=owner,
        buyer_country=country,
        product="محموله",
        value=Decimal(rials) / 500_000,
        currency="USD",
        rate_to_rial=Decimal(500_000),
        signed_on=on,
        **extra,
    )


def jalali_day(year: int, month: int, day: int) -> dt.date:
    return jdatetime.date(year, month, day).togregorian()


@pytest.fixture
def world(kish, qeshm):
    """Kish: carpets to Iraq and Turkey, film to Iraq, one fair deal and one under an agreement; last
    year's Kish deal; and Qeshm's deal to Armenia, which only the secretariat's view may count."""
    carpets, film = field("carpet", "فرش"), field("film", "فیلم")
    rug = business(kish, "فرش کیش", carpets)
    movie = business(kish, "فیلم کیش", film)
    secret = business(qeshm, "گلابتون قشم", field("needlework", "گلابتون‌دوزی"))
    fair = make_event(kish, status="reported", category="export-fair", starts_in_days=-40)
    mou = make_agreement(zones=[kish])
    day = jalali_day(THIS_YEAR, 1, 10)
    deal(rug, "IQ", 3_000_000_000, day, event=fair)
    deal(rug, "TR", 1_000_000_000, day, agreement=mou)
    deal(movie, "IQ", 1_000_000_000, day)
    deal(rug, "IQ", 2_500_000_000, jalali_day(THIS_YEAR - 1, 1, 5))
    deal(secret, "AM", 7_000_000_000, day)
    return {"rug": rug, "movie": movie, "secret": secret, "fair": fair, "mou": mou}


def rows(board_rows) -> dict[str, tuple[Decimal, int]]:
    return {row.key: (row.value, row.deals) for row in board_rows}


def test_the_secretariat_sees_every_zone_by_zone_field_and_country(world, secretariat):
    with translation.override("fa"):
        board = dashboard.build(secretariat)
    assert board.year == THIS_YEAR
    assert board.total == Decimal(12_000_000_000)
    assert rows(board.by_zone) == {"qeshm": (7_000_000_000, 1), "kish": (5_000_000_000, 3)}
    assert rows(board.by_field)["carpet"] == (4_000_000_000, 2)
    assert rows(board.by_country) == {
        "AM": (7_000_000_000, 1),
        "IQ": (4_000_000_000, 2),
        "TR": (1_000_000_000, 1),
    }
    assert [row.key for row in board.top_destinations] == ["AM", "IQ", "TR"]
    assert board.all_zones_total is None


def test_a_zone_sees_only_its_own_deals_and_the_sum_of_all(world, kish_deputy):
    with translation.override("fa"):
        board = dashboard.build(kish_deputy)
    assert board.total == Decimal(5_000_000_000)
    assert "AM" not in rows(board.by_country)  # Qeshm's buyer
    assert "needlework" not in rows(board.by_field)
    assert list(rows(board.by_zone)) == ["kish"]
    assert board.all_zones_total == Decimal(12_000_000_000)


def test_a_zone_cannot_ask_for_another_zone(world, kish_deputy, qeshm):
    with translation.override("fa"):
        board = dashboard.build(kish_deputy, zone_id=qeshm.pk)
    assert board.total == Decimal(5_000_000_000)


def test_growth_and_sources(world, secretariat, kish):
    with translation.override("fa"):
        board = dashboard.build(secretariat, zone_id=kish.pk)
    sources = {row.key: (row.value, row.share) for row in board.by_source}
    assert sources["fairs"] == (Decimal(3_000_000_000), 60.0)
    assert sources["agreements"] == (Decimal(1_000_000_000), 20.0)
    assert sources["neither"] == (Decimal(1_000_000_000), 20.0)
    years = {row.key: row for row in board.by_year}
    assert years[str(THIS_YEAR - 1)].value == Decimal(2_500_000_000)
    assert years[str(THIS_YEAR)].growth == 100.0  # 5 against 2.5 milliard
    assert len(board.by_year) == dashboard.YEARS_SHOWN


def test_this_year_is_compared_with_the_same_days_of_last_year(kish, secretariat):
    rug = business(kish, "فرش", field("carpet", "فرش"))
    today = timezone.localdate()
    deal(rug, "IQ", 2_000_000_000, today)
    a_year_ago = dashboard._same_day_a_year_before(today, jalali=True)
    deal(rug, "IQ", 1_000_000_000, a_year_ago)
    deal(
        rug, "IQ", 9_000_000_000, a_year_ago + dt.timedelta(days=1)
    )  # later in last year: not yet comparable
    with translation.override("fa"):
        board = dashboard.build(secretariat)
    assert board.in_progress
    assert board.previous_total == Decimal(1_000_000_000)
    assert board.growth == 100.0


def test_a_past_year_is_compared_with_the_whole_year_before(world, secretariat):
    with translation.override("fa"):
        board = dashboard.build(secretariat, year=THIS_YEAR - 1)
    assert not board.in_progress
    assert board.total == Decimal(2_500_000_000)
    assert board.growth is None  # nothing the year before that: no growth to speak of


def test_english_readers_count_gregorian_years(kish, secretariat):
    rug = business(kish, "فرش", field("carpet", "فرش"))
    deal(rug, "IQ", 1_000_000_000, dt.date(2024, 12, 30))
    deal(rug, "IQ", 3_000_000_000, dt.date(2025, 1, 2))
    with translation.override("en"):
        board = dashboard.build(secretariat, year=2024)
    assert board.total == Decimal(1_000_000_000)
    assert {row.key: row.value for row in board.by_year}["2024"] == Decimal(1_000_000_000)


def test_the_page_in_persian(world, client_for, secretariat):
    page = client_for(secretariat).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ارمنستان" in text  # the top destination, by name in Persian
    assert "۱۲٬۰۰۰٬۰۰۰٬۰۰۰" in text  # the year's total, in Persian digits
    assert "<svg" in text
    persian_year = str(THIS_YEAR).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f": {persian_year}" in text  # the year in the heading, in Persian digits


def test_the_zones_page_hides_other_zones(world, client_for, kish_deputy):
    text = client_for(kish_deputy).get(URL + "?zone=qeshm").content.decode()
    assert "ارمنستان" not in text
    assert "گلابتون" not in text
    assert "۵٬۰۰۰٬۰۰۰٬۰۰۰" in text


def test_the_secretariat_picks_a_zone(world, client_for, secretariat):
    text = client_for(secretariat).get(URL + "?zone=kish").content.decode()
    assert "ارمنستان" not in text
    assert "عراق" in text


def test_a_year_in_persian_digits(world, client_for, secretariat):
    year = str(THIS_YEAR - 1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    text = client_for(secretariat).get(URL, {"year": year}).content.decode()
    assert "ترکیه" not in text  # this year's buyer
    assert "عراق" in text


@pytest.mark.parametrize("who", ["art_bureau_partner", "kanoon_partner"])
def test_partners_are_refused_with_a_page(world, client_for, request, who):
    world["fair"].co_organisers.add(request.getfixturevalue("art_bureau"))
    page = client_for(request.getfixturevalue(who)).get(URL)
    assert page.status_code == 403
    assert "گلابتون" not in page.content.decode()


def test_anonymous_is_sent_to_sign_in(anonymous):
    page = anonymous.get(URL)
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_csv_holds_every_breakdown(world, client_for, kish_deputy):
    page = client_for(kish_deputy).get(URL, {"format": "csv"})
    assert page["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    items = {(line[0], line[1]): line for line in lines[1:]}
    assert len(lines[0]) == 6
    iraq = next(line for (section, _item), line in items.items() if line[1] == "عراق")
    assert iraq[2:4] == ["4000000000", "2"]
    assert not any("ارمنستان" in line[1] for line in lines)


def test_xlsx_right_to_left_with_numbers_as_numbers(world, client_for, secretariat):
    page = client_for(secretariat).get(URL, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(page.content)).active
    assert sheet.sheet_view.rightToLeft
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    armenia = next(row for row in values if row[1] == "ارمنستان")
    assert armenia[2] == 7_000_000_000
    assert armenia[3] == 1


def _deals(count: int, kish, qeshm, batch: str) -> None:
    fields = [field(f"{batch}{n}", f"رشته {batch} {n}") for n in range(3)]
    owners = [
        business(zone, f"کسب‌وکار {batch} {zone.slug} {n}", fields[n % 3])
        for zone in (kish, qeshm)
        for n in range(3)
    ]
    countries = ["IQ", "AE", "OM", "TR", "AM", "AZ", "RU", "CN", "IN"]
    today = timezone.localdate()
    for n in range(count):
        deal(
            owners[n % len(owners)],
            countries[n % len(countries)],
            1_000_000 * (n + 1),
            today - dt.timedelta(days=n * 20),
        )


@pytest.mark.parametrize("who", ["secretariat", "kish_deputy"])
def test_the_page_costs_the_same_queries_at_two_sizes(
    kish, qeshm, client_for, request, who, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    _deals(4, kish, qeshm, "a")
    client.get(URL)  # warm the session and the caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    assert len(small) <= 15
    _deals(60, kish, qeshm, "b")  # more deals, fields, businesses and countries
    with django_assert_num_queries(len(small)):
        page = client.get(URL)
    assert page.status_code == 200
    assert "رشته b 2" in page.content.decode()


def test_deals_with_no_country_are_shown_as_such(kish, secretariat):
    """Deals moved from old event reports that named no buyer country (exports 0002) have an empty
    country; the breakdown names them rather than showing an empty line."""
    owner = business(kish, "غرفه‌داران", field("other", "سایر"))
    deal(owner, "", 3_000_000, timezone.localdate())
    deal(owner, "IQ", 1_000_000, timezone.localdate())
    with translation.override("en"):
        board = dashboard.build(secretariat)
    assert [(row.key, row.label, row.value) for row in board.by_country] == [
        ("", "Country not given", Decimal(3_000_000)),
        ("IQ", "Iraq", Decimal(1_000_000)),
    ]
