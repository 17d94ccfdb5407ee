"""Issue 17: plan against delivery by quarter, its exports, who reads the activities, and the scorecard's
"plan delivered" measure."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event, EventReport
from programmes.models import PlannedActivity, Programme
from scorecard import measures
from scorecard.periods import Period
from tests.events.test_planned_activity import make_activity, make_programme
from tests.factories import make_event
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 25, 12)  # Dey 1405: spring, summer and autumn of 1405 have ended


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def held_for(zone, activity, day: dt.date, spent: int | None = None, reported: bool = True):
    event = make_event(zone, status="reported" if reported else "held", planned_activity=activity)
    event.starts_at, event.ends_at = at(day), at(day, 14)
    event.save()
    if reported:
        EventReport.objects.create(event=event, attendance=10, artists_count=1, outcomes="—", spent=spent)
    return event


def build(kish, qeshm, extra: int = 0):
    """Kish's approved 1405 programme: spring delivered and reported, summer held unreported, autumn
    slipped, winter still ahead; one unplanned event in summer. Qeshm's programme is only a draft."""
    programme = make_programme(kish, 1405)
    spring = make_activity(programme, "جشنواره بهاره", 1, budget_zone=100, budget_secretariat=50)
    summer = make_activity(programme, "نمایشگاه تابستانه", 2, budget_partner=30)
    make_activity(programme, "کارگاه پاییزه لغزیده", 3, budget_zone=20)
    make_activity(programme, "جشنواره زمستانه", 4, budget_zone=10)
    for number in range(extra):
        make_activity(programme, f"فعالیت افزوده {number}", 3)
    held_for(kish, spring, dt.date(2026, 4, 10), spent=140)
    held_for(kish, summer, dt.date(2026, 7, 10), reported=False)
    held_for(kish, None, dt.date(2026, 7, 20))  # unplanned
    make_activity(make_programme(qeshm, 1405, status="draft"), "پیش‌نویس قشم", 1)


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_the_plan_counts_held_reported_slipped_unplanned_and_money(client_for, secretariat, kish, qeshm):
    build(kish, qeshm)
    from scorecard.plan import plan_against_delivery

    result = plan_against_delivery(1405, [kish, qeshm])
    kish_plan, qeshm_plan = result.zones
    rows = [
        (q.planned, q.held, q.reported, q.slipped, q.unplanned, int(q.budget_planned), int(q.spent))
        for q in kish_plan.quarters
    ]
    assert rows == [
        (1, 1, 1, 0, 0, 150, 140),
        (1, 1, 0, 0, 1, 30, 0),
        (1, 0, 0, 1, 0, 20, 0),
        (1, 0, 0, 0, 0, 10, 0),
    ]
    assert [a.title for a in kish_plan.slipped] == ["کارگاه پاییزه لغزیده"]
    assert (qeshm_plan.approved, qeshm_plan.year_total.planned) == (False, 0)  # a draft plans nothing yet
    assert result.year_total.held_rate == 50.0


@time_machine.travel(timezone.make_aware(NOW), tick=False)
@pytest.mark.parametrize("extra", [0, 30])
def test_the_pages_cost_the_same_whatever_the_plan(
    client_for, secretariat, kish, qeshm, extra, django_assert_num_queries
):
    build(kish, qeshm, extra)
    client = client_for(secretariat)
    client.get(reverse("scorecard:plan"), {"year": "1405"})  # warms the session's own reads
    # session, user, membership with the menu's jury link; the years; the zones, the activities, the unplanned events
    with django_assert_num_queries(7):
        page = client.get(reverse("scorecard:plan"), {"year": "۱۴۰۵"})
    assert page.status_code == 200
    with django_assert_num_queries(7):  # the zone by its address instead of every zone
        page = client.get(reverse("scorecard:plan-zone", args=["kish"]), {"year": "1405"})
    assert page.status_code == 200


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_the_secretariat_sees_every_zones_slipped_activities_and_a_zone_only_its_own(
    client_for, secretariat, kish_deputy, qeshm_deputy, kish, qeshm
):
    build(kish, qeshm)
    page = client_for(secretariat).get(reverse("scorecard:plan"), {"year": "1405"}).content.decode()
    assert "کارگاه پاییزه لغزیده" in page
    own = client_for(kish_deputy).get(reverse("scorecard:plan-zone", args=["kish"]), {"year": "1405"})
    assert "جشنواره بهاره" in own.content.decode()
    # Qeshm reads Kish's numbers, as on the scorecard, but not the titles of Kish's programme.
    other = client_for(qeshm_deputy).get(reverse("scorecard:plan-zone", args=["kish"]), {"year": "1405"})
    assert other.status_code == 200
    assert "جشنواره بهاره" not in other.content.decode()
    overview = client_for(qeshm_deputy).get(reverse("scorecard:plan"), {"year": "1405"}).content.decode()
    assert "کارگاه پاییزه لغزیده" not in overview


def test_institutions_and_strangers_are_kept_out(client_for, art_bureau_partner, anonymous, kish):
    assert client_for(art_bureau_partner).get(reverse("scorecard:plan")).status_code == 403
    assert anonymous.get(reverse("scorecard:plan")).status_code == 302


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_csv_and_xlsx_carry_the_quarters(client_for, secretariat, kish, qeshm):
    build(kish, qeshm)
    client = client_for(secretariat)
    csv_text = client.get(reverse("scorecard:plan-zone", args=["kish"]), {"year": "1405", "format": "csv"})
    lines = csv_text.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 4 + 1  # header, four quarters, the whole year
    assert lines[1].split(",")[1:] == ["1", "1", "1", "0", "0", "150", "140"]
    xlsx = client.get(reverse("scorecard:plan"), {"year": "1405", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    zones = Zone.objects.filter(is_active=True).count()
    assert len(rows) == 1 + zones * 5 + 5  # header, each zone's 4 quarters and year, all zones' 4 and year
    assert rows[-1][2:5] == (4, 2, 1)  # all zones' year: planned, held, reported


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_plan_delivered_counts_quarters_ended_in_the_period_and_enters_the_index(kish, qeshm):
    build(kish, qeshm)
    year_1405 = Period(dt.date(2026, 3, 21), dt.date(2027, 3, 21), "1405")
    [kish_score] = measures.compute([year_1405], [kish])
    # Spring, summer and autumn have ended (winter has not): two of three held.
    assert (kish_score.plan_due, kish_score.plan_held) == (3, 2)
    assert kish_score.components["plan_delivered_rate"] == pytest.approx(2 / 3)
    autumn = Period(dt.date(2026, 9, 23), dt.date(2026, 12, 22), "autumn")
    [autumn_score] = measures.compute([autumn], [kish])
    assert (autumn_score.plan_due, autumn_score.plan_held) == (1, 0)
    [qeshm_score] = measures.compute([year_1405], [qeshm])
    assert "plan_delivered_rate" not in qeshm_score.components  # nothing approved: nothing to measure


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_another_zone_reads_the_counts_but_not_the_budget_or_spending_of_a_zones_plan(
    client_for, kish_deputy, qeshm_deputy, kish, qeshm
):
    """The budget is the zone's programme, between it and the secretariat (programmes/permissions.py)."""
    build(kish, qeshm)
    kish_url = reverse("scorecard:plan-zone", args=["kish"])
    own = client_for(kish_deputy).get(kish_url, {"year": "1405"}).content.decode()
    assert "<td>۱۵۰</td>" in own
    assert "<td>۱۴۰</td>" in own
    other = client_for(qeshm_deputy).get(kish_url, {"year": "1405"}).content.decode()
    assert "<td>۱۵۰</td>" not in other
    assert "<td>۱۴۰</td>" not in other
    csv_text = client_for(qeshm_deputy).get(kish_url, {"year": "1405", "format": "csv"})
    assert csv_text.content.decode("utf-8-sig").splitlines()[1].split(",")[1:] == [
        "1",
        "1",
        "1",
        "0",
        "0",
        "",
        "",
    ]
    # On every zone's page Qeshm's own row keeps its money, Kish's row shows the counts only.
    Programme.objects.filter(zone=qeshm).update(status="approved")
    PlannedActivity.objects.filter(programme__zone=qeshm).update(budget_zone=7)
    overview = client_for(qeshm_deputy).get(reverse("scorecard:plan"), {"year": "1405", "format": "csv"})
    by_zone = {
        (cells[0], cells[1]): cells[2:]
        for cells in (line.split(",") for line in overview.content.decode("utf-8-sig").splitlines()[1:])
    }
    assert by_zone[(kish.name_fa, "کل سال")][-2:] == ["", ""]
    assert by_zone[(qeshm.name_fa, "کل سال")][-2:] == ["7", "0"]
    assert by_zone[("همه مناطق", "کل سال")][-2:] == ["217", "140"]  # the sum of all zones stays
    page = client_for(qeshm_deputy).get(reverse("scorecard:plan"), {"year": "1405"}).content.decode()
    by_zone_table = page.split('aria-label="' + "به تفکیک منطقه", 1)[1]
    assert (
        "<td>۲۱۰</td>" not in by_zone_table.split(kish.name_fa, 1)[1].split("</tr>", 1)[0]
    )  # Kish's 210 rials
    assert (
        "<td>۲۱۰</td>"
        in client_for(kish_deputy).get(reverse("scorecard:plan"), {"year": "1405"}).content.decode()
    )


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_the_zones_plan_names_seasons_says_each_activitys_state_and_links_programme_and_event(
    client_for, kish_deputy, kish, qeshm
):
    build(kish, qeshm)
    programme = Programme.objects.get(zone=kish)
    spring = PlannedActivity.objects.get(title="جشنواره بهاره")
    PlannedActivity.objects.filter(pk=spring.pk).update(budget_zone=2_900_000_000)
    event = Event.objects.get(planned_activity=spring)
    page = client_for(kish_deputy).get(reverse("scorecard:plan-zone", args=["kish"]), {"year": "1405"})
    page = page.content.decode()
    table = page.split('aria-label="فعالیت‌های برنامه‌ریزی‌شده"', 1)[1]
    row = table[table.index("جشنواره بهاره") - 200 : table.index("</tr>", table.index("جشنواره بهاره"))]
    assert f'href="{reverse("programmes:detail", args=[programme.pk])}"' in row
    assert "بهار</td>" in row  # the season, not "۱"
    assert '<span class="badge">گزارش‌شده</span>' in row  # an activity's state, not the column's plural
    assert "گزارش‌شده‌ها" not in row
    assert "۲٬۹۰۰٬۰۰۰٬۰۵۰" in row  # the budget grouped (zone's share and the secretariat's 50)
    assert f'<a href="{reverse("events:detail", args=[event.pk])}">{event.title}</a>' in row
    assert "۲٬۹۰۰٬۰۰۰٬۱۱۰" in page  # the year's budget in the quarter table, grouped
    assert 'class="plan-chart"' in page  # the chart scrolls in its own box on a phone
    assert "css/programmes-exports.css" in page
