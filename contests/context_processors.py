"""Whether the person judges a round that is not decided yet: the menu offers them the competitions.
Lazy, so a page that does not show the menu costs no query; the secretariat and the zones have the link
anyway, so only the others (jurors, artists, an institution's representatives on a panel) are asked."""

from django.utils.functional import SimpleLazyObject

from contests.permissions import sits_on_a_panel
from zones_portal.permissions import scope_of


def contests(request):
    user = getattr(request, "user", None)

    def judging() -> bool:
        scope = scope_of(user)
        if scope.secretariat or scope.zone_id is not None:
            return False
        return sits_on_a_panel(user)

    return {"sits_on_a_panel": SimpleLazyObject(judging)}
