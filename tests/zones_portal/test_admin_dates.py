"""The admin shows dates in the reader's calendar through explicit displays, with Django left untouched."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from agreements.models import Agreement, Obligation, Party
from events.models import Event, Participation
from reminders.models import DeliveryAttempt, Notification
from talent.models import ApplicationStatusChange, Artist, Discipline
from tests.factories import make_agreement, make_application, make_call, make_event, make_obligation
from zones_portal.models import ApiToken

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 30))  # Tehran time
# How a reader sees that moment, that day, and 1 January 2000.
SHOWN = {
    "fa": {"datetime": "سه‌شنبه ۱۰ آذر ۱۴۰۵، ۱۰:۳۰", "date": "۱۰ آذر ۱۴۰۵", "birth": "۱۱ دی ۱۳۷۸"},
    "en": {"datetime": "Tue 1 Dec 2026, 10:30", "date": "1 Dec 2026", "birth": "1 Jan 2000"},
}


@pytest.fixture(params=["fa", "en"])
def reader(request, client_for, secretariat):
    """The secretariat officer reading the admin in Persian (the default), then in English."""
    secretariat.language = request.param
    secretariat.save(update_fields=["language"])
    return request.param, client_for(secretariat)


def starting_at(event: Event, moment: dt.datetime) -> None:
    Event.objects.filter(pk=event.pk).update(starts_at=moment, ends_at=moment + dt.timedelta(hours=3))


def read_only(html: str, text: str) -> bool:
    return f'<div class="readonly">{text}</div>' in html


def test_djangos_date_display_is_not_patched():
    assert utils.display_for_field.__module__ == "django.contrib.admin.utils"
    assert utils.display_for_field.__qualname__ == "display_for_field"
    assert helpers.display_for_field is utils.display_for_field
    assert admin_list.display_for_field is utils.display_for_field


def test_the_event_list_shows_when_each_event_starts(reader, kish):
    language, client = reader
    event = make_event(kish, title="جشنواره آذر")
    starting_at(event, TUESDAY_MORNING)
    html = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert SHOWN[language]["datetime"] in html
    assert SHOWN["fa" if language == "en" else "en"]["date"] not in html


def test_a_date_named_as_a_list_column_reads_in_the_readers_calendar_and_sorts(reader, kish, monkeypatch):
    """A column that names the model's field: its label, link, sorting, filters and search stay Django's."""
    language, client = reader
    event_admin = admin.site.get_model_admin(Event)
    monkeypatch.setattr(event_admin, "list_display", ("title", "starts_at", "status"))
    monkeypatch.setattr(event_admin, "list_display_links", ("starts_at",))
    monkeypatch.setattr(event_admin, "date_hierarchy", "starts_at")
    later = make_event(kish, title="رویداد دیرتر", status="approved")
    earlier = make_event(kish, title="رویداد زودتر")
    starting_at(later, TUESDAY_MORNING + dt.timedelta(days=40))
    starting_at(earlier, TUESDAY_MORNING)
    url = reverse("admin:events_event_changelist")

    html = client.get(url + "?o=2").content.decode()  # columns: the checkbox, title, starts, status
    change = reverse("admin:events_event_change", args=[earlier.pk])
    link = f'<a href="{change}?_changelist_filters=o%3D2">{SHOWN[language]["datetime"]}</a>'
    assert f'<th class="field-starts_at">{link}</th>' in html
    assert 'class="sortable column-starts_at sorted ascending"' in html
    assert html.index("رویداد زودتر") < html.index("رویداد دیرتر")
    html = client.get(url + "?o=-2").content.decode()
    assert html.index("رویداد دیرتر") < html.index("رویداد زودتر")
    for query in ("?q=دیرتر", "?status__exact=approved", "?starts_at__year=2027"):
        html = client.get(url + query).content.decode()
        assert later.title in html
        assert earlier.title not in html


def test_a_date_column_across_a_relation_reads_in_the_readers_calendar(reader, kish, monkeypatch):
    language, client = reader
    obligation_admin = admin.site.get_model_admin(Obligation)
    monkeypatch.setattr(
        obligation_admin, "list_display", ("short_description", "due_on", "agreement__signed_on")
    )
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind=Party.Kind.ZONE))
    Obligation.objects.filter(pk=obligation.pk).update(due_on=dt.date(2026, 12, 1))
    Agreement.objects.filter(pk=agreement.pk).update(signed_on=dt.date(2000, 1, 1))
    html = client.get(reverse("admin:agreements_obligation_changelist")).content.decode()
    assert f'<td class="field-due_on">{SHOWN[language]["date"]}</td>' in html
    assert f'<td class="field-agreement__signed_on">{SHOWN[language]["birth"]}</td>' in html


def test_an_obligations_read_only_dates_and_the_report_still_saved(reader, kish):
    language, client = reader
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind=Party.Kind.ZONE))
    Obligation.objects.filter(pk=obligation.pk).update(due_on=dt.date(2026, 12, 1))
    url = reverse("admin:agreements_obligation_change", args=[obligation.pk])
    html = client.get(url).content.decode()
    assert read_only(html, SHOWN[language]["date"])  # due on
    assert read_only(html, "-")  # not done yet
    assert 'name="due_on"' not in html

    response = client.post(
        url, {"status": "in_progress", "evidence_note": "در دست انجام", "evidence_link": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    obligation.refresh_from_db()
    assert (obligation.status, obligation.due_on) == ("in_progress", dt.date(2026, 12, 1))


def test_an_applications_birth_date_and_status_history(reader, kish):
    language, client = reader
    application = make_application(make_call(zones=[kish]), kish)
    ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status="submitted", changed_at=TUESDAY_MORNING
    )
    html = client.get(reverse("admin:talent_application_change", args=[application.pk])).content.decode()
    assert read_only(html, SHOWN[language]["birth"])
    assert f"<p>{SHOWN[language]['datetime']}</p>" in html  # the status change's time


def test_a_notification_and_its_delivery_attempts(reader, secretariat, kish):
    language, client = reader
    event = make_event(kish)
    notification = Notification.objects.create(
        rule="event-starts",
        content_type=ContentType.objects.get_for_model(Event),
        object_id=event.pk,
        recipient=secretariat,
        occasion="7",
        title="یادآوری",
        due_at=TUESDAY_MORNING,
    )
    DeliveryAttempt.objects.create(
        notification=notification, at=TUESDAY_MORNING, succeeded=False, error="down"
    )
    html = client.get(reverse("admin:reminders_notification_change", args=[notification.pk])).content.decode()
    assert read_only(html, SHOWN[language]["datetime"])  # due
    assert f"<p>{SHOWN[language]['datetime']}</p>" in html  # the attempt's time


def test_a_view_only_page_shows_its_writable_dates_in_the_readers_calendar(reader, kish_deputy):
    """An API key cannot be changed once issued, so its page shows every field read-only."""
    language, client = reader
    token, _key = ApiToken.issue(kish_deputy, name="sync", expires_at=TUESDAY_MORNING)
    html = client.get(reverse("admin:zones_portal_apitoken_change", args=[token.pk])).content.decode()
    assert read_only(html, SHOWN[language]["datetime"])  # expires
    assert 'name="expires_at' not in html
    assert 'name="expires_at' in client.get(reverse("admin:zones_portal_apitoken_add")).content.decode()


def test_a_persons_important_dates(reader, kish_deputy):
    language, client = reader
    kish_deputy.date_joined = TUESDAY_MORNING
    kish_deputy.save(update_fields=["date_joined"])
    html = client.get(reverse("admin:zones_portal_user_change", args=[kish_deputy.pk])).content.decode()
    assert read_only(html, SHOWN[language]["datetime"])  # date joined


def test_a_read_only_date_on_a_page_that_declares_no_fields(reader, kish, monkeypatch):
    """Django lists every form field and then the read-only ones: the date shows once, and saving works."""
    language, client = reader
    monkeypatch.setattr(admin.site.get_model_admin(Artist), "readonly_fields", ("application", "joined_at"))
    artist = Artist.objects.create(full_name="نقاش کیشی", zone=kish, joined_at=TUESDAY_MORNING)
    url = reverse("admin:talent_artist_change", args=[artist.pk])
    html = client.get(url).content.decode()
    form = html.split('id="history"')[0]  # the record's timeline below the form shows its dates too
    assert form.count(SHOWN[language]["datetime"]) == 1
    assert read_only(form, SHOWN[language]["datetime"])
    assert 'name="joined_at' not in html

    calligraphy = Discipline.objects.get(slug="calligraphy")
    form = {"full_name": "نقاش کیش", "zone": kish.pk, "disciplines": [calligraphy.pk], "is_active": "on"}
    response = client.post(url, {**form, "email": "", "phone": "", "bio": "", "website": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    artist.refresh_from_db()
    assert (artist.full_name, artist.joined_at) == ("نقاش کیش", TUESDAY_MORNING)


def test_a_view_only_page_shows_its_inlines_writable_dates_in_the_readers_calendar(reader, kish, monkeypatch):
    """Where the agreement cannot be changed, its obligations' due dates read as every other date."""
    language, client = reader
    refuse = lambda request, obj=None: False  # noqa: E731
    monkeypatch.setattr(admin.site.get_model_admin(Agreement), "has_change_permission", refuse)
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind=Party.Kind.ZONE))
    Obligation.objects.filter(pk=obligation.pk).update(due_on=dt.date(2026, 12, 1))
    html = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).content.decode()
    assert f"<p>{SHOWN[language]['date']}</p>" in html
    assert 'name="obligations-0-due_on"' not in html


def test_an_events_inline_shows_when_each_zone_was_invited_under_its_own_heading(reader, kish, qeshm):
    language, client = reader
    event = make_event(kish, status="submitted", invite=(qeshm,))
    Participation.objects.filter(event=event).update(invited_at=TUESDAY_MORNING)
    html = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert f"<p>{SHOWN[language]['datetime']}</p>" in html
    assert '<th class="column-invited_at">' in html
    with translation.override(language):
        help_text = str(Participation._meta.get_field("invited_at").help_text)
    assert f'title="{escape(help_text)}"' in html
