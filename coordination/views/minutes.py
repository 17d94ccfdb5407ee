"""Filled in by the coordination desk work (issue 16)."""

urlpatterns: list = []
