"""Restore a backup made by `manage.py backup` into an empty database and the configured file folders."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teknokyla.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database (the configured one, or --database-url) and the "
        "configured file folders. Every check runs before anything changes; the row counts are compared with "
        "the backup's manifest at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--database-url", help="The empty database to restore into, e.g. postgres://user@host:5432/name."
        )
        parser.add_argument("--force", action="store_true", help="Overwrite stored files that exist already.")

    def handle(self, *args, **options):
        try:
            result = backup_restore(
                archive=options["archive"], database_url=options["database_url"], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(warning)
        for label, rows in sorted(result.counts.items()):
            self.stdout.write(f"{label}: {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored into {result.database}: {sum(result.counts.values())} rows, every count as in the "
                f"backup; {result.files} files."
            )
        )
