from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from zones_portal import errors, health, views
from zones_portal.twofactor import views as twofactor_views

handler500 = errors.server_error


class FaviconView(RedirectView):
    """Browsers, the admin and the API's pages ask for /favicon.ico whatever the page links to: lead them
    to the icon the pages name (its address carries the file's hash, so the redirect is not permanent)."""

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", views.home, name="home"),
    path("zones/<slug:slug>/", views.zone_detail, name="zone-detail"),
    path("zones/<slug:slug>/edit/", views.zone_edit, name="zone-edit"),
    path("accounts/login/", twofactor_views.TwoStepLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("zones_portal.twofactor.urls")),
    path("language/", views.set_language, name="set-language"),
    path("events/", include("events.urls")),
    path("agreements/", include("agreements.urls")),
    path("", include("talent.urls")),
    path("notifications/", include("reminders.urls")),
    path("coordination/", include("coordination.urls")),
    path("exports/", include("exports.urls")),
    path("programmes/", include("programmes.urls")),
    path("scorecard/", include("scorecard.urls")),
    path("contests/", include("contests.urls")),
    path("search/", include("search.urls")),
    path("", include("whatson.urls")),  # whats-on/, sitemap.xml, robots.txt
    path("api/", include("zones_portal.api_urls")),
    path("admin/", admin.site.urls),
]
