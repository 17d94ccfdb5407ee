"""Keys, scopes and errors: the same permission module as the admin and the dashboard."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import make_agreement, make_call, make_event, make_obligation
from zones_portal.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kish, qeshm, art_bureau, kanoon):
    """Records that could leak: drafts, another institution's agreement, another party's obligation."""
    approved = make_event(kish, status="approved", title="تأییدشده")
    kish_draft = make_event(kish, status="draft", title="پیش‌نویس کیش")
    art_submitted = make_event(qeshm, status="submitted", title="پیشنهاد حوزه هنری")
    art_submitted.co_organisers.add(art_bureau)
    kanoon_submitted = make_event(qeshm, status="submitted", title="پیشنهاد کانون")
    kanoon_submitted.co_organisers.add(kanoon)
    art_mou = make_agreement(zones=[kish], institutions=[art_bureau], title="حوزه هنری و کیش")
    kanoon_mou = make_agreement(institutions=[kanoon], title="کانون")
    art_owes = make_obligation(art_mou, art_mou.parties.get(kind="institution"))
    kish_owes = make_obligation(art_mou, art_mou.parties.get(kind="zone"))
    kanoon_owes = make_obligation(kanoon_mou, kanoon_mou.parties.get(kind="institution"))
    call = make_call()
    return locals()


def ids(response):
    return {row["id"] for row in response.json()["results"]}


# Who sees which event and agreement: (role, what it sees).
EVENTS = {
    "anonymous": None,
    "art_bureau_partner": {"approved", "art_submitted"},
    "kanoon_partner": {"approved", "kanoon_submitted"},
    "kish_deputy": {"approved", "kish_draft"},
    "secretariat": {"approved", "kish_draft", "art_submitted", "kanoon_submitted"},
}
AGREEMENTS = {
    "anonymous": None,
    "art_bureau_partner": {"art_mou"},
    "kanoon_partner": {"kanoon_mou"},
    "kish_deputy": {"art_mou"},
    "secretariat": {"art_mou", "kanoon_mou"},
}


def client_as(request, api_for, role):
    return api_for(None if role == "anonymous" else request.getfixturevalue(role))


@pytest.mark.parametrize("role", list(EVENTS))
def test_events_by_role(request, api_for, world, role):
    client = client_as(request, api_for, role)
    response = client.get("/api/v1/events/")
    if EVENTS[role] is None:
        assert response.status_code == 401
        return
    assert ids(response) == {world[name].pk for name in EVENTS[role]}
    for name in ("approved", "kish_draft", "art_submitted", "kanoon_submitted"):
        detail = client.get(f"/api/v1/events/{world[name].pk}/")
        assert detail.status_code == (200 if name in EVENTS[role] else 404)


@pytest.mark.parametrize("role", list(AGREEMENTS))
def test_agreements_by_role(request, api_for, world, role):
    client = client_as(request, api_for, role)
    response = client.get("/api/v1/agreements/")
    if AGREEMENTS[role] is None:
        assert response.status_code == 401
        return
    assert ids(response) == {world[name].pk for name in AGREEMENTS[role]}
    for name in ("art_mou", "kanoon_mou"):
        assert client.get(f"/api/v1/agreements/{world[name].pk}/").status_code == (
            200 if name in AGREEMENTS[role] else 404
        )


# Obligations: PATCH only what the caller's party owes; 403 on a visible one it does not owe; 404 outside.
OBLIGATIONS = {
    "art_bureau_partner": {"art_owes": 200, "kish_owes": 403, "kanoon_owes": 404},
    "kanoon_partner": {"art_owes": 404, "kish_owes": 404, "kanoon_owes": 200},
    "kish_deputy": {"art_owes": 403, "kish_owes": 200, "kanoon_owes": 404},
    "secretariat": {"art_owes": 403, "kish_owes": 403, "kanoon_owes": 403},  # reads only through the API
    "anonymous": {"art_owes": 401, "kish_owes": 401, "kanoon_owes": 401},
}


@pytest.mark.parametrize("role", list(OBLIGATIONS))
def test_obligation_reports_by_role(request, api_for, world, role):
    client = client_as(request, api_for, role)
    for name, expected in OBLIGATIONS[role].items():
        obligation = world[name]
        response = client.patch(
            f"/api/v1/obligations/{obligation.pk}/", {"status": "in_progress"}, format="json"
        )
        assert response.status_code == expected, (name, response.content)
        obligation.refresh_from_db()
        assert obligation.status == ("in_progress" if expected == 200 else "pending")


# Writes: who may propose an event and nominate an artist.
WRITES = {"anonymous": 401, "art_bureau_partner": 201, "kish_deputy": 403, "secretariat": 403}


@pytest.mark.parametrize("role", list(WRITES))
def test_proposals_and_nominations_by_role(request, api_for, world, qeshm, role):
    client = client_as(request, api_for, role)
    start = timezone.now() + dt.timedelta(days=30)
    proposal = {
        "title": "نمایشگاه خوشنویسی",
        "category": "exhibition",
        "host_zone": "qeshm",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=5)).isoformat(),
    }
    assert client.post("/api/v1/events/", proposal, format="json").status_code == WRITES[role]
    nomination = {
        "full_name": "هنرمند معرفی‌شده",
        "birth_date": "2000-01-01",
        "zone": "qeshm",
        "email": f"{role}@example.org",
        "discipline": "calligraphy",
        "statement": "—",
        "consent": True,
    }
    response = client.post(f"/api/v1/talent-calls/{world['call'].pk}/nominations/", nomination, format="json")
    assert response.status_code == WRITES[role]


def test_zones_are_addressed_by_slug(api_for, kish_deputy):
    client = api_for(kish_deputy)
    zones = client.get("/api/v1/zones/").json()
    assert [zone["slug"] for zone in zones][:2] == ["kish", "qeshm"]
    assert client.get("/api/v1/zones/qeshm/").json()["name_en"] == "Qeshm"
    assert client.get("/api/v1/zones/nowhere/").status_code == 404


# Keys -------------------------------------------------------------------------------------------


def test_an_expired_or_revoked_key_is_refused(api_for, art_bureau_partner):
    expired = api_for(art_bureau_partner, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert expired.get("/api/v1/zones/").status_code == 401
    token, key = ApiToken.issue(art_bureau_partner)
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/zones/").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/zones/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token zp_not-a-real-key")
    assert client.get("/api/v1/zones/").status_code == 401


def test_keys_are_stored_hashed_and_note_their_last_use_once_a_minute(
    art_bureau_partner, django_assert_max_num_queries
):
    import time_machine
    from rest_framework.test import APIClient

    token, key = ApiToken.issue(art_bureau_partner)
    assert key not in (token.digest, token.hint)
    assert token.digest == ApiToken.digest_of(key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get("/api/v1/zones/")
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        clock.shift(dt.timedelta(seconds=30))
        client.get("/api/v1/zones/")
        token.refresh_from_db()
        assert token.last_used_at == first
        clock.shift(dt.timedelta(seconds=31))
        client.get("/api/v1/zones/")
        token.refresh_from_db()
        assert token.last_used_at > first


def test_a_read_only_key_cannot_write(api_for, art_bureau_partner, world):
    client = api_for(art_bureau_partner, write_enabled=False)
    assert client.get("/api/v1/events/").status_code == 200
    response = client.patch(
        f"/api/v1/obligations/{world['art_owes'].pk}/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "این کلید فقط خواندنی است."


def test_create_api_token_prints_the_key_once(art_bureau_partner):
    out = io.StringIO()
    call_command(
        "create_api_token",
        "artbureau-partner",
        "--name",
        "calendar sync",
        "--expires-in-days",
        "30",
        stdout=out,
        stderr=io.StringIO(),
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(key)
    assert token.expires_at is not None
    with pytest.raises(CommandError, match="no active user"):
        call_command("create_api_token", "nobody-at-all", stdout=io.StringIO(), stderr=io.StringIO())


def test_too_many_requests_get_429_with_retry_after(api_for, art_bureau_partner, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = api_for(art_bureau_partner)
        statuses = [client.get("/api/v1/zones/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.get("/api/v1/zones/")
        assert int(refused["Retry-After"]) > 0
        other = api_for(art_bureau_partner)  # another key has its own count
        assert other.get("/api/v1/zones/").status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
