"""Querysets that ask their own app which rows a person may see or change.

Each app declares its access rules in its ``permissions.py`` and registers the ones that filter rows with
``@visibility_rule(Model)`` and ``@edit_rule(Model)``. ``ZonesPortalConfig.ready`` imports every app's
``permissions.py`` at start-up, as the admin finds ``admin.py``, so a models module never imports its
rules and the rules import their models at the top: no import loop (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

RowRule = Callable[[Any], Q]
_RULES: dict[tuple[str, str], RowRule] = {}


def _register(model: type[models.Model], action: str) -> Callable[[RowRule], RowRule]:
    def decorate(rule: RowRule) -> RowRule:
        key = (model._meta.label, action)
        if _RULES.get(key, rule) is not rule:
            raise ImproperlyConfigured(f"Two {action} rules for {key[0]}: one permissions.py must own it.")
        _RULES[key] = rule
        return rule

    return decorate


def visibility_rule(model: type[models.Model]) -> Callable[[RowRule], RowRule]:
    """Registers ``rule(user) -> Q`` as what ``model.objects.visible_to(user)`` filters by."""
    return _register(model, "view")


def edit_rule(model: type[models.Model]) -> Callable[[RowRule], RowRule]:
    """Registers ``rule(user) -> Q`` as what ``model.objects.editable_by(user)`` filters by."""
    return _register(model, "change")


def rule_q(model: type[models.Model], action: str, user: Any) -> Q:
    try:
        rule = _RULES[(model._meta.label, action)]
    except KeyError:
        raise ImproperlyConfigured(
            f"No {action} rule for {model._meta.label}: declare one in its app's permissions.py."
        ) from None
    return rule(user)


class ScopedQuerySet(models.QuerySet):
    """The base of every queryset whose rows are not for everyone."""

    def visible_to(self, user: Any) -> Self:
        return self.filter(rule_q(self.model, "view", user))

    def editable_by(self, user: Any) -> Self:
        return self.filter(rule_q(self.model, "change", user))
