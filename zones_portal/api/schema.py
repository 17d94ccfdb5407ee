"""How the API's views are described in the OpenAPI schema, where drf-spectacular's guess would be wrong."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema


class WholeBodyPatchSchema(AutoSchema):
    """For a PATCH that reports something (a status with its evidence) rather than editing some of a
    record's fields: the view validates the body whole, so its required fields are documented as required,
    where drf-spectacular would drop them all as it does for DRF's partial updates."""

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        if self.method != "PATCH":
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "POST"  # the one thing drf-spectacular reads to mark a body partial
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"


class FilterSetParameters(DjangoFilterExtension):
    """A filter given empty means no filter, as the dashboard's forms send it: the schema allows it."""

    priority = 1  # over drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        parameters = super().resolve_filter_field(*args, **kwargs)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
        return parameters
