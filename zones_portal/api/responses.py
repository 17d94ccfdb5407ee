"""The error answers every endpoint documents in the OpenAPI schema, written once for all apps.

Each is described with the body it really has, so a client (or schemathesis, in ``bin/fuzz``) can hold
the API to it: DRF answers every refusal with ``{"detail": "..."}`` and invalid input with messages per
field; the 414 comes from gunicorn, before the portal sees the request, as a short HTML page.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(
        read_only=True, help_text="One sentence, in the language asked for with Accept-Language."
    )


class ValidationErrorSerializer(serializers.Serializer):
    """Stands for the body of a 400, whose keys are the fields of each request; see its extension."""


class ValidationErrorScheme(OpenApiSerializerExtension):
    target_class = "zones_portal.api.responses.ValidationErrorSerializer"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (
                "Messages per field: each key names a field of the request (or a query parameter), "
                "`non_field_errors` holds what concerns several, and `detail` a body that could not be "
                "read. Each value is a list of sentences, or for a list field an object of them keyed "
                "by the item's position."
            ),
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                    {"type": "string"},
                ]
            },
            "example": {"ends_at": ["An event must end after it starts."]},
        }


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


ERRORS: dict[Any, OpenApiResponse] = {
    400: OpenApiResponse(response=ValidationErrorSerializer, description="Messages per field."),
    401: _error("No valid key."),
    403: _error("The caller may not take this action."),
    404: _error("Not found, or outside the caller's scope; or a page past the last."),
    (414, "text/html"): OpenApiResponse(
        response=OpenApiTypes.STR,
        description="The path and query are longer than the web server accepts (4094 bytes).",
    ),
    429: _error("Too many requests; see Retry-After."),
}

# What a request with a body may also meet.
WRITE_ERRORS: dict[Any, OpenApiResponse] = {
    **ERRORS,
    413: _error("The body is larger than the portal accepts."),
    415: _error("The body is in a format the endpoint does not read (JSON, form or multipart)."),
}
