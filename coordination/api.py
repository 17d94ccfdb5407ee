"""Action items in the REST API: a zone or institution follows what the council's decisions ask of it
and reports its evidence, scoped like obligations (agreements/api.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from agreements.models import Agreement
from coordination.filters import ActionItemFilter
from coordination.models import ActionItem, Side
from coordination.services import minutes as services
from events.models import Event
from zones_portal.api.permissions import WritesNeedAWriteKey
from zones_portal.api.responses import ERRORS, WRITE_ERRORS
from zones_portal.api.schema import WholeBodyPatchSchema
from zones_portal.api.serializers import RequestSerializer
from zones_portal.api.views import ScopedViewSetMixin


@extend_schema_field(
    {
        "type": "string",
        "enum": list(Side.values),
        "description": "Who owes it: the secretariat, a zone (see `zone`) or an institution (see `institution`).",
    }
)
class OwnerKindField(serializers.CharField):
    """Documented inline: the same three values as an agreement party's kind, which has its own name in
    the schema."""


class ActionItemSerializer(serializers.ModelSerializer):
    # The owner is the secretariat, a zone or an institution: the other two are null.
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner_kind = OwnerKindField(source="kind", read_only=True)
    owner = serializers.CharField(source="owner_name", read_only=True)
    decision = serializers.CharField(source="decision.reference", read_only=True)
    meeting = serializers.IntegerField(source="decision.meeting_id", read_only=True)
    status = serializers.ChoiceField(
        source="current_status", choices=ActionItem.Status.choices, read_only=True
    )
    evidence_link = serializers.URLField(read_only=True, allow_blank=True)  # "" until a link is given
    has_evidence_file = serializers.SerializerMethodField()
    event = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    agreement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = (
            "id",
            "decision",
            "meeting",
            "description",
            "owner_kind",
            "zone",
            "institution",
            "owner",
            "due_on",
            "status",
            "drop_reason",
            "evidence_note",
            "evidence_link",
            "has_evidence_file",
            "done_on",
            "event",
            "agreement",
            "updated_at",
        )
        read_only_fields = fields

    def get_has_evidence_file(self, item: ActionItem) -> bool:
        return bool(item.evidence_file)


class ActionItemReportSerializer(RequestSerializer):
    """What the owner sends: evidence, and ``complete`` to mark it done (which needs evidence, old or new).
    A field left out keeps what was there."""

    evidence_note = serializers.CharField(required=False, allow_blank=True)
    evidence_link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    evidence_file = serializers.FileField(
        required=False, allow_null=True, help_text="PDF, JPEG or PNG, at most 20 MB (multipart only)."
    )
    done_on = serializers.DateField(required=False, allow_null=True)
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), required=False, allow_null=True
    )
    complete = serializers.BooleanField(required=False, default=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data or (set(data) == {"complete"} and not data["complete"]):
            raise serializers.ValidationError(_("Send evidence, or complete: true to mark it done."))
        return data


@extend_schema_view(
    list=extend_schema(
        summary="Action items the caller may see, what it owes among them",
        responses={200: ActionItemSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="One action item", responses={200: ActionItemSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Report evidence on an action item the caller's zone or institution owes",
        description=(
            "Send a note, a link, or (multipart) a file, with `complete: true` to mark it done, which "
            "needs evidence. A field left out keeps what was there."
        ),
        request={
            "application/json": ActionItemReportSerializer,
            "multipart/form-data": ActionItemReportSerializer,
        },
        responses={200: ActionItemSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Done, with a link to the evidence",
                request_only=True,
                value={"complete": True, "evidence_link": "https://example.org/report"},
            )
        ],
    ),
)
class ActionItemViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What the council's decisions ask of whom, once the minutes are circulated: the owner sees its own,
    the invitees the meeting's, the secretariat all. Dropped items are listed only when asked for."""

    base_queryset = ActionItem.objects.all()
    serializer_class = ActionItemSerializer
    schema = WholeBodyPatchSchema()
    filter_backends = (DjangoFilterBackend,)
    filterset_class = ActionItemFilter
    permission_classes = (IsAuthenticated, WritesNeedAWriteKey)
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    http_method_names = ("get", "patch", "head", "options")

    def get_queryset(self) -> QuerySet[ActionItem]:
        rows = super().get_queryset().select_related("zone", "institution", "decision__meeting")
        if self.action == "list" and self.request.query_params.get("status") != ActionItem.Status.DROPPED:
            rows = rows.current()
        return rows.order_by("due_on", "pk")

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        report = ActionItemReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        data = dict(report.validated_data)
        arguments = {
            "evidence_note": data.get("evidence_note"),  # None keeps the note there was
            "evidence_link": data.get("evidence_link"),
            "evidence_file": data.get("evidence_file"),
            "done_on": data.get("done_on"),
            "event": data.get("event"),
            "agreement": data.get("agreement"),
            "complete": data.get("complete", False),
        }
        updated = services.report_action_item(request.user, item, **arguments)
        updated = self.get_queryset().get(pk=updated.pk)
        return Response(ActionItemSerializer(updated).data)
