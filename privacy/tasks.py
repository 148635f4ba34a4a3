"""Celery task of the retention rule: a thin wrapper around the service."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def apply_retention() -> int:
    """Run daily by Celery beat once staff enable it: anonymise the surveys past their retention date."""
    return len(services.retention_apply())
