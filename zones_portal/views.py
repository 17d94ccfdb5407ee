from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zones_portal import glance, permissions, services
from zones_portal.dates import persian_digits, uses_jalali
from zones_portal.forms import ZoneContactForm
from zones_portal.fragments import cached_content, scope_key
from zones_portal.models import Institution, Membership, User, Zone
from zones_portal.versions import PEOPLE


def digits(number: int) -> str:
    """A number in the reader's digits: Persian in Persian, Latin in English."""
    return persian_digits(str(number)) if uses_jalali() else str(number)


@dataclass(frozen=True)
class Paged:
    """One page of a list section, with what its pager shows (``includes/pager.html``)."""

    rows: Sequence[Any]
    count: int
    total: str  # the section's count, in the reader's digits
    number: str  # this page's number, in the reader's digits
    pages: str  # how many pages, in the reader's digits
    previous_url: str
    next_url: str

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_url or self.next_url)


def paginate(
    request: HttpRequest,
    rows: Any,
    per_page: int,
    *,
    param: str = "page",
    anchor: str = "",
    count: int | None = None,
) -> Paged:
    """A page of ``rows`` chosen by ``?<param>=``; the pager's links keep every other parameter (the
    filters, other sections' pages). Pass ``count`` when it is already known, to save the COUNT query."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached property: setting it spares the COUNT query
    page = paginator.get_page(request.GET.get(param))

    def url_for(number: int) -> str:
        query = request.GET.copy()
        if number == 1:
            query.pop(param, None)
        else:
            query[param] = str(number)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else request.path

    suffix = f"#{anchor}" if anchor else ""
    return Paged(
        rows=list(page.object_list),
        count=paginator.count,
        total=digits(paginator.count),
        number=digits(page.number),
        pages=digits(paginator.num_pages),
        previous_url=url_for(page.previous_page_number()) + suffix if page.has_previous() else "",
        next_url=url_for(page.next_page_number()) + suffix if page.has_next() else "",
    )


def _people_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user")
        .filter(user__is_active=True)
        .order_by("role", "user__last_name", "user__username"),
        to_attr="people",
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the reader has to act on, counted and then listed a few rows at a time (``glance``), above
    who they are: the secretariat sees every zone; a zone's people their zone; a partner its institution;
    a juror, with neither, their applications to score."""
    scope = permissions.scope_of(request.user)
    context: dict[str, object] = {}
    mine = glance.personal(request.user)
    if not any(mine.values()) and (
        scope.secretariat or scope.zone_id is not None or scope.institution_id is not None
    ):
        # Most readers: the cards are the same for everyone of their scope, kept as HTML per scope
        # and language until a counter they read moves, and renewed every minute (as the events page
        # is): what is overdue or this week's moves with the clock.
        context["glance"] = cached_content(
            request,
            "home:glance",
            glance.shared_counters(),
            lambda: _glance_html(*glance.at_a_glance(request.user, shared_only=True)),
            per=scope_key(scope),
            seconds=glance.KEEP_SECONDS * 10,
            renew_after=glance.KEEP_SECONDS,
        )
    else:  # a juror's own applications to score, or a reader with no zone or institution
        panels, sections = glance.at_a_glance(request.user, asked=mine)
        context["glance"], context["sections"] = _glance_html(panels, sections), sections
    if scope.secretariat:
        # The zones and their deputies, the same for all the secretariat: kept until a zone, a person
        # or a membership changes (zones_portal.fragments).
        context["zone_cards"] = cached_content(
            request,
            "home:zones",
            (PEOPLE,),
            lambda: render_to_string(
                "zones_portal/_home_zones.html",
                {"zones": Zone.objects.visible_to(request.user).prefetch_related(_people_prefetch())},
            ),
        )
    elif scope.zone_id is not None:
        # The reader's zone and job, kept per person until a zone, a person or a membership changes.
        context["own_card"] = cached_content(
            request, "home:zone", (PEOPLE,), lambda: _zone_card(request.user), per=request.user.pk
        )
    elif scope.institution_id is not None:
        context["own_card"] = cached_content(
            request,
            "home:institution",
            (PEOPLE,),
            lambda: render_to_string(
                "zones_portal/_home_institution.html",
                {"institution": get_object_or_404(Institution, pk=scope.institution_id)},
            ),
            per=scope.institution_id,
        )
    return render(request, "zones_portal/home.html", context)


def _zone_card(user: User) -> str:
    job = get_object_or_404(Membership.objects.select_related("zone"), user_id=user.pk)
    return render_to_string("zones_portal/_home_zone.html", {"zone": job.zone, "job": job})


def _glance_html(panels: list[glance.Panel], sections: list[glance.Section]) -> str:
    return render_to_string("zones_portal/_home_glance.html", {"panels": panels, "sections": sections})


@login_required
def zone_detail(request: HttpRequest, slug: str) -> HttpResponse:
    zone = get_object_or_404(
        Zone.objects.visible_to(request.user).prefetch_related(_people_prefetch()), slug=slug
    )
    return render(
        request,
        "zones_portal/zone_detail.html",
        {"zone": zone, "can_change": permissions.can_change_zone(request.user, zone.pk)},
    )


@login_required
def zone_edit(request: HttpRequest, slug: str) -> HttpResponse:
    zone = get_object_or_404(Zone.objects.visible_to(request.user), slug=slug)
    if not permissions.can_change_zone(request.user, zone.pk):
        raise PermissionDenied(_("Only the secretariat or this zone's deputy may change its details."))
    form = ZoneContactForm(request.POST or None, instance=zone)
    if request.method == "POST" and form.is_valid():
        services.update_zone_contacts(request.user, zone, **form.cleaned_data)
        messages.success(request, _("The zone's contact details were saved."))
        return redirect("zone-detail", slug=zone.slug)
    return render(request, "zones_portal/zone_edit.html", {"zone": zone, "form": form})


def remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 60 * 60,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switches the language, remembering it on the account as well as in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.set_language(request.user, language)
    remember_language(response, language)
    return response


class LoginView(auth_views.LoginView):
    """After signing in, the person's own language wins over a cookie left by someone else."""

    redirect_authenticated_user = True

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)
        user: User = self.request.user
        remember_language(response, user.language)
        return response


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """What a sign-in gets while its account or address is paused (django-axes calls it): the reason, how
    long, and a way back, in the reader's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    shown = persian_digits(str(minutes)) if uses_jalali() else str(minutes)
    return render(request, "registration/locked_out.html", {"lockout_minutes": shown}, status=429)
