"""Fixtures of the fault tests: real processes (Celery workers, gunicorn) pointed at the pytest test database."""

import os
import secrets

import pytest
from django.conf import settings
from django.db import connection

from bench import stack
from teknokyla.core import dburl


def tests_database_url() -> str:
    """The URL of the database pytest-django made for this run, for processes started by a test."""
    return dburl.database_url(connection.settings_dict)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a process of the portal: this run's test database, Redis and private folder."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "teknokyla.settings",
        "DATABASE_URL": tests_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "SECRET_KEY": "faults-" + secrets.token_urlsafe(48),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@pytest.fixture
def processes(tmp_path):
    """Start processes in their own groups; every one still running at the end is ended with its group."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    started = stack.Processes(log_dir)
    yield started
    started.stop_all()
