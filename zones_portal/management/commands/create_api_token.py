import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zones_portal.models import ApiToken, User


class Command(BaseCommand):
    help = "Creates an API key for a user and prints it once; only its digest is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the key is for.")
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Days until the key stops working."
        )
        parser.add_argument("--read-only", action="store_true", help="The key can read but not write.")

    def handle(
        self,
        *args: object,
        username: str,
        name: str,
        expires_in_days: int | None,
        read_only: bool,
        **options: object,
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username!r}.")
        if expires_in_days is not None and expires_in_days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days.")
        expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        _token, key = ApiToken.issue(user, name=name, expires_at=expires_at, write_enabled=not read_only)
        self.stderr.write(
            f"Key for {username} ({'read-only' if read_only else 'read and write'}), shown only this once:"
        )
        self.stdout.write(key)
