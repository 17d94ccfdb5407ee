"""The webhooks API: who may register, read and change endpoints, per-field refusals, the secret shown
only on creation and rotation, deliveries with their attempts, resending; lists at a fixed query count."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_event
from webhooks import services
from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from zones_portal.models import ApiToken

pytestmark = pytest.mark.django_db
ENDPOINTS = "/api/v1/webhook-endpoints/"
DELIVERIES = "/api/v1/webhook-deliveries/"


@pytest.fixture
def api_for():
    def make(user, **token_options) -> APIClient:
        client = APIClient()
        if user is not None:
            _token, key = ApiToken.issue(user, **token_options)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def theirs(kanoon_partner, endpoint_for, receiver):
    return endpoint_for(kanoon_partner, receiver.url("/kanoon"))


def test_a_representative_registers_an_endpoint_and_sees_the_secret_once(
    api_for, art_bureau_partner, receiver, local_targets
):
    api = api_for(art_bureau_partner)
    answer = api.post(
        ENDPOINTS,
        {"url": receiver.url(), "description": "رویدادهای ما", "topics": ["event.status_changed"]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["secret"].startswith("whsec_")
    assert created["institution"] == "artbureau"
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.created_by, endpoint.secret) == (art_bureau_partner, created["secret"])
    shown = api.get(f"{ENDPOINTS}{endpoint.pk}/").json()
    assert "secret" not in shown
    assert shown["topics"] == ["event.status_changed"]
    assert all("secret" not in row for row in api.get(ENDPOINTS).json()["results"])
    rotated = api.post(f"{ENDPOINTS}{endpoint.pk}/rotate-secret/").json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret != created["secret"]


def test_refusals_come_per_field_in_the_readers_language(api_for, art_bureau_partner, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    api = api_for(art_bureau_partner)
    answer = api.post(ENDPOINTS, {"url": "http://10.0.0.1/", "topics": []}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"topics", "url"}  # every problem at once, the address's own too
    answer = api.post(ENDPOINTS, {"url": "http://10.0.0.1/", "topics": ["event.nonsense"]}, format="json")
    assert answer.status_code == 400
    assert "topics" in answer.json()
    answer = api.post(
        ENDPOINTS,
        {"url": "http://hooks.example.org/", "topics": ["event.status_changed"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.json() == {"url": ["The address must use https: plain http is not accepted."]}
    persian = api.post(
        ENDPOINTS,
        {"url": "http://hooks.example.org/", "topics": []},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fa",
    ).json()
    assert set(persian) == {"topics", "url"}
    assert persian["url"] == ["نشانی باید https باشد؛ http ساده پذیرفته نمی‌شود."]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("body", ['"https://hooks.example.org/"', "[]", "7", "null"])
def test_a_body_that_is_not_an_object_is_a_400_on_create_and_change(
    api_for, art_bureau_partner, receiver, local_targets, body
):
    """Found by bin/fuzz: a JSON string as the body was a 500 (the address check read it as a mapping)."""
    api = api_for(art_bureau_partner)
    answer = api.post(ENDPOINTS, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, answer.content
    assert "non_field_errors" in answer.json()
    mine = services.register_endpoint(
        art_bureau_partner, url=receiver.url("/ab"), topics=[Topic.EVENT_STATUS]
    )
    answer = api.patch(f"{ENDPOINTS}{mine.pk}/", body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert WebhookEndpoint.objects.get() == mine
    mine.refresh_from_db()
    assert mine.url == receiver.url("/ab")


def test_who_may_do_what(
    api_for, anonymous, art_bureau_partner, kish_deputy, secretariat, theirs, receiver, local_targets
):
    mine = services.register_endpoint(
        art_bureau_partner, url=receiver.url("/ab"), topics=[Topic.EVENT_STATUS]
    )
    body = {"url": receiver.url("/new"), "topics": ["event.status_changed"]}
    # Nobody signed in.
    assert APIClient().get(ENDPOINTS).status_code in (401, 403)
    assert APIClient().post(ENDPOINTS, body, format="json").status_code in (401, 403)
    # A zone's deputy has no endpoints.
    deputy = api_for(kish_deputy)
    assert deputy.get(ENDPOINTS).status_code == 403
    assert deputy.get(DELIVERIES).status_code == 403
    assert deputy.post(ENDPOINTS, body, format="json").status_code == 403
    # A read-only key reads, and cannot create, change or rotate.
    reader = api_for(art_bureau_partner, write_enabled=False)
    assert [row["id"] for row in reader.get(ENDPOINTS).json()["results"]] == [mine.pk]
    assert reader.post(ENDPOINTS, body, format="json").status_code == 403
    assert reader.patch(f"{ENDPOINTS}{mine.pk}/", {"description": "x"}, format="json").status_code == 403
    assert reader.post(f"{ENDPOINTS}{mine.pk}/rotate-secret/").status_code == 403
    # Another institution's endpoint does not exist for us.
    writer = api_for(art_bureau_partner)
    assert writer.get(f"{ENDPOINTS}{theirs.pk}/").status_code == 404
    assert writer.patch(f"{ENDPOINTS}{theirs.pk}/", {"description": "x"}, format="json").status_code == 404
    assert writer.delete(f"{ENDPOINTS}{theirs.pk}/").status_code == 404
    assert writer.post(f"{ENDPOINTS}{theirs.pk}/rotate-secret/").status_code == 404
    # The secretariat reads every institution's, and changes them in the admin only.
    office = api_for(secretariat)
    assert {row["id"] for row in office.get(ENDPOINTS).json()["results"]} == {mine.pk, theirs.pk}
    assert office.post(ENDPOINTS, body, format="json").status_code == 403
    # The owner changes, switches off and removes its own.
    assert (
        writer.patch(f"{ENDPOINTS}{mine.pk}/", {"is_active": False}, format="json").json()["is_active"]
        is False
    )
    assert writer.patch(f"{ENDPOINTS}{mine.pk}/", {"topics": []}, format="json").status_code == 400
    assert writer.delete(f"{ENDPOINTS}{mine.pk}/").status_code == 204
    assert list(WebhookEndpoint.objects.all()) == [theirs]


def _deliveries(endpoint, n: int) -> None:
    for index in range(n):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{endpoint.pk}_{index}",
            topic=Topic.EVENT_STATUS,
            payload={"id": f"msg_{index}"},
            status="failed",
            attempts=2,
        )
        WebhookAttempt.objects.create(delivery=delivery, status_code=500, error="", duration_ms=3)
        WebhookAttempt.objects.create(delivery=delivery, status_code=None, error="timed out", duration_ms=10)


@pytest.mark.parametrize("size", [2, 20])
def test_lists_cost_the_same_at_any_size(
    api_for, art_bureau_partner, receiver, endpoint_for, theirs, size, django_assert_num_queries
):
    api = api_for(art_bureau_partner)
    endpoints = [endpoint_for(art_bureau_partner, receiver.url(f"/e{i}")) for i in range(size)]
    _deliveries(endpoints[0], size)
    _deliveries(theirs, 3)
    api.get(ENDPOINTS)  # the key's last use is noted at most once a minute: not in the count
    with django_assert_num_queries(4):
        listed = api.get(ENDPOINTS).json()
    assert listed["count"] == size
    with django_assert_num_queries(5):
        deliveries = api.get(DELIVERIES).json()
    assert deliveries["count"] == size
    assert len(deliveries["results"][0]["attempt_log"]) == 2


def test_deliveries_filter_and_resend(
    api_for,
    art_bureau_partner,
    kish,
    art_bureau,
    secretariat,
    receiver,
    endpoint_for,
    theirs,
    django_capture_on_commit_callbacks,
):
    from events import services as event_services

    receiver.status = 500
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    _deliveries(theirs, 2)
    event = make_event(kish, status="submitted", starts_in_days=20)
    event.co_organisers.add(art_bureau)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, event)
    api = api_for(art_bureau_partner)
    failed = api.get(
        DELIVERIES, {"status": "failed", "topic": "event.status_changed", "endpoint": endpoint.pk}
    ).json()
    assert [row["endpoint"] for row in failed["results"]] == [endpoint.pk]
    delivery_id = failed["results"][0]["id"]
    assert len(failed["results"][0]["attempt_log"]) == 3
    assert api.get(DELIVERIES, {"status": "delivered"}).json()["count"] == 0
    assert api.get(DELIVERIES, {"status": "nonsense"}).status_code == 400
    # Switched off after failing: resending waits until it is switched on again.
    assert api.post(f"{DELIVERIES}{delivery_id}/resend/").status_code == 400
    api.patch(f"{ENDPOINTS}{endpoint.pk}/", {"is_active": True}, format="json")
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"{DELIVERIES}{delivery_id}/resend/")
    assert answer.status_code == 202
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "delivered"
    assert (
        api_for(art_bureau_partner, write_enabled=False)
        .post(f"{DELIVERIES}{delivery_id}/resend/")
        .status_code
        == 403
    )
    other = theirs.deliveries.first()
    assert api.get(f"{DELIVERIES}{other.pk}/").status_code == 404
    assert api.post(f"{DELIVERIES}{other.pk}/resend/").status_code == 404
