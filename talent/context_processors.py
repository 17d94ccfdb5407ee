from django.http import HttpRequest

from talent import permissions


def talent(request: HttpRequest) -> dict[str, object]:
    """The menu's talent links: the jury pages for jurors, the artist network for those it is for.
    Callables, so the queries run only on pages that show the menu."""
    user = getattr(request, "user", None)
    return {
        "is_juror": lambda: permissions.is_juror(user),
        "may_browse_network": lambda: permissions.may_browse_network(user),
    }
