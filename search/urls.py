"""The dashboard's one search box and its results page."""

from django.urls import path  # noqa: F401

app_name = "search"
urlpatterns: list = []
