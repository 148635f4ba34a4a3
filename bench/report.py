"""The development plan's PDF, timed in a process of its own so that its peak memory (ru_maxrss) is the render's.

python -m bench.report --survey SLUG                 # render in this process: seconds, peak RSS, pages
python -m bench.report --survey SLUG --via-worker    # queue a build and wait for the Celery worker
"""

import argparse
import json
import resource
import sys
import time


def _rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _plan_and_survey(slug: str):
    from reports.models import DevelopmentPlan
    from surveys.models import Survey

    plan = DevelopmentPlan.objects.order_by("-period_start", "-pk").first()
    return plan, Survey.objects.get(slug=slug)


def render(slug: str, language: str = "fi") -> dict:
    """Render the report as the worker would, here; what it took."""
    from reports.services.report import report_render_pdf

    plan, survey = _plan_and_survey(slug)
    before = _rss_mb()  # Django, WeasyPrint and matplotlib loaded, nothing rendered yet
    start = time.perf_counter()
    rendered = report_render_pdf(plan=plan, survey=survey, language=language)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": _rss_mb(),
        "rss_before_mb": before,
        "pages": rendered.page_count,
        "pdf_kb": round(len(rendered.pdf) / 1024),
    }


def via_worker(slug: str, language: str = "fi", timeout: float = 600) -> dict:
    """Queue a build as the Build button does and wait for the worker to finish it."""
    from reports.models import ReportBuild
    from reports.services.builds import build_request

    plan, survey = _plan_and_survey(slug)
    start = time.perf_counter()
    build = build_request(plan=plan, survey=survey, language=language, user=None)
    deadline = start + timeout
    while time.perf_counter() < deadline:
        build.refresh_from_db()
        if build.status in (ReportBuild.Status.DONE, ReportBuild.Status.FAILED):
            break
        time.sleep(0.2)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "status": build.status,
        "pages": build.page_count,
        "error": build.error,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("--survey", required=True, help="the survey's slug")
    parser.add_argument("--language", default="fi")
    parser.add_argument("--via-worker", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    # Imported before the clock starts: loading WeasyPrint and matplotlib is not the render's time.
    import reports.services.report  # noqa: F401

    result = via_worker(args.survey, args.language) if args.via_worker else render(args.survey, args.language)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
