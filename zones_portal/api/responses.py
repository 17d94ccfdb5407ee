"""The error answers every endpoint documents in the OpenAPI schema, written once for all apps."""

from drf_spectacular.utils import OpenApiResponse

ERRORS = {
    400: OpenApiResponse(description="Messages per field."),
    401: OpenApiResponse(description="No valid key."),
    403: OpenApiResponse(description="The caller may not take this action."),
    404: OpenApiResponse(description="Not found, or outside the caller's scope."),
    429: OpenApiResponse(description="Too many requests; see Retry-After."),
}
