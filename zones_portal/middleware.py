import functools
import logging
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

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
        self.say_language(response, language)
        return response

    @staticmethod
    def say_language(response: HttpResponse, language: str) -> None:
        """The answer depends on the language, which comes from the cookie or the browser's wishes."""
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)

    @staticmethod
    def asked_in_address(request: HttpRequest) -> str | None:
        """The language a public page's address asks for (``?lang=en``), or None."""
        if not request.path.startswith(PUBLIC_PREFIXES):
            return None
        asked = request.GET.get(LANGUAGE_PARAM)
        return asked if asked in _SUPPORTED else None

    @classmethod
    def language_for(cls, request: HttpRequest) -> str:
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        asked = cls.asked_in_address(request)
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
        self.refuse_features(response)
        return response

    @classmethod
    def refuse_features(cls, response: HttpResponse) -> None:
        response.headers.setdefault("Permissions-Policy", cls.PERMISSIONS_POLICY)


def early_match(path: str) -> ResolverMatch | None:
    """``resolve(path)``, or None for no route, remembered per process for the early answers: going
    through the URLconf cost a sixth of an API 304. Their routes take no part of the request but its
    path, and the URLconf does not change while the process runs (tests that swap it clear this)."""
    return _early_match(get_urlconf(), path)


@functools.lru_cache(maxsize=4096)
def _early_match(urlconf: str | None, path: str) -> ResolverMatch | None:
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return None


class VisitorConditionalMiddleware:
    """Answers a visitor's conditional GET of a public page or the feed of all zones with its 304
    before sessions, CSRF, authentication, messages and the view run: crawlers, link previews and
    calendar apps ask again and again, and the whole chain cost more than the answer.

    A view takes part by carrying ``visitor_not_modified(request, **kwargs)`` (``whatson.caching.
    answers_early``, ``events.feed_views``), which works out the ETag exactly as the view does and
    returns the 304 or None. Only requests with no session cookie and no API key come here, so the
    visitor is nobody, as the view would find; the language is the one ``PortalLocaleMiddleware`` picks.
    A ``?lang=`` that the language cookie does not hold yet goes the long way, which sets the cookie.
    In MIDDLEWARE right after the CSP middleware, so the answer carries every header the long way
    gives it: this adds what the locale, private-pages and clickjacking middleware below would.
    Anything it cannot answer goes on down the chain unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if (
            ("HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta)
            and request.method in ("GET", "HEAD")
            and "HTTP_AUTHORIZATION" not in meta
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            response = self.not_modified(request)
            if response is not None:
                return response
        return self.get_response(request)

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        match = early_match(request.path_info)
        if match is None:
            return None
        early = getattr(match.func, "visitor_not_modified", None)
        if early is None:
            return None
        asked = PortalLocaleMiddleware.asked_in_address(request)
        if asked is not None and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != asked:
            return None
        language = PortalLocaleMiddleware.language_for(request)
        query = request.GET
        try:
            with translation.override(language):
                response = early(request, *match.args, **match.kwargs)
        except Exception:  # a bad Host header, a cache fault: the long way answers it as it always has
            logger.debug("The early conditional answer gave way to the long one.", exc_info=True)
            response = None
        if response is None:
            request.GET = query
            return None
        PortalLocaleMiddleware.say_language(response, language)
        PrivatePagesMiddleware.refuse_features(response)
        return self.frame_options.process_response(request, response)


class PolicyOnceCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of a response that asks for nothing of its own (no
    nonce, no per-view ``@csp_update``, ``@csp_replace`` or ``@csp_exempt``: none of our views does)
    built once per process instead of once per response. Building it cost a fifth of a millisecond,
    a quarter of a public page's 304; anything else is left to django-csp as it is."""

    PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self.PER_RESPONSE)
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        for header, policy, prefixes in _plain_policies():
            if policy and header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _plain_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Each header, its policy as django-csp builds it from the settings alone, and the prefixes the
    settings exclude from it."""
    policies = []
    for header, name, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        policies.append((header, build_policy(report_only=report_only), prefixes))
    return tuple(policies)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _plain_policies.cache_clear()
    if setting == "ROOT_URLCONF":
        _early_match.cache_clear()
