"""Conflict warnings while the event form is filled (issue 15): the form asks ``events:conflicts`` when
its dates, category or host change, and shows the same warnings a saved event's page shows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventCategory
from tests.factories import make_event
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db
URL = reverse("events:conflicts")


def asked(starts_at, hours=3, category="festival", **extra):
    """The query the form sends for an event starting at ``starts_at``, typed as a Persian reader would."""
    local = timezone.localtime(starts_at)
    ends = local + dt.timedelta(hours=hours)
    return {
        "category": EventCategory.objects.get(slug=category).pk,
        "starts_at_0": input_date(local, "fa"),
        "starts_at_1": local.strftime("%H:%M"),
        "ends_at_0": input_date(ends, "fa"),
        "ends_at_1": ends.strftime("%H:%M"),
        **extra,
    }


def test_an_overlap_with_an_approved_event_of_ones_zone_is_warned_of(client_for, kish_deputy, kish):
    concert = make_event(kish, status="approved", starts_in_days=9, hours=3, title="کنسرت ساحلی")
    response = client_for(kish_deputy).get(URL, asked(concert.starts_at + dt.timedelta(hours=1)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "کنسرت ساحلی" in html
    assert 'class="card warning"' in html
    assert "با «کنسرت ساحلی»، رویداد تأییدشده دیگری از کیش، هم‌زمان است." in html


def test_the_same_category_in_another_zone_that_week_is_warned_of(client_for, kish_deputy, qeshm):
    quran = make_event(qeshm, status="approved", category="quran", starts_in_days=8, title="محفل قرآنی قشم")
    html = client_for(kish_deputy).get(URL, asked(quran.starts_at, category="quran")).content.decode()
    assert "محفل قرآنی قشم" in html
    html = client_for(kish_deputy).get(URL, asked(quran.starts_at, category="festival")).content.decode()
    assert html.strip() == ""


def test_no_clash_answers_nothing(client_for, kish_deputy, kish):
    make_event(kish, status="approved", starts_in_days=9, hours=3)
    make_event(kish, status="submitted", starts_in_days=30, hours=3)  # not approved: no clash
    start = timezone.now() + dt.timedelta(days=30)
    response = client_for(kish_deputy).get(URL, asked(start))
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


@pytest.mark.parametrize(
    "change",
    [{"starts_at_0": "۱۴۰۵/۱۳/۴۰"}, {"ends_at_1": ""}, {"category": "999999"}, {"ends_at_0": "1300/01/01"}],
)
def test_a_form_still_being_filled_gets_no_warning_and_no_error(client_for, kish_deputy, kish, change):
    concert = make_event(kish, status="approved", starts_in_days=9, hours=3)
    response = client_for(kish_deputy).get(URL, {**asked(concert.starts_at), **change})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_a_deputy_asks_about_their_own_zone_whatever_host_is_named(client_for, kish_deputy, qeshm):
    qeshm_event = make_event(qeshm, status="approved", starts_in_days=9, hours=3, title="رویداد قشم")
    query = asked(qeshm_event.starts_at, category="workshop", host_zone=qeshm.pk)
    html = client_for(kish_deputy).get(URL, query).content.decode()
    assert "رویداد قشم" not in html  # asked as Kish's event: Qeshm's overlap is not Kish's


def test_the_secretariat_asks_about_the_host_it_chose(client_for, secretariat, qeshm):
    qeshm_event = make_event(qeshm, status="approved", starts_in_days=9, hours=3, title="رویداد قشم")
    query = asked(qeshm_event.starts_at, category="workshop", host_zone=qeshm.pk)
    assert "رویداد قشم" in client_for(secretariat).get(URL, query).content.decode()


def test_an_event_being_edited_does_not_clash_with_itself(client_for, secretariat, kish):
    event = make_event(kish, status="approved", starts_in_days=9, hours=3, title="خودش")
    client = client_for(secretariat)
    html = client.get(URL, asked(event.starts_at, event=event.pk)).content.decode()
    assert html.strip() == ""
    html = client.get(URL, asked(event.starts_at, host_zone=kish.pk)).content.decode()  # a new one would
    assert "خودش" in html


def test_another_zones_draft_cannot_be_named(client_for, kish_deputy, qeshm):
    draft = make_event(qeshm, status="draft")
    assert client_for(kish_deputy).get(URL, asked(draft.starts_at, event=draft.pk)).status_code == 404


def test_an_event_the_deputy_may_see_but_not_change_is_refused(client_for, kish_deputy, qeshm):
    published = make_event(qeshm, status="approved")
    assert client_for(kish_deputy).get(URL, asked(published.starts_at, event=published.pk)).status_code == 403


def test_only_people_who_propose_events_may_ask(client_for, anonymous, art_bureau_partner, kish):
    event = make_event(kish, status="approved")
    response = anonymous.get(URL, asked(event.starts_at))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert client_for(art_bureau_partner).get(URL, asked(event.starts_at)).status_code == 403


def test_only_get_is_answered(client_for, kish_deputy):
    assert client_for(kish_deputy).post(URL, {}).status_code == 405


def test_the_answer_reads_in_the_readers_language(client_for, kish_deputy, kish):
    kish_deputy.language = "en"
    kish_deputy.save()
    concert = make_event(kish, status="approved", starts_in_days=9, hours=3, title="Beach concert")
    local = timezone.localtime(concert.starts_at)
    ends = local + dt.timedelta(minutes=30)  # may fall on the next day late at night
    query = {
        "category": concert.category_id,
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.strftime("%H:%M"),
        "ends_at_0": ends.date().isoformat(),
        "ends_at_1": ends.strftime("%H:%M"),
    }
    html = client_for(kish_deputy).get(URL, query).content.decode()
    assert "Possible conflicts" in html
    assert "Overlaps “Beach concert”, another approved event of Kish." in html


@pytest.mark.parametrize("count", [1, 8])
def test_the_answer_costs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, count, django_assert_max_num_queries
):
    first = None
    for index in range(count):
        event = make_event(kish, status="approved", starts_in_days=9 + index / 100, hours=3)
        first = first or event
    client = client_for(kish_deputy)
    client.get(URL, asked(first.starts_at))
    with django_assert_max_num_queries(7):
        html = client.get(URL, asked(first.starts_at)).content.decode()
    assert html.count("<li>") == count


def test_the_form_carries_the_live_region_and_its_script(client_for, kish_deputy, kish):
    client = client_for(kish_deputy)
    html = client.get(reverse("events:create")).content.decode()
    assert f'id="live-conflicts" aria-live="polite" data-url="{URL}"' in html
    assert "js/event-form.js" in html
    event = make_event(kish, status="draft")
    html = client.get(reverse("events:edit", args=[event.pk])).content.decode()
    assert f'data-url="{URL}?event={event.pk}"' in html


def test_the_saved_event_shows_the_same_warning(client_for, kish_deputy, kish):
    """What the form warns of is what the event's page says once saved (events/conflicts.py alone)."""
    concert = make_event(kish, status="approved", starts_in_days=9, hours=3)
    client = client_for(kish_deputy)
    live = client.get(URL, asked(concert.starts_at)).content.decode()
    draft = make_event(kish, status="draft", starts_in_days=9, hours=3)
    Event.objects.filter(pk=draft.pk).update(starts_at=concert.starts_at, ends_at=concert.ends_at)
    page = client.get(reverse("events:detail", args=[draft.pk])).content.decode()
    warning = live[live.index("<ul>") : live.index("</ul>")]
    assert warning in page


@pytest.mark.parametrize("named", ["²", "٣", "1" * 40, "-1", "x"])
def test_an_event_named_by_anything_but_an_id_is_not_found(client_for, kish_deputy, kish, named):
    """Superscript and Arabic digits pass str.isdigit() but not int(); a huge number overflows the column."""
    import datetime as dt

    from django.utils import timezone

    response = client_for(kish_deputy).get(URL, asked(timezone.now() + dt.timedelta(days=5), event=named))
    assert response.status_code == 404
