"""Index operations for tables that grow with the years (reminders, status history): built and dropped
without locking out writes on PostgreSQL (``CONCURRENTLY``, outside a transaction), plainly elsewhere,
so the same migration runs on the embedded SQLite and in production."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations

from zones_portal.search import index_text


def _concurrently(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexWithoutLocking(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class PostgresOnlySQL(migrations.RunSQL):
    """SQL that only PostgreSQL has (a trigram index): run there, skipped on the embedded SQLite, where
    search reads the same column without the index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, name: str) -> PostgresOnlySQL:
    """A GIN trigram index on a table's ``search_text``, so ``LIKE '%term%'`` reads the index instead of
    every row (pg_trgm, created by zones_portal 0007)."""
    return PostgresOnlySQL(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("search_text" gin_trgm_ops)',
        f'DROP INDEX IF EXISTS "{name}"',
    )


def fill_search_text(app_label: str, model_name: str, fields: tuple[str, ...]) -> migrations.RunPython:
    """Writes ``search_text`` for the rows that exist when a model becomes searchable (new rows keep it
    on save: zones_portal.search.Searchable), a thousand at a time."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        batch = []
        for row in model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=1000):
            row.search_text = index_text(getattr(row, name) for name in fields)
            batch.append(row)
            if len(batch) == 1000:
                model.objects.bulk_update(batch, ["search_text"])
                batch = []
        model.objects.bulk_update(batch, ["search_text"])

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
