"""The pages of two-step sign-in: the code after the password, and the person's own settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zones_portal import permissions
from zones_portal import views as portal_views
from zones_portal.models import User
from zones_portal.twofactor import services
from zones_portal.twofactor.forms import CodeForm


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoStepLoginView(portal_views.LoginView):
    """The password first; an account with two-step sign-in is not signed in until its code comes
    (``code``), so a password alone opens nothing, not even the dashboard."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.asks_for_code(user):
            return super().form_valid(form)
        services.begin_sign_in(self.request, user, self.get_success_url())
        return redirect("twofactor:code")


def admin_gate(request: HttpRequest) -> HttpResponse | None:
    """Where an admin user whose session was not confirmed with a code goes instead of the admin:
    to set up an app (with the reason) or to type a code. None for everyone else."""
    user = request.user
    if not (user.is_active and permissions.can_use_admin(user)) or services.is_verified(user):
        return None
    next_url = request.get_full_path()
    if services.asks_for_code(user):
        messages.info(request, _("Type a code from your authenticator app to open the administration."))
        return HttpResponseRedirect(_with_next(reverse("twofactor:code"), next_url))
    messages.warning(
        request,
        _(
            "Secretariat staff must set up two-step sign-in before they use the administration: "
            "it takes a minute with an authenticator app on your phone."
        ),
    )
    return HttpResponseRedirect(_with_next(reverse("twofactor:setup"), next_url))


@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """The second step: after the password (nobody signed in yet), or for a signed-in person whose
    session has not been confirmed and who needs it to be (the admin sends them here)."""
    pending = services.pending_sign_in(request)
    if pending is not None:
        user: User = pending.user
        next_url = _safe_next(request, pending.next_url)
    elif request.user.is_authenticated:
        user = request.user
        next_url = _safe_next(request, request.GET.get("next"))
        if services.is_verified(user) or not services.asks_for_code(user):
            return redirect(next_url or "home")
    else:
        messages.info(request, _("That sign-in took too long; sign in again."))
        return redirect_to_login(_safe_next(request, request.GET.get("next")) or reverse("home"))

    if services.sign_in_paused(request, user):
        services.forget_sign_in(request)
        return portal_views.locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_code(request, user, form.cleaned_data["code"])
        except services.SignInPausedError:
            services.forget_sign_in(request)
            return portal_views.locked_out(request)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            if pending is not None:
                services.finish_sign_in(request, pending, device)
            else:
                services.mark_verified(request, device)
            response = redirect(next_url or "home")
            portal_views.remember_language(response, user.language)
            return response
    return render(
        request,
        "twofactor/code.html",
        {"form": form, "signing_in": pending is not None, "account": user},
    )


def _overview_context(request: HttpRequest, **forms: CodeForm) -> dict[str, Any]:
    user = request.user
    device = services.app_device(user)
    codes_left = services.recovery_codes_left(user) if device else 0
    return {
        "device": device,
        "codes_left": codes_left,
        "codes_left_shown": portal_views.digits(codes_left),
        "required": services.requires_two_factor(user),
        "renew_form": forms.get("renew_form") or CodeForm(prefix="renew"),
        "off_form": forms.get("off_form") or CodeForm(prefix="off"),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Two-step sign-in, as the person sees it: on or off, their recovery codes, and what they may do."""
    return render(request, "twofactor/overview.html", _overview_context(request))


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with the app's first code."""
    user = request.user
    next_url = _safe_next(request, request.GET.get("next"))
    if not services.may_set_up(request, user):
        messages.info(
            request, _("To move two-step sign-in to a new phone, first type a code from the old one.")
        )
        return HttpResponseRedirect(_with_next(reverse("twofactor:code"), request.get_full_path()))
    form = CodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        try:
            _device, codes = services.confirm_setup(request, user, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            services.keep_fresh_codes(request, codes)
            messages.success(request, _("Two-step sign-in is on. Keep your recovery codes somewhere safe."))
            return HttpResponseRedirect(_with_next(reverse("twofactor:recovery-codes"), next_url))
    key = services.setup_key(request)
    uri = services.provisioning_uri(user, key)
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "qr_svg": services.qr_svg(uri, _("QR code for your authenticator app")),
            "secret": services.readable_secret(key),
            "replacing": services.is_on(user),
            "required": services.requires_two_factor(user),
            "next": next_url,
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once; "done" forgets them."""
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    codes = services.fresh_codes(request)
    if request.method == "POST":
        services.forget_fresh_codes(request)
        return redirect(next_url or "twofactor:overview")
    if not codes:
        messages.info(
            request,
            _(
                "Recovery codes are shown only once, when they are made. If you have lost yours, make new ones."
            ),
        )
        return redirect("twofactor:overview")
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": [services.format_recovery_code(code) for code in codes], "next": next_url},
    )


@login_required
def recovery_codes_file(request: HttpRequest) -> HttpResponse:
    """The same codes as a text file to keep offline."""
    codes = services.fresh_codes(request)
    if not codes:
        return redirect("twofactor:overview")
    text = render_to_string(
        "twofactor/recovery_codes.txt",
        {"codes": [services.format_recovery_code(code) for code in codes], "account": request.user},
        request=request,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zones-portal-recovery-codes.txt"'
    return response


@require_POST
@login_required
def renew(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="renew")
    if form.is_valid():
        try:
            codes = services.renew_recovery_codes(request, request.user, form.cleaned_data["code"])
        except services.SignInPausedError:
            return portal_views.locked_out(request)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            services.keep_fresh_codes(request, codes)
            messages.success(request, _("New recovery codes are ready; the old ones no longer work."))
            return redirect("twofactor:recovery-codes")
    return render(request, "twofactor/overview.html", _overview_context(request, renew_form=form))


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="off")
    if form.is_valid():
        try:
            services.turn_off(request, request.user, form.cleaned_data["code"])
        except services.SignInPausedError:
            return portal_views.locked_out(request)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("twofactor:overview")
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Two-step sign-in is off: your password alone signs you in."))
            return redirect("twofactor:overview")
    return render(request, "twofactor/overview.html", _overview_context(request, off_form=form))
