from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from zones_portal.models import Zone
from zones_portal.permissions import scope_of
from zones_portal.versions import current

logger = logging.getLogger(__name__)


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


class CachedReadMixin:
    """List and detail answers validated by version counters, and cached, before any row is read.

    ``cache_versions`` names the counters (``zones_portal.versions``) whose data the answer shows; the
    ETag is a digest of them, the request (path, query, format, language) and the caller's scope (which
    decides what they may see). A matching ``If-None-Match`` gets a 304 and a repeat gets the cached
    answer, each after authentication and throttling but before the queryset is touched. Answers stay
    cached for ``cache_seconds`` at most, so a lost bump costs no more than that.
    """

    cache_versions: tuple[str, ...] = ()
    cache_seconds = 600

    def _etag(self, request: Request) -> str | None:
        versions = current(*self.cache_versions)
        if versions is None:
            return None
        scope = scope_of(request.user)
        identity = [
            request.build_absolute_uri("/"),  # paging links in the answer carry the host and scheme
            request.path,
            sorted(request.query_params.lists()),
            request.accepted_renderer.format,
            get_language(),
            [scope.secretariat, scope.zone_id, scope.institution_id],
            versions,
        ]
        return f'"{hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:32]}"'

    def _cached(self, request: Request, build: Callable[[], Response]) -> Response:
        etag = self._etag(request)
        if etag is None:
            return build()
        if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            key = f"api-answer:{etag}"
            data = _cache_call(cache.get, key)
            if data is None:
                response = build()
                if response.status_code == status.HTTP_200_OK:
                    _cache_call(cache.set, key, response.data, timeout=self.cache_seconds)
            else:
                response = Response(data)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"  # a partner's client may keep it, but must ask
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._cached(request, lambda: super(CachedReadMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._cached(request, lambda: super(CachedReadMixin, self).retrieve(request, *args, **kwargs))


def _cache_call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A cache read or write that never fails the request: a lost cache only costs the work again."""
    try:
        return method(*args, **kwargs)
    except Exception:
        logger.warning("The cache did not answer; building the answer afresh.", exc_info=True)
        return None
