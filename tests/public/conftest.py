"""Helpers of the public pages' tests: visitors in either language, and records that could leak."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from events.models import EventReport
from tests.factories import make_event


def visitor(language: str = "fa", **kwargs: object) -> Client:
    """An anonymous visitor whose language switch last chose ``language``."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def now_event(qeshm):
    """A Qeshm event happening now: in this month in either calendar, and "from today on"."""
    return make_event(
        qeshm,
        status="approved",
        title="کنسرت موسیقی نواحی",
        starts_in_days=-1 / 24,
        hours=3,
        venue="تالار ناز",
    )


@pytest.fixture
def leaky(qeshm, kish, art_bureau, secretariat):
    """A reported Qeshm event carrying every private thing the public must never read."""
    qeshm.email = "deputy-office@qeshm.example"
    qeshm.phone = "076-35550000"
    qeshm.save()
    art_bureau.email = "partners@artbureau.example"
    art_bureau.save()
    event = make_event(
        qeshm,
        status="reported",
        title="نمایشگاه خوشنویسی",
        starts_in_days=-20,
        status_reason="SECRET-REASON-TEXT",
        created_by=secretariat,
        venue="گالری",
    )
    event.co_organisers.set([art_bureau])
    EventReport.objects.create(
        event=event,
        attendance=4321,
        artists_count=37,
        outcomes="SECRET-OUTCOMES-TEXT",
        export_contracts=3,
        export_value=987654,
        spent=123456789,
        filed_at=timezone.now() - dt.timedelta(days=10),
    )
    return event


# The browser of the phone-width test (tests/public/test_phone.py): the same headless Chromium as e2e's.
from tests.e2e.conftest import chromium  # noqa: E402, F401
