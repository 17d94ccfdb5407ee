"""The REST API's URLs: one router for every app's viewsets, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agreements.api import AgreementViewSet, ObligationViewSet
from coordination.api import ActionItemViewSet
from events.api import EventViewSet
from exports.api import ExportDealViewSet
from talent.api import TalentCallViewSet
from webhooks.api import WebhookDeliveryViewSet, WebhookEndpointViewSet
from zones_portal.api.fallback import no_such_endpoint
from zones_portal.api.views import ZoneViewSet

router = DefaultRouter()
router.register("zones", ZoneViewSet, basename="zone")
router.register("events", EventViewSet, basename="event")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("talent-calls", TalentCallViewSet, basename="talent-call")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("export-deals", ExportDealViewSet, basename="export-deal")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up as a script of its own (?script), not inline, for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/docs.html"),
        name="docs",
    ),
    # Last: only a trailing slash, so a path missing its slash is still redirected to the endpoint.
    re_path(r"^.*/$", no_such_endpoint),
]
