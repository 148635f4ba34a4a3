"""Celery tasks of the reports: thin wrappers around the build services, with their retry policy."""

from celery import shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError

from .services import builds


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, DatabaseError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=builds.SOFT_TIME_LIMIT,
    time_limit=builds.HARD_TIME_LIMIT,
    ignore_result=True,
)
def build_report_task(build_id: int) -> str | None:
    """Build one report's PDF.

    A second delivery of the same build does nothing while its worker lives (it holds the build's lease); the
    message given back when a pool child is killed (reject_on_worker_lost) takes the build over at once.
    """
    build = builds.build_run(build_id=build_id)
    return build.status if build else None


@shared_task(ignore_result=True)
def sweep_report_builds() -> dict[str, list[int]]:
    """Run every few minutes by Celery beat: send again the builds that got stuck or lost their worker."""
    result = builds.builds_sweep()
    return {"requeued": result.requeued, "failed": result.failed}
