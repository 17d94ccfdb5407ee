from django.http import HttpRequest
from django.utils import timezone

from zones_portal import permissions


def portal(request: HttpRequest) -> dict[str, object]:
    """What the base template needs on every page: who is looking, and today's date. Each app adds its
    own (the jury link, the unread count) through its own context processor."""
    user = getattr(request, "user", None)
    return {
        "scope": permissions.scope_of(user),
        "can_use_admin": permissions.can_use_admin(user),
        "now": timezone.now(),
    }
