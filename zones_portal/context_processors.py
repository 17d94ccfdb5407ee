from django.http import HttpRequest
from django.utils import timezone

from zones_portal import permissions


def portal(request: HttpRequest) -> dict[str, object]:
    """What the base template needs on every page: who is looking, and today's date."""
    user = getattr(request, "user", None)
    return {
        "scope": permissions.scope_of(user),
        "can_use_admin": permissions.can_use_admin(user),
        "now": timezone.now(),
        # A callable, so the query runs only on pages that show the jury link.
        "is_juror": lambda: permissions.is_juror(user),
        "unread_count": lambda: _unread(user),
    }


def _unread(user: object) -> int:
    if user is None or not user.is_authenticated:
        return 0
    from reminders.models import Notification

    return Notification.objects.filter(
        recipient=user,
        read_at__isnull=True,
        due_at__lte=timezone.now(),
        status__in=["pending", "sending", "sent", "failed"],
    ).count()
