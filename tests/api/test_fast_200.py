"""A partner's repeated GET is answered with the 200 DRF gave last time for the same ETag, before DRF
runs: the same bytes and headers, counted against the key's rate, and never to a key that may not see
it (zones_portal.api.fastpath, issue #13: the detail at least as fast as a bare DRF detail)."""

from unittest import mock

import pytest
from django.core.cache import cache

from events import services
from tests.factories import make_event
from zones_portal.api import fastpath
from zones_portal.models import ApiToken
from zones_portal.services import revoke_api_tokens

pytestmark = pytest.mark.django_db
LIST = "/api/v1/events/?page_size=50"


def _no_drf():
    return mock.patch("rest_framework.views.APIView.dispatch", side_effect=AssertionError("DRF ran"))


def _headers(response):
    return {name: value for name, value in response.items() if name not in ("X-Request-ID", "Date")}


@pytest.mark.parametrize("detail", [False, True])
def test_a_repeat_get_is_the_same_answer_without_drf(
    api_for, art_bureau_partner, kish, detail, django_assert_num_queries
):
    event = make_event(kish, status="approved", starts_in_days=3)
    path = f"/api/v1/events/{event.pk}/" if detail else LIST
    client = api_for(art_bureau_partner)
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0), _no_drf():
        again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert _headers(again) == _headers(first)
    assert again["X-Request-ID"] != first["X-Request-ID"]  # the middleware above still runs


def test_a_kept_200_counts_against_the_rate(api_for, art_bureau_partner, kish, settings):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    token = ApiToken.objects.get(user=art_bureau_partner)
    assert client.get(LIST).status_code == 200
    counted = len(cache.get(f"throttle_token_key:{token.pk}"))
    with _no_drf():
        for _ in range(3):
            assert client.get(LIST).status_code == 200
    assert len(cache.get(f"throttle_token_key:{token.pk}")) == counted + 3


def test_the_rate_holds_for_kept_answers(api_for, art_bureau_partner, kish):
    """Three a minute: the first through DRF, two kept, then the 429 DRF gives, with its wait."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    make_event(kish, status="approved")
    with mock.patch.object(
        SimpleRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/minute"}
    ):
        client = api_for(art_bureau_partner)
        assert client.get(LIST).status_code == 200
        with _no_drf():
            assert [client.get(LIST).status_code for _ in range(2)] == [200, 200]
        refused = client.get(LIST)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0


def test_a_change_is_shown_at_once(api_for, art_bureau_partner, secretariat, kish):
    event = make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    path = f"/api/v1/events/{event.pk}/"
    client.get(path)
    services.update_event(secretariat, event, title="عنوان تازه")
    assert client.get(path).json()["title"] == "عنوان تازه"


def test_a_revoked_key_gets_401_not_the_kept_answer(api_for, art_bureau_partner, secretariat, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    assert client.get(LIST).status_code == 200
    revoke_api_tokens(secretariat, ApiToken.objects.filter(user=art_bureau_partner))
    assert client.get(LIST).status_code == 401


def test_another_scope_never_gets_a_kept_answer(api_for, kish_deputy, qeshm_deputy, kish, qeshm):
    make_event(kish, status="submitted", title="پیش‌نویس کیش")
    kish_answer = api_for(kish_deputy).get(LIST)
    assert "پیش‌نویس کیش" in kish_answer.content.decode()
    qeshm_answer = api_for(qeshm_deputy).get(LIST)
    assert qeshm_answer.status_code == 200
    assert "پیش‌نویس کیش" not in qeshm_answer.content.decode()


def test_the_browsable_api_is_not_kept(api_for, secretariat, kish):
    make_event(kish, status="approved")
    client = api_for(secretariat)
    assert client.get(LIST, HTTP_ACCEPT="text/html").status_code == 200
    with mock.patch.object(fastpath, "HttpResponse", side_effect=AssertionError("answered early")):
        assert client.get(LIST, HTTP_ACCEPT="text/html").status_code == 200


def test_with_the_cache_down_drf_answers(api_for, art_bureau_partner, kish):
    make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    first = client.get(LIST)
    broken = mock.Mock(
        get_many=mock.Mock(side_effect=ConnectionError), set=mock.Mock(side_effect=ConnectionError)
    )
    with mock.patch.object(fastpath, "cache", broken):
        again = client.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content
