"""Export a survey's responses, one row per organisation, to a CSV or XLSX file (the staff pages' export)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys import exports
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write the responses of the survey SLUG to FILE as CSV (UTF-8 with BOM) or XLSX: one row per organisation, "
        "one column per question code. Texts that a spreadsheet would read as formulas are prefixed with a quote."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the survey's slug")
        parser.add_argument("--format", dest="fmt", default="csv", help="csv (default) or xlsx")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, slug, fmt, output, **options):
        fmt = fmt.lower()
        if fmt not in exports.FORMATS:
            raise CommandError(f"Unknown format {fmt!r}: use {' or '.join(exports.FORMATS)}.")
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            known = ", ".join(Survey.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No survey with the slug {slug!r} (surveys: {known}).")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory")
        # Written beside the target and renamed at the end, so a failed export leaves no half-written file;
        # mkstemp makes it readable by its owner only, which suits private answers.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            if fmt == "csv":
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                    exports.write_csv(survey, stream)
            else:
                with os.fdopen(handle, "wb") as stream:
                    exports.write_xlsx(survey, stream)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        rows = survey.responses.count()
        self.stdout.write(self.style.SUCCESS(f"{rows} response(s) of {survey.slug} written to {path}."))
