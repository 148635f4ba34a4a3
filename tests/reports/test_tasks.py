"""The build task and its service: a real worker, one PDF per build, killed workers, failures, retries, the sweep."""

import datetime
from io import BytesIO
from pathlib import Path

import docx
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu.exceptions import OperationalError as BrokerError
from pypdf import PdfReader

from reports.models import ReportBuild
from reports.services import builds
from reports.tasks import build_report_task, sweep_report_builds

from .builds_support import (  # noqa: F401 - private_root is an autouse fixture
    lease_held_elsewhere,
    make_plan,
    make_survey,
    private_root,
    running_worker,
    stored_pdfs,
    tiny_render,
    use_renderer,
    wait_for,
)

S = ReportBuild.Status


def _request(plan=None, survey=None, language="fi", user=None) -> ReportBuild:
    return builds.build_request(plan=plan or make_plan(), survey=survey or make_survey(), language=language, user=user)


# With a real worker ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_report_with_the_real_renderer(staff):
    with running_worker():
        build = _request(language="sv", user=staff)
        assert build.enqueued is True
        build = wait_for(build)

    assert build.status == S.DONE, build.error
    assert build.attempts == 1
    assert build.started_at <= build.finished_at
    content = (Path(settings.MEDIA_ROOT) / build.pdf.name).read_bytes()
    assert content.startswith(b"%PDF")
    assert build.size == len(content)
    assert build.page_count == len(PdfReader(BytesIO(content)).pages) > 1
    assert len(build.data_checksum) == 64
    # The name is the server's, not the user's, and it lives in the private folder.
    assert build.pdf.name.startswith("reports/") and build.pdf.name.endswith(".pdf")
    assert stored_pdfs() == [Path(build.pdf.name)]
    # The same worker built the Word edition of the same plan in the same build, beside the PDF.
    word = docx.Document(Path(settings.MEDIA_ROOT) / build.docx.name)
    assert word.core_properties.title == build.plan.title
    assert word.core_properties.language == "sv-FI"
    assert build.docx_size == (Path(settings.MEDIA_ROOT) / build.docx.name).stat().st_size
    assert stored_pdfs("reports/*.docx") == [Path(build.docx.name)]


@pytest.mark.django_db(transaction=True)
def test_a_failed_render_records_its_reason_and_a_retry_builds_it(staff_client, monkeypatch):
    calls = []

    def fails_first(**kwargs):
        calls.append(kwargs["language"])
        if len(calls) == 1:
            raise ValueError("Kaavio ei piirtynyt: ääkköset\nTraceback (most recent call last): …")
        return tiny_render(**kwargs)

    use_renderer(monkeypatch, fails_first)
    with running_worker():
        build = wait_for(_request())
        assert build.status == S.FAILED
        # The reason is short: the kind of fault and its first line, no traceback.
        assert build.error == "ValueError: Kaavio ei piirtynyt: ääkköset"
        assert build.finished_at is not None
        assert stored_pdfs("reports/*") == []

        reply = staff_client.post(reverse("reports:build_retry", args=[build.pk]))
        assert reply.status_code == 302
        build = wait_for(build)

    assert build.status == S.DONE
    assert build.error == ""
    assert build.attempts == 1  # a retry by staff starts the count again
    assert len(calls) == 2
    assert stored_pdfs() == [Path(build.pdf.name)]


@pytest.mark.django_db(transaction=True)
def test_a_build_left_running_by_a_killed_worker_is_requeued_by_the_sweep_and_finished(monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = _request()
    # The worker that took it died mid-build an hour ago: the row says running and its message is gone.
    ReportBuild.objects.filter(pk=build.pk).update(
        status=S.RUNNING, attempts=1, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    # A second delivery of the same message must not start a second build beside a live one (it holds the lease).
    with lease_held_elsewhere(build.pk):
        assert builds.build_run(build_id=build.pk) is None

    with running_worker():
        sweep_report_builds.delay()  # what Celery beat sends every five minutes
        build = wait_for(build)

    assert build.status == S.DONE
    assert build.attempts == 2
    assert len(stored_pdfs()) == 1


# The service, run directly ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_a_build_twice_stores_one_pdf(monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = _request()

    first = builds.build_run(build_id=build.pk)
    assert first.status == S.DONE
    done = ReportBuild.objects.get(pk=build.pk)
    again = builds.build_run(build_id=build.pk)

    assert again is None
    after = ReportBuild.objects.get(pk=build.pk)
    assert (after.pdf.name, after.finished_at, after.attempts) == (done.pdf.name, done.finished_at, 1)
    assert stored_pdfs() == [Path(done.pdf.name)]


@pytest.mark.django_db
def test_a_pdf_finished_second_is_discarded(monkeypatch):
    """The sweep gave the build to another worker while the first one still rendered: one PDF is kept."""
    use_renderer(monkeypatch, tiny_render)
    build = _request()

    def slow_first_worker(**kwargs):
        builds.builds_sweep(now=timezone.now() + datetime.timedelta(hours=1))  # took it back from this worker
        use_renderer(monkeypatch, tiny_render)
        assert builds.build_run(build_id=build.pk).status == S.DONE  # the second worker, done first
        return tiny_render(**kwargs)

    use_renderer(monkeypatch, slow_first_worker)
    assert builds.build_run(build_id=build.pk) is None

    build.refresh_from_db()
    assert build.status == S.DONE
    assert build.attempts == 2
    assert stored_pdfs() == [Path(build.pdf.name)]


@pytest.mark.django_db
def test_a_render_past_the_soft_time_limit_fails_with_a_reason(monkeypatch):
    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    use_renderer(monkeypatch, too_slow)
    build = builds.build_run(build_id=_request().pk)

    assert build.status == S.FAILED
    assert build.error == builds.TOO_SLOW


@pytest.mark.django_db
def test_a_database_outage_during_the_render_puts_the_build_back_for_the_retry(monkeypatch):
    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    use_renderer(monkeypatch, database_gone)
    build = _request()
    with pytest.raises(OperationalError):
        builds.build_run(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.attempts, build.started_at) == (S.QUEUED, 1, None)

    use_renderer(monkeypatch, tiny_render)  # the task's retry, once the database is back
    assert builds.build_run(build_id=build.pk).status == S.DONE
    assert len(stored_pdfs()) == 1


@pytest.mark.django_db
def test_an_unknown_build_is_nothing_to_do():
    assert builds.build_run(build_id=987654321) is None


@pytest.mark.django_db
def test_the_sweep_requeues_stuck_builds_and_gives_up_on_repeatedly_killed_ones(django_capture_on_commit_callbacks):
    plan, survey = make_plan(), make_survey()
    now = timezone.now()

    def build(status, attempts=0, requested_ago=0, started_ago=None) -> int:
        row = builds.build_request(plan=plan, survey=survey, language="fi", user=None)
        ReportBuild.objects.filter(pk=row.pk).update(
            status=status,
            attempts=attempts,
            requested_at=now - datetime.timedelta(minutes=requested_ago),
            started_at=None if started_ago is None else now - datetime.timedelta(minutes=started_ago),
        )
        return row.pk

    waiting_long = build(S.QUEUED, requested_ago=3)
    waiting_briefly = build(S.QUEUED, requested_ago=1)
    worker_died = build(S.RUNNING, attempts=1, requested_ago=30, started_ago=20)
    still_rendering = build(S.RUNNING, attempts=1, requested_ago=5, started_ago=5)
    killed_thrice = build(S.RUNNING, attempts=3, requested_ago=60, started_ago=20)
    done = build(S.DONE, attempts=1, requested_ago=60, started_ago=59)

    with django_capture_on_commit_callbacks() as callbacks, lease_held_elsewhere(still_rendering):
        result = builds.builds_sweep(now=now)

    assert result.requeued == [worker_died, waiting_long]  # oldest request first
    assert result.failed == [killed_thrice]
    assert len(callbacks) == 1  # the requeued ones are sent after the commit
    rows = {row.pk: row for row in ReportBuild.objects.all()}
    assert (rows[worker_died].status, rows[worker_died].started_at) == (S.QUEUED, None)
    assert rows[waiting_long].status == S.QUEUED
    assert rows[waiting_briefly].status == S.QUEUED
    assert rows[still_rendering].status == S.RUNNING
    assert (rows[killed_thrice].status, rows[killed_thrice].error) == (S.FAILED, builds.INTERRUPTED)
    assert rows[killed_thrice].finished_at == now
    assert rows[done].status == S.DONE


# Wiring -----------------------------------------------------------------------------------------------------------


def test_the_build_task_is_redelivered_if_its_worker_dies_and_has_time_limits():
    assert build_report_task.acks_late is True
    assert build_report_task.reject_on_worker_lost is True
    assert build_report_task.max_retries == 5
    assert build_report_task.retry_backoff is True
    assert issubclass(OperationalError, build_report_task.autoretry_for)  # the database's
    assert issubclass(BrokerError, build_report_task.autoretry_for)
    assert build_report_task.soft_time_limit < build_report_task.time_limit
    # A build still running after the hard limit cannot have a live worker: only then may the sweep take it back.
    assert datetime.timedelta(seconds=build_report_task.time_limit) < builds.RUNNING_TIMEOUT


@pytest.mark.django_db
def test_celery_beat_runs_the_sweep_every_five_minutes():
    task = PeriodicTask.objects.get(name="Report build sweep")
    assert task.task == sweep_report_builds.name == "reports.tasks.sweep_report_builds"
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, IntervalSchedule.MINUTES)
