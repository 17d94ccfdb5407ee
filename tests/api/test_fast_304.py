"""A partner's repeated "has anything changed?" is answered before DRF runs, and still only to a key that
may see the answer: a revoked or expired key, a deactivated person or a changed membership goes the long
way at once (zones_portal.api.fastpath)."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from events import services
from tests.factories import make_event
from zones_portal.api import fastpath
from zones_portal.models import ApiToken, Membership
from zones_portal.services import revoke_api_tokens

pytestmark = pytest.mark.django_db
LIST = "/api/v1/events/?page_size=50"


def _warm(client, path=LIST):
    """A 200, then one conditional request through DRF, which keeps the key's scope: the ETag to ask with."""
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    return etag


def test_a_repeat_question_is_answered_without_a_query(
    api_for, art_bureau_partner, kish, django_assert_num_queries
):
    make_event(kish, status="approved", starts_in_days=3)
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    with django_assert_num_queries(0):
        again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "private, no-cache"
    assert not again.content
    # What the middleware before it and the API's language rule give every answer, this one too.
    assert again["X-Request-ID"]
    assert again["Content-Language"] == "fa"
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in again["Vary"].split(",")}


def test_the_language_is_part_of_the_answer(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    english = client.get(LIST, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert english["Content-Language"] == "en"


def test_the_detail_too(api_for, secretariat, kish, django_assert_num_queries):
    event = make_event(kish, status="approved", starts_in_days=3)
    client = api_for(secretariat)
    path = f"/api/v1/events/{event.pk}/"
    etag = _warm(client, path)
    with django_assert_num_queries(0):
        assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_revoked_key_gets_401_not_304(api_for, art_bureau_partner, secretariat, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    token = ApiToken.objects.get(user=art_bureau_partner)
    revoke_api_tokens(secretariat, [token])
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_a_key_that_expires_gets_401_not_304_even_with_nothing_saved(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner, expires_at=timezone.now() + dt.timedelta(seconds=30))
    etag = _warm(client)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_a_deactivated_person_gets_401_not_304(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    art_bureau_partner.is_active = False
    art_bureau_partner.save()
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_a_changed_membership_is_answered_for_the_new_scope(api_for, kish_deputy, kish, qeshm):
    make_event(kish, status="draft", title="پیش‌نویس کیش")  # only Kish's people see it
    client = api_for(kish_deputy)
    etag = _warm(client)
    membership = Membership.objects.get(user=kish_deputy)
    membership.zone = qeshm
    membership.save()
    answer = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200
    assert answer["ETag"] != etag
    assert answer.json()["results"] == []


def test_another_scope_never_gets_the_304_of_a_kept_one(api_for, kish_deputy, qeshm_deputy, kish):
    make_event(kish, status="draft")
    kish_etag = _warm(api_for(kish_deputy))
    qeshm = api_for(qeshm_deputy)
    _warm(qeshm)  # Qeshm's key is kept too
    answer = qeshm.get(LIST, HTTP_IF_NONE_MATCH=kish_etag)
    assert answer.status_code == 200
    assert answer.json()["results"] == []


def test_a_changed_event_is_shown_at_once(api_for, secretariat, kish):
    event = make_event(kish, status="submitted", starts_in_days=5)
    client = api_for(secretariat)
    etag = _warm(client)
    services.update_event(secretariat, event, title="عنوان تازه")
    answer = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["title"] == "عنوان تازه"


def test_a_fast_304_is_not_counted_against_the_rate(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    token = ApiToken.objects.get(user=art_bureau_partner)
    counted = len(cache.get(f"throttle_token_key:{token.pk}"))
    for _ in range(5):
        assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(cache.get(f"throttle_token_key:{token.pk}")) == counted


def test_a_session_goes_the_long_way_and_still_gets_its_304(client_for, secretariat, kish):
    make_event(kish, status="approved")
    client = client_for(secretariat)
    etag = client.get(LIST)["ETag"]
    answer = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 304


def test_with_the_cache_down_the_long_way_still_answers(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    etag = _warm(client)
    with mock.patch.object(fastpath, "cache", mock.Mock(get_many=mock.Mock(side_effect=ConnectionError))):
        answer = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 304


def test_the_etag_cannot_be_worked_out_without_the_secret_key(rf, settings):
    request = rf.get(LIST)
    one = fastpath.answer_etag(request, (True, None, None), (1,))
    settings.SECRET_KEY = "another-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert fastpath.answer_etag(request, (True, None, None), (1,)) != one
