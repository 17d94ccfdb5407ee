"""Addresses a webhook may not reach, refused on save and again right before each delivery."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events import services as event_services
from tests.factories import make_event
from webhooks import services, targets
from webhooks.models import Topic, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1/hook",
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://192.168.0.10/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/",
]


@pytest.fixture
def strict(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOKS_ALLOW_HTTP = True
    return settings


@pytest.fixture
def resolving_to(monkeypatch):
    """``resolving_to("127.0.0.1")``: every host name resolves to that address from now on."""

    def use(address: str) -> None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET

        def fake(host, port, *args, **kwargs):
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", fake)

    return use


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_local_addresses_are_refused_on_save(strict, art_bureau_partner, url):
    with pytest.raises(ValidationError) as refused:
        services.register_endpoint(art_bureau_partner, url=url, topics=[Topic.EVENT_STATUS])
    assert "private, local or reserved" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_host_name_resolving_to_loopback_is_refused_without_naming_the_address(
    strict, art_bureau_partner, resolving_to
):
    """What a name resolves to inside the portal's network is not told to the partner (the refusal is
    kept on attempts the API shows): only a literal address in the URL is named back."""
    resolving_to("10.20.30.40")
    with pytest.raises(ValidationError) as refused:
        services.register_endpoint(
            art_bureau_partner, url="https://hooks.example.org/", topics=[Topic.EVENT_STATUS]
        )
    message = refused.value.message_dict["url"][0]
    assert message == (
        "The address's host name resolves to a private, local or reserved network address; only "
        "addresses on the public internet are accepted."
    )
    assert "10.20.30.40" not in message
    with pytest.raises(ValidationError) as literal:
        services.register_endpoint(
            art_bureau_partner, url="https://10.20.30.40/", topics=[Topic.EVENT_STATUS]
        )
    assert "(10.20.30.40)" in literal.value.message_dict["url"][0]


def test_a_public_address_is_accepted(strict, art_bureau_partner, resolving_to):
    resolving_to("93.184.216.34")
    endpoint = services.register_endpoint(
        art_bureau_partner, url="https://hooks.example.org/in", topics=[Topic.EVENT_STATUS]
    )
    assert endpoint.secret.startswith("whsec_")


def test_https_is_required_unless_allowed(settings, art_bureau_partner, resolving_to):
    resolving_to("93.184.216.34")
    settings.WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(ValidationError) as refused:
        services.register_endpoint(
            art_bureau_partner, url="http://hooks.example.org/", topics=[Topic.EVENT_STATUS]
        )
    assert refused.value.message_dict["url"] == ["The address must use https: plain http is not accepted."]
    with pytest.raises(ValidationError):
        services.register_endpoint(
            art_bureau_partner, url="ftp://hooks.example.org/", topics=[Topic.EVENT_STATUS]
        )


def test_the_refusal_is_in_the_readers_language(strict, art_bureau_partner):
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        services.register_endpoint(art_bureau_partner, url="http://10.0.0.1/", topics=[])
    assert set(refused.value.message_dict) == {"url", "topics"}


def test_the_address_is_checked_again_at_delivery(
    kish,
    art_bureau,
    art_bureau_partner,
    secretariat,
    receiver,
    settings,
    resolving_to,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Accepted while it resolved to a public address; by the delivery the name points at 127.0.0.1 (DNS
    rebinding): the attempt is refused and recorded, and nothing reaches the local receiver."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOK_RETRY_DELAYS = [0]
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 5
    monkeypatch.setattr(targets, "HTTPS_PORTS", (443, 8443, receiver.port))  # the receiver's random port
    resolving_to("93.184.216.34")
    endpoint = services.register_endpoint(
        art_bureau_partner,
        url=f"http://rebound.example.org:{receiver.port}/hook",
        topics=[Topic.EVENT_STATUS],
    )
    resolving_to("127.0.0.1")
    event = make_event(kish, status="submitted", starts_in_days=20)
    event.co_organisers.add(art_bureau)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.approve_event(secretariat, event)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "failed"
    assert receiver.received == []
    errors = [attempt.error for attempt in delivery.attempt_log.all()]
    assert errors
    assert all("resolves to a private, local or reserved" in error for error in errors)
    assert not any("127.0.0.1" in error for error in errors)  # the partner learns no internal address


def test_the_delivery_connects_to_the_address_that_was_checked(strict, resolving_to):
    resolving_to("93.184.216.34")
    target = targets.check("https://hooks.example.org:8443/in?x=1")
    assert (target.address, target.host, target.port, target.path) == (
        "93.184.216.34",
        "hooks.example.org",
        8443,
        "/in?x=1",
    )
    assert target.host_header == "hooks.example.org:8443"


def test_private_targets_are_refused_in_production_settings(tmp_path):
    import subprocess
    import sys

    code = "import django; django.setup()"
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "MEDIA_ROOT": str(tmp_path),
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
        "DJANGO_SETTINGS_MODULE": "zones_portal.settings",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert "WEBHOOKS_ALLOW_PRIVATE_TARGETS must be off" in result.stderr
