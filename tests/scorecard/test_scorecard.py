"""The scorecard's measures on hand-built data, Jalali period boundaries, the index, exports, query counts."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventReport, Participation, StatusChange
from reminders.models import RuleSetting
from scorecard import caching, measures, periods, views
from scorecard.periods import Period
from talent.models import Application
from tests.factories import make_agreement, make_application, make_call, make_event, make_obligation
from zones_portal import versions

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")
AZAR_1405 = Period(dt.date(2026, 11, 22), dt.date(2026, 12, 22), "آذر ۱۴۰۵")


def at(day, hour=12):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TEHRAN)


def held_event(zone, day, *, report_after_days=None, **extra):
    event = make_event(zone, status="reported" if report_after_days is not None else "held", **extra)
    event.starts_at = at(day, 10)
    event.ends_at = at(day, 16)
    event.save()
    StatusChange.objects.create(
        event=event, from_status="draft", to_status="submitted", changed_at=at(day - dt.timedelta(days=10))
    )
    StatusChange.objects.create(
        event=event, from_status="submitted", to_status="approved", changed_at=at(day - dt.timedelta(days=8))
    )
    if report_after_days is not None:
        EventReport.objects.create(
            event=event,
            attendance=10,
            artists_count=2,
            outcomes="—",
            filed_at=event.ends_at + dt.timedelta(days=report_after_days),
        )
    return event


def score_for(zone, period=AZAR_1405, now=None):
    [score] = measures.compute([period], zones=[zone], now=now or at(dt.date(2026, 12, 25)))
    return score


def test_each_measure_on_hand_built_data(kish, qeshm, anzali_zone):
    day = dt.date(2026, 12, 12)
    on_time = held_event(kish, day, report_after_days=2)
    held_event(kish, day + dt.timedelta(days=3), report_after_days=10)  # late report
    held_event(kish, day + dt.timedelta(days=5))  # no report
    Participation.objects.create(
        event=on_time,
        zone=qeshm,
        answer="accepted",
        invited_at=at(day - dt.timedelta(days=20)),
        answered_at=at(day - dt.timedelta(days=20)) + dt.timedelta(hours=10),
    )
    # Qeshm is invited twice in the span and answers once, after 10 hours.
    other = make_event(anzali_zone, status="approved", invite=(qeshm,))
    Participation.objects.filter(event=other).update(invited_at=at(day))
    agreement = make_agreement(zones=[kish])
    party = agreement.parties.get(kind="zone")
    met = make_obligation(agreement, party, status="done", evidence_note="ok")
    late = make_obligation(agreement, party, status="done", evidence_note="ok")
    missed = make_obligation(agreement, party)
    for obligation, done_on in ((met, dt.date(2026, 12, 9)), (late, dt.date(2026, 12, 15)), (missed, None)):
        obligation.due_on = dt.date(2026, 12, 10)
        obligation.done_on = done_on
        obligation.save()
    call = make_call()
    for _ in range(4):
        application = make_application(call, kish)
        Application.objects.filter(pk=application.pk).update(submitted_at=at(day))

    kish_score = score_for(kish)
    # The late report was filed on 25 December, after Azar ended: it counts in Dey.
    assert (kish_score.proposed, kish_score.approved, kish_score.held, kish_score.reported) == (3, 3, 3, 1)
    assert (kish_score.reports_due, kish_score.reports_on_time) == (3, 1)
    assert (kish_score.cross_hosted, kish_score.cross_joined) == (1, 0)
    assert (kish_score.obligations_due, kish_score.obligations_on_time) == (3, 1)
    assert kish_score.applications == 4
    assert kish_score.days_since_activity == 4  # counted to the end of Azar (22 December) from the 17th
    qeshm_score = score_for(qeshm)
    assert (qeshm_score.invitations, qeshm_score.answered, qeshm_score.cross_joined) == (2, 1, 1)
    assert qeshm_score.median_hours_to_answer == 10.0


def test_the_median_time_to_answer(kish, qeshm):
    day = dt.date(2026, 12, 1)
    for hours in (2, 4, 30):
        event = make_event(kish, status="approved")
        Participation.objects.create(
            event=event,
            zone=qeshm,
            answer="declined",
            invited_at=at(day),
            answered_at=at(day) + dt.timedelta(hours=hours),
        )
    assert score_for(qeshm).median_hours_to_answer == 4.0


def test_periods_follow_the_jalali_calendar(kish):
    last_of_aban = dt.datetime(2026, 11, 21, 23, 30, tzinfo=TEHRAN)  # 30 Aban 1405
    first_of_azar = dt.datetime(2026, 11, 22, 0, 30, tzinfo=TEHRAN)  # 1 Azar 1405
    for moment in (last_of_aban, first_of_azar):
        event = make_event(kish, status="held")
        event.starts_at, event.ends_at = moment - dt.timedelta(hours=1), moment
        event.save()
    months = periods.months(dt.date(2026, 10, 23), dt.date(2026, 12, 22), "fa")
    assert [(p.start, p.end, p.label) for p in months] == [
        (dt.date(2026, 10, 23), dt.date(2026, 11, 22), "آبان ۱۴۰۵"),
        (dt.date(2026, 11, 22), dt.date(2026, 12, 22), "آذر ۱۴۰۵"),
    ]
    aban, azar = measures.compute(months, zones=[kish], now=at(dt.date(2026, 12, 25)))
    assert (aban.held, azar.held) == (1, 1)
    english = periods.months(dt.date(2026, 11, 1), dt.date(2027, 1, 1), "en")
    assert [p.label for p in english] == ["November 2026", "December 2026"]


def test_jalali_quarters_and_years():
    choices = periods.presets(dt.date(2026, 11, 28), "fa")
    assert (choices["quarter"].start, choices["quarter"].end) == (
        dt.date(2026, 9, 23),
        dt.date(2026, 12, 22),
    )  # Mehr–Azar
    assert (choices["year"].start, choices["year"].end) == (
        dt.date(2026, 3, 21),
        dt.date(2027, 3, 21),
    )  # 1405
    assert choices["five-years"].start == dt.date(2022, 3, 21)
    english = periods.presets(dt.date(2026, 11, 28), "en")
    assert (english["quarter"].start, english["year"].start) == (dt.date(2026, 10, 1), dt.date(2026, 1, 1))


def test_the_index_formula(kish):
    score = measures.Score(
        zone=kish,
        period=AZAR_1405,
        invitations=4,
        answered=2,
        reports_due=2,
        reports_on_time=2,
        cross_hosted=1,
        days_since_activity=30,
    )
    measures._index(score)
    # answer 0.5×25 + reports 1×20 + cross-zone 1×20 + recency 0.5×15, over 80 (no obligations due)
    assert score.index == round((12.5 + 20 + 20 + 7.5) * 100 / 80, 1)
    assert "obligations_on_time_rate" not in score.components
    silent = measures.Score(zone=kish, period=AZAR_1405)
    measures._index(silent)
    assert silent.index == 0.0


def test_future_months_have_no_numbers(kish):
    months = periods.months(dt.date(2026, 11, 22), dt.date(2027, 1, 21), "fa")
    azar, dey = measures.compute(months, zones=[kish], now=at(dt.date(2026, 12, 1)))
    assert azar.index is not None
    assert (dey.future, dey.index) == (True, None)


def test_exports_reopen_with_the_same_numbers(client_for, secretariat, kish):
    from openpyxl import load_workbook

    held_event(kish, timezone.localdate() - dt.timedelta(days=3), report_after_days=1)
    client = client_for(secretariat)
    page = client.get(reverse("scorecard:overview") + "?period=year")
    kish_row = next(cells for score, cells in page.context["rows"] if score.zone == kish)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("scorecard:overview") + "?period=year&format=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    csv_kish = next(row for row in rows if row[0] == "کیش")
    assert [float(v) if v else None for v in csv_kish[1:]] == [
        float(v) if v is not None else None for v in kish_row
    ]
    book = load_workbook(
        io.BytesIO(client.get(reverse("scorecard:overview") + "?period=year&format=xlsx").content)
    )
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    xlsx_kish = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "کیش")
    assert list(xlsx_kish[1:]) == kish_row


def test_who_sees_the_scorecard(client_for, anonymous, secretariat, kish_deputy, art_bureau_partner):
    assert client_for(secretariat).get(reverse("scorecard:overview")).status_code == 200
    assert client_for(kish_deputy).get(reverse("scorecard:overview")).status_code == 200
    assert client_for(kish_deputy).get(reverse("scorecard:zone", args=["qeshm"])).status_code == 200
    assert client_for(art_bureau_partner).get(reverse("scorecard:overview")).status_code == 403
    assert anonymous.get(reverse("scorecard:overview")).status_code == 302


def test_a_span_longer_than_five_years_is_refused(client_for, secretariat):
    response = client_for(secretariat).get(reverse("scorecard:overview") + "?start=1398/01/01&end=1405/01/01")
    assert "حداکثر پنج سال" in response.content.decode()


def test_a_custom_span_in_the_jalali_calendar(client_for, secretariat):
    response = client_for(secretariat).get(reverse("scorecard:overview") + "?start=1405/01/01&end=1405/06/31")
    assert response.context["period"].start == dt.date(2026, 3, 21)
    assert response.context["period"].end == dt.date(2026, 9, 23)


# Cold: after something counted changed, the page counts again: 12 grouped queries for the measures (proposals
# and approvals share one; the coordination desk's three since issue 16; plan delivered since issue 17), 2 for last activity, the quiet window, the zones (or the zone), and the session,
# the person, their membership with the menu's jury link (the bell's counts come from the cache). Warm: only
# those last three, and a zone's page its zone; an export, with no menu, the same.
COLD, WARM_OVERVIEW, WARM_ZONE = 19, 3, 4


@pytest.mark.parametrize("span", ["month", "five-years"])
@pytest.mark.parametrize("count", [5, 150])
def test_the_zone_trend_runs_a_fixed_number_of_queries_whatever_the_span(
    client_for, secretariat, kish, span, count, django_assert_num_queries
):
    for index in range(count):
        held_event(
            kish, timezone.localdate() - dt.timedelta(days=index * 600 // count + 1), report_after_days=2
        )
    client = client_for(secretariat)
    page = reverse("scorecard:zone", args=["kish"]) + f"?period={span}"
    client.get(page)
    caching.bump()
    with django_assert_num_queries(COLD):
        assert client.get(page).status_code == 200
    with django_assert_num_queries(WARM_ZONE):
        assert client.get(page).status_code == 200
    with django_assert_num_queries(WARM_ZONE):
        assert client.get(page + "&format=csv").status_code == 200


@pytest.mark.parametrize("count", [5, 150])
def test_the_overview_runs_a_fixed_number_of_queries(
    client_for, secretariat, kish, qeshm, count, django_assert_num_queries
):
    for index in range(count):
        held_event(
            [kish, qeshm][index % 2],
            timezone.localdate() - dt.timedelta(days=index % 80 + 1),
            report_after_days=1,
        )
    client = client_for(secretariat)
    page = reverse("scorecard:overview") + "?period=year"
    client.get(page)
    caching.bump()
    with django_assert_num_queries(COLD):
        assert client.get(page).status_code == 200
    with django_assert_num_queries(WARM_OVERVIEW):
        assert client.get(page).status_code == 200
    with django_assert_num_queries(WARM_OVERVIEW):
        assert client.get(page + "&format=xlsx").status_code == 200


def cells_of(client, name="کیش", query="?period=year"):
    """A zone's row of the overview's CSV export, by column."""
    export = client.get(reverse("scorecard:overview") + query + "&format=csv").content.decode("utf-8-sig")
    row = next(row for row in csv.reader(io.StringIO(export)) if row[0] == name)
    return {
        key: float(value) if value else None
        for (key, _label), value in zip(views.COLUMNS, row[1:], strict=True)
    }


def kish_held_on_the_page(client):
    """The number in Kish's row, held column, as the overview page shows it."""
    html = client.get(reverse("scorecard:overview") + "?period=year").content.decode()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html[html.index(">کیش</a>") :])
    return int(cells[[key for key, _label in views.COLUMNS].index("held")])


def test_a_change_to_what_is_counted_shows_at_once(client_for, secretariat, kish, qeshm):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    held_event(kish, yesterday, report_after_days=0)
    client = client_for(secretariat)
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (1, 1)
    event = held_event(kish, yesterday)  # saved: the cached counts and content are out of date
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (2, 2)
    event.delete()
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (1, 1)
    Participation.objects.create(
        event=make_event(kish, status="approved"), zone=qeshm, invited_at=at(yesterday)
    )
    assert cells_of(client, "قشم")["invitations"] == 1
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    obligation.due_on = yesterday
    obligation.save()
    assert cells_of(client)["obligations_on_time_rate"] == 0.0
    RuleSetting.objects.create(rule="zone_quiet", offsets=[30])
    page = client.get(reverse("scorecard:overview") + "?period=year")
    assert "۳۰" in "".join(text for _weight, text in page.context["formula"])


def test_a_bulk_update_shows_once_the_cached_counts_expire(client_for, secretariat, kish):
    """``QuerySet.update`` sends no signal: the change waits for the entry to expire (caching.TIMEOUT)."""
    event = held_event(kish, timezone.localdate() - dt.timedelta(days=1))
    client = client_for(secretariat)
    assert cells_of(client)["held"] == 1
    assert kish_held_on_the_page(client) == 1
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (1, 1)
    cache.clear()  # as if TIMEOUT had passed
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (0, 0)


def test_the_page_stands_when_the_cache_fails(client_for, secretariat, kish, monkeypatch, caplog):
    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    held_event(kish, timezone.localdate() - dt.timedelta(days=1))
    monkeypatch.setattr(caching, "cache", Broken())
    monkeypatch.setattr(versions, "cache", Broken())  # the version counter lives there
    client = client_for(secretariat)
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (1, 1)
    held_event(kish, timezone.localdate() - dt.timedelta(days=2))  # the bump fails too, quietly
    assert (cells_of(client)["held"], kish_held_on_the_page(client)) == (2, 2)
    assert "could not be read" in caplog.text
    assert "Could not bump the scorecard version counter" in caplog.text


def test_cached_counts_are_read_in_the_readers_language_and_on_the_readers_day(
    kish, django_assert_num_queries
):
    held_event(kish, dt.date(2026, 12, 12))
    persian = Period(AZAR_1405.start, AZAR_1405.end, "آذر ۱۴۰۵")
    english = Period(AZAR_1405.start, AZAR_1405.end, "22 November – 21 December 2026")
    now = at(dt.date(2026, 12, 25))
    [first], _window = caching.page_scores([persian], zone=kish, now=now)
    with django_assert_num_queries(0):
        [again], _window = caching.page_scores([english], zone=kish, now=now + dt.timedelta(hours=1))
    assert (first.period.label, again.period.label) == ("آذر ۱۴۰۵", english.label)
    assert again.held == first.held == 1
    with django_assert_num_queries(15):  # a new day in Tehran: counted again (11, the desk's three, the plan)
        caching.page_scores([english], zone=kish, now=now + dt.timedelta(days=1))


def proposal(zone, moment):
    event = make_event(zone, status="submitted")
    StatusChange.objects.create(event=event, from_status="draft", to_status="submitted", changed_at=moment)


def test_days_since_activity_count_from_the_activity_before_each_month(kish, qeshm):
    months = periods.months(dt.date(2026, 2, 1), dt.date(2026, 7, 1), "en")
    proposal(kish, at(dt.date(2026, 1, 15)))  # before the span
    proposal(kish, at(dt.date(2026, 3, 10)))
    february, march, april, may = measures.compute(months[:4], zones=[kish], now=at(dt.date(2026, 7, 10)))
    # March from its own activity; April and May, with none, from March's; February from January's.
    assert [s.days_since_activity for s in (february, march, april, may)] == [44, 21, 51, 82]
    proposal(kish, at(dt.date(2026, 6, 5)))  # later activity changes none of the months before it
    scores = measures.compute(months, zones=[kish], now=at(dt.date(2026, 7, 10)))
    assert [s.days_since_activity for s in scores] == [44, 21, 51, 82, 25]
    assert scores[2].components["recency"] == pytest.approx(1 - 51 / 60)
    [silent] = measures.compute(months[:1], zones=[qeshm], now=at(dt.date(2026, 7, 10)))
    assert (silent.days_since_activity, silent.components["recency"]) == (None, 0.0)
