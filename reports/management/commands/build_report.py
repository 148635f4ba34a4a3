"""Build the development plan (PDF and Word) from the command line; with --wait, wait for the worker and save the file
of the format asked for."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports.models import LANGUAGE_CHOICES, DevelopmentPlan, ReportBuild
from reports.services.builds import build_filename, build_request
from reports.services.fallbacks import report_fallbacks
from surveys.models import Survey

POLL_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "Queue a build of the development plan (the latest plan edition and survey unless told otherwise). "
        "Every build makes both the PDF and the Word edition. With --wait, wait for the Celery worker to finish it and "
        "write the edition chosen with --format to the file given with -o."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, metavar="ID", help="The plan edition's id (default: the latest).")
        parser.add_argument("--survey", metavar="SLUG", help="The survey's slug (default: the latest).")
        parser.add_argument(
            "--language", default="fi", choices=[code for code, _name in LANGUAGE_CHOICES], help="Default: fi."
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            default="pdf",
            choices=["pdf", "docx"],
            help="The file to write: pdf or docx.",
        )
        parser.add_argument("--wait", action="store_true", help="Wait for the worker to finish the build.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Where to write the file (implies --wait; default: its usual name)."
        )
        parser.add_argument(
            "--timeout", type=float, default=300, metavar="SECONDS", help="How long --wait waits (default: 300)."
        )

    def handle(
        self,
        *args,
        plan=None,
        survey=None,
        language="fi",
        file_format="pdf",
        wait=False,
        output=None,
        timeout=300,
        **options,
    ):
        edition = self._plan(plan)
        chosen_survey = self._survey(survey)
        self._list_fallbacks(edition, chosen_survey, language)
        build = build_request(plan=edition, survey=chosen_survey, language=language, user=None)
        unreachable = build.enqueued is False
        if not (wait or output):
            if unreachable:
                self.stdout.write(
                    self.style.WARNING(
                        f"Build {build.pk} is saved as queued, but the broker cannot be reached; "
                        "it will start when the worker is reachable."
                    )
                )
            else:
                self.stdout.write(self.style.SUCCESS(f"Build {build.pk} is queued for “{edition}” ({language})."))
            return
        if unreachable:
            raise CommandError(
                f"The broker cannot be reached; build {build.pk} is saved as queued and will start "
                "when the worker is reachable."
            )
        build = self._wait(build, timeout)
        stored = build.docx if file_format == "docx" else build.pdf
        if not stored:
            raise CommandError(f"Build {build.pk} has no {file_format} file.")
        path = Path(output or build_filename(build, file_format))
        with stored.open("rb") as source:
            content = source.read()
        path.write_bytes(content)
        if file_format == "docx":
            self.stdout.write(self.style.SUCCESS(f"Wrote {path} (Word document, {len(content)} bytes)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({build.page_count} pages, {build.size} bytes)."))

    def _list_fallbacks(self, plan: DevelopmentPlan, survey: Survey, language: str) -> None:
        """Before a Swedish or English build: every text that will show in Finnish, and where to fill it in."""
        with translation.override("en"):  # the command speaks English, like its other messages
            gaps = report_fallbacks(plan=plan, survey=survey, language=language)
        if not gaps:
            return
        self.stdout.write(
            self.style.WARNING(
                f"{len(gaps)} text(s) have no {language} version and will show in Finnish (marked as Finnish "
                "in the PDF and the Word document). Fill them in at these addresses of the portal:"
            )
        )
        for gap in gaps:
            self.stdout.write(f"  {gap.kind}: {gap.label} ({', '.join(gap.fields)})  {gap.url}")

    def _plan(self, pk: int | None) -> DevelopmentPlan:
        if pk is not None:
            edition = DevelopmentPlan.objects.filter(pk=pk).first()
            if edition is None:
                raise CommandError(f"No plan edition with the id {pk}.")
            return edition
        edition = DevelopmentPlan.objects.order_by("-period_start", "-pk").first()
        if edition is None:
            raise CommandError("There is no plan edition yet; create one first.")
        return edition

    def _survey(self, slug: str | None) -> Survey:
        if slug:
            survey = Survey.objects.filter(slug=slug).first()
            if survey is None:
                raise CommandError(f"No survey with the slug “{slug}”.")
            return survey
        survey = Survey.objects.order_by("-opens_at", "-pk").first()
        if survey is None:
            raise CommandError("There is no survey yet; create one first.")
        return survey

    def _wait(self, build: ReportBuild, timeout: float) -> ReportBuild:
        deadline = time.monotonic() + timeout
        while True:
            build.refresh_from_db()
            if build.status == ReportBuild.Status.DONE:
                return build
            if build.status == ReportBuild.Status.FAILED:
                raise CommandError(f"Build {build.pk} failed: {build.error or 'no reason was recorded'}")
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Build {build.pk} is still {build.status} after {timeout:g} s; is a Celery worker running? "
                    "It stays queued and will be built when a worker takes it."
                )
            time.sleep(POLL_SECONDS)
