"""Import organisations from a CSV or XLSX file: every row valid, or nothing changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from companies import importing


class Command(BaseCommand):
    help = (
        "Import organisations from CSV or XLSX. Columns: " + ", ".join(importing.COLUMNS) + ". "
        "Creates or updates by Business ID (by name when there is none). If any row is invalid, "
        "nothing is imported and each bad row is printed as 'line N: column: reason'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and change nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with path.open("rb") as handle:
                result = importing.companies_import(uploaded=handle, filename=path.name, dry_run=dry_run)
        except importing.ImportFileError as error:
            raise CommandError(f"{file}: {error}") from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{file}: {len(result.errors)} error(s) in {result.rows} row(s); nothing was imported.")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} row(s) read: {result.created} organisation(s) {verb} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
        )
