"""Content that moves with the clock (the home page's cards, the events page) is renewed every minute by
one request, while the others are given the copy they find: when the minute turned, every worker used to
build it at once, and the requests queued behind them waited for all of them (issue 13, the home page's
slowest answers)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_event
from zones_portal import fragments
from zones_portal.fragments import cached_content

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock():
    moving = Clock()
    with mock.patch.object(fragments, "time", moving):
        yield moving


def kept(builds: list[int]) -> str:
    def build() -> str:
        builds.append(1)
        return f"built {len(builds)}"

    return str(
        cached_content(
            RequestFactory().get("/"), "test:renewed", ("events",), build, seconds=600, renew_after=60
        )
    )


def test_one_request_renews_a_stale_copy_and_the_others_get_the_old_one(clock):
    builds: list[int] = []
    assert kept(builds) == "built 1"
    clock.now += 30
    assert kept(builds) == "built 1"  # fresh: kept
    clock.now += 31
    with mock.patch.object(fragments, "_claim", return_value=False):
        assert kept(builds) == "built 1"  # another request renews it meanwhile: the old copy, at once
    assert kept(builds) == "built 2"  # this one claims it and renews it
    assert kept(builds) == "built 2"
    assert len(builds) == 2


def test_only_one_request_claims_the_renewal(clock):
    builds: list[int] = []
    kept(builds)
    clock.now += 61
    key = "renewal-claim"
    assert fragments._claim(key, 60) is True
    assert fragments._claim(key, 60) is False  # the others serve the old copy


def test_a_change_is_shown_at_once_whatever_the_age(clock, client_for, secretariat, kish):
    client = client_for(secretariat)
    first = client.get(reverse("home")).content.decode()
    assert "جشنواره تازه" not in first
    make_event(kish, status="submitted", title="جشنواره تازه")  # bumps the events counter
    assert "جشنواره تازه" in client.get(reverse("home")).content.decode()
