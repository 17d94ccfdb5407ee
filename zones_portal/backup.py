"""Backup and restore of the whole portal: one consistent database dump and a copy of every stored file.

A backup folder holds ``database.jsonl`` (Django's serializers, one row a line), ``files/<stored name>``
and ``manifest.json``, written last, so a folder without a manifest is an unfinished backup. Files are
read and written only through each file field's storage, so the same code serves local disk and S3.

Models are discovered through the app registry: the core names no domain app, except for the labels of
the rows that data migrations create in every new database (see ``SEEDED_BY_MIGRATIONS``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.jsonl"
FILES_FOLDER = "files"
CHUNK_SIZE = 1024 * 1024
ROWS_PER_QUERY = 2000
SHOWN_AT_MOST = 5  # tables named when refusing a database that is not empty

# Recreated by `migrate` in every database, under ids of its own: rows point at them by natural key.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions"})
EXCLUDED_MODELS = frozenset({"auth.Permission"})

# Rows that data migrations create in every new database: the seven free zones, the event categories
# and the talent disciplines. They do not make a database "not empty"; restore replaces them with the
# backup's own rows, which the secretariat may have edited, added to or deleted since.
SEEDED_BY_MIGRATIONS = frozenset({"zones_portal.Zone", "events.EventCategory", "talent.Discipline"})


class BackupError(Exception):
    """A refusal or a mismatch, as one sentence for the person running the command."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds, as JavaScript reads them; a backup keeps every microsecond."""

    def default(self, o: object) -> object:
        if isinstance(o, dt.datetime) or (isinstance(o, dt.time) and o.utcoffset() is None):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class StoredFile:
    """One file as the manifest lists it; ``field`` says which storage it belongs to."""

    name: str
    field: str
    size: int = 0
    sha256: str = ""


@dataclass
class Summary:
    """What a backup wrote or a restore put back, for the closing line of the command."""

    rows: int = 0
    models: int = 0
    files: int = 0
    size: int = 0
    missing_files: list[StoredFile] = field(default_factory=list)


def missing_files_warning(summary: Summary) -> str:
    """Rows that point at a file storage no longer had when the backup was made: it cannot hold them."""
    count = len(summary.missing_files)
    if not count:
        return ""
    return ngettext(
        "%(count)s file the database refers to was not in storage, so the backup does not hold it: %(names)s",
        "%(count)s files the database refers to were not in storage, so the backup does not hold them: "
        "%(names)s",
        count,
    ) % {"count": count, "names": ", ".join(f.name for f in summary.missing_files)}


# Which models ---------------------------------------------------------------------------------------


def dumped_models() -> list[type[Model]]:
    """Every model whose rows the backup holds, ordered so that natural keys resolve on loading."""
    by_app: dict[Any, list[type[Model]]] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED_APPS or meta.label in EXCLUDED_MODELS:
            continue
        if router.allow_migrate_model(DEFAULT_DB_ALIAS, model):
            by_app.setdefault(meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def counted_models() -> list[type[Model]]:
    """The dumped models and the many-to-many tables Django makes for them, which their rows carry."""
    counted = []
    for model in dumped_models():
        counted.append(model)
        counted += [
            m2m.remote_field.through
            for m2m in model._meta.local_many_to_many
            if m2m.remote_field.through._meta.auto_created
        ]
    return counted


def _file_columns(model: type[Model]) -> list[tuple[str, FileField]]:
    """Each column of the model that names a stored file, with the file field whose storage holds it.

    A row version kept by django-simple-history stores its original's file names as text: a superseded
    evidence file lives on only there, and must come back with the backup like any other file.
    """
    columns = [(f.attname, f) for f in model._meta.concrete_fields if isinstance(f, FileField)]
    original = getattr(model, "instance_type", None)
    if original is not None and hasattr(original._meta, "simple_history_manager_attribute"):
        kept = {f.attname for f in model._meta.concrete_fields}
        columns += [
            (f.attname, f)
            for f in original._meta.concrete_fields
            if isinstance(f, FileField) and f.attname in kept
        ]
    return columns


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(file_field: FileField) -> str:
    return f"{file_field.model._meta.label}.{file_field.name}"


def _storage_of(field_label: str) -> Storage:
    """The storage a manifest entry belongs to; the manifest was validated against the models already."""
    label, name = field_label.rsplit(".", 1)
    return apps.get_model(label)._meta.get_field(name).storage


def latest_migrations() -> dict[str, str]:
    """The newest applied migration of each app: a backup loads only into the same schema."""
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations():
        latest[app_label] = max(name, latest.get(app_label, name))
    return dict(sorted(latest.items()))


# Small helpers ---------------------------------------------------------------------------------------


def _inside(folder: Path, name: str) -> Path:
    """The local path for a stored name, refusing names that would climb out of the folder."""
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation as error:
        raise BackupError(_("%(name)s is not a safe file name.") % {"name": name}) from error
    return folder.joinpath(*PurePosixPath(name).parts)


def _digest(chunks: Iterable[bytes]) -> tuple[int, str]:
    size, digest = 0, hashlib.sha256()
    for chunk in chunks:
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def _local_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


def _stored_chunks(storage: Storage, name: str) -> Iterator[bytes]:
    with storage.open(name, "rb") as stored:
        yield from stored.chunks(CHUNK_SIZE)


# Backup ----------------------------------------------------------------------------------------------


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Every table is read as of one moment, so no row points at a row taken later or earlier.

    SQLite holds its read lock for the whole transaction; PostgreSQL needs REPEATABLE READ, set as the
    transaction's first statement (the default, READ COMMITTED, takes a new snapshot per query).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        # Inside someone else's transaction the isolation level can no longer be chosen.
        raise RuntimeError("A backup must start outside any transaction to read one snapshot.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _counting(objects: Iterator[Model], rows: dict[str, int], label: str) -> Iterator[Model]:
    for obj in objects:
        rows[label] += 1
        yield obj


def _write_rows(stream: Any, models: list[type[Model]]) -> dict[str, int]:
    """Streams every row to JSON Lines, a few thousand at a time, and counts what it wrote."""
    rows: dict[str, int] = {}
    for model in models:
        meta = model._meta
        # Natural keys are read from the row they point at: fetch it in the same query.
        natural = [
            f.name for f in meta.concrete_fields if f.is_relation and hasattr(f.related_model, "natural_key")
        ]
        m2m = [f.name for f in meta.local_many_to_many if f.remote_field.through._meta.auto_created]
        queryset = model._base_manager.order_by(meta.pk.name).select_related(*natural).prefetch_related(*m2m)
        rows[meta.label] = 0
        serializers.serialize(
            "jsonl",
            _counting(queryset.iterator(chunk_size=ROWS_PER_QUERY), rows, meta.label),
            stream=stream,
            use_natural_foreign_keys=True,
            # Primary keys are kept: generic relations and the admin's log refer to rows by id alone.
            use_natural_primary_keys=False,
            cls=ExactJSONEncoder,
        )
        for name in m2m:
            through = meta.get_field(name).remote_field.through
            rows[through._meta.label] = through._base_manager.count()
    return rows


def _referenced_files(models: list[type[Model]]) -> dict[str, str]:
    """Every non-empty stored name the rows refer to, with the field (hence the storage) it lives in."""
    names: dict[str, str] = {}
    storages: dict[str, Storage] = {}
    for model in models:
        for column, file_field in _file_columns(model):
            stored = (
                model._base_manager.exclude(**{column: ""})
                .filter(**{f"{column}__isnull": False})
                .order_by()
                .values_list(column, flat=True)
                .distinct()
            )
            for name in stored.iterator(chunk_size=ROWS_PER_QUERY):
                if name in storages and storages[name] is not file_field.storage:
                    raise BackupError(
                        _("%(name)s is stored in two different storages; the backup cannot tell them apart.")
                        % {"name": name}
                    )
                storages[name] = file_field.storage
                names.setdefault(name, _field_label(file_field))
    return names


def _copy_out(storage: Storage, name: str, target: Path) -> tuple[int, str]:
    """Streams one stored file to the backup folder and returns its size and sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    size, digest = 0, hashlib.sha256()
    with target.open("wb") as out:
        for chunk in _stored_chunks(storage, name):
            out.write(chunk)
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def backup(directory: Path) -> Summary:
    """Writes the database, every stored file and, last, the manifest into ``directory``."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            _("%(directory)s exists and is not an empty folder; back up into a new or empty folder.")
            % {"directory": directory}
        )
    directory.mkdir(parents=True, exist_ok=True)
    models = dumped_models()
    with _one_snapshot():
        migrations = latest_migrations()
        with (directory / DUMP_NAME).open("w", encoding="utf-8") as stream:
            rows = _write_rows(stream, models)
        referenced = _referenced_files(models)
    # Files are copied after the snapshot ends, so the database is not held open for the slow part.
    # Stored names are never reused, so the copies still match the rows; a file deleted meanwhile (a
    # replaced document) or lost before is listed as missing rather than failing the whole backup.
    summary = Summary(rows=sum(rows.values()), models=len(rows))
    files = []
    for name, field_label in sorted(referenced.items()):
        storage = _storage_of(field_label)
        if not storage.exists(name):
            summary.missing_files.append(StoredFile(name=name, field=field_label))
            continue
        size, sha256 = _copy_out(storage, name, _inside(directory / FILES_FOLDER, name))
        files.append(StoredFile(name=name, field=field_label, size=size, sha256=sha256))
        summary.size += size
    summary.files = len(files)
    dump_size, dump_sha256 = _digest(_local_chunks(directory / DUMP_NAME))
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database_vendor": connections[DEFAULT_DB_ALIAS].vendor,
        "dump": {"name": DUMP_NAME, "size": dump_size, "sha256": dump_sha256},
        "migrations": migrations,
        "rows": rows,
        "files": [vars(stored) for stored in files],
        "missing_files": [{"name": f.name, "field": f.field} for f in summary.missing_files],
    }
    partial = directory / f"{MANIFEST_NAME}.partial"
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.replace(directory / MANIFEST_NAME)
    return summary


# Restore ---------------------------------------------------------------------------------------------


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _valid_file_entry(entry: object, with_checksum: bool) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return False
    label = entry.get("field")
    if not isinstance(label, str) or "." not in label:
        return False
    model = _model(label.rsplit(".", 1)[0])
    try:
        if model is None or not isinstance(model._meta.get_field(label.rsplit(".", 1)[1]), FileField):
            return False
    except FieldDoesNotExist:
        return False
    if not with_checksum:
        return True
    sha256 = entry.get("sha256")
    return _is_count(entry.get("size")) and isinstance(sha256, str) and len(sha256) == 64


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, checked for shape before anything trusts it."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(
            _("%(directory)s has no manifest.json, so it is not a finished backup.")
            % {"directory": directory}
        )
    damaged = BackupError(
        _("The manifest in %(directory)s is damaged or was not written by this portal.")
        % {"directory": directory}
    )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise damaged from error
    if not isinstance(manifest, dict):
        raise damaged
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            _("The backup in %(directory)s has format %(found)s; this portal reads format %(expected)s.")
            % {"directory": directory, "found": manifest.get("format"), "expected": FORMAT_VERSION}
        )
    dump, migrations, rows = manifest.get("dump"), manifest.get("migrations"), manifest.get("rows")
    well_formed = (
        isinstance(dump, dict)
        and dump.get("name") == DUMP_NAME
        and _is_count(dump.get("size"))
        and isinstance(dump.get("sha256"), str)
        and isinstance(migrations, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in migrations.items())
        and isinstance(rows, dict)
        and all(isinstance(k, str) and _is_count(v) for k, v in rows.items())
        and isinstance(manifest.get("files"), list)
        and all(_valid_file_entry(entry, with_checksum=True) for entry in manifest["files"])
        and isinstance(manifest.get("missing_files"), list)
        and all(_valid_file_entry(entry, with_checksum=False) for entry in manifest["missing_files"])
    )
    if not well_formed:
        raise damaged
    return manifest


def _files(manifest: dict[str, Any], key: str = "files") -> list[StoredFile]:
    return [
        StoredFile(
            name=entry["name"],
            field=entry["field"],
            size=entry.get("size", 0),
            sha256=entry.get("sha256", ""),
        )
        for entry in manifest[key]
    ]


def check_backup(directory: Path, manifest: dict[str, Any]) -> None:
    """Every byte of the backup matches the manifest, before the database or storage is touched."""
    expected = [(DUMP_NAME, directory / DUMP_NAME, manifest["dump"]["size"], manifest["dump"]["sha256"])]
    expected += [
        (f"{FILES_FOLDER}/{f.name}", _inside(directory / FILES_FOLDER, f.name), f.size, f.sha256)
        for f in _files(manifest)
    ]
    for shown, path, size, sha256 in expected:
        if not path.is_file():
            raise BackupError(
                _("%(name)s is listed in the manifest but missing from the backup.") % {"name": shown}
            )
        if _digest(_local_chunks(path)) != (size, sha256):
            raise BackupError(
                _("%(name)s in the backup does not match the manifest: it was damaged or changed.")
                % {"name": shown}
            )


def _rows_here(labels: Iterable[str]) -> dict[str, int]:
    """Row counts of the models that exist here and whose tables do (a new database has none yet)."""
    tables = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    counts = {}
    for label in labels:
        model = _model(label)
        if model is not None and model._meta.db_table in tables:
            counts[label] = model._base_manager.count()
    return counts


def _records_first(item: tuple[str, int]) -> tuple[bool, str]:
    """The records themselves before their kept versions (django-simple-history), so that a refusal
    names what a person recognises."""
    model = _model(item[0])
    return (model is not None and hasattr(model, "instance_type"), item[0])


def refuse_unless_empty(manifest: dict[str, Any]) -> None:
    """Restore never merges into live data: only rows that migrations create may be present."""
    labels = set(manifest["rows"]) | {model._meta.label for model in counted_models()}
    occupied = {
        label: count
        for label, count in sorted(_rows_here(labels).items(), key=_records_first)
        if count and label not in SEEDED_BY_MIGRATIONS
    }
    if occupied:
        tables = ", ".join(
            ngettext("%(model)s has %(count)s row", "%(model)s has %(count)s rows", count)
            % {"model": label, "count": count}
            for label, count in list(occupied.items())[:SHOWN_AT_MOST]
        ) + (", …" if len(occupied) > SHOWN_AT_MOST else "")
        raise BackupError(
            _("The database is not empty (%(tables)s); restore only into a new database.")
            % {"tables": tables}
        )


def refuse_unless_same_migrations(manifest: dict[str, Any]) -> None:
    """Rows load only into the schema they were dumped from: an older or newer portal must not guess."""
    here, there = latest_migrations(), manifest["migrations"]
    none = _("no migrations")
    differences = [
        _("%(app)s is at %(here)s here and at %(backup)s in the backup")
        % {"app": app, "here": here.get(app, none), "backup": there.get(app, none)}
        for app in sorted(set(here) | set(there))
        if here.get(app) != there.get(app)
    ]
    if differences:
        raise BackupError(
            _(
                "The database's migrations differ from the backup's (%(differences)s); restore with the "
                "version of the portal that made the backup."
            )
            % {"differences": "; ".join(differences)}
        )


def _copy_in(directory: Path, stored: StoredFile) -> None:
    """Puts one file back under exactly its old name, which the rows refer to."""
    storage = _storage_of(stored.field)
    if storage.exists(stored.name):
        if _digest(_stored_chunks(storage, stored.name)) == (stored.size, stored.sha256):
            return  # put there by an earlier attempt at this same restore
        raise BackupError(
            _("A different file is already stored as %(name)s; restore only into empty storage.")
            % {"name": stored.name}
        )
    with _inside(directory / FILES_FOLDER, stored.name).open("rb") as source:
        saved = storage.save(stored.name, File(source, name=stored.name))
    if saved != stored.name:
        storage.delete(saved)
        raise BackupError(
            _("The storage kept %(name)s under another name (%(saved)s), so the rows would not find it.")
            % {"name": stored.name, "saved": saved}
        )


def row_differences(manifest: dict[str, Any]) -> list[str]:
    """Every model whose row count here is not the manifest's: empty when they agree."""
    differences = []
    counts = _rows_here(manifest["rows"])
    for label, expected in sorted(manifest["rows"].items()):
        if counts.get(label) != expected:
            differences.append(
                _("%(model)s has %(found)s rows where the backup has %(expected)s")
                % {"model": label, "found": counts.get(label, 0), "expected": expected}
            )
    return differences


def file_differences(manifest: dict[str, Any]) -> list[str]:
    """Every file that storage lacks or holds with other bytes than the backup: empty when they agree."""
    differences = []
    for stored in _files(manifest):
        storage = _storage_of(stored.field)
        if not storage.exists(stored.name):
            differences.append(_("%(name)s is missing from storage") % {"name": stored.name})
        elif _digest(_stored_chunks(storage, stored.name)) != (stored.size, stored.sha256):
            differences.append(_("%(name)s in storage does not match its checksum") % {"name": stored.name})
    return differences


def _refuse_differences(differences: list[str]) -> None:
    if differences:
        raise BackupError(
            _("The restored portal differs from the backup: %(differences)s.")
            % {"differences": "; ".join(differences)}
        )


@contextmanager
def _history_as_it_was() -> Iterator[None]:
    """The row versions come back from the backup as they were: django-simple-history leaves the rows
    loaddata writes alone, but would record the many-to-many links it sets as fresh changes."""
    enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = enabled


def restore(directory: Path) -> Summary:
    """Fills an empty database and storage from a backup, then proves they match its manifest.

    Files go in before the rows: if anything fails, the database is still empty and the restore can
    simply be run again (files already in place with the right checksum are left as they are).
    """
    manifest = read_manifest(directory)
    check_backup(directory, manifest)
    refuse_unless_empty(manifest)  # before migrate, which would otherwise change a live database
    call_command("migrate", interactive=False, verbosity=0)
    refuse_unless_same_migrations(manifest)
    files = _files(manifest)
    for stored in files:
        _copy_in(directory, stored)
    _refuse_differences(file_differences(manifest))
    with transaction.atomic():
        refuse_unless_empty(manifest)
        for label in sorted(SEEDED_BY_MIGRATIONS):
            model = _model(label)
            if model is not None:
                model._base_manager.all().delete()
        if any(manifest["rows"].values()):
            # loaddata checks every constraint at the end and resets PostgreSQL's sequences.
            # An absolute path, or loaddata would look for the name among every app's fixtures too.
            with _history_as_it_was():
                call_command("loaddata", str((directory / DUMP_NAME).resolve()), verbosity=0)
        _refuse_differences(row_differences(manifest))  # rolls the rows back
    return Summary(
        rows=sum(manifest["rows"].values()),
        models=len(manifest["rows"]),
        files=len(files),
        size=sum(stored.size for stored in files),
        missing_files=_files(manifest, "missing_files"),
    )
