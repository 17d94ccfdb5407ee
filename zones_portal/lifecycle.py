"""Lifecycles declared as data, and the one piece of code that carries out a move.

Each stateful model's app declares its moves in a ``Lifecycle``: for every move, the states it may start
from, the state it leads to, who may make it (a function of that app's ``permissions.py``), the sentences
that refuse it, and the field that keeps a reason where the move needs one. Each service function keeps
its own checks (dates, evidence, ...) and leaves the rest to the helper: ``enter`` locks the row and
checks person, state and reason; ``move`` records who moved it, when and why, and saves. Adding a state
touches the table, its service function and its tests, nothing else (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from zones_portal.models import StatusChangeRecord, User
from zones_portal.signals import status_changed

Record = TypeVar("Record", bound=models.Model)


class InvalidMoveError(ValidationError):
    """A move that does not fit the record's current state (a service of any app raises it); the
    message says why, so the dashboard, the admin and the API can show it as it is."""


def who(actor: Any) -> User | None:
    """The person to record as having made a change: nobody for the portal itself or an anonymous one."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def on_behalf_of(actor: Any, *records: models.Model) -> None:
    """Names the person the records' next save is kept under in their history (django-simple-history).

    A service knows who acts whether it runs in a web request, behind an API key, in a Celery task or in
    a command, where no request names anybody; nobody (the portal itself) when the actor is None.
    """
    for record in records:
        record._history_user = who(actor)


def reject_unknown_fields(fields: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """A service takes the fields a person may set by name; any other name is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not {what} fields: {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    may: Callable[[Any, Any], bool]  # (actor, record) -> bool
    not_allowed: str  # why this person may not (PermissionDenied)
    wrong_state: str  # why not now (InvalidMoveError)
    reason_field: str = ""  # the record's field that keeps the reason, when the move takes one
    reason_required: str = ""  # asked for when the reason is blank; empty: a reason is optional


class Lifecycle:
    """The moves of one model, its history model, and the name of the history's link to the record."""

    def __init__(
        self,
        model: type[models.Model],
        history: type[StatusChangeRecord],
        link: str,
        moves: Mapping[str, Move],
        *,
        touched: tuple[str, ...] = ("updated_at",),
    ) -> None:
        self.model = model
        self.history = history
        self.link = link
        self.moves = dict(moves)
        self.touched = touched
        statuses = set(model.Status.values)
        for name, move in self.moves.items():
            unknown = (set(move.sources) | {move.target}) - statuses
            if unknown:
                raise ValueError(
                    f"{model.__name__} has no status {', '.join(sorted(unknown))} (move {name})."
                )

    def sources(self, name: str) -> tuple[str, ...]:
        return self.moves[name].sources

    def allows(self, name: str, actor: Any, record: models.Model) -> bool:
        """Whether the person may make this move now, as far as person and state go (for buttons)."""
        move = self.moves[name]
        return record.status in move.sources and move.may(actor, record)

    def lock(self, record: Record) -> Record:
        """Re-reads the record under a row lock, so two people moving it at once are serialised."""
        # Ordered by the key alone: a default ordering across a join would lock (or, over a nullable
        # join, refuse to lock) the joined rows too on PostgreSQL.
        type(record).objects.select_for_update().filter(pk=record.pk).order_by("pk").values_list(
            "pk", flat=True
        ).first()
        record.refresh_from_db()
        return record

    def check(self, name: str, actor: Any, record: models.Model, reason: str = "") -> str:
        """Raises what refuses the move, person first, then state, then a missing reason; returns the
        reason, trimmed."""
        move = self.moves[name]
        if not move.may(actor, record):
            raise PermissionDenied(move.not_allowed)
        if record.status not in move.sources:
            raise InvalidMoveError(move.wrong_state)
        reason = (reason or "").strip()
        if move.reason_required and not reason:
            raise ValidationError({"reason": [move.reason_required]})
        return reason

    def enter(self, name: str, actor: Any, record: Record, reason: str = "") -> Record:
        """Locks the record and checks the move; the service then makes its own checks and calls move."""
        record = self.lock(record)
        self.check(name, actor, record, reason)
        return record

    def move(self, name: str, actor: Any, record: Record, reason: str = "") -> Record:
        """Records the move in the history and saves the new state (and the reason, where kept)."""
        move = self.moves[name]
        reason = (reason or "").strip()
        self.history.objects.create(
            **{self.link: record},
            from_status=record.status,
            to_status=move.target,
            changed_by=who(actor),
            reason=reason,
        )
        source = record.status
        record.status = move.target
        on_behalf_of(actor, record)
        fields = ["status", *self.touched]
        if move.reason_field:
            setattr(record, move.reason_field, reason)
            fields.append(move.reason_field)
        record.save(update_fields=fields)
        status_changed.send(
            sender=type(record),
            record=record,
            move=name,
            from_status=source,
            to_status=move.target,
            actor=who(actor),
        )
        return record

    def begin(self, actor: Any, record: models.Model) -> None:
        """Records a new record's first state, as the first line of its history."""
        self.history.objects.create(
            **{self.link: record}, from_status="", to_status=record.status, changed_by=who(actor)
        )
