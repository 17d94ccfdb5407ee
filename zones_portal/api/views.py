from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from zones_portal.api import fastpath
from zones_portal.api.responses import ERRORS
from zones_portal.models import ApiToken, Zone
from zones_portal.permissions import Scope, scope_of
from zones_portal.versions import current

logger = logging.getLogger(__name__)


class ZoneSerializer(serializers.ModelSerializer):
    # Read-only fields lose the blank alternative drf-spectacular gives a blank-able address.
    email = serializers.EmailField(read_only=True, allow_blank=True)
    website = serializers.URLField(read_only=True, allow_blank=True)

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
        read_only_fields = fields


class ScopedViewSetMixin:
    """Every API queryset starts from ``visible_to(user)``: what the caller may not see is a 404."""

    base_queryset: QuerySet

    def get_queryset(self) -> QuerySet:
        return self.base_queryset.visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="The zones", responses={200: ZoneSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One zone, by slug", responses={200: ZoneSerializer, **ERRORS}),
)
class ZoneViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The free and special economic zones, addressed by slug."""

    base_queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    lookup_field = "slug"
    pagination_class = None


class CachedReadMixin:
    """List and detail answers validated by version counters, and cached, before any row is read.

    ``cache_versions`` names the counters (``zones_portal.versions``) whose data the answer shows; the
    ETag (``fastpath.answer_etag``) is a digest of them, the request (host, path, query, Accept,
    language) and the caller's scope (which decides what they may see). A matching ``If-None-Match``
    from an API key whose scope is kept in the cache gets its 304 before DRF runs at all (``as_view``
    marks the route for ``zones_portal.api.fastpath.ConditionalFirstMiddleware``); otherwise the 304, or a repeat's cached answer, comes after
    authentication and throttling but before the queryset is touched. Answers stay cached for
    ``cache_seconds`` at most, so a lost bump costs no more than that.
    """

    cache_versions: tuple[str, ...] = ()
    cache_seconds = 600

    @classmethod
    def as_view(cls, actions: dict[str, str] | None = None, **initkwargs: Any) -> Callable[..., Any]:
        view = super().as_view(actions, **initkwargs)  # type: ignore[misc]
        # Marks the route for fastpath.ConditionalFirstMiddleware, which answers a matching
        # If-None-Match from a key with a kept scope before the rest of the middleware and DRF run.
        view.conditional_counters = cls.cache_versions
        return view

    def _etag(self, request: Request) -> str | None:
        versions = current(*self.cache_versions)
        if versions is None:
            return None
        scope = scope_of(request.user)
        token = request.auth
        if isinstance(token, ApiToken):
            fastpath.keep_scope(request._request, token, _scope_key(scope))
        return fastpath.answer_etag(request._request, _scope_key(scope), versions)

    def _cached(self, request: Request, build: Callable[[], Response]) -> Response:
        etag = self._etag(request)
        if etag is None:
            return build()
        if etag in fastpath.wanted_etags(request._request):
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
            if isinstance(request.auth, ApiToken) and response.status_code == status.HTTP_200_OK:
                setattr(request._request, fastpath.KEEP_ANSWER, etag)  # see fastpath.keep_answer
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"  # a partner's client may keep it, but must ask
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._cached(request, lambda: super(CachedReadMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._cached(request, lambda: super(CachedReadMixin, self).retrieve(request, *args, **kwargs))


def _scope_key(scope: Scope) -> tuple[bool, int | None, int | None]:
    """What of a caller's scope decides what they may see through the API."""
    return (scope.secretariat, scope.zone_id, scope.institution_id)


def _cache_call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A cache read or write that never fails the request: a lost cache only costs the work again."""
    try:
        return method(*args, **kwargs)
    except Exception:
        logger.warning("The cache did not answer; building the answer afresh.", exc_info=True)
        return None
