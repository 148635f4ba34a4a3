"""The build pipeline of the development-plan PDF: request a build, run it in a worker, sweep builds that got stuck."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerError

from surveys.models import Survey

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
ERROR_LENGTH = 300

# Faults that pass: the build goes back to the queue instead of failing.
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, BrokerError)

# Reasons kept in `error` as English source strings; pages translate them when shown.
TOO_SLOW = gettext_noop("The build took longer than the time allowed and was stopped.")
INTERRUPTED = gettext_noop("The build was interrupted too many times and was given up.")


def build_enqueue(*, build_id: int) -> bool:
    """Send the build to the worker queue; False when the broker cannot be reached (the sweep sends it later)."""
    from ..tasks import build_report_task  # the tasks module imports this one

    try:
        build_report_task.delay(build_id)
    except BrokerError:
        logger.warning("Broker unreachable: report build %s stays queued until the sweep sends it", build_id)
        return False
    return True


def _enqueue_on_commit(build: ReportBuild) -> None:
    # Not delay_on_commit(): its send would raise out of the commit when the broker is down, and we keep the row.
    build.enqueued = None
    transaction.on_commit(lambda: setattr(build, "enqueued", build_enqueue(build_id=build.pk)))


def build_filename(build: ReportBuild) -> str:
    """The name a downloaded PDF gets: kehittamissuunnitelma-<date>-<language>.pdf."""
    day = timezone.localdate(build.finished_at or build.requested_at)
    return f"kehittamissuunnitelma-{day:%Y-%m-%d}-{build.language}.pdf"


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
    """Build the PDF of a queued build and store it; None when there was nothing to do."""
    build = _start(build_id)
    if build is None:
        return None
    try:
        with translation.override(build.language):
            rendered = _renderer()(plan=build.plan, survey=build.survey, language=build.language)
    except TRANSIENT_ERRORS:
        _release(build_id)
        raise
    except Exception as error:  # any fault of the render is this build's failure, and its reason is told to staff
        logger.exception("Report build %s failed", build_id)
        ReportBuild.objects.filter(pk=build_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=_reason(error), finished_at=timezone.now()
        )
        return ReportBuild.objects.filter(pk=build_id).first()
    try:
        return _store(build_id, rendered)
    except TRANSIENT_ERRORS:
        _release(build_id)
        raise


def _renderer():
    """The report's PDF renderer, imported when a build runs so this module loads without it."""
    from .report import report_render_pdf

    return report_render_pdf


def _start(build_id: int) -> ReportBuild | None:
    # A short transaction of its own: the render that follows must not hold a lock or a transaction open.
    with transaction.atomic():
        build = (
            ReportBuild.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("plan", "survey")
            .filter(pk=build_id)
            .first()
        )
        # Locked elsewhere, gone, done, failed, or running in another worker (the sweep rescues a dead one).
        if build is None or build.status != Status.QUEUED:
            return None
        build.status = Status.RUNNING
        build.started_at = timezone.now()
        build.finished_at = None
        build.error = ""
        build.attempts += 1
        build.save(update_fields=["status", "started_at", "finished_at", "error", "attempts"])
    return build


def _store(build_id: int, rendered) -> ReportBuild | None:
    stored_name = ""
    try:
        with transaction.atomic():
            build = ReportBuild.objects.select_for_update().filter(pk=build_id).first()
            if build is None or build.status == Status.DONE:
                return None  # another worker stored its PDF first: one build, one PDF
            build.pdf.save("report.pdf", ContentFile(rendered.pdf), save=False)
            stored_name = build.pdf.name
            build.status = Status.DONE
            build.finished_at = timezone.now()
            build.error = ""
            build.size = len(rendered.pdf)
            build.page_count = rendered.page_count
            build.data_checksum = rendered.checksum
            build.save(update_fields=["pdf", "status", "finished_at", "error", "size", "page_count", "data_checksum"])
    except BaseException:
        if stored_name:
            build.pdf.storage.delete(stored_name)  # the row does not name it: no orphan file
        raise
    return build


def _release(build_id: int) -> None:
    """Put an interrupted build back in the queue so the task's retry can take it; best effort."""
    try:
        ReportBuild.objects.filter(pk=build_id, status=Status.RUNNING).update(status=Status.QUEUED, started_at=None)
    except TRANSIENT_ERRORS:
        logger.warning("Report build %s stays running until the sweep finds it", build_id)


def _reason(error: BaseException) -> str:
    """A short reason for staff: the kind of fault and its first line, never a traceback."""
    if isinstance(error, SoftTimeLimitExceeded):
        return TOO_SLOW
    lines = str(error).strip().splitlines()
    reason = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return reason[:ERROR_LENGTH]


@dataclass
class SweepResult:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def builds_sweep(*, now: datetime | None = None) -> SweepResult:
    """Send again the builds that waited too long or whose worker died; give up those interrupted too often."""
    now = now or timezone.now()
    result = SweepResult()
    stuck = Q(status=Status.QUEUED, requested_at__lt=now - QUEUED_TIMEOUT) | Q(
        status=Status.RUNNING, started_at__lt=now - RUNNING_TIMEOUT
    )
    with transaction.atomic():
        for build in ReportBuild.objects.select_for_update(skip_locked=True).filter(stuck).order_by("requested_at"):
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
        transaction.on_commit(lambda: [build_enqueue(build_id=pk) for pk in result.requeued])
    if result.requeued or result.failed:
        logger.info("Report build sweep: requeued %s, failed %s", result.requeued, result.failed)
    return result
