from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

_SUPPORTED = {code for code, _name in settings.LANGUAGES}
# Public pages (no account needed) where ``?lang=fa`` / ``?lang=en`` chooses the language: the address a
# crawler or a link preview (no cookie) is given for the English version (public/seo.py).
PUBLIC_PREFIXES = ("/whats-on/", "/calls/")
LANGUAGE_PARAM = "lang"


class PortalLocaleMiddleware:
    """Picks the language of a request: Persian first, whatever the browser says.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    deputy on an English-language browser would land on English pages. Here the
    order is: the signed-in person's saved choice, then the language cookie set
    by the switcher, then Persian. The API follows Accept-Language, as API
    clients expect. On the public pages ``?lang=`` comes first, and is then
    remembered in the language cookie as the switcher does, so the visitor's
    next pages stay in that language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        asked = self.asked_in_address(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if asked is not None and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != asked:
            from zones_portal.views import remember_language  # noqa: PLC0415 - views load the whole portal

            remember_language(response, asked)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def asked_in_address(request: HttpRequest) -> str | None:
        """The language a public page's address asks for (``?lang=en``), or None."""
        if not request.path.startswith(PUBLIC_PREFIXES):
            return None
        asked = request.GET.get(LANGUAGE_PARAM)
        return asked if asked in _SUPPORTED else None

    def language_for(self, request: HttpRequest) -> str:
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        asked = self.asked_in_address(request)
        if asked is not None:
            return asked
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in _SUPPORTED:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in _SUPPORTED:
            return cookie
        return settings.LANGUAGE_CODE


class PrivatePagesMiddleware:
    """What a signed-in person (or an API key) is shown is theirs: no shared cache may keep it, and the
    browser keeps no copy after they sign out. Every answer also says which powerful browser features no
    page of the portal uses, so an injected script could not ask for them."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
