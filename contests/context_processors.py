"""Whether the person judges a round that is not decided yet: the menu offers them the judging pages.
Lazy, so a page that does not ask costs no query."""

from django.utils.functional import SimpleLazyObject

from contests.permissions import sits_on_a_panel


def contests(request):
    user = getattr(request, "user", None)
    return {"sits_on_a_panel": SimpleLazyObject(lambda: sits_on_a_panel(user))}
