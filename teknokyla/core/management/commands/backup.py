"""Back up the portal: the database (pg_dump) and the stored files, with a manifest, in one tar.gz."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teknokyla.core.backups import BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) holding a pg_dump of the database, the stored files and a manifest "
        "(date, versions, migrations, row counts, checksums). Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="The archive to write (default: var/backups/teknokyla-<time>.tar.gz)."
        )

    def handle(self, *args, **options):
        destination = options["output"] or default_backup_path()
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(entry["rows"] for entry in manifest["counts"].values())
        files = sum(manifest["files"].values())
        self.stdout.write(
            f"Backup written to {destination}: {rows} rows of {len(manifest['counts'])} models, {files} files."
        )
