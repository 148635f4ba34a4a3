"""Checks that the database and the broker answer, each within a second or two; and states that apps report beside
them (`report`), which /healthz shows without failing on them."""

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from kombu import Connection


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


# name -> a function giving a short state ("loaded", "missing"), registered by the apps in their ready().
REPORTS: dict[str, Callable[[], str]] = {}


def report(name: str, state: Callable[[], str]) -> None:
    """Show `state()` under `name` in /healthz: something worth knowing that does not make the portal unhealthy."""
    REPORTS[name] = state
