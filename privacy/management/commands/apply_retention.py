"""Anonymise the surveys past their retention date; --dry-run says what it would change."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from privacy import services


class Command(BaseCommand):
    help = (
        "Anonymise the answers of every survey whose retention date has passed: free-text answers are emptied, the "
        "answers' history, the record of whom mail went to and mail errors are removed; the figures stay. "
        "--dry-run prints what would change and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; change nothing.")
        parser.add_argument("--today", help="Act as if today were this day (YYYY-MM-DD), e.g. to see what is next.")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today is not None:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not “{today}”.") from None
        changes = services.retention_apply(today=today, dry_run=dry_run)
        if not changes:
            self.stdout.write("No survey is past its retention date.")
            return
        prefix = "Would anonymise" if dry_run else "Anonymised"
        for change in changes:
            self.stdout.write(f"{prefix} {change.describe()}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{len(changes)} survey(s) anonymised."))
