from django.http import HttpRequest
from django.utils import timezone

from reminders.models import Notification


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's count; a callable, so the query runs only on pages that show the bell."""
    user = getattr(request, "user", None)
    return {"unread_count": lambda: _unread(user)}


def _unread(user: object) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        recipient=user,
        read_at__isnull=True,
        due_at__lte=timezone.now(),
        status__in=["pending", "sending", "sent", "failed"],
    ).count()
