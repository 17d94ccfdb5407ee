"""The secretariat registers an endpoint for an institution (its secret shown once), switches a failing one
on again, and sends deliveries again, with their attempts on the delivery's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_the_secretariat_registers_an_endpoint_and_sees_its_secret_once(
    client_for, secretariat, art_bureau, receiver, local_targets
):
    client = client_for(secretariat)
    answer = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "institution": art_bureau.pk,
            "url": receiver.url(),
            "description": "",
            "topics": [Topic.EVENT_STATUS],
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in answer.content.decode()
    assert endpoint.topics == [Topic.EVENT_STATUS]
    assert endpoint.created_by == secretariat
    page = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page


def test_the_admin_refuses_a_private_address_and_no_topics(client_for, secretariat, art_bureau, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    answer = client_for(secretariat).post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"institution": art_bureau.pk, "url": "https://10.0.0.1/", "description": "", "is_active": "on"},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "این نشانی به یک نشانی شبکه خصوصی، محلی یا رزروشده" in page  # the secretariat reads Persian
    assert "دست‌کم یک موضوع برگزینید." in page
    assert not WebhookEndpoint.objects.exists()


def test_switching_on_again_resets_the_count_and_deliveries_go_again(
    client_for, secretariat, art_bureau_partner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(art_bureau_partner, receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, consecutive_failures=5)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_x",
        topic=Topic.EVENT_STATUS,
        payload={"id": "msg_x"},
        status="failed",
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=502, error="", duration_ms=12)
    client = client_for(secretariat)
    client.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        {
            "institution": endpoint.institution_id,
            "url": endpoint.url,
            "description": "",
            "topics": [Topic.EVENT_STATUS],
            "is_active": "on",
        },
    )
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)
    page = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "502" in page
    assert client.get(reverse("admin:webhooks_webhookdelivery_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "resend_selected", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert receiver.received[0].headers["webhook-id"] == "msg_x"
