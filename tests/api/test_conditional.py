"""The events API answers "nothing changed" before it reads a row, and never serves one caller's answer
to another: ETags and cached answers follow version counters bumped on every change."""

from unittest import mock

import pytest
from django.urls import reverse

from events import services
from events.models import Participation
from tests.factories import make_event

pytestmark = pytest.mark.django_db
LIST = "/api/v1/events/?page_size=50"


def test_a_matching_etag_gets_a_304_before_any_event_is_read(
    api_for, secretariat, kish, django_assert_max_num_queries
):
    for day in range(5):
        make_event(kish, status="approved", starts_in_days=day + 1)
    client = api_for(secretariat)
    first = client.get(LIST)
    assert first.status_code == 200
    etag = first["ETag"]
    # The key lookup and the caller's membership: nothing about events.
    with django_assert_max_num_queries(2):
        again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content


def test_a_repeat_is_served_from_the_cache_with_the_same_body(
    api_for, secretariat, kish, django_assert_max_num_queries
):
    for day in range(20):
        make_event(kish, status="approved", starts_in_days=day + 1)
    client = api_for(secretariat)
    first = client.get(LIST)
    with django_assert_max_num_queries(2):
        second = client.get(LIST)
    assert second.status_code == 200
    assert second.json() == first.json()


def test_any_change_shown_in_the_answer_changes_the_etag(api_for, secretariat, kish, qeshm, qeshm_deputy):
    event = make_event(kish, status="submitted", starts_in_days=10, invite=(qeshm,))
    client = api_for(secretariat)
    etags = [client.get(LIST)["ETag"]]

    services.update_event(secretariat, event, title="عنوان تازه")
    answer = client.get(LIST, HTTP_IF_NONE_MATCH=etags[-1])
    assert answer.status_code == 200
    assert answer.json()["results"][0]["title"] == "عنوان تازه"
    etags.append(answer["ETag"])

    participation = Participation.objects.get(event=event, zone=qeshm)
    services.respond_to_invitation(qeshm_deputy, participation, Participation.Answer.ACCEPTED)
    answer = client.get(LIST, HTTP_IF_NONE_MATCH=etags[-1])
    assert answer.status_code == 200
    assert answer.json()["results"][0]["participating_zones"][0]["answer"] == "accepted"
    etags.append(answer["ETag"])

    services.approve_event(secretariat, event)
    detail = client.get(reverse("api:event-detail", args=[event.pk]))
    assert detail.json()["status"] == "approved"
    assert len(set(etags)) == 3


def test_one_callers_cached_answer_never_reaches_another(api_for, kish_deputy, qeshm_deputy, kish):
    draft = make_event(kish, status="draft", title="پیش‌نویس کیش")
    kish_answer = api_for(kish_deputy).get(LIST)
    assert [row["id"] for row in kish_answer.json()["results"]] == [draft.pk]
    qeshm_answer = api_for(qeshm_deputy).get(LIST, HTTP_IF_NONE_MATCH=kish_answer["ETag"])
    assert qeshm_answer.status_code == 200
    assert qeshm_answer["ETag"] != kish_answer["ETag"]
    assert qeshm_answer.json()["results"] == []


def test_the_etag_also_covers_the_query(api_for, secretariat, kish, qeshm):
    make_event(kish, status="approved")
    make_event(qeshm, status="approved")
    client = api_for(secretariat)
    everything = client.get(LIST)
    kish_only = client.get(LIST + "&zone=kish", HTTP_IF_NONE_MATCH=everything["ETag"])
    assert kish_only.status_code == 200
    assert kish_only.json()["count"] == 1


def test_with_the_cache_down_the_answer_is_built_afresh(api_for, secretariat, kish):
    make_event(kish, status="approved")
    client = api_for(secretariat)
    down = mock.Mock(
        **{f"{name}.side_effect": ConnectionError("cache down") for name in ("get_many", "get", "set", "add")}
    )
    # The version counters and the answers' cache fail: the answer is built afresh all the same.
    with mock.patch("zones_portal.versions.cache", down), mock.patch("zones_portal.api.views.cache", down):
        answer = client.get(LIST)
    assert answer.status_code == 200
    assert answer.json()["count"] == 1
