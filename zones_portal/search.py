"""Persian-aware search: one normaliser for what is stored and for every query.

Persian text reaches the portal in several spellings of the same word: Arabic ي and ك for Persian ی and
ک, a zero-width non-joiner, a space or nothing between the parts of a word (می‌رود, می رود, میرود),
diacritics and tatweel, Persian, Arabic and Latin digits. Each searchable record keeps its text in one
``search_text`` column, normalised and written without spaces ("compact"); a query is normalised the same
way and split into terms, and a record matches when it holds every term. Matching without spaces is what
lets "کنسرت موسیقی" find "کنسرت‌موسیقی" and "میرود" find "می رود". A hand-written module rather than
hazm: hazm pulls in NLTK and a tokenizer model for what is a table of character mappings here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections, models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.utils.translation import gettext_lazy as _

# One letter for each family of spellings people type for it.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ئ": "ی",  # yeh with hamza (مسئول / مسیول)
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",  # heh with yeh above (خانهٔ)
        "ؤ": "و",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "آ": "ا",  # a query typed without the madda finds آ
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic digits
    }
)
# Joiners, direction marks and isolates carry no letters: dropped, so a word split by a non-joiner reads
# as the word (tatweel too: a stretched letter is the letter).
_DROPPED = dict.fromkeys(
    map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u0640\ufeff")
)
# The field separator in stored text: not a letter or digit, never in a normalised query term.
SEPARATOR = "\n"
# The longest query taken (a search box, not a document): longer is a form error or a 400.
QUERY_MAX_LENGTH = 200


def normalise(text: str | None) -> str:
    """The text as search compares it: one spelling per letter, Latin digits, lower case, no diacritics,
    punctuation read as a space, single spaces between words."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_DROPPED).translate(_LETTERS).casefold()
    out = []
    for char in text:
        kind = unicodedata.category(char)
        if kind.startswith("M"):  # diacritics (fatha, kasra, tanwin, shadda, hamza above ...)
            continue
        out.append(char if kind[0] in "LN" else " ")
    return " ".join("".join(out).split())


def compact(text: str | None) -> str:
    """Normalised and without spaces: how a stored field and a query term are compared."""
    return normalise(text).replace(" ", "")


def query_terms(query: str | None) -> list[str]:
    """The terms a record must all hold, in the order typed, each once."""
    return list(dict.fromkeys(normalise(query).split()))


def search_terms(query: str | None) -> list[str]:
    """The compact terms a record must all hold. One-letter terms are dropped when longer ones are
    given (the conjunction "و" would match almost everything)."""
    terms = [compact(term) for term in query_terms(query)]
    return [term for term in terms if len(term) > 1] or terms


def matches_q(query: str | None, field: str = "search_text") -> Q | None:
    """The condition "holds every term of ``query``" on ``field`` (``"business__search_text"`` searches
    through a relation), for callers that filter without ranking (the admin); None when the query has
    no letters or digits."""
    terms = search_terms(query)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__contains": term})
    return condition


def matching(queryset: QuerySet, query: str | None, field: str = "search_text") -> QuerySet:
    """The records of ``queryset`` (a Searchable model's, already narrowed to what the person may see)
    that hold every term of ``query``, best first: on PostgreSQL by trigram word similarity to the
    whole query (pg_trgm), then everywhere by how early the first term appears (the title comes first).
    Nothing for a query with no letters or digits. ``field`` names the search text to read, through a
    relation if need be (``"business__search_text"``)."""
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    for term in terms:
        queryset = queryset.filter(**{f"{field}__contains": term})
    queryset = queryset.annotate(search_position=StrIndex(field, Value(terms[0])))
    if connections[queryset.db].vendor == "postgresql":
        queryset = queryset.annotate(search_rank=TrigramWordSimilarity(Value("".join(terms)), field))
        return queryset.order_by(F("search_rank").desc(), "search_position", "-pk")
    return queryset.order_by("search_position", "-pk")


def index_text(values: Iterable[object]) -> str:
    """What a record stores in ``search_text``: each field compact, the most telling first."""
    return SEPARATOR.join(filter(None, (compact(str(value)) for value in values if value)))


class Searchable(models.Model):
    """A record found by the portal's search: ``SEARCH_FIELDS`` names what its ``search_text`` is made
    of, most telling first (the title). Kept on every save, so every way of writing a record (service,
    admin, API, command) keeps it; a field added to ``SEARCH_FIELDS`` later needs ``reindex_search``."""

    SEARCH_FIELDS: tuple[str, ...] = ()

    # A default in the database too: rows written by older code (a data migration's historical model,
    # a raw bulk load) get an empty text instead of failing; `reindex_search` fills it.
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = index_text(self.search_values())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCH_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_values(self) -> list[object]:
        return [getattr(self, name) for name in self.SEARCH_FIELDS]


SEARCH_HELP = _(
    "Words to look for, in any spelling: Arabic or Persian letters (ي/ی, ك/ک), with or without the "
    "zero-width non-joiner or a space inside a word, with or without diacritics, in Persian, Arabic or "
    "Latin digits. A record matches when it holds every word."
)


class SearchFilter(django_filters.CharFilter):
    """The ``search`` filter of every FilterSet of a searchable kind (the dashboard's lists and the API):
    the same normaliser and matching as the search page. A query with no letters or digits is no filter,
    as an empty one is."""

    def __init__(self, *args: Any, search_field: str = "search_text", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("help_text", SEARCH_HELP)
        kwargs.setdefault("max_length", QUERY_MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search", "placeholder": _("Search…")}))
        super().__init__(*args, **kwargs)
        self.search_field = search_field

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if not search_terms(value):
            return qs
        return matching(qs, value, self.search_field)
