from django.http import HttpRequest

from scorecard import permissions


def scorecard(request: HttpRequest) -> dict[str, object]:
    """The menu offers the scorecard to exactly those its view lets in (a juror with no zone is not),
    by asking the same rule rather than repeating it in the template."""
    user = getattr(request, "user", None)
    return {"may_see_scorecard": lambda: permissions.can_see_scorecard(user)}
