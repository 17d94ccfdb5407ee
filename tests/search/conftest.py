import pytest
from rest_framework.test import APIClient

from zones_portal.models import ApiToken


@pytest.fixture
def api_for():
    """``api_for(user)``: an API client carrying a fresh key of that user (as tests/api/conftest.py)."""

    def make(user, **token_options) -> APIClient:
        client = APIClient()
        _token, key = ApiToken.issue(user, **token_options)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
