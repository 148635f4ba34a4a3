"""The responses of a survey as a table, one row per organisation: streamed CSV and XLSX for staff and the command.

Two forms. The analysts' form (the default) heads each column with the question's text in the chosen language and
its code below, writes choices as their labels with a 0/1 column per option of a multiple choice, puts the
workforce needs on a sheet of their own and adds a codebook. The codes form (`codes=True`) is the former
code-only table that scripts read. Every cell goes through `teknokyla.core.spreadsheets`, so no text is written as
a formula (CSV injection); numbers stay numbers. Answers are read a chunk of organisations at a time, so the
number of queries does not grow with the responses.
"""

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django import forms
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from teknokyla.core.spreadsheets import append_row, neutralise, xlsx_cell

from .forms import OTHER_SUFFIX
from .models import Answer, Choice, Question, Response, Survey
from .questions import lookups, question_type
from .results import current_buildings, section_label

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LANGUAGES = ("fi", "sv", "en")
# CSV dialects: "excel" opens into columns on a double click in a Finnish (or Swedish) Excel: semicolons, a UTF-8
# byte-order mark, decimal commas and dates as the language writes them; "comma" is the plain form that tools read.
DIALECTS = {
    "excel": gettext_lazy("For Excel: semicolons, decimal commas"),
    "comma": gettext_lazy("For tools: commas, decimal points, ISO dates"),
}
FIXED_COLUMNS = ["company", "business_id", "buildings", "industry_section", "status", "submitted_at", "last_saved_at"]
CHUNK = 500
# How a date and a moment read in each language, in a workbook's number format and in an Excel CSV.
XLSX_DATE = {"fi": "d.m.yyyy", "sv": "yyyy-mm-dd", "en": "yyyy-mm-dd"}
XLSX_MOMENT = {"fi": "d.m.yyyy h:mm", "sv": "yyyy-mm-dd hh:mm", "en": "yyyy-mm-dd hh:mm"}
CSV_DATE = {"fi": "%-d.%-m.%Y", "sv": "%Y-%m-%d", "en": "%Y-%m-%d"}
CSV_MOMENT = {"fi": "%-d.%-m.%Y %H:%M:%S", "sv": "%Y-%m-%d %H:%M:%S", "en": "%Y-%m-%d %H:%M:%S"}
COLUMN_WIDTH = 24


@dataclass(frozen=True)
class ExportOptions:
    """What a staff member chose: the analysts' form in a language (and a CSV dialect), or the codes form."""

    language: str = "fi"
    codes: bool = False
    dialect: str = "excel"


def filename_for(survey: Survey, fmt: str, options: ExportOptions | None = None) -> str:
    """The codes form keeps the former name; the analysts' form names its language."""
    if options is None or options.codes:
        return f"{survey.slug}-responses.{fmt}"
    return f"{survey.slug}-responses-{options.language}.{fmt}"


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets know no time zones: the portal's local time, to the second.
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _cell(question: Question, value, lookup=None):
    """A stored answer as a cell: numbers as numbers, dates as dates, several choices joined with “; ”.

    A workforce needs table is one text, “skill area: count (window); …”, naming skill areas from its `lookup`.
    """
    if value in (None, "", []):
        return None
    return question_type(question).cell(question, value, lookup)


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _questions(survey: Survey) -> list[Question]:
    """The survey's questions in survey order, with their choices and the choice that shows each; three queries."""
    return list(
        Question.objects.filter(section__survey=survey)
        .select_related("section", "shown_if_choice__question")
        .order_by("section__order", "section__pk", "order", "pk")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )


def _response_chunks(survey: Survey) -> Iterator[tuple[list[Response], dict, dict]]:
    """(responses, {(response id, question id): (value, other text)}, {company id: buildings}) a chunk at a time.

    One query for the buildings, then two per chunk (the responses with their organisations, their answers).
    """
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
        yield chunk, answers, buildings


# The codes form: the former table for scripts ---------------------------------------------------------------------


def _code_columns(questions: list[Question]) -> list[tuple[Question, bool]]:
    """(question, is the other-text column) for each answer column, in survey order."""
    columns = []
    for question in questions:
        columns.append((question, False))
        if question.is_choice and question.has_other:
            columns.append((question, True))
    return columns


def export_rows(survey: Survey) -> Iterator[list]:
    """The codes form: the header of codes, then one row per response ordered by organisation."""
    questions = Question.objects.filter(section__survey=survey).order_by("section__order", "section__pk", "order", "pk")
    columns = _code_columns(list(questions))
    found = lookups(question for question, _other in columns)
    yield FIXED_COLUMNS + [q.code + OTHER_SUFFIX if other else q.code for q, other in columns]
    for chunk, answers, buildings in _response_chunks(survey):
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
                row.append((other_text or None) if other else _cell(question, value, found[question.type]))
            yield row


# The analysts' form -----------------------------------------------------------------------------------------------

Read = Callable[[Any, str], Any]  # (stored value, other text) -> the cell


@dataclass
class Column:
    text: str  # the header in the chosen language
    code: str  # the header for tools
    question: Question | None
    read: Read | None = None  # None for the organisation's own columns


def status_labels() -> dict[str, str]:
    """A response's status as the dashboard names it, in the active language."""
    return {value: str(label) for value, label in Response.Status.choices}


def _question_columns(question: Question, lookup) -> list[Column]:
    """The columns of one question, headed in the active language."""
    return [
        Column(column.text, column.code, question, column.read)
        for column in question_type(question).export_columns(question, lookup)
    ]


def _columns(questions: list[Question], found: dict) -> list[Column]:
    fixed = [
        (_("Organisation"), "company"),
        (_("Business ID"), "business_id"),
        (_("Buildings"), "buildings"),
        (_("Industry"), "industry_section"),
        (_("Status"), "status"),
        (_("Submitted at"), "submitted_at"),
        (_("Last saved at"), "last_saved_at"),
    ]
    columns = [Column(text, code, None) for text, code in fixed]
    for question in questions:
        columns.extend(_question_columns(question, found[question.type]))
    return columns


def _labelled_rows(survey: Survey, columns: list[Column], own_rows: Callable | None = None) -> Iterator[list]:
    """One row per response in the active language; `own_rows(company, question, value)` is given each answer of a
    question whose type has a sheet of its own."""
    statuses = status_labels()
    sections: dict[str, str] = {}
    with_sheets = []
    if own_rows is not None:
        asked = dict.fromkeys(column.question for column in columns if column.question is not None)
        with_sheets = [question for question in asked if question_type(question).export_sheet() is not None]
    for chunk, answers, buildings in _response_chunks(survey):
        for response in chunk:
            company = response.company
            letter = company.industry_section
            if letter and letter not in sections:
                sections[letter] = section_label(letter)
            row = [
                company.name,
                company.business_id,
                "; ".join(buildings.get(company.pk, [])),
                sections.get(letter),
                statuses.get(response.status, response.status),
                _local(response.submitted_at),
                _local(response.last_saved_at),
            ]
            for column in columns[len(row) :]:
                # After the organisation's own columns, every column is a question's, with its reader.
                assert column.question is not None and column.read is not None
                value, other = answers.get((response.pk, column.question.pk), (None, ""))
                row.append(column.read(value, other))
            if own_rows is not None:
                for question in with_sheets:
                    value, _other = answers.get((response.pk, question.pk), (None, ""))
                    own_rows(company, question, value)
            yield row


def _condition(question: Question) -> str:
    """“role = it (Software)”: the answer that shows the question, or nothing when it is always shown."""
    choice = question.shown_if_choice
    if choice is None:
        return ""
    return f"{choice.question.code} = {choice.value} ({choice.label})"


def _codebook_rows(questions: list[Question]) -> Iterator[list]:
    yield [_("Code"), _("Question"), _("Type"), _("Options (code = label)"), _("Shown only if"), _("Page")]
    for question in questions:
        options = question_type(question).codebook_options(question)
        yield [
            question.code,
            question.text,
            question.get_type_display(),
            "\n".join(options),
            _condition(question),
            question.section.title,
        ]


# Writing ----------------------------------------------------------------------------------------------------------


def _csv_value(value, options: ExportOptions):
    """A cell as the CSV dialect writes it: decimal commas and the language's dates for Excel, ISO for tools."""
    excel = options.dialect == "excel" and not options.codes
    if isinstance(value, datetime.datetime):
        return value.strftime(CSV_MOMENT[options.language]) if excel else str(value)
    if isinstance(value, datetime.date):
        return value.strftime(CSV_DATE[options.language]) if excel else str(value)
    if isinstance(value, Decimal | float) and excel:
        return str(value).replace(".", ",")
    return neutralise(value)


class _Echo:
    """A file-like object that hands back what is written, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(survey: Survey, options: ExportOptions) -> Iterator[str]:
    """The CSV text, line by line. The Excel dialect and the codes form start with the byte-order mark of UTF-8."""
    delimiter = ";" if options.dialect == "excel" and not options.codes else ","
    writer = csv.writer(_Echo(), delimiter=delimiter)
    if options.codes or options.dialect == "excel":
        yield "\ufeff"
    if options.codes:
        for row in export_rows(survey):
            yield writer.writerow([_csv_value(cell, options) for cell in row])
        return
    # The headers and labels in the chosen language, however the page was asked for; the override ends with the file.
    with translation.override(options.language):
        questions = _questions(survey)
        columns = _columns(questions, lookups(questions))
        if options.dialect == "excel":
            yield writer.writerow([neutralise(column.text) for column in columns])
        yield writer.writerow([neutralise(column.code) for column in columns])
        for row in _labelled_rows(survey, columns):
            yield writer.writerow([_csv_value(cell, options) for cell in row])


def write_csv(survey: Survey, stream, options: ExportOptions) -> None:
    """Write the CSV to a text stream (opened with newline="")."""
    for chunk in csv_chunks(survey, options):
        stream.write(chunk)


def _xlsx_row(sheet, row: list, language: str) -> list:
    """The cells of a data row: dates and moments shown as the language writes them."""
    cells = []
    for value in row:
        if isinstance(value, datetime.datetime):
            cells.append(xlsx_cell(sheet, value, number_format=XLSX_MOMENT[language]))
        elif isinstance(value, datetime.date):
            cells.append(xlsx_cell(sheet, value, number_format=XLSX_DATE[language]))
        else:
            cells.append(xlsx_cell(sheet, value))
    return cells


def _headed_sheet(workbook: Workbook, title: str, texts: list[str], codes: list[str] | None = None):
    """A sheet with its header rows in bold and frozen (with the first column), the columns a readable width."""
    sheet = workbook.create_sheet(title=title[:31])
    for index in range(1, len(texts) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTH
    sheet.freeze_panes = "B3" if codes else "B2"
    append_row(sheet, [xlsx_cell(sheet, text, bold=True) for text in texts])
    if codes:
        append_row(sheet, [xlsx_cell(sheet, code) for code in codes])
    return sheet


def _filter_rows(sheet, header_row: int, columns: int, rows: int) -> None:
    """An autofilter on the header row (the codes' row under the texts) over every data row."""
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(max(columns, 1))}{header_row + rows}"


def _write_labelled(workbook: Workbook, survey: Survey, language: str) -> None:
    """The analysts' sheets, in the active language: the responses, a sheet of each type that has its own (the
    workforce needs), the codebook."""
    questions = _questions(survey)
    found = lookups(questions)
    columns = _columns(questions, found)
    sheet = _headed_sheet(workbook, _("Responses"), [c.text for c in columns], [c.code for c in columns])
    # {type: (its sheet, its columns' codes)} of the types of the survey that have a sheet of their own.
    own_sheets = {}
    for kind in found:
        own = question_type(kind).export_sheet()
        if own is not None:
            own_sheets[kind] = (_headed_sheet(workbook, own.title, own.header, own.codes), own.codes)
    counted = dict.fromkeys(["responses", *own_sheets], 0)

    def add_own_rows(company, question, value):
        own_sheet, _codes = own_sheets[question.type]
        for row in question_type(question).sheet_rows(company, question, value, found[question.type]):
            append_row(own_sheet, _xlsx_row(own_sheet, row, language))
            counted[question.type] += 1

    for row in _labelled_rows(survey, columns, add_own_rows if own_sheets else None):
        append_row(sheet, _xlsx_row(sheet, row, language))
        counted["responses"] += 1
    _filter_rows(sheet, 2, len(columns), counted["responses"])
    for kind, (own_sheet, codes) in own_sheets.items():
        _filter_rows(own_sheet, 2, len(codes), counted[kind])
    header, *rows = _codebook_rows(questions)
    codebook = _headed_sheet(workbook, _("Codebook"), header)
    for row in rows:
        append_row(codebook, row)
    _filter_rows(codebook, 1, len(header), len(rows))


def write_xlsx(survey: Survey, stream, options: ExportOptions) -> None:
    """Write the XLSX workbook to a binary stream; the write-only workbook keeps memory flat."""
    workbook = Workbook(write_only=True)
    if options.codes:
        sheet = workbook.create_sheet(title=_("Responses")[:31])
        for row in export_rows(survey):
            append_row(sheet, row)
    else:
        with translation.override(options.language):
            _write_labelled(workbook, survey, options.language)
    workbook.save(stream)


# The staff page's choices -----------------------------------------------------------------------------------------


class ExportForm(forms.Form):
    """What the export page asks: the file's format, the language of its headers and labels, the CSV's dialect."""

    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", gettext_lazy("Excel workbook (XLSX)")), ("csv", gettext_lazy("CSV text file"))],
        initial="xlsx",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the questions and answers"),
        # Each language in its own name, as a language switcher lists them.
        choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    dialect = forms.ChoiceField(
        label=gettext_lazy("CSV for"),
        choices=list(DIALECTS.items()),
        initial="excel",
        required=False,
        help_text=gettext_lazy(
            "The CSV for Excel opens into columns on a double click in a Finnish or Swedish Excel: semicolons between "
            "the columns, decimal commas and dates as the language writes them. The CSV for tools has commas, decimal "
            "points and ISO dates, and one header row of codes. The codes-only file is the same for every language."
        ),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    codes = forms.BooleanField(
        label=gettext_lazy("Codes only: question codes as headers and answer codes as values, for scripts"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def options(self) -> ExportOptions:
        """The cleaned choices; the page's language and the Excel dialect where none was given."""
        language = self.cleaned_data.get("language") or (translation.get_language() or "fi")[:2]
        return ExportOptions(
            language=language if language in LANGUAGES else "fi",
            codes=self.cleaned_data.get("codes", False),
            dialect=self.cleaned_data.get("dialect") or "excel",
        )
