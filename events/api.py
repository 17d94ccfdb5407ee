"""Events in the REST API: the shared calendar for partners, and proposals from institutions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agreements.models import Agreement
from events import services
from events.filters import EventFilter
from events.models import Event, EventCategory, Participation
from programmes.models import PlannedActivity
from zones_portal.api.permissions import WritesNeedAWriteKey
from zones_portal.api.responses import ERRORS, WRITE_ERRORS
from zones_portal.api.serializers import RequestSerializer
from zones_portal.api.views import CachedReadMixin, ScopedViewSetMixin
from zones_portal.models import Zone


class ParticipationSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Participation
        fields = ("zone", "answer", "note", "invited_at", "answered_at")
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host_zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    participating_zones = ParticipationSerializer(source="participations", many=True, read_only=True)
    co_organisers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    agreement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # most carry out none
    # The activity of the host zone's annual programme the event delivers; null for an unplanned event.
    planned_activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # The series the event is an edition of (a yearly festival, a monthly evening); null for a one-off.
    series = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "title",
            "description",
            "status",
            "status_reason",
            "category",
            "host_zone",
            "participating_zones",
            "co_organisers",
            "agreement",
            "planned_activity",
            "series",
            "venue",
            "starts_at",
            "ends_at",
            "expected_audience",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class EventProposalSerializer(RequestSerializer):
    """What an institution sends to propose an event; checks beyond each field are the service's."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=EventCategory.objects.filter(is_active=True)
    )
    host_zone = serializers.SlugRelatedField(slug_field="slug", queryset=Zone.objects.filter(is_active=True))
    participating_zones = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Zone.objects.filter(is_active=True),
        many=True,
        required=False,
        default=list,
    )
    venue = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    expected_audience = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), required=False, allow_null=True, default=None
    )
    # Checked by the service: an activity of the host zone's approved programme.
    planned_activity = serializers.PrimaryKeyRelatedField(
        queryset=PlannedActivity.objects.all(), required=False, allow_null=True, default=None
    )

    def create(self, validated_data: dict[str, Any]) -> Event:
        return services.propose_event_as_institution(self.context["request"].user, **validated_data)


@extend_schema_view(
    list=extend_schema(summary="The shared calendar", responses={200: EventSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One event", responses={200: EventSerializer, **ERRORS}),
    create=extend_schema(
        summary="Propose an event (institutions)",
        description="Stored as submitted, co-organised by the caller's institution; the host zone is required.",
        request=EventProposalSerializer,
        responses={201: EventSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "An exhibition in Qeshm",
                request_only=True,
                value={
                    "title": "نمایشگاه آثار برگزیده",
                    "category": "exhibition",
                    "host_zone": "qeshm",
                    "participating_zones": ["kish"],
                    "starts_at": "2030-02-01T10:00:00+03:30",
                    "ends_at": "2030-02-03T18:00:00+03:30",
                },
            )
        ],
    ),
)
class EventViewSet(
    CachedReadMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Approved, held and reported events, and, in any state, those the caller's institution co-organises
    (a zone sees what its dashboard shows; the secretariat sees all)."""

    base_queryset = Event.objects.all()
    cache_versions = ("events",)  # bumped by events.signals on any change the answers show
    filter_backends = (DjangoFilterBackend, OrderingFilter)
    filterset_class = EventFilter
    ordering_fields = ("starts_at",)
    ordering = ("starts_at", "pk")
    permission_classes = (IsAuthenticated, WritesNeedAWriteKey)

    def get_queryset(self) -> QuerySet[Event]:
        return (
            super()
            .get_queryset()
            .select_related("category", "host_zone")
            .prefetch_related(
                Prefetch("participations", queryset=Participation.objects.select_related("zone")),
                "co_organisers",
            )
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return EventProposalSerializer if self.action == "create" else EventSerializer

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        proposal = EventProposalSerializer(data=request.data, context=self.get_serializer_context())
        proposal.is_valid(raise_exception=True)
        event = proposal.save()
        event = self.get_queryset().get(pk=event.pk)
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
