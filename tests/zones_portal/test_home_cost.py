"""The home page after years of use: its panels are counts, so it costs the same number of queries
however many events, obligations and notifications there are, and it lists no rows of them."""

import pytest
from django.urls import reverse

from tests.factories import make_agreement, make_event, make_obligation
from tests.reminders.test_page_cost import years_of_notifications

pytestmark = pytest.mark.django_db


def years_of_work(kish, qeshm, count, reader):
    agreement = make_agreement(zones=[kish])
    for index in range(count):
        make_event(qeshm, status="approved", invite=(kish,))
        make_event(kish, status="held", starts_in_days=-3 - index)
        make_event(kish, status="submitted")
        make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=index - count // 2)
    years_of_notifications(reader, count, make_event(kish, status="approved"))


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(("person", "queries"), [("kish_deputy", 11), ("secretariat", 10)])
def test_the_home_page_costs_the_same_whatever_the_numbers(
    client_for, request, person, queries, kish, qeshm, count, django_assert_num_queries
):
    reader = request.getfixturevalue(person)
    years_of_work(kish, qeshm, count, reader)
    client = client_for(reader)
    client.get(reverse("home"))
    # Session, person, scope; each panel provider's counts (events: two, agreements, talent); the
    # zone (or the zones and their people); the menu's jury link and the bell.
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert 'class="event-row' not in html  # counts, never lists
    counts = {panel.title: panel.count for panel in response.context["panels"]}
    if person == "kish_deputy":
        assert counts["گزارش‌های ثبت‌نشده"] == count
    else:
        assert counts["رویدادهای در انتظار تصمیم شما"] == count
