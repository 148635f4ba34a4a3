"""Export a survey's responses, one row per organisation, to a CSV or XLSX file (the staff export page's files)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys import exports
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write the responses of the survey SLUG to FILE as XLSX or CSV, one row per organisation: the questions' "
        "texts in the chosen language as headers with their codes below, choices as labels, a 0/1 column per "
        "option of a multiple choice; the XLSX adds the workforce needs and a codebook. --codes writes the "
        "code-only table for scripts instead. Texts that a spreadsheet would read as formulas are quoted."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the survey's slug")
        parser.add_argument("--format", dest="fmt", default="csv", help="csv (default) or xlsx")
        parser.add_argument(
            "--language", default="fi", help="fi (default), sv or en: the language of the headers and labels"
        )
        parser.add_argument(
            "--dialect",
            default="excel",
            help="for CSV: excel (default; semicolons, decimal commas, UTF-8 BOM) or comma (for tools)",
        )
        parser.add_argument("--codes", action="store_true", help="codes as headers and values (the former form)")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, slug, fmt, language, dialect, codes, output, **options):
        fmt, language, dialect = fmt.lower(), language.lower(), dialect.lower()
        if fmt not in exports.FORMATS:
            raise CommandError(f"Unknown format {fmt!r}: use {' or '.join(exports.FORMATS)}.")
        if language not in exports.LANGUAGES:
            raise CommandError(f"Unknown language {language!r}: use {', '.join(exports.LANGUAGES)}.")
        if dialect not in exports.DIALECTS:
            raise CommandError(f"Unknown dialect {dialect!r}: use {' or '.join(exports.DIALECTS)}.")
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            known = ", ".join(Survey.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No survey with the slug {slug!r} (surveys: {known}).")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory")
        choices = exports.ExportOptions(language=language, codes=codes, dialect=dialect)
        # Written beside the target and renamed at the end, so a failed export leaves no half-written file;
        # mkstemp makes it readable by its owner only, which suits private answers.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            if fmt == "csv":
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                    exports.write_csv(survey, stream, choices)
            else:
                with os.fdopen(handle, "wb") as stream:
                    exports.write_xlsx(survey, stream, choices)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        rows = survey.responses.count()
        self.stdout.write(self.style.SUCCESS(f"{rows} response(s) of {survey.slug} written to {path}."))
