"""The public face: what's on across the zones, event and zone pages, sitemap and robots."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
