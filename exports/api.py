"""Export deals in the REST API, read-only and scoped like the register: a zone reads its own deals, the
secretariat all, a partner institution those of its own agreements and of the events it co-organised.
No contact detail of a business is ever in an answer: the API reaches institutions."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from exports.filters import ExportDealFilter
from exports.models import ExportDeal
from zones_portal.api.responses import ERRORS
from zones_portal.api.views import ScopedViewSetMixin


class ExportDealSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    business = serializers.CharField(source="business.name", read_only=True)
    business_id = serializers.IntegerField(read_only=True)
    field = serializers.CharField(source="business.field.slug", read_only=True)
    buyer_country = serializers.CharField(source="buyer_country.code", read_only=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    rate_to_rial = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text="Rials to one unit of the currency on the deal's date, as entered; 0 when unknown.",
    )
    value_rial = serializers.DecimalField(max_digits=24, decimal_places=0, read_only=True)
    event = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    agreement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ExportDeal
        fields = (
            "id",
            "zone",
            "business_id",
            "business",
            "field",
            "buyer_country",
            "product",
            "value",
            "currency",
            "rate_to_rial",
            "value_rial",
            "signed_on",
            "event",
            "agreement",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Export deals the caller may see",
        description=(
            "A zone's people see their zone's deals, the secretariat every zone's, a partner institution "
            "those that came from its agreements or from events it co-organised. `year` is a Solar Hijri "
            "year (1405) or a Gregorian one (2026)."
        ),
        responses={200: ExportDealSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="One export deal", responses={200: ExportDealSerializer, **ERRORS}),
)
class ExportDealViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The creative businesses' export deals; written on the dashboard, read here."""

    base_queryset = ExportDeal.objects.all()
    serializer_class = ExportDealSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = ExportDealFilter
    permission_classes = (IsAuthenticated,)

    def get_queryset(self) -> QuerySet[ExportDeal]:
        return (
            super()
            .get_queryset()
            .select_related("zone", "business__field")
            .only(
                *(
                    "id",
                    "zone__slug",
                    "business__name",
                    "business__field__slug",
                    "buyer_country",
                    "product",
                    "value",
                    "currency",
                    "rate_to_rial",
                    "value_rial",
                    "signed_on",
                    "event_id",
                    "agreement_id",
                    "updated_at",
                    "business_id",
                    "zone_id",
                    "business__field_id",
                )
            )
            .order_by("-signed_on", "-pk")
        )
