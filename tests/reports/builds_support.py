"""Shared pieces of the build-pipeline tests: a plan and survey, a tiny real PDF renderer, a worker, a closed broker."""

import datetime
import hashlib
import io
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

import docx
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from kombu import pools
from weasyprint import HTML

from reports.models import DevelopmentPlan, ReportBuild
from reports.services import builds as build_services
from teknokyla.celery import app
from teknokyla.devservices import free_port

from ..factories import SurveyFactory

FINAL = {ReportBuild.Status.DONE, ReportBuild.Status.FAILED}


def make_plan(**fields) -> DevelopmentPlan:
    values = {
        "title": "Teknologiakylän kehittämissuunnitelma",
        "period_start": datetime.date(2022, 6, 1),
        "period_end": datetime.date(2024, 5, 31),
        "summary": "Kylä kasvaa; yhteistyö Lappian ja Lapin AMK:n kanssa jatkuu.",
    }
    return DevelopmentPlan.objects.create(**{**values, **fields})


def make_survey(**fields):
    return SurveyFactory(**{"title": "Toimijakysely 2022", **fields})


@dataclass(frozen=True)
class TinyReport:
    pdf: bytes
    page_count: int
    checksum: str
    docx: bytes = b""


def tiny_render(*, plan, survey, language) -> TinyReport:
    """A real but tiny WeasyPrint PDF and Word file, so the pipeline is tested apart from the report's own parts."""
    html = f'<html lang="{language}"><body><h1>{escape(plan.title)}</h1><p>{escape(survey.title)}</p></body></html>'
    document = HTML(string=html).render()
    word = docx.Document()
    word.add_heading(plan.title, level=1)
    word_file = io.BytesIO()
    word.save(word_file)
    return TinyReport(
        pdf=document.write_pdf(),
        page_count=len(document.pages),
        checksum=hashlib.sha256(html.encode()).hexdigest(),
        docx=word_file.getvalue(),
    )


def use_renderer(monkeypatch, render) -> None:
    """Swap the report renderer of the build service (a worker thread in this process sees it too)."""
    monkeypatch.setattr(build_services, "_renderer", lambda: render)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Built PDFs go to a fresh private folder per test (autouse where imported)."""
    settings.MEDIA_ROOT = settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def stored_pdfs(pattern: str = "reports/*.pdf") -> list[Path]:
    """The PDFs (or the files matching `pattern`) in the private folder, by path relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(path.relative_to(root) for path in root.glob(pattern))


@contextmanager
def running_worker():
    """A real Celery worker in a thread, taking tasks from the real Redis broker; stale messages are dropped first."""
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for(build: ReportBuild, statuses=FINAL, timeout: float = 60) -> ReportBuild:
    """Poll the row until the worker has brought it to one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        build.refresh_from_db()
        if build.status in statuses or time.monotonic() > deadline:
            return build
        time.sleep(0.1)


def _switch_broker(url: str) -> None:
    app.conf.broker_url = url
    # Connection pools are kept per broker URL across the process: drop them, or the old broker stays in use.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down(settings):
    """The Redis broker cannot be reached (a closed port) inside the block; `settings` is pytest-django's fixture."""
    previous = app.conf.broker_url
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_BROKER_URL = closed
    _switch_broker(closed)
    try:
        yield closed
    finally:
        _switch_broker(previous)


@contextmanager
def lease_held_elsewhere(*build_ids: int):
    """A live worker's lease on the builds: their advisory locks, held by a second database session."""
    from django.db import connection

    other = connection.copy()
    try:
        with other.cursor() as cursor:
            for build_id in build_ids:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [build_services.LEASE_NAMESPACE, build_id])
        yield
    finally:
        other.close()  # the session ends, and its locks with it
