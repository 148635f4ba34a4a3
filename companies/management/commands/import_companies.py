"""Import organisations from a CSV or XLSX file: every row valid, or nothing changes; warnings only when accepted."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from companies import columns, import_changes, importing

STATES = {importing.NEW: "new", importing.CHANGED: "changed", importing.UNCHANGED: "unchanged"}


class Command(BaseCommand):
    help = (
        "Import organisations from CSV or XLSX. Columns (headers in Finnish, Swedish or English, any order): "
        + ", ".join(columns.KEYS)
        + ". Creates or updates by Business ID (by name when there is none). If any row is invalid, "
        "nothing is imported and each bad row is printed as 'line N: column: reason'. A file with warnings "
        "(premises already let, an e-mail of another organisation, a renamed Business ID, unknown columns) is "
        "imported only with --accept-warnings."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what the file would change, line by line, and change nothing"
        )
        parser.add_argument(
            "--accept-warnings", action="store_true", help="import even when the file has warnings (they are printed)"
        )

    def handle(self, *args, file, dry_run, accept_warnings, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with path.open("rb") as handle:
                result = import_changes.companies_import(
                    uploaded=handle, filename=path.name, dry_run=dry_run, accept_warnings=accept_warnings
                )
        except (importing.ImportFileError, importing.ImportRefused) as error:
            raise CommandError(f"{file}: {error}") from None
        if result.errors:
            for row_error in result.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{file}: {len(result.errors)} error(s) in {result.rows} row(s); nothing was imported.")
        if dry_run:
            self._preview(result)
        elif result.warnings and not result.applied:
            for warning in result.warnings:
                self.stderr.write(f"warning: {warning}")
            raise CommandError(
                f"{file}: {len(result.warnings)} warning(s); nothing was imported. "
                "Check them, then run again with --accept-warnings to import anyway."
            )
        else:
            for warning in result.warnings:
                self.stdout.write(f"warning accepted: {warning}")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} row(s) read: {result.created} organisation(s) {verb} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
        )

    def _preview(self, result: importing.ImportResult) -> None:
        for row in result.previews:
            self.stdout.write(f"line {row.line}: {STATES[row.state]}: {row.name}")
            for change in row.changes:
                self.stdout.write(f"    {change.column}: {change.old or '–'} → {change.new or '–'}")
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
