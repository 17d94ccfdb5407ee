"""`manage.py backup` and `manage.py restore`: a whole portal out to a folder and back, on SQLite and PostgreSQL.

The tests empty the database the way a new one is: flushed, then given the rows data migrations create.
They run outside a test transaction (a backup must choose its own isolation level), and put the
migrations' rows back afterwards (serialized_rollback) for the tests that follow.
"""

from __future__ import annotations

import hashlib
import json
import threading
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.db.models import FileField
from django.utils import timezone

from agreements.models import Obligation, SignedDocument
from events.models import Event, EventReport, ReportAttachment
from reminders.models import Notification
from talent.models import PortfolioFile, TalentCall
from tests.events.test_validation import PDF, PNG
from tests.factories import (
    UserFactory,
    make_agreement,
    make_application,
    make_event,
    make_obligation,
    zone_user,
)
from tests.talent.test_applying import MP3
from zones_portal import backup
from zones_portal.models import Membership, User, Zone

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Rows every database gets from `migrate`: ids that differ between databases, never compared.
RECREATED_BY_MIGRATE = {"contenttypes", "sessions"}

# What `migrate` seeds in a new database, re-created here the way the data migrations do it.
DATA_MIGRATIONS = [
    ("zones_portal.migrations.0002_seed_the_seven_free_zones", "seed_zones"),
    ("events.migrations.0002_seed_event_categories", "seed"),
    ("talent.migrations.0002_seed_disciplines", "seed"),
]


def portal_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in RECREATED_BY_MIGRATE and model._meta.label != "auth.Permission"
    ]


def _content_types_by_name(model, rows: list[dict]) -> list[dict]:
    """A content type's id is `migrate`'s to give (in an order that differs between a database migrated
    step by step and one flushed): the backup points at it by natural key, so the rows are compared so."""
    names = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    pointing = [
        f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is ContentType
    ]
    for row in rows:
        for attname in pointing:
            row[attname] = names.get(row[attname], row[attname])
    return rows


def every_row() -> dict[str, list[dict]]:
    """Every row of the portal, field by field, in id order."""
    rows = {}
    for model in portal_models():
        if model._meta.label.endswith("_permissions"):
            continue  # links to permissions hold ids `migrate` gives out afresh; compared by codename
        if model._meta.auto_created:
            # A many-to-many link is saved with the row that holds it and gets a new id of its own.
            fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            rows[model._meta.label] = list(model._base_manager.order_by(*fields).values(*fields))
        else:
            rows[model._meta.label] = _content_types_by_name(
                model, list(model._base_manager.order_by("pk").values())
            )
    return rows


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in portal_models()}


def stored_files() -> dict[str, str]:
    """The sha256 of every file the rows refer to, read from storage."""
    checksums = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                for name in model._base_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                ):
                    with field.storage.open(name, "rb") as stored:
                        checksums[name] = hashlib.sha256(stored.read()).hexdigest()
    return checksums


def as_a_new_database(names: list[str]) -> None:
    """Empties the database and storage, leaving what `migrate` leaves in a new database."""
    call_command("flush", interactive=False, verbosity=0)
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
    for name in names:
        default_storage.delete(name)
    assert User.objects.count() == 0
    assert Zone.objects.count() == 7


def run(command: str, *args: object) -> str:
    out = StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=out)
    return out.getvalue()


def a_portal_with_every_kind_of_file(settings) -> None:
    """The demo portal, plus one upload in each file field it does not fill itself."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    kish = Zone.objects.get(slug="kish")
    deputy = User.objects.get(username="deputy-kish")
    assert SignedDocument.objects.exclude(file="").exists()

    report = EventReport.objects.select_related("event").first()
    ReportAttachment.objects.create(
        report=report,
        file=SimpleUploadedFile("report.pdf", PDF + b"%report"),
        original_name="گزارش.pdf",
        content_type="application/pdf",
        size=len(PDF) + 7,
        uploaded_by=deputy,
    )
    obligation = Obligation.objects.first()
    obligation.evidence_file = SimpleUploadedFile("evidence.png", PNG)
    obligation.evidence_file_name = "سند.png"
    obligation.save()
    application = make_application(TalentCall.objects.first(), kish, email="artist-backup@example.org")
    PortfolioFile.objects.create(
        application=application,
        file=SimpleUploadedFile("piece.mp3", MP3),
        original_name="قطعه.mp3",
        kind="mp3",
        size=len(MP3),
    )

    # Rows that only survive if ids are kept: a gap in the users' ids and a reference by id alone.
    UserFactory(username="left-the-portal").delete()
    Notification.objects.create(
        rule="event_upcoming",
        content_type=ContentType.objects.get_for_model(Event),
        object_id=report.event.pk,
        recipient=deputy,
        occasion="14-days",
        title="یادآوری",
        due_at=timezone.now(),
    )
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.set(Permission.objects.filter(codename__in=["view_event", "view_agreement"]))
    deputy.groups.add(auditors)
    # The seeded zones as the secretariat changed them: one renamed, one more added.
    Zone.objects.filter(slug="maku").update(name_en="Maku (renamed)")
    Zone.objects.create(slug="salafchegan", name_fa="سلفچگان", name_en="Salafchegan", kind="special")


@transactional
def test_a_portal_comes_back_whole_from_its_backup(settings, tmp_path):
    a_portal_with_every_kind_of_file(settings)
    rows, counts, files = every_row(), row_counts(), stored_files()
    assert len(files) >= 5  # two signed copies, an attachment, an evidence file, a portfolio file

    said = run("backup", tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert f"{sum(manifest['rows'].values())} rows" in said
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["rows"] == counts
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files
    assert manifest["missing_files"] == []

    as_a_new_database(list(files))
    said = run("restore", tmp_path / "backup")

    assert "every row count and checksum matches the backup" in said
    assert row_counts() == counts
    assert stored_files() == files
    assert every_row() == rows
    event = Event.objects.get(pk=rows["events.Event"][0]["id"])
    assert (event.title, event.starts_at, event.ends_at) == (
        rows["events.Event"][0]["title"],
        rows["events.Event"][0]["starts_at"],
        rows["events.Event"][0]["ends_at"],
    )
    deputy = User.objects.get(username="deputy-kish")
    assert deputy.password == next(u["password"] for u in rows["zones_portal.User"] if u["id"] == deputy.pk)
    assert set(deputy.groups.get().permissions.values_list("codename", flat=True)) == {
        "view_event",
        "view_agreement",
    }
    notification = Notification.objects.get(occasion="14-days")  # points at its event by id alone
    assert notification.subject.title == next(
        e["title"] for e in rows["events.Event"] if e["id"] == notification.object_id
    )
    assert Zone.objects.get(slug="maku").name_en == "Maku (renamed)"
    # New rows take fresh ids after the restored ones (PostgreSQL's sequences were moved on).
    assert UserFactory(username="after-the-restore").pk > max(u["id"] for u in rows["zones_portal.User"])
    assert make_event(Zone.objects.get(slug="kish")).pk > max(e["id"] for e in rows["events.Event"])


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("something else")
    with pytest.raises(CommandError, match="exists and is not an empty folder"):
        run("backup", tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_restore_refuses_a_folder_that_is_not_a_finished_backup(tmp_path):
    (tmp_path / "database.jsonl").write_text("")
    with pytest.raises(CommandError, match=r"has no manifest\.json, so it is not a finished backup"):
        run("restore", tmp_path)


def a_small_portal() -> Obligation:
    kish = Zone.objects.get(slug="kish")
    UserFactory(username="officer")
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    obligation.evidence_file = SimpleUploadedFile("evidence.pdf", PDF)
    obligation.save()
    return obligation


@transactional
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    obligation = a_small_portal()
    run("backup", tmp_path / "backup")
    with pytest.raises(CommandError, match=r"The database is not empty \(.*zones_portal.User has 1 row"):
        run("restore", tmp_path / "backup")
    assert Obligation.objects.get().evidence_file.name == obligation.evidence_file.name
    assert User.objects.count() == 1


@transactional
def test_restore_refuses_a_file_changed_since_the_backup(tmp_path):
    name = a_small_portal().evidence_file.name
    run("backup", tmp_path / "backup")
    as_a_new_database([name])
    copy = tmp_path / "backup" / "files" / name
    copy.write_bytes(copy.read_bytes() + b"tampered")

    with pytest.raises(
        CommandError,
        match=rf"files/{name} in the backup does not match the manifest: it was damaged or changed",
    ):
        run("restore", tmp_path / "backup")
    assert User.objects.count() == 0
    assert not default_storage.exists(name)


@transactional
def test_restore_never_overwrites_a_different_stored_file(tmp_path):
    name = a_small_portal().evidence_file.name
    run("backup", tmp_path / "backup")
    as_a_new_database([name])
    assert default_storage.save(name, ContentFile(b"another portal's file")) == name

    with pytest.raises(CommandError, match=rf"A different file is already stored as {name}"):
        run("restore", tmp_path / "backup")
    assert User.objects.count() == 0
    with default_storage.open(name) as stored:
        assert stored.read() == b"another portal's file"


@transactional
def test_restore_refuses_a_backup_of_another_schema(tmp_path):
    name = a_small_portal().evidence_file.name
    run("backup", tmp_path / "backup")
    as_a_new_database([name])
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"]["events"] = "0099_from_the_future"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match=r"events is at .* here and at 0099_from_the_future in the backup"):
        run("restore", tmp_path / "backup")
    assert User.objects.count() == 0


@transactional
def test_a_file_lost_before_the_backup_is_named_and_the_rest_restored(tmp_path):
    obligation = a_small_portal()
    lost = obligation.evidence_file.name
    default_storage.delete(lost)

    said = run("backup", tmp_path / "backup")

    assert f"1 file the database refers to was not in storage, so the backup does not hold it: {lost}" in said
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["files"] == []
    assert [entry["name"] for entry in manifest["missing_files"]] == [lost]
    as_a_new_database([])
    run("restore", tmp_path / "backup")
    assert Obligation.objects.get().evidence_file.name == lost


@transactional
def test_a_backup_reads_one_moment_while_people_keep_working(tmp_path, monkeypatch):
    a_small_portal()
    before = row_counts()
    outcome = []

    def someone_joins_meanwhile() -> None:
        try:
            with transaction.atomic():
                zone_user(Zone.objects.get(slug="qeshm"), username="joined-meanwhile")
        except OperationalError:
            outcome.append("waited")  # SQLite: the backup's read lock holds writers off
        else:
            outcome.append("written")
        finally:
            connection.close()

    counting = backup._counting

    def people_join_between_users_and_memberships(objects, rows, label):
        if label == Membership._meta.label:  # the users are already written
            writer = threading.Thread(target=someone_joins_meanwhile)
            writer.start()
            writer.join()
        return counting(objects, rows, label)

    monkeypatch.setattr(backup, "_counting", people_join_between_users_and_memberships)
    run("backup", tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["rows"]["zones_portal.User"] == before["zones_portal.User"]
    assert manifest["rows"]["zones_portal.Membership"] == before["zones_portal.Membership"]
    assert "joined-meanwhile" not in (tmp_path / "backup" / "database.jsonl").read_text()
    # PostgreSQL lets people go on writing during a backup; SQLite holds them off until it ends.
    assert outcome == (["written"] if connection.vendor == "postgresql" else ["waited"])
    assert User.objects.filter(username="joined-meanwhile").exists() == (outcome == ["written"])


@transactional
def test_a_portal_with_its_files_in_a_bucket_comes_back_whole(object_storage, tmp_path):
    a_small_portal()
    counts, files = row_counts(), stored_files()
    assert len(files) == 1

    run("backup", tmp_path / "backup")
    as_a_new_database(list(files))
    assert not default_storage.exists(next(iter(files)))
    run("restore", tmp_path / "backup")

    assert row_counts() == counts
    assert stored_files() == files
