"""The secretariat decides whether a report's attendance and number of artists appear on the event's
public page (issue 18): from the event's page, through one service, recorded in the report's history."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events import services
from events.models import EventReport
from tests.factories import make_event
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(qeshm):
    event = make_event(qeshm, status="reported", starts_in_days=-10, title="شب موسیقی")
    EventReport.objects.create(event=event, attendance=850, artists_count=12, outcomes="خوب")
    return event


def test_the_secretariat_shows_and_hides_the_figures(reported, secretariat):
    report = EventReport.objects.get(event=reported)
    services.set_public_figures(secretariat, report, public=True)
    report.refresh_from_db()
    assert report.public_figures is True
    latest = report.history.latest()
    assert latest.public_figures is True
    assert latest.history_user == secretariat
    services.set_public_figures(secretariat, report, public=False)
    report.refresh_from_db()
    assert report.public_figures is False


def test_nobody_else_may_publish_them(reported, qeshm_deputy, art_bureau_partner):
    report = EventReport.objects.get(event=reported)
    for person in (qeshm_deputy, art_bureau_partner, None):
        with pytest.raises(PermissionDenied):
            services.set_public_figures(person, report, public=True)
    report.refresh_from_db()
    assert report.public_figures is False


def test_only_a_published_events_figures(qeshm, secretariat):
    event = make_event(qeshm, status="cancelled", starts_in_days=-10)
    report = EventReport.objects.create(event=event, attendance=1, artists_count=1, outcomes="-")
    with pytest.raises(InvalidMoveError):
        services.set_public_figures(secretariat, report, public=True)


def test_the_button_is_the_secretariats_and_only_beside_a_report(
    reported, qeshm, secretariat, qeshm_deputy, client_for
):
    page = client_for(secretariat).get(reverse("events:detail", args=[reported.pk])).content.decode()
    assert reverse("events:report-figures", args=[reported.pk]) in page
    assert 'name="public" value="1"' in page
    deputy_page = client_for(qeshm_deputy).get(reverse("events:detail", args=[reported.pk])).content.decode()
    assert reverse("events:report-figures", args=[reported.pk]) not in deputy_page
    unreported = make_event(qeshm, status="held", starts_in_days=-3)
    bare = client_for(secretariat).get(reverse("events:detail", args=[unreported.pk])).content.decode()
    assert reverse("events:report-figures", args=[unreported.pk]) not in bare


def test_the_button_publishes_and_the_public_page_follows(reported, secretariat, client_for, anonymous):
    client = client_for(secretariat)
    url = reverse("events:report-figures", args=[reported.pk])
    public_page = reverse("public:event", args=[reported.pk])
    assert "850" not in anonymous.get(public_page, HTTP_COOKIE="portal_language=en").content.decode()
    response = client.post(url, {"public": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:detail", args=[reported.pk])
    assert EventReport.objects.get(event=reported).public_figures is True
    anonymous.cookies["portal_language"] = "en"
    assert "850" in anonymous.get(public_page).content.decode()
    page = response.content.decode()
    assert 'name="public" value="0"' in page  # now the button hides them
    client.post(url, {"public": "0"})
    assert EventReport.objects.get(event=reported).public_figures is False


def test_a_deputy_posting_is_refused_and_nothing_changes(reported, qeshm_deputy, client_for):
    response = client_for(qeshm_deputy).post(
        reverse("events:report-figures", args=[reported.pk]), {"public": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "Only the secretariat" in response.content.decode() or "دبیرخانه" in response.content.decode()
    assert EventReport.objects.get(event=reported).public_figures is False


def test_a_bad_choice_is_said_and_changes_nothing(reported, secretariat, client_for):
    response = client_for(secretariat).post(
        reverse("events:report-figures", args=[reported.pk]), {"public": "maybe"}, follow=True
    )
    assert response.status_code == 200
    assert EventReport.objects.get(event=reported).public_figures is False


def test_the_admin_shows_the_figures_of_the_selected_events(reported, qeshm, secretariat, client_for):
    bare = make_event(qeshm, status="held", starts_in_days=-3)
    response = client_for(secretariat).post(
        reverse("admin:events_event_changelist"),
        {"action": "show_figures_selected", ACTION_CHECKBOX_NAME: [reported.pk, bare.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert EventReport.objects.get(event=reported).public_figures is True
    change = client_for(secretariat).get(reverse("admin:events_event_change", args=[reported.pk]))
    assert change.status_code == 200


def test_corrected_figures_wait_for_the_secretariat_again(kish_deputy, kish):
    """A report refiled with other figures leaves the public page until the secretariat shows them again;
    refiling with the same figures keeps them shown."""
    from events import services
    from events.models import EventReport
    from tests.factories import make_event

    event = make_event(kish, status="held", starts_in_days=-3)
    fields = {"attendance": 300, "artists_count": 20, "outcomes": "خوب"}
    services.file_report(kish_deputy, event, **fields)
    EventReport.objects.filter(event=event).update(public_figures=True)

    services.file_report(kish_deputy, event, **{**fields, "outcomes": "خوب، با نمایشگاه"})
    assert EventReport.objects.get(event=event).public_figures is True

    services.file_report(kish_deputy, event, **{**fields, "attendance": 450})
    assert EventReport.objects.get(event=event).public_figures is False
