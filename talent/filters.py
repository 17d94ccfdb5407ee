"""The FilterSets of talent calls and of the artist network (as events/filters.py): the Persian-aware
search, for the API's list of calls and for the network."""

from __future__ import annotations

import django_filters

from talent.models import Artist, TalentCall
from zones_portal.search import SearchFilter


class TalentCallFilter(django_filters.FilterSet):
    search = SearchFilter()

    class Meta:
        model = TalentCall
        fields = ("search",)


class ArtistFilter(django_filters.FilterSet):
    search = SearchFilter()

    class Meta:
        model = Artist
        fields = ("search",)
