"""Two database functions the scorecard needs on both PostgreSQL and SQLite: a median and a time span."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class Median(Aggregate):
    """PostgreSQL's percentile_cont; on SQLite a small aggregate registered on each connection."""

    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # On the class, not as arguments: Aggregate.as_sql wraps the template itself for FILTER (WHERE …).
        ordered = self.copy()
        ordered.function = "PERCENTILE_CONT"
        ordered.template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, ordered).as_sql(compiler, connection, **extra)


class SecondsBetween(Func):
    """Seconds from ``earlier`` to ``later``."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later: Any, earlier: Any, **extra: Any) -> None:
        super().__init__(later, earlier, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ", **extra
        )


class _SQLiteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def add_sqlite_median(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)
