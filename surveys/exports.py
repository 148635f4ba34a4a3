"""The responses of a survey as a table, one row per organisation: streamed CSV and XLSX for staff and the command.

Texts that a spreadsheet would run as a formula are neutralised (CSV injection); numbers stay numbers.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from teknokyla.core.spreadsheets import neutralise
from workforce.survey import rows_text, skill_area_names

from .forms import OTHER_SUFFIX
from .models import Answer, Question, Response, Survey
from .results import current_buildings

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIXED_COLUMNS = ["company", "business_id", "buildings", "industry_section", "status", "submitted_at", "last_saved_at"]
CHUNK = 500


def filename_for(survey: Survey, fmt: str) -> str:
    return f"{survey.slug}-responses.{fmt}"


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets know no time zones: the portal's local time, to the second.
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _cell(question: Question, value, names: dict[str, str] | None = None):
    """A stored answer as a cell: numbers as numbers, dates as dates, several choices joined with “; ”.

    A workforce needs table is one text, “skill area: count (window); …”, naming skill areas from `names`.
    """
    if value in (None, "", []):
        return None
    if question.type == Question.Type.WORKFORCE_TABLE:
        return rows_text(value, names or {}, window_labels=False) or None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if question.type in Question.NUMBER_TYPES or question.type == Question.Type.SCALE:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return str(value)
    if question.type == Question.Type.DATE:
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _columns(questions: list[Question]) -> list[tuple[Question, bool]]:
    """(question, is the other-text column) for each answer column, in survey order."""
    columns = []
    for question in questions:
        columns.append((question, False))
        if question.is_choice and question.has_other:
            columns.append((question, True))
    return columns


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def export_rows(survey: Survey) -> Iterator[list]:
    """The header, then one row per response ordered by organisation; answers are read a chunk of rows at a time."""
    questions = Question.objects.filter(section__survey=survey).order_by("section__order", "section__pk", "order", "pk")
    columns = _columns(list(questions))
    has_table = any(question.type == Question.Type.WORKFORCE_TABLE for question, _other in columns)
    names = skill_area_names() if has_table else {}
    header = FIXED_COLUMNS + [q.code + OTHER_SUFFIX if other else q.code for q, other in columns]
    yield [neutralise(name) for name in header]
    responses = Response.objects.filter(survey=survey)
    buildings = current_buildings(responses.values("company_id"))
    ordered = responses.select_related("company").order_by("company__name", "pk").iterator(chunk_size=CHUNK)
    for chunk in _chunks(ordered, CHUNK):
        answers = {
            (response_id, question_id): (value, other)
            for response_id, question_id, value, other in Answer.objects.filter(response__in=chunk).values_list(
                "response_id", "question_id", "value", "other_text"
            )
        }
        for response in chunk:
            company = response.company
            row = [
                company.name,
                company.business_id,
                "; ".join(buildings.get(company.pk, [])),
                company.industry_section,
                response.status,
                _local(response.submitted_at),
                _local(response.last_saved_at),
            ]
            for question, other in columns:
                value, other_text = answers.get((response.pk, question.pk), (None, ""))
                row.append((other_text or None) if other else _cell(question, value, names))
            yield [neutralise(cell) for cell in row]


class _Echo:
    """A file-like object that hands back what is written, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(survey: Survey) -> Iterator[str]:
    """The CSV text, line by line, starting with the UTF-8 byte-order mark that Excel needs."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in export_rows(survey):
        yield writer.writerow(row)


def write_csv(survey: Survey, stream) -> None:
    """Write the CSV to a text stream (opened with newline="")."""
    for chunk in csv_chunks(survey):
        stream.write(chunk)


def write_xlsx(survey: Survey, stream) -> None:
    """Write the XLSX workbook to a binary stream; the write-only workbook keeps memory flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Responses")[:31])
    for row in export_rows(survey):
        sheet.append(row)  # export_rows has neutralised every text
    workbook.save(stream)
