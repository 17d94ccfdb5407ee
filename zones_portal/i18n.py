"""Small helpers for text that reads right in either language."""

from collections.abc import Iterable

from django.utils.translation import get_language


def join_list(items: Iterable[object]) -> str:
    """A list in running text, with the Persian comma in Persian."""
    separator = "، " if (get_language() or "fa").startswith("fa") else ", "
    return separator.join(str(item) for item in items)
