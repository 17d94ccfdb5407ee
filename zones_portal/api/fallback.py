"""The answer to a path under /api/ that names no endpoint (``/api/v1/events/1.5e-38/``): the API's own
JSON 404, in the reader's language, rather than the dashboard's HTML page a client cannot read."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound


@csrf_exempt  # nothing is done here, and a client's POST deserves the JSON 404 too, not a CSRF page
def no_such_endpoint(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
