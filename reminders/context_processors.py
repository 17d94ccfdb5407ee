from django.http import HttpRequest

from reminders import services


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's count; a callable, so it is looked up only on pages that show the bell, and then from
    the kept counts (``services.counts_for``), not counted on every page."""
    return {"unread_count": lambda: _unread(request)}


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return services.counts_for_request(request).unread
