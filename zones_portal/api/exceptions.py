"""Turns the services' Django exceptions into the API's error responses.

A ``ValidationError`` (bad input, or a move that does not fit the moment) is a
400 with messages per field; a ``PermissionDenied`` is a 403 with its sentence; a
missing object is a 404 in the reader's language; a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 in JSON, like every other error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


def handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return Response(
            {"detail": _("The request body is larger than %(limit)s MB.") % {"limit": limit}},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(error, DjangoValidationError):
        if hasattr(error, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
                for field, messages in error.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        error = exceptions.ValidationError(detail)
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied(str(error) or None)
    elif isinstance(error, Http404):
        # get_object_or_404's sentence is English and names the model class; the
        # reader gets the catalogue's "Not found." in their language instead.
        error = exceptions.NotFound()
    return exception_handler(error, context)
