"""Zones Portal: the project package, and the app that owns zones, institutions and people."""

from zones_portal.celery import app as celery_app

__all__ = ["celery_app"]
