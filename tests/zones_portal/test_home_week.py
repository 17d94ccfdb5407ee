"""The home page as a deputy finds it on a Saturday morning (issue 15): this week's events across the
zones, the invitations to answer, the reports and obligations due, each with its next step one click
away; the secretariat's decisions; a juror's and a partner's own work; cards that land on exactly what
they count. A few rows per section, at the same number of queries however much there is."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.calendar import day_window
from events.glance import this_week
from tests.factories import (
    UserFactory,
    make_agreement,
    make_application,
    make_call,
    make_event,
    make_obligation,
)
from zones_portal.dates import format_date
from zones_portal.glance import ROWS

pytestmark = pytest.mark.django_db


def section(html, key):
    """The HTML of one home section, or '' when the page has none."""
    found = re.search(rf'<section class="card home-section" id="{key}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def rows(html):
    return len(re.findall(r'<li class="home-row[" ]', html))


def at(event, start, hours=2):
    """Moves an event to ``start`` (an aware datetime), recomputing its week."""
    event.starts_at, event.ends_at = start, start + dt.timedelta(hours=hours)
    event.save()
    return event


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_this_week_runs_saturday_to_friday_in_tehran_time():
    # 2026-11-27 is a Friday, 2026-11-28 a Saturday. 21:00 UTC on Friday is already Saturday in Tehran.
    friday_evening_utc = dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC)  # 22:30 Friday in Tehran
    assert this_week(friday_evening_utc) == (dt.date(2026, 11, 21), dt.date(2026, 11, 27))
    saturday_tehran = dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)  # 00:30 Saturday in Tehran
    assert this_week(saturday_tehran) == (dt.date(2026, 11, 28), dt.date(2026, 12, 4))


def test_a_deputys_week_shows_every_zones_events_and_kishs_part(
    client_for, kish_deputy, kish, qeshm, anzali_zone
):
    saturday, friday = this_week(timezone.now())
    first, _ = day_window(saturday)
    last_evening = day_window(friday)[1] - dt.timedelta(minutes=30)  # Friday 23:30, Tehran
    hosted = at(make_event(kish, status="approved", title="میزبان کیش"), first + dt.timedelta(hours=10))
    invited = at(
        make_event(qeshm, status="approved", invite=(kish,), title="دعوت قشم"), last_evening, hours=0.25
    )
    accepted = at(
        make_event(qeshm, status="held", invite=(kish,), title="پذیرفته"), first + dt.timedelta(hours=1)
    )
    accepted.participations.update(answer="accepted", answered_at=timezone.now())
    other = at(make_event(anzali_zone, status="approved", title="رویداد انزلی"), first + dt.timedelta(days=2))
    at(
        make_event(qeshm, status="approved", title="هفته بعد"),
        day_window(friday)[1] + dt.timedelta(minutes=30),
    )
    at(make_event(qeshm, status="approved", title="هفته قبل"), first - dt.timedelta(hours=3))
    at(make_event(anzali_zone, status="draft", title="پیش‌نویس انزلی"), first + dt.timedelta(days=1))
    week = section(client_for(kish_deputy).get(reverse("home")).content.decode(), "home-week")
    for event in (hosted, invited, accepted, other):
        assert f'href="{reverse("events:detail", args=[event.pk])}"' in week
    assert "هفته بعد" not in week
    assert "هفته قبل" not in week
    assert "پیش‌نویس" not in week
    # Kish's part in each: host, invited (with the answer one click away), accepted; none in Anzali's.
    assert week.count('class="badge') == 3
    assert f'href="{reverse("events:invitation", args=[invited.pk])}"' in week
    assert f'href="{reverse("events:invitation", args=[accepted.pk])}"' not in week
    # Jalali dates in Persian digits, and the way to the rest of the week.
    assert format_date(saturday) in week
    assert format_date(friday) in week
    assert f"{reverse('events:calendar')}?date={saturday.isoformat()}" in week


def test_a_deputys_next_steps_are_one_click_away(client_for, kish_deputy, kish, qeshm):
    to_answer = make_event(qeshm, status="approved", invite=(kish,), title="به دعوت پاسخ دهید")
    answered = make_event(qeshm, status="approved", invite=(kish,), title="پاسخ داده")
    answered.participations.update(answer="declined", answered_at=timezone.now())
    to_report = make_event(kish, status="held", starts_in_days=-5, title="گزارش بدهید")
    make_event(kish, status="reported", starts_in_days=-9, title="گزارش‌شده")
    agreement = make_agreement(zones=[kish])
    kish_party = agreement.parties.get(kind="zone")
    due = make_obligation(agreement, kish_party, due_in_days=5, description="تعهد نزدیک")
    late = make_obligation(agreement, kish_party, due_in_days=-3, description="تعهد گذشته")
    make_obligation(agreement, kish_party, due_in_days=2, status="done", description="تعهد انجام‌شده")
    make_obligation(agreement, kish_party, due_in_days=90, description="تعهد دور")
    html = client_for(kish_deputy).get(reverse("home")).content.decode()

    invitations = section(html, "home-invitations")
    assert f'href="{reverse("events:invitation", args=[to_answer.pk])}"' in invitations
    assert "پاسخ داده" not in invitations
    assert f'href="{reverse("events:list")}#invitations"' in invitations

    reports = section(html, "home-reports")
    assert f'href="{reverse("events:report", args=[to_report.pk])}"' in reports
    assert "گزارش‌شده" not in reports

    obligations = section(html, "home-obligations")
    for obligation in (late, due):
        assert f'href="{reverse("agreements:obligation-report", args=[obligation.pk])}"' in obligations
    assert obligations.index("تعهد گذشته") < obligations.index("تعهد نزدیک")  # the most pressing first
    assert "تعهد انجام‌شده" not in obligations
    assert "تعهد دور" not in obligations


def test_the_secretariats_home(client_for, secretariat, kish, qeshm):
    waiting = make_event(kish, status="submitted", title="منتظر تصمیم")
    make_event(kish, status="draft", title="پیش‌نویس کیش")
    saturday, _ = this_week(timezone.now())
    this_weeks = at(make_event(qeshm, status="approved", title="این هفته قشم"), day_window(saturday)[0])
    agreement = make_agreement(zones=[qeshm])
    late = make_obligation(
        agreement, agreement.parties.get(kind="zone"), due_in_days=-4, description="دیرکرد قشم"
    )
    make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=4, description="هنوز وقت هست")
    html = client_for(secretariat).get(reverse("home")).content.decode()
    decisions = section(html, "home-decisions")
    assert f'href="{reverse("events:detail", args=[waiting.pk])}"' in decisions
    assert "پیش‌نویس کیش" not in decisions
    assert f'href="{reverse("events:detail", args=[this_weeks.pk])}"' in section(html, "home-week")
    overdue = section(html, "home-obligations")
    assert "دیرکرد قشم" in overdue
    assert qeshm.name_fa in overdue
    assert "هنوز وقت هست" not in overdue
    assert f'href="{reverse("agreements:detail", args=[late.agreement_id])}#obligations"' in overdue
    assert "zone-card" in html  # the zones' cards stay


def test_the_obligation_cards_land_on_exactly_what_they_count(
    client_for, kish_deputy, secretariat, kish, qeshm
):
    agreement = make_agreement(zones=[kish, qeshm])
    kish_party, qeshm_party = agreement.parties.get(zone=kish), agreement.parties.get(zone=qeshm)
    make_obligation(agreement, kish_party, due_in_days=-2, description="کیش دیر")
    make_obligation(agreement, kish_party, due_in_days=6, description="کیش بزودی")
    make_obligation(agreement, kish_party, due_in_days=-6, status="done", description="کیش انجام")
    make_obligation(agreement, kish_party, due_in_days=60, description="کیش دور")
    make_obligation(agreement, qeshm_party, due_in_days=-1, description="قشم دیر")
    expected = {
        kish_deputy: {"کیش دیر", "کیش بزودی"},
        secretariat: {"کیش دیر", "کیش بزودی", "قشم دیر"},
    }
    for reader, shown in expected.items():
        client = client_for(reader)
        panels = client.get(reverse("home")).context["panels"]
        listed = set()
        for panel in panels:
            if "agreements" not in panel.url:
                continue
            page = client.get(panel.url).content.decode()
            owed = page.split('id="owed"')[1].split('id="agreements"')[0]
            rows = {
                text for text in ("کیش دیر", "کیش بزودی", "کیش انجام", "کیش دور", "قشم دیر") if text in owed
            }
            assert len(rows) == panel.count, (reader, panel.title, rows)
            listed |= rows
        assert listed == shown


def test_a_juror_sees_what_to_score_not_an_unlinked_account(client_for, kish):
    juror = UserFactory(username="juror-home")
    call = make_call(jurors=[juror], title="فراخوان خوشنویسی")
    applications = [make_application(call, kish, full_name=f"هنرمند {index}") for index in range(ROWS + 2)]
    response = client_for(juror).get(reverse("home"))
    html = response.content.decode()
    jury = section(html, "home-jury")
    assert rows(jury) == ROWS
    assert f'href="{reverse("talent:jury-application", args=[applications[0].pk])}"' in jury
    assert f'href="{reverse("talent:jury")}"' in jury
    assert 'class="card notice"' not in html  # not "your account is not linked"


def test_a_juror_with_everything_scored_and_an_account_with_nothing(client_for, kish):
    juror = UserFactory(username="juror-done")
    make_call(jurors=[juror])
    html = client_for(juror).get(reverse("home")).content.decode()
    assert f'href="{reverse("talent:jury")}"' in html
    assert 'class="card notice"' not in html
    nobody = client_for(UserFactory(username="nobody")).get(reverse("home")).content.decode()
    assert 'class="card notice"' in nobody  # the existing message, for an account with truly nothing


def test_a_partner_sees_the_events_it_co_organises_and_its_obligations(
    client_for, art_bureau_partner, art_bureau, kanoon, kish
):
    upcoming = make_event(kish, status="approved", starts_in_days=12, title="آینده حوزه")
    recent = make_event(kish, status="reported", starts_in_days=-12, title="گذشته حوزه")
    draft = make_event(kish, status="draft", title="پیش‌نویس حوزه")
    theirs = make_event(kish, status="approved", starts_in_days=3, title="رویداد کانون")
    for event in (upcoming, recent, draft):
        event.co_organisers.add(art_bureau)
    theirs.co_organisers.add(kanoon)
    agreement = make_agreement(institutions=[art_bureau])
    owed = make_obligation(agreement, agreement.parties.get(kind="institution"), due_in_days=9)
    html = client_for(art_bureau_partner).get(reverse("home")).content.decode()
    co_organised = section(html, "home-co-organised")
    assert "آینده حوزه" in co_organised
    assert "گذشته حوزه" in co_organised
    assert co_organised.index("آینده حوزه") < co_organised.index("گذشته حوزه")  # upcoming, then recent
    assert "پیش‌نویس حوزه" not in co_organised
    assert "رویداد کانون" not in co_organised
    assert f'href="{reverse("events:list")}#co-organised"' in co_organised
    obligations = section(html, "home-obligations")
    assert f'href="{reverse("agreements:obligation-report", args=[owed.pk])}"' in obligations


def test_an_empty_notification_list_speaks_to_its_reader(
    client_for, kish_deputy, art_bureau_partner, secretariat
):
    def empty_text(user):
        page = client_for(english(user)).get(reverse("reminders:list")).content.decode()
        return page.split('id="notifications"')[1]

    assert "your zone" in empty_text(kish_deputy)
    partner = empty_text(art_bureau_partner)
    assert "your zone" not in partner
    assert "your institution" in partner
    assert "your zone" not in empty_text(secretariat)
    assert "secretariat" in empty_text(secretariat)
    assert "your zone" not in empty_text(UserFactory(username="juror-bell"))


def years_of_rows(kish, qeshm, count):
    agreement = make_agreement(zones=[kish, qeshm])
    saturday, _ = this_week(timezone.now())
    for index in range(count):
        at(
            make_event(qeshm, status="approved", invite=(kish,)),
            day_window(saturday)[0] + dt.timedelta(hours=index),
        )
        make_event(qeshm, status="submitted", invite=(kish,), starts_in_days=20)
        make_event(kish, status="held", starts_in_days=-3 - index)
        make_event(kish, status="submitted")
        make_obligation(agreement, agreement.parties.get(zone=kish), due_in_days=index - count // 2)
        make_obligation(agreement, agreement.parties.get(zone=qeshm), due_in_days=-1 - index)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(("person", "queries"), [("kish_deputy", 19), ("secretariat", 18)])
def test_the_sections_cost_the_same_whatever_the_numbers(
    client_for, request, person, queries, kish, qeshm, count, django_assert_max_num_queries
):
    reader = request.getfixturevalue(person)
    years_of_rows(kish, qeshm, count)
    client = client_for(reader)
    client.get(reverse("home"))
    from django.core.cache import cache

    cache.clear()  # the page as built, not as kept
    with django_assert_max_num_queries(queries):
        html = client.get(reverse("home")).content.decode()
    for key in re.findall(r'<section class="card home-section" id="([^"]+)">', html):
        limit = 10 if key == "home-week" else ROWS
        assert rows(section(html, key)) <= limit
    assert rows(section(html, "home-week")) == min(count, 10)


def test_the_cards_count_in_the_readers_digits(client_for, kish_deputy, kish, qeshm):
    """Copied text, screen readers and print see the digits themselves, not the font's drawing of them."""
    for days in (3, 4):
        make_event(qeshm, status="approved", starts_in_days=days, invite=(kish,))
    html = client_for(kish_deputy).get(reverse("home")).content.decode()
    counts = re.findall(r'class="glance-count">([^<]*)<', html)
    assert "۲" in counts
    assert not any(char.isascii() and char.isdigit() for count in counts for char in count)
