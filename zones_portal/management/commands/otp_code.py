from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zones_portal.models import User
from zones_portal.twofactor import services


class Command(BaseCommand):
    help = (
        "Prints the code a person's authenticator app shows now, so the demo accounts can sign in "
        "without a phone. Only while DEBUG is on: on a live portal, codes come from people's phones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to print sign-in codes while DEBUG is off: this looks like a live portal."
            )
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username!r}.")
        device = services.app_device(user)
        if device is None:
            raise CommandError(f"{username} has not set up two-step sign-in.")
        self.stdout.write(services.current_code(device))
