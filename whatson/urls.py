"""The public face: what's on across the zones, event and zone pages, sitemap and robots."""

from django.urls import path

from whatson import views

app_name = "public"
urlpatterns = [
    path("whats-on/", views.whats_on, name="whats-on"),
    # Before the zones' pages: "events" is the events' segment, never taken for a zone's short name.
    path("whats-on/events/<int:pk>/", views.event_page, name="event"),
    path("whats-on/events/<int:pk>/calendar.ics", views.event_calendar, name="event-ics"),
    path("whats-on/<slug:slug>/", views.zone_page, name="zone"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
]
