"""Typed readers for settings that come from the environment.

Settings read every deployment-specific value through these helpers so that a
mistyped value fails at start-up with a sentence naming the variable, instead
of surfacing later as an odd behaviour.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blanks are dropped so a trailing comma is harmless."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    """Comma-separated whole numbers (seconds, counts), at least one; a mistake names the variable."""
    raw = env_list(name, [str(number) for number in default])
    try:
        numbers = [int(item) for item in raw]
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, not {os.environ.get(name)!r}."
        ) from exc
    if not numbers or min(numbers) < 0:
        raise ImproperlyConfigured(f"{name} must list at least one number, none below zero.")
    return numbers


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from exc
