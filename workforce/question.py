"""The survey's workforce needs table question, plugged into surveys' question-type registry from `apps.ready()`.

A table posts its rows as `<code>-<i>-<column>` with their number in `<code>-rows`; each row is checked on its own.
A submitted response's rows become the organisation's workforce needs (`survey.needs_sync_from_response`).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from surveys.forms import ROWS_SUFFIX, row_name
from surveys.models import Question, Response
from surveys.questions import ExportColumn, ExportSheet, QuestionType, register
from surveys.questions.summaries import QuestionResult, TextAnswer, Texts, Values, read_number
from teknokyla.core.inputs import has_control_characters, validate_no_control_characters

from .models import MAX_COUNT, Level, SkillArea, WorkforceNeed
from .survey import ROW_FIELDS, needs_sync_from_response, rows_text, table_rows

# More rows than this is not a form a person filled in.
MAX_TABLE_ROWS = 100
ROLE_MAX_LENGTH = cast(int, WorkforceNeed._meta.get_field("role").max_length)
ROW_DEFAULTS = {"level": Level.ANY, "kind": WorkforceNeed.Kind.PERMANENT}
TEMPLATE_INDEX = "__index__"


# The form field ---------------------------------------------------------------------------------------------------


def _is_blank(row: dict) -> bool:
    """A row with nothing typed or chosen (level and kind left at their defaults) is no row at all."""
    return all(not row.get(name) or row.get(name) == ROW_DEFAULTS.get(name) for name in ROW_FIELDS)


class WorkforceTableWidget(forms.Widget):
    """Reads the posted rows of a table question as dicts of texts; the template draws the table itself."""

    def value_from_datadict(self, data, files, name):
        try:
            count = int(data.get(name + ROWS_SUFFIX) or 0)
        except (TypeError, ValueError):
            count = 0
        # One over the limit is read, so that the field can say there are too many.
        count = max(0, min(count, MAX_TABLE_ROWS + 1))
        return [
            {column: str(data.get(row_name(name, index, column)) or "").strip() for column in ROW_FIELDS}
            for index in range(count)
        ]

    def value_omitted_from_data(self, data, files, name):
        return name + ROWS_SUFFIX not in data


@dataclass
class TableCell:
    name: str
    id: str
    value: str
    error: str = ""  # the problem, without the row number


@dataclass
class TableRow:
    index: object  # 0-based position, or the placeholder of the template row
    number: object  # 1-based, as the respondent reads it
    cells: dict[str, TableCell] = field(default_factory=dict)

    @property
    def number_html(self) -> str:
        """The row number in a span that survey.js renumbers when rows are added or removed."""
        return format_html('<span data-row-number="">{}</span>', self.number)

    @property
    def has_errors(self) -> bool:
        return any(cell.error for cell in self.cells.values())

    @property
    def is_template(self) -> bool:
        """True for the blank row that JavaScript copies when “Add a row” is pressed."""
        return self.index == TEMPLATE_INDEX


@dataclass
class WorkforceTable:
    """What the template needs to draw a table question: rows, options, the blank row that JavaScript copies."""

    code: str
    rows: list[TableRow]
    template_row: TableRow
    skill_areas: list[tuple[str, str]]  # (slug, name), a retired area's name saying so
    windows: list[tuple[str, str | Promise]]
    levels: list[tuple[str, str | Promise]]
    kinds: list[tuple[str, str | Promise]]
    general_errors: list[str]

    @property
    def count_name(self) -> str:
        return self.code + ROWS_SUFFIX

    @property
    def rows_and_template(self) -> list[TableRow]:
        """The rows, then the template row: one loop of the template draws both."""
        return [*self.rows, self.template_row]


class WorkforceTableBoundField(forms.BoundField):
    field: "WorkforceTableField"
    """A table question's field, with the rows the template draws."""

    def _row(self, index, number, values: dict, errors: dict) -> TableRow:
        cells = {}
        for column in ROW_FIELDS:
            name = row_name(self.html_name, index, column)
            value = values.get(column) or ROW_DEFAULTS.get(column)
            cells[column] = TableCell(name, "id_" + name, "" if value is None else str(value), errors.get(column, ""))
        return TableRow(index, number, cells)

    @cached_property
    def cell_errors(self) -> dict[tuple[int, str], str]:
        """{(row number, column): problem} of the posted rows."""
        found: dict[tuple[int, str], str] = {}
        for error in self.errors.as_data():
            params = error.params or {}
            if "column" in params:
                found.setdefault((params["row"], params["column"]), str(params["problem"]))
        return found

    @cached_property
    def table(self) -> WorkforceTable:
        values = [row for row in (self.value() or []) if isinstance(row, dict)]
        if not values or not _is_blank(values[-1]):
            values.append({})  # room for one more without JavaScript
        errors = self.cell_errors
        rows = [
            self._row(index, index + 1, row, {c: errors.get((index + 1, c), "") for c in ROW_FIELDS})
            for index, row in enumerate(values)
        ]
        # The error summary and the help text point at the question's own id: it goes to the first cell with an
        # error, or else to the first cell, so that following the link lands where the typing is needed.
        cells = [cell for row in rows for cell in row.cells.values()]
        target = next((cell for cell in cells if cell.error), cells[0])
        target.id = self.auto_id
        chosen = {row.cells["skill_area"].value for row in rows}
        retired_note = gettext("no longer in use")  # a call of its own: makemessages reads no call in an f-string
        general = []
        for error in self.errors.as_data():
            if "column" not in (error.params or {}):
                general.extend(error.messages)
        return WorkforceTable(
            code=self.html_name,
            rows=rows,
            template_row=self._row(TEMPLATE_INDEX, "__number__", {}, {}),
            # A retired area is offered only to a row that already has it, so that the row reads as typed.
            skill_areas=[
                (slug, f"{name} ({retired_note})" if retired else name)
                for slug, name, retired in self.field.named
                if not retired or slug in chosen
            ],
            windows=list(WorkforceNeed.Window.choices),
            levels=list(Level.choices),
            kinds=list(WorkforceNeed.Kind.choices),
            general_errors=general,
        )


def _row_error(number: int, column: str, problem) -> ValidationError:
    return ValidationError(
        _("Row %(row)s: %(problem)s"),
        code=f"row_{column}",
        params={"row": number, "column": column, "problem": problem},
    )


class WorkforceTableField(forms.Field):
    """Rows of workforce needs: each row is checked on its own; blank rows are left out."""

    widget = WorkforceTableWidget

    def __init__(self, *, skill_areas, named=None, **kwargs):
        super().__init__(**kwargs)
        self.skill_areas = list(skill_areas)
        self.areas_by_slug = {area.slug: area for area in self.skill_areas}
        # (slug, name, retired) in the language the field was built in (per request: it is never cached)
        self.named = named if named is not None else SkillAreas(self.skill_areas).named

    def get_bound_field(self, form, field_name):
        return WorkforceTableBoundField(form, self, field_name)

    def _clean_row(self, number: int, raw: dict) -> tuple[dict, list[ValidationError]]:
        row, errors = {}, []
        area = self.areas_by_slug.get(raw.get("skill_area") or "")
        if not raw.get("skill_area"):
            errors.append(_row_error(number, "skill_area", _("Choose a skill area.")))
        elif area is None:
            errors.append(_row_error(number, "skill_area", _("Choose a skill area from the list.")))
        elif area.retired:
            errors.append(_row_error(number, "skill_area", _("This skill area is no longer in use; choose another.")))
        row["skill_area"] = raw.get("skill_area") or ""
        row["role"] = raw.get("role") or ""
        if len(row["role"]) > ROLE_MAX_LENGTH:
            problem = _("The role can be at most %(limit)s characters.") % {"limit": ROLE_MAX_LENGTH}
            errors.append(_row_error(number, "role", problem))
        elif has_control_characters(row["role"]):
            errors.append(_row_error(number, "role", validate_no_control_characters.message))
        count = "".join((raw.get("count") or "").split())  # “1 000” as typed in Finnish
        limits = _("Give the number of people as a whole number from 1 to %(limit)s.") % {"limit": MAX_COUNT}
        if not count:
            errors.append(_row_error(number, "count", _("Give the number of people.")))
        elif not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= MAX_COUNT:
            errors.append(_row_error(number, "count", limits))
        else:
            row["count"] = int(count)
        for column, choices, choice_problem in (
            ("window", WorkforceNeed.Window.values, _("Choose when the people are needed.")),
            ("level", Level.values, _("Choose an education level from the list.")),
            ("kind", WorkforceNeed.Kind.values, _("Choose a kind of job from the list.")),
        ):
            value = raw.get(column) or ROW_DEFAULTS.get(column, "")
            if value not in choices:
                errors.append(_row_error(number, column, choice_problem))
            row[column] = value
        return {name: row.get(name) for name in ROW_FIELDS}, errors

    def clean(self, value):
        rows = [row for row in (value or []) if isinstance(row, dict)]
        if len(rows) > MAX_TABLE_ROWS:
            raise ValidationError(
                _("The table can have at most %(limit)s rows."), code="too_many", params={"limit": MAX_TABLE_ROWS}
            )
        cleaned, errors = [], []
        for number, raw in enumerate(rows, start=1):
            if _is_blank(raw):
                continue
            row, problems = self._clean_row(number, raw)
            cleaned.append(row)
            errors.extend(problems)
        if errors:
            raise ValidationError(errors)
        return cleaned


# The type --------------------------------------------------------------------------------------------------------


@dataclass
class SkillAreas:
    """What a table question reads once for a batch of questions: every skill area, retired ones included."""

    areas: list[SkillArea]

    @cached_property
    def names(self) -> dict[str, str]:
        """{slug: name in the active language}."""
        return {area.slug: area.name for area in self.areas}

    @cached_property
    def named(self) -> tuple[tuple[str, str, bool], ...]:
        """(slug, name in the active language, retired) of every area: what a table's selects offer."""
        return tuple((area.slug, area.name, area.retired) for area in self.areas)

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """The labels of a row's coded columns in the active language."""
        return {
            "window": {str(k): str(v) for k, v in WorkforceNeed.Window.choices},
            "level": {str(k): str(v) for k, v in Level.choices},
            "kind": {str(k): str(v) for k, v in WorkforceNeed.Kind.choices},
        }


def _names(lookup: SkillAreas | None) -> dict[str, str]:
    return lookup.names if lookup is not None else {}


@dataclass
class SkillAreaNeed:
    """The rows of a workforce needs table in one skill area, and the people they add up to."""

    label: str
    rows: int
    people: int


def _needs(values: Values, names: dict[str, str]) -> list[SkillAreaNeed]:
    """Rows and people per skill area of the table answers, most people first."""
    totals: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for value, times in values:
        for row in table_rows(value):
            area = str(row.get("skill_area", ""))
            totals[area][0] += times
            totals[area][1] += int(read_number(row.get("count")) or 0) * times
    needs = [SkillAreaNeed(names.get(area, area), count, people) for area, (count, people) in totals.items()]
    return sorted(needs, key=lambda need: (-need.people, need.label))


def _need_text(need: SkillAreaNeed) -> str:
    """“Welding: 7 people (2 rows)”."""
    people = ngettext("%(count)s person", "%(count)s people", need.people) % {"count": need.people}
    rows = ngettext("%(count)s row", "%(count)s rows", need.rows) % {"count": need.rows}
    return gettext("%(area)s: %(people)s (%(rows)s)") % {"area": need.label, "people": people, "rows": rows}


@dataclass
class TableLine:
    """One row of a workforce needs table, in words."""

    skill_area: str
    role: str
    count: object
    window: str | Promise
    level: str | Promise
    kind: str | Promise


# The columns of the analysts' sheet of needs: one row per row of a table answer.
NEED_COLUMNS = ["company", "business_id", "question", "skill_area", "role", "count", "window", "level", "kind"]


def _cell_number(value: Any) -> Any:
    """A stored count as a number, or as the text it is when it is none."""
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return str(value)


@register
class WorkforceTableType(QuestionType):
    """Rows of workforce needs: skill area, role, number of people, when, education level, kind of job."""

    type = Question.Type.WORKFORCE_TABLE
    answer_template = "surveys/answer/workforce_table.html"
    # Its skill areas change apart from the survey: its field is built for each page.
    fields_cacheable = False

    def lookup(self) -> SkillAreas:
        return SkillAreas(list(SkillArea.objects.all()))

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        found = lookup or self.lookup()
        return WorkforceTableField(skill_areas=found.areas, named=found.named, **common)

    def markup_inputs(self, field: forms.BoundField) -> tuple:
        """The skill areas the table offers, as it names them: they change apart from the survey's content."""
        return cast(WorkforceTableField, field.field).named

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        return rows_text(value, _names(lookup)) or "–"

    def record_lines(self, value: Any, lookup: Any) -> list[Any]:
        names = _names(lookup)
        windows = dict(WorkforceNeed.Window.choices)
        levels = dict(Level.choices)
        kinds = dict(WorkforceNeed.Kind.choices)
        lines = []
        for row in table_rows(value):
            area, window = str(row.get("skill_area", "")), str(row.get("window", ""))
            level, kind = str(row.get("level", "")), str(row.get("kind", ""))
            lines.append(
                TableLine(
                    names.get(area, area),
                    str(row.get("role") or ""),
                    row.get("count", ""),
                    windows.get(window, window),
                    levels.get(level, level),
                    kinds.get(kind, kind),
                )
            )
        return lines

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        result.needs = _needs(values, _names(lookup))
        # Shown as lines of text wherever a template has no table of its own for them.
        result.texts = [TextAnswer(_need_text(need), None) for need in result.needs]
        result.text_total = len(result.texts)

    def cell(self, question: Question, value: Any, lookup: Any) -> Any:
        """“skill area: count (window); …” with the windows' codes, naming skill areas from `lookup`."""
        return rows_text(value, _names(lookup), window_labels=False) or None

    def export_columns(self, question: Question, lookup: Any) -> list[ExportColumn]:
        names = _names(lookup)
        return [ExportColumn(question.text, question.code, lambda value, other: rows_text(value, names) or None)]

    def export_sheet(self) -> ExportSheet:
        header = [
            gettext("Organisation"),
            gettext("Business ID"),
            gettext("Question"),
            gettext("Skill area"),
            gettext("Role"),
            gettext("People needed"),
            gettext("When"),
            gettext("Level"),
            gettext("Kind"),
        ]
        return ExportSheet(gettext("Workforce needs"), header, NEED_COLUMNS)

    def sheet_rows(self, company: Any, question: Question, value: Any, lookup: Any) -> Iterator[list[Any]]:
        names = _names(lookup)
        labels = lookup.labels if lookup is not None else SkillAreas([]).labels
        for row in table_rows(value):
            area = str(row.get("skill_area", ""))
            count = row.get("count")
            yield [
                company.name,
                company.business_id,
                question.code,
                names.get(area, area),
                str(row.get("role") or "") or None,
                _cell_number(count),
                labels["window"].get(str(row.get("window", "")), row.get("window")),
                labels["level"].get(str(row.get("level", "")), row.get("level")),
                labels["kind"].get(str(row.get("kind", "")), row.get("kind")),
            ]

    def response_submitted(self, *, response: Response) -> None:
        # The submitted table rows become the organisation's workforce needs, in the same transaction.
        needs_sync_from_response(response=response)
