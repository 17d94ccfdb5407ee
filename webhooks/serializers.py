"""What the webhooks API reads and answers. The signing secret appears only in the answer to a creation
or a rotation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from zones_portal.api.serializers import RequestSerializer


class EndpointSerializer(serializers.ModelSerializer):
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "institution",
            "url",
            "description",
            "topics",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_("The signing secret: shown only now. Keep it; the portal signs every delivery with it."),
    )

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class EndpointRequestSerializer(RequestSerializer):
    """An endpoint to register, or the fields to change (on update, each is optional)."""

    url = serializers.CharField(max_length=500, help_text=_("Where the notices are sent (https)."))
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices),
        allow_empty=False,
        help_text=_("What this address is told of."),
    )
    is_active = serializers.BooleanField(
        required=False, help_text=_("Switch an endpoint off, or on again after it was switched off.")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].error_messages["empty"] = _("Choose at least one topic.")
        if not self.partial:
            # is_active is a matter for later changes: a new endpoint is on.
            del self.fields["is_active"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("attempted_at", "status_code", "error", "duration_ms")
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)
    payload = serializers.JSONField(read_only=True, help_text=_("The body as it is signed and sent."))

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "endpoint",
            "message_id",
            "topic",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
            "payload",
            "attempt_log",
        )
        read_only_fields = fields
