"""The agreements' FilterSet, for the API's list (as events/filters.py): the Persian-aware search."""

from __future__ import annotations

import django_filters

from agreements.models import Agreement
from zones_portal.search import SearchFilter


class AgreementFilter(django_filters.FilterSet):
    search = SearchFilter()

    class Meta:
        model = Agreement
        fields = ("search",)
