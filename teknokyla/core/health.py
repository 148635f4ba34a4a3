"""Checks that the database and the broker answer, each within a second or two, and that the search analyser loaded."""

from django.conf import settings
from django.db import connection
from kombu import Connection

from search.analysis import analyser_loaded


def database_ok() -> bool:
    """True when PostgreSQL answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok(url: str | None = None) -> bool:
    """True when the Celery broker accepts a connection."""
    try:
        with Connection(url or settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            return True
    except Exception:
        return False


def search_analyser_ok() -> bool:
    """True when Voikko is loaded; False means the search runs in its reduced mode (PostgreSQL's Finnish)."""
    return analyser_loaded()
