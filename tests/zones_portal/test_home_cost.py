"""The home page after years of use: its panels are counts, so it costs the same number of queries
however many events, obligations and notifications there are, and it lists no rows of them."""

import pytest
from django.core.cache import cache
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
@pytest.mark.parametrize(("person", "queries"), [("kish_deputy", 18), ("secretariat", 17)])
def test_the_home_page_costs_the_same_whatever_the_numbers(
    client_for, request, person, queries, kish, qeshm, count, django_assert_num_queries
):
    reader = request.getfixturevalue(person)
    years_of_work(kish, qeshm, count, reader)
    client = client_for(reader)
    client.get(reverse("home"))
    # Session, person, scope (with the jury link's fact); each panel provider's counts (events: two,
    # agreements, talent); the deputy's membership with its zone (or the zones and their people); the bell.
    # Then one query per section of rows (issue 15): the deputy's week, invitations, reports and
    # obligations; the secretariat's decisions, week and overdue obligations.
    cache.clear()  # the page as built: once counted, panels are kept (zones_portal.glance)
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert 'class="event-row' not in html  # counts, and a few rows per section, never whole lists
    counts = {panel.title: panel.count for panel in response.context["panels"]}
    if person == "kish_deputy":
        assert counts["گزارش‌های ثبت‌نشده"] == count
    else:
        assert counts["رویدادهای در انتظار تصمیم شما"] == count


def _counts(client):
    return {panel.title: panel.count for panel in client.get(reverse("home")).context["panels"]}


def test_kept_panels_follow_a_change_at_once(client_for, secretariat, kish, django_assert_num_queries):
    make_event(kish, status="submitted")
    client = client_for(secretariat)
    assert _counts(client)["رویدادهای در انتظار تصمیم شما"] == 1
    # Kept: session, person, scope (with the menu's jury link) and the bell's cached counts. The events'
    # and agreements' counts, the zones with their people and the reader's applications to score (kept
    # per person under the jury counter) are not asked again.
    with django_assert_num_queries(3):
        client.get(reverse("home"))
    make_event(kish, status="submitted")
    assert _counts(client)["رویدادهای در انتظار تصمیم شما"] == 2


def test_one_scopes_kept_panels_never_reach_another(client_for, kish_deputy, qeshm_deputy, kish, qeshm):
    make_event(kish, status="held", starts_in_days=-3)
    assert _counts(client_for(kish_deputy))["گزارش‌های ثبت‌نشده"] == 1
    assert _counts(client_for(qeshm_deputy))["گزارش‌های ثبت‌نشده"] == 0


def test_the_kept_zone_cards_show_a_new_deputy_at_once(client_for, secretariat, kish):
    from tests.factories import zone_user

    client = client_for(secretariat)
    assert "نرگس" not in client.get(reverse("home")).content.decode()
    zone_user(kish, username="new-kish-deputy", first_name="نرگس", last_name="رضایی")
    assert "نرگس" in client.get(reverse("home")).content.decode()


def test_the_cards_are_kept_as_html_per_scope_until_what_they_count_changes(
    client_for, kish_deputy, kish, monkeypatch
):
    """A repeat visit within the minute draws the top bar around the cards as they were rendered; a
    change to what they count draws them again, at once."""
    from zones_portal import views

    drawn = []
    real = views._glance_html
    monkeypatch.setattr(views, "_glance_html", lambda *args: drawn.append(1) or real(*args))
    client = client_for(kish_deputy)
    first = client.get(reverse("home")).content.decode()
    again = client.get(reverse("home")).content.decode()
    assert len(drawn) == 1
    assert 'class="glance"' in first
    assert first.count("glance-panel") == again.count("glance-panel")
    make_event(kish, status="held", starts_in_days=-3)  # one more report owed
    client.get(reverse("home"))
    assert len(drawn) == 2


def test_a_jurors_own_cards_are_drawn_for_them_every_time(client_for, kish, monkeypatch):
    """The jury's applications are the reader's own: never kept, and never another juror's."""
    from talent.models import Assignment
    from tests.factories import make_application, make_call
    from zones_portal import views
    from zones_portal.models import User

    juror = User.objects.create_user("juror-home", password="x")
    call = make_call(jurors=[juror])
    application = make_application(call, zone=kish)
    Assignment.objects.get_or_create(application=application, juror=juror)
    drawn = []
    real = views._glance_html
    monkeypatch.setattr(views, "_glance_html", lambda *args: drawn.append(1) or real(*args))
    client = client_for(juror)
    for _ in range(2):
        assert reverse("talent:jury") in client.get(reverse("home")).content.decode()
    assert len(drawn) == 2


def test_a_deputys_kept_home_asks_only_who_is_looking(
    client_for, kish_deputy, kish, django_assert_num_queries
):
    """The zone card (the reader's zone and job) is kept per person, like the panels: a deputy's home
    asks the session, the person and their scope, and the bell's counts; a renamed zone shows at once."""
    client = client_for(kish_deputy)
    client.get(reverse("home"))
    with django_assert_num_queries(3):
        page = client.get(reverse("home")).content.decode()
    assert kish.name in page
    kish.name_fa = "کیش نو"
    kish.save()
    assert "کیش نو" in client.get(reverse("home")).content.decode()
