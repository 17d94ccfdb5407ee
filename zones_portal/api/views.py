from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from zones_portal.models import Zone


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = (
            "slug",
            "name_fa",
            "name_en",
            "province_fa",
            "province_en",
            "kind",
            "is_active",
            "phone",
            "email",
            "website",
        )


class ScopedViewSetMixin:
    """Every API queryset starts from ``visible_to(user)``: what the caller may not see is a 404."""

    base_queryset: QuerySet

    def get_queryset(self) -> QuerySet:
        return self.base_queryset.visible_to(self.request.user)


class ZoneViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The free and special economic zones, addressed by slug."""

    base_queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    lookup_field = "slug"
    pagination_class = None
