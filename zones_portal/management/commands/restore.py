from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zones_portal.backup import BackupError, missing_files_warning, restore


class Command(BaseCommand):
    help = (
        "Fills an empty database and storage from a folder written by `backup`, then checks every row "
        "count and file checksum against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A folder written by `manage.py backup`.")

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        try:
            summary = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if warning := missing_files_warning(summary):
            self.stderr.write(warning)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(rows)s rows of %(models)s tables and %(files)s files from %(directory)s; "
                    "every row count and checksum matches the backup."
                )
                % {
                    "rows": summary.rows,
                    "models": summary.models,
                    "files": summary.files,
                    "directory": directory,
                }
            )
        )
