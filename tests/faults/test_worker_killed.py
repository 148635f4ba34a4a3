"""A Celery worker killed with kill -9 mid-report: the build completes once, with one PDF, and nothing stays stuck.

The worker holds a lease on the build (a PostgreSQL advisory lock on its own connection) that dies with it; the
sweep sends a build whose lease is free again at once, and a redelivered message takes such a build over.
"""

import datetime
import os
import signal
import threading
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from pypdf import PdfReader

from bench import stack
from reports.models import DevelopmentPlan, ReportBuild
from reports.services import builds
from reports.tasks import build_report_task, sweep_report_builds
from surveys.models import Survey
from teknokyla.celery import app, ping

from ..reports.builds_support import (
    lease_held_elsewhere,
    make_plan,
    make_survey,
    stored_pdfs,
    tiny_render,
    use_renderer,
)
from .conftest import child_env

S = ReportBuild.Status


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def status_of(build: ReportBuild) -> str:
    build.refresh_from_db()
    return build.status


def build_files() -> list[Path]:
    """Every file in the builds' folder, PDF or not (a half-written one too), relative to the private folder."""
    root = Path(settings.PRIVATE_ROOT)
    return sorted(path.relative_to(root) for path in (root / "reports").rglob("*") if path.is_file())


def demo_build_running(processes, name: str):
    """A real worker rendering the real report of the demo plan and survey (30-odd pages: seconds, time to kill)."""
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    plan, survey = DevelopmentPlan.objects.get(), Survey.objects.get()
    app.control.purge()  # no message of an earlier run reaches the workers
    worker = processes.start(name, stack.celery_command(name), child_env())
    build = builds.build_request(plan=plan, survey=survey, language="fi", user=None)
    assert build.enqueued is True
    wait_until(lambda: status_of(build) == S.RUNNING, 180, "the worker to start the build")
    assert builds.leases_held([build.pk]) == {build.pk}
    return build, worker


def killed_mid_build(build: ReportBuild) -> None:
    """Nothing stored, the row still says running, but the lease went with the killed process's session."""
    assert status_of(build) == S.RUNNING
    assert stored_pdfs() == []
    wait_until(lambda: not builds.leases_held([build.pk]), 30, "PostgreSQL to end the killed process's session")


def finished_once(build: ReportBuild) -> list[Path]:
    """The build is done on its second start, with one PDF, its Word edition and no other file; nothing is left
    running."""
    assert build.status == S.DONE, build.error
    assert build.attempts == 2
    pdfs = stored_pdfs()
    assert pdfs == [Path(build.pdf.name)]
    files = build_files()
    assert files == sorted([*pdfs, Path(build.docx.name)])  # no half-written or second file beside the two editions
    content = (Path(settings.PRIVATE_ROOT) / build.pdf.name).read_bytes()
    assert build.size == len(content)
    assert build.page_count == len(PdfReader(BytesIO(content)).pages) > 1
    return files


@pytest.mark.trust("A Celery worker is killed with kill -9 in the middle of a report build", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_is_killed_completes_once_with_one_pdf(processes, trust_figure):
    build, first = demo_build_running(processes, "first")

    os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, as kill -9 leaves them: no clean-up
    killed_at = time.monotonic()
    first.wait()
    killed = [first.pid]
    killed_mid_build(build)

    processes.start("second", stack.celery_command("second"), child_env())
    assert ping.delay().get(timeout=180) == "pong"  # the second worker is up
    sweep_report_builds.delay()  # what Celery beat sends every five minutes
    wait_until(lambda: status_of(build) in (S.DONE, S.FAILED), 300, "the second worker to finish the build")
    recovered_in = time.monotonic() - killed_at

    files = finished_once(build)
    stuck = ReportBuild.objects.filter(status__in=[S.RUNNING, S.QUEUED]).count()
    assert stuck == 0

    # The killed worker's message, delivered late (after the broker's visibility timeout): it does nothing.
    finished = (build.pdf.name, build.finished_at, build.attempts)
    build_report_task.delay(build.pk)
    assert ping.delay().get(timeout=60) == "pong"  # one pool child, one message at a time: the late one is done
    assert builds.build_run(build_id=build.pk) is None
    build.refresh_from_db()
    assert (build.pdf.name, build.finished_at, build.attempts) == finished
    assert build_files() == files

    trust_figure("workers killed", len(killed))
    trust_figure("builds completed", ReportBuild.objects.filter(status=S.DONE).count())
    trust_figure("duplicate PDFs", len(build_files()) - ReportBuild.objects.filter(status=S.DONE).count())
    trust_figure("stuck builds", stuck)
    trust_figure("seconds to recover", round(recovered_in, 1))


@pytest.mark.trust("The pool child rendering a report is killed with kill -9 (as the OOM killer does)", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_a_build_whose_pool_child_is_killed_is_taken_over_by_its_redelivered_message(processes, trust_figure):
    build, worker = demo_build_running(processes, "lone")
    [child] = stack.children(worker.pid)

    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    killed = [child]
    killed_mid_build(build)
    # No sweep: the worker gives the message back (reject_on_worker_lost) and its new child takes the build over.
    wait_until(lambda: status_of(build) in (S.DONE, S.FAILED), 300, "the new pool child to finish the build")
    recovered_in = time.monotonic() - killed_at

    finished_once(build)
    stuck = ReportBuild.objects.filter(status__in=[S.RUNNING, S.QUEUED]).count()
    assert stuck == 0
    assert worker.poll() is None  # the worker itself lived on

    trust_figure("pool children killed", len(killed))
    trust_figure("builds completed", ReportBuild.objects.filter(status=S.DONE).count())
    trust_figure("duplicate PDFs", len(build_files()) - ReportBuild.objects.filter(status=S.DONE).count())
    trust_figure("stuck builds", stuck)
    trust_figure("seconds to recover", round(recovered_in, 1))


# The lease, through the service ---------------------------------------------------------------------------------


def _running(attempts: int = 1, started_ago: datetime.timedelta = datetime.timedelta(seconds=5)) -> ReportBuild:
    build = builds.build_request(plan=make_plan(), survey=make_survey(), language="fi", user=None)
    ReportBuild.objects.filter(pk=build.pk).update(
        status=S.RUNNING, attempts=attempts, started_at=timezone.now() - started_ago
    )
    return build


@pytest.mark.django_db
def test_a_redelivered_build_whose_worker_died_is_taken_over(monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = _running(attempts=1)

    done = builds.build_run(build_id=build.pk)

    assert (done.status, done.attempts) == (S.DONE, 2)
    assert stored_pdfs() == [Path(done.pdf.name)]
    assert builds.leases_held([build.pk]) == set()  # given back once stored


@pytest.mark.django_db
def test_a_redelivered_build_beside_its_live_worker_does_nothing(monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = _running(attempts=1)

    with lease_held_elsewhere(build.pk):
        assert builds.build_run(build_id=build.pk) is None

    build.refresh_from_db()
    assert (build.status, build.attempts) == (S.RUNNING, 1)
    assert stored_pdfs() == []


@pytest.mark.django_db
def test_a_build_that_lost_its_worker_too_often_is_given_up_when_redelivered(monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = _running(attempts=builds.MAX_ATTEMPTS)

    assert builds.build_run(build_id=build.pk) is None

    build.refresh_from_db()
    assert (build.status, build.error, build.attempts) == (S.FAILED, builds.INTERRUPTED, builds.MAX_ATTEMPTS)
    assert stored_pdfs() == []


@pytest.mark.django_db
def test_the_sweep_requeues_at_once_a_running_build_whose_lease_is_free(django_capture_on_commit_callbacks):
    orphan = _running()
    alive = _running()
    given_up = _running(attempts=builds.MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks() as callbacks, lease_held_elsewhere(alive.pk):
        result = builds.builds_sweep()

    assert result.requeued == [orphan.pk]
    assert result.failed == [given_up.pk]
    assert len(callbacks) == 1
    rows = {row.pk: row for row in ReportBuild.objects.all()}
    assert (rows[orphan.pk].status, rows[orphan.pk].started_at) == (S.QUEUED, None)
    assert rows[alive.pk].status == S.RUNNING
    assert (rows[given_up.pk].status, rows[given_up.pk].error) == (S.FAILED, builds.INTERRUPTED)


@pytest.mark.django_db
def test_a_lease_held_past_the_timeout_does_not_keep_a_build_running_for_ever():
    hung = _running(started_ago=builds.RUNNING_TIMEOUT * 2)

    with lease_held_elsewhere(hung.pk):
        result = builds.builds_sweep()

    assert result.requeued == [hung.pk]


@pytest.mark.django_db
def test_the_sweep_does_not_take_a_build_leased_by_its_own_session(monkeypatch):
    """A sweep run on the connection of a worker mid-render sees that worker's lease as held, not as free."""
    build = builds.build_request(plan=make_plan(), survey=make_survey(), language="fi", user=None)
    swept = []

    def render_while_sweeping(**kwargs):
        swept.append(builds.builds_sweep())
        return tiny_render(**kwargs)

    use_renderer(monkeypatch, render_while_sweeping)
    done = builds.build_run(build_id=build.pk)

    assert swept[0].requeued == swept[0].failed == []
    assert (done.status, done.attempts) == (S.DONE, 1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_connection_drops_mid_render_stores_no_second_pdf(monkeypatch):
    """The lease goes with the dropped session; the redelivered message finishes the build; the first one's PDF
    is never stored, and its retry finds the build done."""
    build = builds.build_request(plan=make_plan(), survey=make_survey(), language="fi", user=None)
    second = []

    def another_worker():
        try:
            second.append(builds.build_run(build_id=build.pk))
        finally:
            connection.close()

    def render_while_the_network_drops(**kwargs):
        observer = connection.copy()
        with observer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
        use_renderer(monkeypatch, tiny_render)
        worker = threading.Thread(target=another_worker)  # another worker, with its own connection
        worker.start()
        worker.join()
        observer.close()
        return tiny_render(**kwargs)

    use_renderer(monkeypatch, render_while_the_network_drops)
    with pytest.raises((OperationalError, InterfaceError)):
        builds.build_run(build_id=build.pk)
    connection.close()  # as Celery does after a task: the next task gets a fresh connection

    assert second[0].status == S.DONE
    assert builds.build_run(build_id=build.pk) is None  # the first worker's retry
    build.refresh_from_db()
    assert (build.status, build.attempts) == (S.DONE, 2)
    assert stored_pdfs() == [Path(build.pdf.name)]
