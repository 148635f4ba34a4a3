"""A real Celery worker takes a task from the Redis broker and answers."""

import pytest
from celery.contrib.testing.worker import start_worker

from teknokyla.celery import app, ping


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_through_the_broker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
