"""The development plan report: data gathered in constant queries, the HTML preview and the PDF on demo data."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from companies import demo as companies_demo
from reports import demo as reports_demo
from reports.services.report import report_render_html, report_render_pdf
from surveys import demo as surveys_demo
from workshops import demo as workshops_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def demo(private_root):
    now = timezone.now()
    companies_demo.load_registry()
    survey = surveys_demo.load_survey(now)
    surveys_demo.load_demo_responses(survey, now)
    workshops_demo.load_workshops(now)
    return reports_demo.load_plan(), survey


def pdf_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_smoke(demo):
    import time

    plan, survey = demo
    t = time.time()
    rendered = report_render_pdf(plan=plan, survey=survey, language="fi")
    print("seconds", time.time() - t, rendered.page_count)
    open("/tmp/report.pdf", "wb").write(rendered.pdf)
    open("/tmp/report.html", "w").write(report_render_html(plan=plan, survey=survey, language="fi"))
