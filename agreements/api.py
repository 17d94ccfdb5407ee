"""Agreements in the REST API: a partner follows the agreements it is party to and reports on its obligations."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import services
from agreements.filters import AgreementFilter
from agreements.models import Agreement, Obligation, Party
from zones_portal.api.permissions import WritesNeedAWriteKey
from zones_portal.api.responses import ERRORS, WRITE_ERRORS
from zones_portal.api.schema import WholeBodyPatchSchema
from zones_portal.api.serializers import RequestSerializer
from zones_portal.api.views import ScopedViewSetMixin


class PartySerializer(serializers.ModelSerializer):
    # A party is the secretariat, a zone or an institution: the other two are null.
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Party
        fields = ("id", "kind", "zone", "institution", "role")
        read_only_fields = fields


class ObligationSerializer(serializers.ModelSerializer):
    party = serializers.PrimaryKeyRelatedField(read_only=True)
    status = serializers.ChoiceField(
        source="current_status", choices=Obligation.Status.choices, read_only=True
    )
    evidence_link = serializers.URLField(read_only=True, allow_blank=True)  # "" until a link is given
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = (
            "id",
            "agreement",
            "description",
            "party",
            "due_on",
            "status",
            "evidence_note",
            "evidence_link",
            "has_evidence_file",
            "done_on",
            "updated_at",
        )
        read_only_fields = fields

    def get_has_evidence_file(self, obligation: Obligation) -> bool:
        return bool(obligation.evidence_file)


class AgreementSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        source="current_status", choices=Agreement.Status.choices, read_only=True
    )
    parties = PartySerializer(many=True, read_only=True)
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = (
            "id",
            "title",
            "subject",
            "summary",
            "status",
            "signed_on",
            "effective_from",
            "expires_on",
            "notice_days",
            "parties",
            "obligations",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Agreements the caller is party to", responses={200: AgreementSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One agreement, with parties and obligations", responses={200: AgreementSerializer, **ERRORS}
    ),
)
class AgreementViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = Agreement.objects.all()
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self) -> QuerySet[Agreement]:
        return (
            super()
            .get_queryset()
            .order_by("-signed_on", "-pk")
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.select_related("zone", "institution")),
                Prefetch("obligations", queryset=Obligation.objects.current().order_by("due_on", "pk")),
            )
        )


class ObligationReportSerializer(RequestSerializer):
    status = serializers.ChoiceField(choices=[Obligation.Status.IN_PROGRESS, Obligation.Status.DONE])
    evidence_note = serializers.CharField(required=False, allow_blank=True)
    evidence_link = serializers.URLField(required=False, allow_blank=True, max_length=500)


@extend_schema_view(
    retrieve=extend_schema(summary="One obligation", responses={200: ObligationSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Report progress on an obligation the caller's institution owes",
        description="Marking it done needs evidence: a note or a link (or a file given earlier).",
        request=ObligationReportSerializer,
        responses={200: ObligationSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Done, with a link to the evidence",
                request_only=True,
                value={"status": "done", "evidence_link": "https://example.org/report"},
            )
        ],
    ),
)
class ObligationViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = ObligationSerializer
    schema = WholeBodyPatchSchema()  # a report is validated whole: its status is required
    permission_classes = (IsAuthenticated, WritesNeedAWriteKey)
    http_method_names = ("get", "patch", "head", "options")

    def get_queryset(self) -> QuerySet[Obligation]:
        return Obligation.objects.visible_to(self.request.user).select_related("party", "agreement")

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obligation = self.get_object()
        report = ObligationReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        updated = services.report_obligation(request.user, obligation, **report.validated_data)
        return Response(ObligationSerializer(updated).data)
