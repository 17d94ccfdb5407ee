"""The admin's search box through the portal's normaliser, for the searchable models."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from zones_portal.search import matches_q


class NormalisedSearchMixin:
    """Adds to Django's own search (``search_fields``, icontains on each field) every record whose
    normalised search text holds every word typed, so "كنسرت" finds "کنسرت" and "می رود" finds
    "می‌رود". Django's search is kept for the fields outside the search text (an email, a tracking
    code). The two are joined through the primary key, so the list has no duplicates and keeps the
    admin's ordering."""

    search_text_field = "search_text"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        normalised = matches_q(search_term, self.search_text_field)
        if normalised is None:
            return found, may_have_duplicates
        return queryset.filter(Q(pk__in=found.values("pk")) | normalised), False
