import pytest
from rest_framework.test import APIClient

from zones_portal.models import ApiToken


@pytest.fixture
def api_for():
    """``api_for(user)`` is an API client carrying a fresh key of that user; ``api_for(None)`` has none."""

    def make(user, **token_options) -> APIClient:
        client = APIClient()
        if user is not None:
            _token, key = ApiToken.issue(user, **token_options)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
