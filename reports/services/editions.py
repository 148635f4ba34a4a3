"""The plan's editions from one gathering of its data: the tagged PDF (`report.py`) and the Word document (`word.py`).

A build makes both (`report_render`); staff download them side by side.
"""

from django.utils import timezone, translation

from surveys.models import Survey

from ..models import DevelopmentPlan
from .report import RenderedReport, pdf_from_data, report_data
from .word import report_docx


def report_render_docx(*, plan: DevelopmentPlan, survey: Survey | None, language: str) -> bytes:
    """The report as a Word document (.docx) in `language`."""
    data = report_data(plan=plan, survey=survey, language=language)
    with translation.override(language):
        return report_docx(data, generated_on=timezone.localdate())


def report_render(*, plan: DevelopmentPlan, survey: Survey | None, language: str) -> RenderedReport:
    """Both editions of the report from one gathering of its data: the tagged PDF and the Word document."""
    data = report_data(plan=plan, survey=survey, language=language)
    rendered = pdf_from_data(data)
    with translation.override(language):
        docx = report_docx(data, generated_on=timezone.localdate())
    return RenderedReport(pdf=rendered.pdf, page_count=rendered.page_count, checksum=rendered.checksum, docx=docx)
