"""Webhook endpoints and their deliveries in the REST API: an institution's representative registers and
keeps its own endpoints with a write key (a read-only key lists and reads); the secretariat reads all;
a zone's people are refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from webhooks import permissions, services
from webhooks.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.serializers import (
    DeliverySerializer,
    EndpointRequestSerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
)
from zones_portal.api.permissions import WritesNeedAWriteKey
from zones_portal.api.responses import ERRORS, WRITE_ERRORS
from zones_portal.api.views import ScopedViewSetMixin


class KeepsWebhooks(IsAuthenticated):
    """Institutions' representatives and the secretariat; a zone's people have no endpoints."""

    message = _("Webhook endpoints belong to partner institutions.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and permissions.reads_webhooks(request.user)


def _check_all(given: EndpointRequestSerializer) -> None:
    """Every problem at once, per field: the serializer's, and the address's own (https, public, port)
    for an address the serializer took, so a partner fixing the topics is not then told about the URL."""
    errors = {} if given.is_valid() else {field: list(problems) for field, problems in given.errors.items()}
    data = given.initial_data
    url = data.get("url") if isinstance(data, Mapping) and "url" not in errors else None
    if isinstance(url, str):
        errors.update(services.endpoint_errors(url, None))
    if errors:
        raise ValidationError(errors)


@extend_schema_view(
    list=extend_schema(
        summary="Your institution's webhook endpoints", responses={200: EndpointSerializer, **ERRORS}
    ),
    retrieve=extend_schema(summary="One webhook endpoint", responses={200: EndpointSerializer, **ERRORS}),
    create=extend_schema(
        summary="Register a webhook endpoint (institutions)",
        description=(
            "The address must be https and on the public internet. The answer carries the signing secret "
            "(`whsec_...`), shown only now and after a rotation."
        ),
        request=EndpointRequestSerializer,
        responses={201: EndpointWithSecretSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Approvals of our events",
                request_only=True,
                value={
                    "url": "https://hooks.example.org/zones-portal",
                    "description": "رویدادهای ما",
                    "topics": [Topic.EVENT_STATUS.value, Topic.INVITATION_ANSWERED.value],
                },
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint, or switch it on or off",
        description="Switching an endpoint on again (`is_active: true`) starts its failure count afresh.",
        request=EndpointRequestSerializer,
        responses={200: EndpointSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(summary="Remove a webhook endpoint", responses={204: None, **WRITE_ERRORS}),
)
class WebhookEndpointViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    base_queryset = WebhookEndpoint.objects.all()
    serializer_class = EndpointSerializer
    permission_classes = (KeepsWebhooks, WritesNeedAWriteKey)
    http_method_names = ("get", "post", "patch", "delete", "head", "options")

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return super().get_queryset().select_related("institution").order_by("pk")

    def get_serializer_class(self) -> type:
        if self.action in ("create", "partial_update"):
            return EndpointRequestSerializer
        return EndpointSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = EndpointRequestSerializer(data=request.data)
        _check_all(given)
        endpoint = services.register_endpoint(request.user, **given.validated_data)
        endpoint = self.get_queryset().get(pk=endpoint.pk)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        given = EndpointRequestSerializer(data=request.data, partial=True)
        _check_all(given)
        services.update_endpoint(request.user, endpoint, **given.validated_data)
        return Response(EndpointSerializer(self.get_queryset().get(pk=endpoint.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_endpoint(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Give a webhook endpoint a new signing secret",
        description="The old secret stops at once; the answer carries the new one, shown only now.",
        request=None,
        responses={200: EndpointWithSecretSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: Any = None) -> Response:
        endpoint = services.rotate_secret(request.user, self.get_object())
        return Response(EndpointWithSecretSerializer(self.get_queryset().get(pk=endpoint.pk)).data)


class DeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.NumberFilter(field_name="endpoint_id", label=_("endpoint"))
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices, label=_("status"))
    topic = django_filters.ChoiceFilter(choices=Topic.choices, label=_("topic"))

    class Meta:
        model = WebhookDelivery
        fields = ("endpoint", "status", "topic")


@extend_schema_view(
    list=extend_schema(
        summary="Deliveries to your institution's webhook endpoints, newest first",
        responses={200: DeliverySerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One delivery, with its attempts", responses={200: DeliverySerializer, **ERRORS}
    ),
)
class WebhookDeliveryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = WebhookDelivery.objects.all()
    serializer_class = DeliverySerializer
    permission_classes = (KeepsWebhooks, WritesNeedAWriteKey)
    filter_backends = (DjangoFilterBackend,)
    filterset_class = DeliveryFilter

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        return (
            super()
            .get_queryset()
            .order_by("-created_at", "-pk")
            .prefetch_related(
                Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("attempted_at", "pk"))
            )
        )

    @extend_schema(
        summary="Send a delivery again",
        description=(
            "With the same message id (`webhook-id`), as a fresh series of attempts; refused while the "
            "endpoint is switched off, or while the delivery is being sent."
        ),
        request=None,
        responses={202: DeliverySerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: Any = None) -> Response:
        delivery = self.get_object()
        if not WebhookEndpoint.objects.editable_by(request.user).filter(pk=delivery.endpoint_id).exists():
            return Response(
                {"detail": _("Only the institution's representatives change its endpoints.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        if not services.resend([delivery]):
            return Response(
                {"non_field_errors": [services.why_not_resent(delivery)]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            DeliverySerializer(self.get_queryset().get(pk=delivery.pk)).data, status=status.HTTP_202_ACCEPTED
        )
