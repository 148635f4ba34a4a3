"""Durable background jobs: a row says what is owed, its id goes to the worker after the commit, a sweep resends.

The survey's outgoing mail (`surveys/outbox.py`) and the plan's builds (`reports/services/builds.py`) follow the
same pattern. The row is written in the transaction that owes the work, so the work is as durable as the change
that caused it. Only after the commit is its id sent to the Celery broker, and by the task's registered name, so
a service never imports its tasks module (which imports the service). When the broker (Redis) cannot be reached
the send fails fast, is logged, and the request answers as usual: the row stays owed and the app's sweep, run by
Celery beat, sends it again. A failure is kept on the row as a short text (`error_text`), never a traceback.
"""

import logging
from collections.abc import Callable, Iterable

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

ERROR_LENGTH = 300


def enqueue(task_name: str, *args) -> bool:
    """Send one job to the worker queue; False (logged) when the broker cannot be reached."""
    return enqueue_each(task_name, [args]) == 1


def enqueue_each(task_name: str, jobs: Iterable) -> int:
    """Send one job per id (or per tuple of arguments); returns how many the broker took.

    The first broker failure ends the batch (each try costs a timeout); the rest stay owed for the sweep.
    """
    jobs = list(jobs)
    for taken, job in enumerate(jobs):
        try:
            # No result is kept (the row is the record): the send then never touches the result backend.
            current_app.send_task(task_name, args=job if isinstance(job, tuple) else (job,), ignore_result=True)
        except BrokerError:
            left = len(jobs) - taken
            logger.warning("Broker unreachable: %s × %s stay owed until the sweep sends them", left, task_name)
            return taken
    return len(jobs)


def enqueue_on_commit(task_name: str, ids: Iterable[int], *, taken: Callable[[int], None] | None = None) -> None:
    """Send the jobs once the current transaction commits (at once outside one); `taken` gets how many went.

    Not Celery's delay_on_commit(): its send would raise out of the commit when the broker is down, and the user
    would see a server error for a change that was saved.
    """
    ids = list(ids)

    def send():
        count = enqueue_each(task_name, ids)
        if taken is not None:
            taken(count)

    if ids:
        transaction.on_commit(send)


def error_text(error: BaseException, length: int = ERROR_LENGTH) -> str:
    """What went wrong, for a row and for staff: the kind of fault and the first line of its message."""
    lines = str(error).strip().splitlines()
    return (f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__)[:length]
