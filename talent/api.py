"""Talent calls in the REST API: their public fields, and nominations by partner institutions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from talent import services
from talent.filters import TalentCallFilter
from talent.models import Application, Discipline, ScoringCriterion, TalentCall
from zones_portal import permissions
from zones_portal.api.permissions import WritesNeedAWriteKey
from zones_portal.api.responses import ERRORS, WRITE_ERRORS
from zones_portal.api.serializers import RequestSerializer
from zones_portal.models import Institution, Zone


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringCriterion
        fields = ("name", "weight", "max_score")
        read_only_fields = fields


class TalentCallSerializer(serializers.ModelSerializer):
    disciplines = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    eligible_zones = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    phase = serializers.ChoiceField(choices=TalentCall.Phase.choices, read_only=True)

    class Meta:
        model = TalentCall
        fields = (
            "id",
            "title",
            "description",
            "disciplines",
            "eligible_zones",
            "min_age",
            "max_age",
            "opens_at",
            "closes_at",
            "phase",
            "criteria",
        )
        read_only_fields = fields


class NominationSerializer(RequestSerializer):
    """The artist an institution nominates; the same checks as the public form."""

    full_name = serializers.CharField(max_length=200)
    birth_date = serializers.DateField()
    zone = serializers.SlugRelatedField(slug_field="slug", queryset=Zone.objects.filter(is_active=True))
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    discipline = serializers.SlugRelatedField(
        slug_field="slug", queryset=Discipline.objects.filter(is_active=True)
    )
    statement = serializers.CharField()
    portfolio_links = serializers.ListField(child=serializers.URLField(), required=False, default=list)
    consent = serializers.BooleanField(
        help_text=_("The artist agreed to the call's terms and to the jury seeing their details.")
    )


class NominationReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    tracking_code = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Application.Status.choices, read_only=True)


@extend_schema_view(
    list=extend_schema(summary="Published talent calls", responses={200: TalentCallSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One talent call", responses={200: TalentCallSerializer, **ERRORS}),
)
class TalentCallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TalentCallSerializer
    filterset_class = TalentCallFilter

    def get_queryset(self) -> QuerySet[TalentCall]:
        return (
            TalentCall.objects.published()
            .prefetch_related("disciplines", "eligible_zones", "criteria")
            .order_by("-opens_at", "pk")
        )

    @extend_schema(
        summary="Nominate an artist (institutions)",
        description="Creates an application marked as nominated by the caller's institution. "
        "The artist receives the tracking code by email.",
        request=NominationSerializer,
        responses={201: NominationReceiptSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "A young calligrapher from Kish",
                request_only=True,
                value={
                    "full_name": "رضا خوشنویس",
                    "birth_date": "2001-02-03",
                    "zone": "kish",
                    "email": "reza@example.org",
                    "discipline": "calligraphy",
                    "statement": "نستعلیق",
                    "portfolio_links": ["https://portfolio.example/reza"],
                    "consent": True,
                },
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="nominations",
        permission_classes=[IsAuthenticated, WritesNeedAWriteKey],
        serializer_class=NominationSerializer,
    )
    def nominations(self, request: Request, pk: Any = None) -> Response:
        call = self.get_object()
        institution_id = permissions.institution_acting_for(request.user)
        if institution_id is None:
            raise PermissionDenied(_("Only a partner institution nominates artists."))
        nomination = NominationSerializer(data=request.data)
        nomination.is_valid(raise_exception=True)
        data = dict(nomination.validated_data)
        data["portfolio_links"] = "\n".join(data.get("portfolio_links", []))
        application = services.apply(call, nominated_by=Institution.objects.get(pk=institution_id), **data)
        receipt = {
            "id": application.pk,
            "tracking_code": application.tracking_code,
            "status": application.status,
        }
        return Response(NominationReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
