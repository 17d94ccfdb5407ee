"""Whether the person judges a round that is not decided yet: the menu offers them the competitions.
Read with the person's scope (a person fact), so it costs no query; the secretariat and the zones have
the link anyway, so for them it is False, and the kept menu has one copy fewer."""

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
