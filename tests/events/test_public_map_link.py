"""The event's map link (issue 18): typed on the dashboard's form and in the admin, left to right."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Event, EventCategory
from tests.factories import make_event
from zones_portal.dates import input_date

pytestmark = pytest.mark.django_db


def form_data(**extra: str) -> dict[str, str]:
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "نمایشگاه عکس",
        "category": str(EventCategory.objects.get(slug="festival").pk),
        "venue": "گالری ساحل",
        "starts_at_0": input_date(day, "en"),
        "starts_at_1": "10:00",
        "ends_at_0": input_date(day, "en"),
        "ends_at_1": "18:00",
        **extra,
    }


def test_the_form_offers_the_map_link_left_to_right(client_for, kish_deputy):
    html = client_for(kish_deputy).get(reverse("events:create")).content.decode()
    assert 'name="map_link"' in html
    field = html[html.index('name="map_link"') - 200 : html.index('name="map_link"') + 200]
    assert 'dir="ltr"' in field


def test_a_proposal_keeps_its_map_link(client_for, kish_deputy):
    response = client_for(kish_deputy).post(
        reverse("events:create"), form_data(map_link="neshan.org/maps/places/abc")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get().map_link == "https://neshan.org/maps/places/abc"


def test_a_map_link_that_is_no_address_is_refused_on_its_field(client_for, kish_deputy):
    response = client_for(kish_deputy).post(
        reverse("events:create"), form_data(map_link="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert 'id="id_map_link"' in response.content.decode()
    assert response.context["form"].errors["map_link"]


def test_the_admin_edits_the_map_link_left_to_right(client_for, secretariat, kish):
    event = make_event(kish, status="draft")
    html = client_for(secretariat).get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    field = html[html.index('name="map_link"') - 200 : html.index('name="map_link"') + 200]
    assert 'dir="ltr"' in field
