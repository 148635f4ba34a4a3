"""The build pipeline of the plan (PDF and Word): request a build, run it in a worker, sweep builds that got stuck."""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, connection, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerError

from surveys.models import Survey
from teknokyla.core import jobs

from ..models import DevelopmentPlan, ReportBuild

logger = logging.getLogger(__name__)

Status = ReportBuild.Status

# The task's time limits: the soft one stops a render with a reason, the hard one kills the worker child.
SOFT_TIME_LIMIT = 10 * 60
HARD_TIME_LIMIT = SOFT_TIME_LIMIT + 60
# Still "running" after this: the worker that took it was killed.
RUNNING_TIMEOUT = timedelta(seconds=HARD_TIME_LIMIT + 2 * 60)
# Still "queued" after this: its message never reached a worker (the broker was down, or the message was lost).
QUEUED_TIMEOUT = timedelta(minutes=2)
# Starts after which a build that keeps getting interrupted is given up.
MAX_ATTEMPTS = 3
# The task that builds one report (reports/tasks.py), by its registered name.
BUILD_TASK = "reports.tasks.build_report_task"
# The first key of the PostgreSQL advisory locks that lease report builds to workers; the second is the build's id.
LEASE_NAMESPACE = 0x7E41
# How long a delivery waits for a lease held by another session, and how often it tries meanwhile (seconds).
LEASE_WAIT = 3.0
LEASE_RETRY = 0.1

# Faults that pass: the build goes back to the queue instead of failing.
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, BrokerError)

# Reasons kept in `error` as English source strings; pages translate them when shown.
TOO_SLOW = gettext_noop("The build took longer than the time allowed and was stopped.")
INTERRUPTED = gettext_noop("The build was interrupted too many times and was given up.")


def build_enqueue(*, build_id: int) -> bool:
    """Send the build to the worker queue; False when the broker cannot be reached (the sweep sends it later)."""
    return jobs.enqueue(BUILD_TASK, build_id)


def _enqueue_on_commit(build: ReportBuild) -> None:
    build.enqueued = None
    jobs.enqueue_on_commit(BUILD_TASK, [build.pk], taken=lambda count: setattr(build, "enqueued", count == 1))


def build_filename(build: ReportBuild, extension: str = "pdf") -> str:
    """The name a downloaded edition gets: kehittamissuunnitelma-<date>-<language>.pdf (or .docx)."""
    day = timezone.localdate(build.finished_at or build.requested_at)
    return f"kehittamissuunnitelma-{day:%Y-%m-%d}-{build.language}.{extension}"


def build_request(*, plan: DevelopmentPlan, survey: Survey | None, language: str, user) -> ReportBuild:
    """Save a queued build and send it to the worker once the row is committed.

    The build's `enqueued` tells whether the broker took it: True, False (the sweep sends it later),
    or None while an enclosing transaction has not committed yet.
    """
    build = ReportBuild(plan=plan, survey=survey, language=language, requested_by=user)
    build.full_clean()
    with transaction.atomic():
        build.save()
        _enqueue_on_commit(build)
    return build


def build_retry(*, build: ReportBuild) -> ReportBuild | None:
    """Queue a failed build again with fresh attempts; None when it is not failed (a second click, say)."""
    with transaction.atomic():
        locked = ReportBuild.objects.select_for_update().filter(pk=build.pk, status=Status.FAILED).first()
        if locked is None:
            return None
        locked.status = Status.QUEUED
        locked.attempts = 0
        locked.started_at = locked.finished_at = None
        locked.error = ""
        locked.save(update_fields=["status", "attempts", "started_at", "finished_at", "error"])
        _enqueue_on_commit(locked)
    return locked


def build_run(*, build_id: int) -> ReportBuild | None:
    """Build the PDF of a queued build and store it; None when there was nothing to do.

    The worker holds the build's lease (see `_lease_take`) from before it starts the build until the build is
    stored, failed or put back: a build that says running while nobody holds its lease has lost its worker.
    """
    if not _lease_take(build_id):
        return None  # a live worker holds this build: a second delivery of its message does nothing
    try:
        return _run_leased(build_id)
    finally:
        _lease_release(build_id)


def _run_leased(build_id: int) -> ReportBuild | None:
    build = _start(build_id)
    if build is None:
        return None
    try:
        with translation.override(build.language):
            rendered = _renderer()(plan=build.plan, survey=build.survey, language=build.language)
    except TRANSIENT_ERRORS:
        _release(build)
        raise
    except Exception as error:  # any fault of the render is this build's failure, and its reason is told to staff
        logger.exception("Report build %s failed", build_id)
        _mine(build).update(status=Status.FAILED, error=_reason(error), finished_at=timezone.now())
        return ReportBuild.objects.filter(pk=build_id).first()
    try:
        return _store(build_id, rendered)
    except TRANSIENT_ERRORS:
        _release(build)
        raise


def _lease_take(build_id: int) -> bool:
    """Take the build's lease: a session-level advisory lock on this worker's database connection.

    PostgreSQL drops the lock with the session, so a worker killed mid-build (kill -9, a lost machine, a dropped
    connection) gives its lease back at once, while the row still says running. Nothing is written for it.
    A message redelivered because its pool child was killed may come before PostgreSQL has ended the dead session:
    the lease is tried again for LEASE_WAIT seconds before the build is left to the worker that holds it.
    """
    deadline = time.monotonic() + LEASE_WAIT
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_NAMESPACE, build_id])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(LEASE_RETRY)


def _lease_release(build_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_NAMESPACE, build_id])
    except TRANSIENT_ERRORS:
        logger.info("Report build %s: the connection went, and its lease with it", build_id)


def leases_held(build_ids) -> set[int]:
    """The builds among `build_ids` whose lease some live session holds (this one included)."""
    build_ids = list(build_ids)
    if not build_ids:
        return set()
    # Read from pg_locks rather than tried: a try would succeed on a lease this very session holds. An advisory lock
    # taken with two int4 keys, pg_advisory_lock(namespace, build id), shows as classid = namespace, objid = build id
    # and objsubid = 2 (a single int8 key would show as objsubid = 1).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT objid::bigint FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = %s
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND objid::bigint = ANY(%s)
            """,
            [LEASE_NAMESPACE, build_ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _mine(build: ReportBuild):
    """The build's row while it is still this worker's run: running, and started when this worker started it."""
    return ReportBuild.objects.filter(pk=build.pk, status=Status.RUNNING, started_at=build.started_at)


def _renderer():
    """The report's renderer (the PDF and the Word edition), imported when a build runs so this module loads without
    it."""
    from .editions import report_render

    return report_render


def _start(build_id: int) -> ReportBuild | None:
    """Mark the build running for this worker, which holds its lease; None when there is nothing to start."""
    # A short transaction of its own: the render that follows must not hold a lock or a transaction open.
    with transaction.atomic():
        build = (
            ReportBuild.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("plan", "survey")
            .filter(pk=build_id)
            .first()
        )
        # Locked elsewhere (the sweep sends it again), gone, done or failed.
        if build is None or build.status not in (Status.QUEUED, Status.RUNNING):
            return None
        if build.status == Status.RUNNING:
            # Running, yet its lease was free: the worker that took it died and its message came back.
            logger.warning("Report build %s lost its worker; this worker takes it over", build_id)
            if build.attempts >= MAX_ATTEMPTS:
                build.status = Status.FAILED
                build.error = INTERRUPTED
                build.finished_at = timezone.now()
                build.save(update_fields=["status", "error", "finished_at"])
                return None
        build.status = Status.RUNNING
        build.started_at = timezone.now()
        build.finished_at = None
        build.error = ""
        build.attempts += 1
        build.save(update_fields=["status", "started_at", "finished_at", "error", "attempts"])
    return build


def _store(build_id: int, rendered) -> ReportBuild | None:
    stored_names: list[str] = []
    docx = getattr(rendered, "docx", b"")
    try:
        with transaction.atomic():
            build = ReportBuild.objects.select_for_update().filter(pk=build_id).first()
            if build is None or build.status == Status.DONE:
                return None  # another worker stored its PDF first: one build, one PDF
            build.pdf.save("report.pdf", ContentFile(rendered.pdf), save=False)
            stored_names.append(cast(str, build.pdf.name))  # named by save()
            if docx:
                build.docx.save("report.docx", ContentFile(docx), save=False)
                stored_names.append(cast(str, build.docx.name))
                build.docx_size = len(docx)
            build.status = Status.DONE
            build.finished_at = timezone.now()
            build.error = ""
            build.size = len(rendered.pdf)
            build.page_count = rendered.page_count
            build.data_checksum = rendered.checksum
            build.save(
                update_fields=[
                    "pdf", "docx", "docx_size", "status", "finished_at", "error", "size", "page_count", "data_checksum"
                ]
            )  # fmt: skip
    except BaseException:
        for name in stored_names:
            ReportBuild.pdf.field.storage.delete(name)  # the row does not name them: no orphan file
        raise
    return build


def _release(build: ReportBuild) -> None:
    """Put an interrupted build back in the queue so the task's retry can take it; best effort.

    Only while it is still this worker's run: if the lease was lost meanwhile, another worker may have taken it.
    """
    try:
        _mine(build).update(status=Status.QUEUED, started_at=None)
    except TRANSIENT_ERRORS:
        logger.warning("Report build %s stays running until the sweep finds it", build.pk)


def _reason(error: BaseException) -> str:
    """A short reason for staff: the kind of fault and its first line, never a traceback."""
    if isinstance(error, SoftTimeLimitExceeded):
        return TOO_SLOW
    return jobs.error_text(error)


@dataclass
class SweepResult:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def builds_sweep(*, now: datetime | None = None) -> SweepResult:
    """Send again the builds that waited too long or whose worker died; give up those interrupted too often.

    A running build has lost its worker when nobody holds its lease (the worker's connection went with it), and
    is sent again at once; past RUNNING_TIMEOUT it is sent again whatever its lease says (a hung worker).
    """
    now = now or timezone.now()
    result = SweepResult()
    running = list(ReportBuild.objects.filter(status=Status.RUNNING).values_list("pk", flat=True))
    orphans = set(running) - leases_held(running)
    overdue = Q(status=Status.RUNNING, started_at__lt=now - RUNNING_TIMEOUT)
    stuck = (
        Q(status=Status.QUEUED, requested_at__lt=now - QUEUED_TIMEOUT)
        | overdue
        | Q(status=Status.RUNNING, pk__in=orphans)
    )
    with transaction.atomic():
        candidates = list(
            ReportBuild.objects.select_for_update(skip_locked=True).filter(stuck).order_by("requested_at")
        )
        # Checked again under the row locks: a redelivered message may have taken one over meanwhile.
        taken_over = leases_held(
            b.pk
            for b in candidates
            if b.status == Status.RUNNING and b.started_at and b.started_at >= now - RUNNING_TIMEOUT
        )
        for build in candidates:
            if build.pk in taken_over:
                continue
            if build.attempts >= MAX_ATTEMPTS:
                build.status = Status.FAILED
                build.error = INTERRUPTED
                build.finished_at = now
                result.failed.append(build.pk)
            else:
                build.status = Status.QUEUED
                build.started_at = None
                result.requeued.append(build.pk)
            build.save(update_fields=["status", "error", "started_at", "finished_at"])
        jobs.enqueue_on_commit(BUILD_TASK, result.requeued)
    if result.requeued or result.failed:
        logger.info("Report build sweep: requeued %s, failed %s", result.requeued, result.failed)
    return result
