from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zones_portal.backup import BackupError, backup, missing_files_warning


class Command(BaseCommand):
    help = (
        "Writes a consistent database dump, a copy of every stored file and a manifest (counts and "
        "checksums) into a new or empty folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A new or empty folder for the backup.")

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        try:
            summary = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if warning := missing_files_warning(summary):
            self.stderr.write(warning)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backed up %(rows)s rows of %(models)s tables and %(files)s files "
                    "(%(megabytes)s MB) to %(directory)s."
                )
                % {
                    "rows": summary.rows,
                    "models": summary.models,
                    "files": summary.files,
                    "megabytes": round(summary.size / 1024 / 1024, 1),
                    "directory": directory,
                }
            )
        )
