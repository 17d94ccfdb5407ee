from django.core.management.base import BaseCommand

from zones_portal.history import record_baseline


class Command(BaseCommand):
    help = (
        "Keeps the present state of every row that has no history yet as its first version, so that its "
        "next change shows field by field. Run once after upgrading to a portal with histories; running "
        "it again changes nothing."
    )

    def handle(self, *args: object, **options: object) -> None:
        counts = record_baseline()
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"{sum(counts.values())} rows recorded.")
