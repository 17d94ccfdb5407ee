"""Recomputes every searchable record's ``search_text``.

Each record keeps its search text on save, so this is needed only when what is indexed changes: a field
added to a model's ``SEARCH_FIELDS``, or a change to the normaliser (``zones_portal.search``). Rows are
read and written in batches, and only those whose text changed are written; the records' ``save()`` is
not called, so no history entry or signal is made for what is not an edit."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zones_portal.search import Searchable, index_text


def searchable_models() -> list[type[Searchable]]:
    """Every concrete searchable model, found through the app registry (the core names no domain app)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Searchable) and not model._meta.abstract and not model._meta.proxy
    ]


class Command(BaseCommand):
    help = (
        "Recomputes search_text for every searchable record (or those of the models named), in batches. "
        "Run it after changing a model's SEARCH_FIELDS or the normaliser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "models",
            nargs="*",
            metavar="app_label.Model",
            help="Only these models (for example events.Event); every searchable model when none is named.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows read and written at a time (default 1000)."
        )

    def handle(self, *args: object, models: list[str], batch_size: int, **options: object) -> None:
        if batch_size <= 0:
            raise CommandError("--batch-size must be a positive number of rows.")
        chosen = self._chosen(models)
        for model in chosen:
            seen, changed = self._reindex(model, batch_size)
            self.stdout.write(f"{model._meta.label}: {seen} records, {changed} updated")

    def _chosen(self, names: list[str]) -> list[type[Searchable]]:
        every = {model._meta.label_lower: model for model in searchable_models()}
        if not names:
            return list(every.values())
        chosen = []
        for name in names:
            model = every.get(name.lower())
            if model is None:
                known = ", ".join(sorted(model._meta.label for model in every.values()))
                raise CommandError(f"{name!r} is not a searchable model; choose among {known}.")
            if model not in chosen:
                chosen.append(model)
        return chosen

    def _reindex(self, model: type[Searchable], batch_size: int) -> tuple[int, int]:
        """Walks the table by primary key, one short transaction per batch, so a long run over a big
        table holds no lock for long and memory stays at one batch."""
        seen = changed = 0
        fields = ("pk", "search_text", *model.SEARCH_FIELDS)
        last = None
        while True:
            rows = model._base_manager.only(*fields).order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            batch = list(rows[:batch_size])
            if not batch:
                return seen, changed
            stale = []
            for row in batch:
                text = index_text(row.search_values())
                if text != row.search_text:
                    row.search_text = text
                    stale.append(row)
            with transaction.atomic():
                model._base_manager.bulk_update(stale, ["search_text"])
            seen += len(batch)
            changed += len(stale)
            last = batch[-1].pk
