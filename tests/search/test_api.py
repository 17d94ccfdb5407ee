"""The API's ``search`` filter goes through the same normaliser as the search page; so do the FilterSets
of every searchable kind."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from agreements.filters import AgreementFilter
from agreements.models import Agreement
from coordination.filters import MeetingFilter
from coordination.models import Meeting
from exports.filters import CreativeBusinessFilter
from exports.models import CreativeBusiness
from talent.filters import ArtistFilter, TalentCallFilter
from talent.models import Artist, TalentCall
from tests.exports.register_world import make_business, make_deal
from tests.factories import make_agreement, make_call, make_event, make_meeting

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_events_search_finds_every_spelling(api_for, art_bureau_partner, kish):
    arabic = make_event(kish, status="approved", title="كنسرت موسيقي 1405")
    joined = make_event(kish, status="approved", title="کنسرت‌موسیقی")
    other = make_event(kish, status="approved", title="کارگاه عکاسی")
    client = api_for(art_bureau_partner)
    assert ids(client.get("/api/v1/events/", {"search": "کنسرت موسیقی"})) == {arabic.pk, joined.pk}
    assert ids(client.get("/api/v1/events/", {"search": "كنسرت"})) == {arabic.pk, joined.pk}
    assert ids(client.get("/api/v1/events/", {"search": "١٤٠٥"})) == {arabic.pk}
    # No letters or digits is no filter, as an empty value is.
    assert ids(client.get("/api/v1/events/", {"search": "؟"})) == {arabic.pk, joined.pk, other.pk}


def test_the_events_search_keeps_to_what_the_caller_sees(api_for, kish_deputy, qeshm):
    make_event(qeshm, status="draft", title="كنسرت قشم")
    approved = make_event(qeshm, status="approved", title="کنسرت قشم")
    assert ids(api_for(kish_deputy).get("/api/v1/events/", {"search": "کنسرت"})) == {approved.pk}


def test_a_too_long_search_is_a_400_naming_the_field(api_for, art_bureau_partner):
    response = api_for(art_bureau_partner).get("/api/v1/events/", {"search": "ک" * 201})
    assert response.status_code == 400
    assert "search" in response.json()


def test_export_deals_are_found_by_their_business(api_for, kish_deputy, kish):
    pottery = make_deal(make_business(kish, name="كارگاه سفال"))
    make_deal(make_business(kish, name="کارگاه فرش"))
    assert ids(api_for(kish_deputy).get("/api/v1/export-deals/", {"search": "سفال"})) == {pottery.pk}


def test_the_search_is_documented(api_for, art_bureau_partner):
    schema = api_for(art_bureau_partner).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    parameters = {p["name"]: p for p in schema.json()["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert "ي/ی" in parameters["search"]["description"]


def filtered(filterset, queryset, query: str) -> list:
    request = RequestFactory().get("/", {"search": query})
    return list(filterset(request.GET, queryset=queryset, request=request).qs)


def test_every_searchable_kind_has_a_search_filterset(kish, qeshm):
    agreement = make_agreement(zones=(kish,), title="تفاهم‌نامه همكاري فرهنگي")
    call = make_call(title="فراخوان خوشنويسي")
    artist = Artist.objects.create(full_name="علي رضايي", zone=kish)
    business = make_business(kish, name="كارگاه سفال")
    meeting = make_meeting(zones=(qeshm,), title="نشست شوراي فرهنگي")
    for filterset, queryset, query, wanted in (
        (AgreementFilter, Agreement.objects.all(), "همکاری فرهنگی", agreement),
        (TalentCallFilter, TalentCall.objects.all(), "خوشنویسی", call),
        (ArtistFilter, Artist.objects.all(), "علی رضایی", artist),
        (CreativeBusinessFilter, CreativeBusiness.objects.all(), "کارگاه", business),
        (MeetingFilter, Meeting.objects.all(), "شورای فرهنگی", meeting),
    ):
        assert filtered(filterset, queryset, query) == [wanted], filterset.__name__
        assert filtered(filterset, queryset, "ناموجود") == [], filterset.__name__
