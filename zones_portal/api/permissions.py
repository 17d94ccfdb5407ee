from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from zones_portal import permissions as rules

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class WritesNeedAWriteKey(BasePermission):
    """Reading is for any signed-in caller (scope comes from the queryset); writing needs a key
    that may write, and the secretariat reads only: it works in the admin."""

    message = _("This key is read-only.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if rules.is_secretariat(request.user):
            self.message = _("The secretariat reads the API; changes are made in the administration.")
            return False
        token = request.auth
        return not (token is not None and hasattr(token, "write_enabled") and not token.write_enabled)
