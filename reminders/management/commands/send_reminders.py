from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reminders import services
from reminders.registry import RULES


class Command(BaseCommand):
    help = (
        "Runs one reminder sweep now: records what is due and queues its delivery. For operators and tests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be recorded; change nothing."
        )
        parser.add_argument(
            "--now", help="Sweep as if it were this moment (ISO 8601, e.g. 2026-12-01T08:00:00+03:30)."
        )
        parser.add_argument("--rule", action="append", dest="rules", help="Only this rule (may be repeated).")

    def handle(
        self, *args: object, dry_run: bool, now: str | None, rules: list[str] | None, **options: object
    ) -> None:
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(f"--now must be an ISO 8601 date and time, not {now!r}.")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        unknown = set(rules or []) - set(RULES)
        if unknown:
            raise CommandError(
                f"No such rule: {', '.join(sorted(unknown))}. Rules: {', '.join(sorted(RULES))}."
            )
        report = services.sweep(moment, only=rules, dry_run=dry_run)
        verb = "would record" if dry_run else "recorded"
        for notification in report.created:
            self.stdout.write(
                f"{verb}: {notification.rule} · {notification.occasion} → user {notification.recipient_id}: {notification.title}"
            )
        for notification in report.missed:
            self.stdout.write(
                f"missed (too late to send): {notification.rule} · {notification.occasion} → user {notification.recipient_id}"
            )
        if not dry_run:
            self.stdout.write(
                f"{len(report.created)} new, {len(report.missed)} missed, {report.cancelled} cancelled, "
                f"{len(report.queued)} queued for delivery."
            )
        for slug, error in report.failed.items():
            self.stderr.write(f"rule {slug} failed, the others went on: {error}")
        if report.error:
            raise CommandError(report.error)
        if report.failed:
            raise CommandError(f"Reminder rules failed: {', '.join(sorted(report.failed))}.")
