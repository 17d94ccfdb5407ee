"""The API keeps answering while the cache (Redis) is away: the throttle lets requests through."""

from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_answers_with_the_cache_down(api_for, art_bureau_partner):
    down = mock.Mock(
        **{f"{name}.side_effect": ConnectionError("cache down") for name in ("get", "set", "add")}
    )
    with mock.patch("rest_framework.throttling.SimpleRateThrottle.cache", down):
        assert api_for(art_bureau_partner).get("/api/v1/zones/").status_code == 200
