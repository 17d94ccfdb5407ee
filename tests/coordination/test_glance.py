"""The coordination desk on the home page: what a zone or institution owes, the circulars its zone has to
acknowledge, its next meeting; for the secretariat what is late across the zones. Nothing of another
zone's leaks, and the page costs the same whatever the numbers."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from coordination.models import Invitee
from tests.factories import make_action_item, make_circular, make_decision, make_meeting

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def fa(text):
    """A title as the Persian page words it (English until its translation is compiled)."""
    with translation.override("fa"):
        return gettext(text)


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    panels = {panel.title: panel.count for panel in response.context["panels"]}
    sections = {section.key: section.html for section in response.context["sections"]}
    return panels, sections


def minutes_out(*zones, institutions=(), status="approved"):
    """A meeting held three weeks ago whose minutes the invitees can read, and one decision of it."""
    now = timezone.now()
    meeting = make_meeting(
        zones=zones,
        institutions=institutions,
        status=status,
        starts_at=now - 20 * DAY,
        agenda_cutoff=now - 25 * DAY,
        title="نشست گذشته",
    )
    return make_decision(meeting)


def test_a_deputy_sees_what_their_zone_owes_overdue_first_and_nothing_of_another_zones(
    client_for, kish_deputy, kish, qeshm
):
    decision = make_decision(make_meeting(zones=[kish, qeshm], status="in_comment", days_ahead=-10))
    make_action_item(decision, zone=kish, due_in_days=10, description="برگزاری نمایشگاه مشترک")
    make_action_item(decision, zone=kish, due_in_days=-3, description="ارسال گزارش محفل قرآنی")
    make_action_item(decision, zone=kish, due_in_days=-30, status="done", description="کار انجام‌شده")
    make_action_item(decision, zone=kish, due_in_days=5, status="dropped", description="کار کنارگذاشته")
    make_action_item(decision, zone=qeshm, due_in_days=-3, description="اقدام منطقه قشم")  # could leak
    unpublished = make_decision(make_meeting(zones=[kish], status="held", days_ahead=-2))
    make_action_item(unpublished, zone=kish, due_in_days=-1, description="مصوبه هنوز منتشرنشده")

    panels, sections = home(client_for(kish_deputy))

    assert panels[fa("Action items overdue")] == 1
    assert panels[fa("Action items we owe")] == 2
    rows = sections["home-action-items"]
    assert rows.index("ارسال گزارش محفل قرآنی") < rows.index("برگزاری نمایشگاه مشترک")  # overdue first
    for hidden in ("اقدام منطقه قشم", "مصوبه هنوز منتشرنشده", "کار انجام‌شده", "کار کنارگذاشته"):
        assert hidden not in rows
    page = client_for(kish_deputy).get(reverse("home")).content.decode()
    assert reverse("coordination:action-items") + "#owed" in page  # "see all"


def test_the_action_items_section_is_bounded_with_a_way_to_all(client_for, kish_deputy, kish):
    decision = minutes_out(kish)
    for index in range(8):
        make_action_item(decision, zone=kish, due_in_days=index + 1, description=f"اقدام شماره {index}")
    panels, sections = home(client_for(kish_deputy))
    assert panels[fa("Action items we owe")] == 8
    assert sections["home-action-items"].count('<li class="home-row') == 5


def test_circulars_to_acknowledge_are_the_zones_own_and_still_unacknowledged(
    client_for, kish_deputy, kish, qeshm, qeshm_deputy
):
    waiting = make_circular(zones=[kish, qeshm], title="بخشنامه برنامه‌های قرآنی")
    done = make_circular(zones=[kish], title="بخشنامه اعلام‌شده")
    done.recipients.update(acknowledged_at=timezone.now())
    make_circular(zones=[qeshm], title="بخشنامه ویژه قشم")  # could leak
    make_circular(zones=[kish], status="draft", title="پیش‌نویس بخشنامه")
    make_circular(zones=[kish], status="withdrawn", title="بخشنامه پس‌گرفته")

    panels, sections = home(client_for(kish_deputy))

    assert panels[fa("Circulars to acknowledge")] == 1
    html = sections["home-circulars"]
    assert "بخشنامه برنامه‌های قرآنی" in html
    assert reverse("coordination:circular", args=[waiting.pk]) in html
    for hidden in ("بخشنامه اعلام‌شده", "بخشنامه ویژه قشم", "پیش‌نویس بخشنامه", "بخشنامه پس‌گرفته"):
        assert hidden not in html
    # Qeshm acknowledges its copy: Kish's still waits.
    waiting.recipients.filter(zone=qeshm).update(acknowledged_at=timezone.now())
    assert home(client_for(qeshm_deputy))[0][fa("Circulars to acknowledge")] == 1  # its Qeshm-only one


def test_the_next_meeting_is_the_next_one_they_are_invited_to_with_their_answer(
    client_for, kish_deputy, kish, qeshm
):
    make_meeting(zones=[qeshm], days_ahead=2, title="نشست ویژه قشم")  # sooner, but not Kish's: could leak
    mine = make_meeting(zones=[kish, qeshm], days_ahead=9, title="نشست شورای معاونان فرهنگی آذر")
    make_meeting(zones=[kish], days_ahead=40, title="نشست بعدی")
    make_meeting(zones=[kish], days_ahead=5, status="cancelled", title="نشست لغوشده")
    mine.invitees.filter(zone=kish).update(answer="attending")

    _panels, sections = home(client_for(kish_deputy))

    html = sections["home-next-meeting"]
    assert "نشست شورای معاونان فرهنگی آذر" in html
    assert reverse("coordination:meeting", args=[mine.pk]) in html
    for hidden in ("نشست ویژه قشم", "نشست بعدی", "نشست لغوشده"):
        assert hidden not in html
    with translation.override("fa"):
        assert str(Invitee.Answer.ATTENDING.label) in html
    assert mine.agenda_cutoff > timezone.now()
    assert reverse("coordination:agenda-propose", args=[mine.pk]) in html  # the agenda is still open


def test_a_partner_sees_its_institutions_items_and_no_circulars(
    client_for, art_bureau_partner, art_bureau, kanoon, kish
):
    decision = minutes_out(kish, institutions=[art_bureau, kanoon])
    make_action_item(decision, institution=art_bureau, due_in_days=-2, description="گزارش حوزه هنری")
    make_action_item(decision, institution=kanoon, due_in_days=-2, description="گزارش کانون")  # could leak
    make_action_item(decision, zone=kish, due_in_days=-2, description="اقدام کیش")
    panels, sections = home(client_for(art_bureau_partner))
    assert panels[fa("Action items overdue")] == 1
    assert fa("Circulars to acknowledge") not in panels
    assert "گزارش حوزه هنری" in sections["home-action-items"]
    assert "گزارش کانون" not in sections["home-action-items"]
    assert "اقدام کیش" not in sections["home-action-items"]


def test_the_secretariat_sees_what_is_late_across_the_zones(client_for, secretariat, kish, qeshm):
    decision = minutes_out(kish, qeshm)
    make_action_item(decision, zone=kish, due_in_days=-4, description="اقدام دیرکرد کیش")
    make_action_item(decision, zone=qeshm, due_in_days=-1, status="missed", description="اقدام دیرکرد قشم")
    make_action_item(decision, zone=qeshm, due_in_days=6, description="اقدام به‌موقع")
    late = make_circular(zones=[kish, qeshm], ack_in_days=-2, title="بخشنامه عقب‌افتاده")
    late.recipients.filter(zone=kish).update(acknowledged_at=timezone.now())
    everyone = make_circular(zones=[kish], ack_in_days=-2, title="بخشنامه کامل")
    everyone.recipients.update(acknowledged_at=timezone.now())
    make_circular(zones=[kish], ack_in_days=5, title="بخشنامه در مهلت")
    make_meeting(zones=[kish, qeshm], days_ahead=3, title="نشست پیش رو")

    panels, sections = home(client_for(secretariat))

    assert panels[fa("Action items overdue")] == 2
    assert panels[fa("Circulars past their deadline, not all acknowledged")] == 1
    assert "اقدام دیرکرد کیش" in sections["home-action-items"]
    assert "اقدام دیرکرد قشم" in sections["home-action-items"]
    assert "اقدام به‌موقع" not in sections["home-action-items"]
    assert "بخشنامه عقب‌افتاده" in sections["home-circulars"]
    assert "بخشنامه کامل" not in sections["home-circulars"]
    assert "بخشنامه در مهلت" not in sections["home-circulars"]
    assert "۱" in sections["home-circulars"]  # one of two zones missing, in Persian digits
    assert "نشست پیش رو" in sections["home-next-meeting"]


def test_kept_panels_follow_a_change_at_once(client_for, kish_deputy, kish):
    decision = minutes_out(kish)
    client = client_for(kish_deputy)
    assert home(client)[0][fa("Action items we owe")] == 0
    make_action_item(decision, zone=kish, due_in_days=3)
    assert home(client)[0][fa("Action items we owe")] == 1
    make_circular(zones=[kish])
    assert home(client)[0][fa("Circulars to acknowledge")] == 1


HOME_DEPUTY, HOME_SECRETARIAT = 18, 17  # 13 and 12 before the desk (test_home_cost), 5 more each


def many(kish, qeshm, art_bureau, count):
    decision = minutes_out(kish, qeshm, institutions=[art_bureau])
    for index in range(count):
        make_action_item(decision, zone=kish, due_in_days=index - count // 2)
        make_action_item(decision, zone=qeshm, due_in_days=-index - 1)
        make_action_item(decision, institution=art_bureau, due_in_days=index - count // 2)
        make_circular(zones=[kish, qeshm], ack_in_days=-1 if index % 2 else 3)
        make_meeting(zones=[kish], institutions=[art_bureau], days_ahead=index + 2)


# The coordination provider's own queries, counted apart from the rest of the page: the items' counts
# and rows; the zone's circulars' count and rows; the next meeting. The secretariat: the overdue count,
# the late circulars' count, the overdue rows, the late circulars' rows, the next meeting.
@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize(
    ("person", "queries"), [("kish_deputy", 5), ("art_bureau_partner", 3), ("secretariat", 5)]
)
def test_the_panels_cost_the_same_whatever_the_numbers(
    request, person, queries, kish, qeshm, art_bureau, count, django_assert_num_queries
):
    from coordination import glance

    reader = request.getfixturevalue(person)
    many(kish, qeshm, art_bureau, count)
    from zones_portal.permissions import scope_of

    scope_of(reader)  # the reader's scope is read once per request, before any panel
    cache.clear()
    with django_assert_num_queries(queries), translation.override("fa"):
        found = glance.panels(reader)
    assert found


# The whole page, built afresh: what tests/zones_portal/test_home_cost.py counts for the other apps, and
# the coordination provider's own queries above.
@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize(
    ("person", "queries"), [("kish_deputy", HOME_DEPUTY), ("secretariat", HOME_SECRETARIAT)]
)
def test_the_home_page_costs_the_same_whatever_the_numbers(
    client_for, request, person, queries, kish, qeshm, art_bureau, count, django_assert_num_queries
):
    reader = request.getfixturevalue(person)
    many(kish, qeshm, art_bureau, count)
    client = client_for(reader)
    client.get(reverse("home"))
    cache.clear()  # the page as built: once counted, panels are kept (zones_portal.glance)
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    # Kept: no provider counting the zone's or the secretariat's rows is asked again, whatever the
    # numbers: the session, the person, and the scope with the menu's jury link. The bell's counts, the
    # deputy's zone card and the reader's applications to score (talent.glance) are kept per person.
    with django_assert_num_queries(3):
        client.get(reverse("home"))
