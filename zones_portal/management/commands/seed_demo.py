from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Fills the portal with demo zones' people, institutions and activity. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never on a live portal).",
        )

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data while DEBUG is off: this looks like a live portal. "
                "Use --force if you really mean it."
            )
        usernames: list[str] = []
        with transaction.atomic():
            # Each app may offer demo.py with seed(say); they run in INSTALLED_APPS order,
            # so events find the people and zones they need already there.
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                # A seed may return the usernames of the accounts it made, to list at the end.
                usernames += import_module(module_name).seed(self.stdout.write) or []
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Accounts (password: {settings.DEMO_PASSWORD}):")
        for username in usernames:
            self.stdout.write(f"  {username}")
