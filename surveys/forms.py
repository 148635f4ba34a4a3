"""The form of one survey page, built from its questions.

Each question is one field named by its code; a choice question with
"other, what?" has a second field `<code>__other`. Required questions are
checked only when they are visible and the respondent moves on or submits,
so a draft can be saved half done. A workforce needs table posts its rows as
`<code>-<i>-<column>` with their number in `<code>-rows`.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from teknokyla.core.inputs import has_control_characters, validate_no_control_characters
from workforce.models import MAX_COUNT, Level, SkillArea, WorkforceNeed
from workforce.survey import ROW_FIELDS

from .models import OTHER_VALUE, Question

YES, NO = "yes", "no"
OTHER_SUFFIX = "__other"
ROWS_SUFFIX = "-rows"
# More rows than this is not a form a person filled in.
MAX_TABLE_ROWS = 100
ROLE_MAX_LENGTH = WorkforceNeed._meta.get_field("role").max_length
ROW_DEFAULTS = {"level": Level.ANY, "kind": WorkforceNeed.Kind.PERMANENT}
TEMPLATE_INDEX = "__index__"


def _choices(question: Question, choices) -> list[tuple[str, str]]:
    options = [(choice.value, choice.label) for choice in choices]
    if question.has_other:
        options.append((OTHER_VALUE, _("Other")))
    return options


# The workforce needs table ------------------------------------------------------


def row_name(code: str, index, column: str) -> str:
    """The posted name of one cell of a table question."""
    return f"{code}-{index}-{column}"


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
    skill_areas: list[tuple[str, str, bool]]  # (slug, name, retired)
    windows: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    general_errors: list[str]

    @property
    def count_name(self) -> str:
        return self.code + ROWS_SUFFIX

    @property
    def rows_and_template(self) -> list[TableRow]:
        """The rows, then the template row: one loop of the template draws both."""
        return [*self.rows, self.template_row]


class WorkforceTableBoundField(forms.BoundField):
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
                (area.slug, area.name, area.retired)
                for area in self.field.skill_areas
                if not area.retired or area.slug in chosen
            ],
            windows=list(WorkforceNeed.Window.choices),
            levels=list(Level.choices),
            kinds=list(WorkforceNeed.Kind.choices),
            general_errors=general,
        )


class OptionsBoundField(forms.BoundField):
    """A radio or checkbox question's field, with its options as plain tuples for the page template."""

    @cached_property
    def options(self) -> list[tuple[str, str, bool, str]]:
        """(element id, value, checked, label) of each option: what the template reads of Django's subwidgets."""
        return [
            (option.id_for_label, option.data["value"], option.data["selected"], option.choice_label)
            for option in self.subwidgets
        ]


def _row_error(number: int, column: str, problem) -> ValidationError:
    return ValidationError(
        _("Row %(row)s: %(problem)s"),
        code=f"row_{column}",
        params={"row": number, "column": column, "problem": problem},
    )


class WorkforceTableField(forms.Field):
    """Rows of workforce needs: each row is checked on its own; blank rows are left out."""

    widget = WorkforceTableWidget

    def __init__(self, *, skill_areas, **kwargs):
        super().__init__(**kwargs)
        self.skill_areas = list(skill_areas)
        self.areas_by_slug = {area.slug: area for area in self.skill_areas}

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
        for column, choices, problem in (
            ("window", WorkforceNeed.Window.values, _("Choose when the people are needed.")),
            ("level", Level.values, _("Choose an education level from the list.")),
            ("kind", WorkforceNeed.Kind.values, _("Choose a kind of job from the list.")),
        ):
            value = raw.get(column) or ROW_DEFAULTS.get(column, "")
            if value not in choices:
                errors.append(_row_error(number, column, problem))
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


def _skill_areas() -> list[SkillArea]:
    return list(SkillArea.objects.all())


# Fields ------------------------------------------------------------------------------


def field_for(question: Question, choices, skill_areas=None) -> forms.Field:
    """The form field that asks one question; a table question offers `skill_areas` (all of them when None)."""
    common: dict[str, Any] = {"label": question.text, "help_text": question.help_text, "required": False}
    low = question.min_value
    high = question.max_value
    kind = question.type
    T = Question.Type
    options: dict[str, Any] = {"bound_field_class": OptionsBoundField}  # radio buttons and checkboxes
    if kind == T.SHORT_TEXT:
        return forms.CharField(max_length=500, **common)
    if kind == T.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    # Numbers are localized so that "12,5" is read as in Finnish; a text input keeps the check on the server.
    if kind == T.INTEGER:
        return forms.IntegerField(
            min_value=int(low) if low is not None else -1_000_000_000,
            max_value=int(high) if high is not None else 1_000_000_000,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if kind == T.DECIMAL:
        return forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=low if low is not None else Decimal("-999999999999"),
            max_value=high if high is not None else Decimal("999999999999"),
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if kind == T.SINGLE_CHOICE:
        return forms.ChoiceField(choices=_choices(question, choices), widget=forms.RadioSelect, **options, **common)
    if kind == T.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices(question, choices), widget=forms.CheckboxSelectMultiple, **options, **common
        )
    if kind == T.SCALE:
        labels = {1: question.scale_min_label, 5: question.scale_max_label}
        scale = [(str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n)) for n in range(1, 6)]
        return forms.TypedChoiceField(
            choices=scale, coerce=int, empty_value=None, widget=forms.RadioSelect, **options, **common
        )
    if kind == T.YES_NO:
        return forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **options, **common
        )
    if kind == T.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == T.WORKFORCE_TABLE:
        return WorkforceTableField(skill_areas=_skill_areas() if skill_areas is None else skill_areas, **common)
    raise ValueError(f"unknown question type {kind!r}")


def to_storage(question: Question, cleaned):
    """The JSON value kept in Answer.value for a cleaned field value (None when empty)."""
    if cleaned in (None, "", []):
        return None
    if isinstance(cleaned, Decimal):
        return str(cleaned.normalize()) if cleaned == cleaned.to_integral() else str(cleaned)
    if isinstance(cleaned, datetime.date):
        return cleaned.isoformat()
    return cleaned


def to_initial(question: Question, value):
    """The form's initial value for a stored Answer.value."""
    if value is None:
        return None
    if question.type == Question.Type.SCALE:
        return str(value)
    if question.type == Question.Type.DECIMAL:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value
    return value


def page_fields(questions) -> dict[str, forms.Field]:
    """The fields asking a page's questions, in page order; labels in the active language.

    One query for the skill areas of every table question on the page, and none without one.
    """
    tables = any(question.type == Question.Type.WORKFORCE_TABLE for question in questions)
    skill_areas = _skill_areas() if tables else None
    fields = {}
    for question in questions:
        fields[question.code] = field_for(question, question.choices.all(), skill_areas)
        if question.is_choice and question.has_other:
            fields[question.code + OTHER_SUFFIX] = forms.CharField(
                label=_("Other, what?"), max_length=500, required=False
            )
    return fields


class SectionForm(forms.Form):
    """One page of the survey; `questions` come with their choices prefetched."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, questions, require_complete=False, visible=None, fields=None, **kwargs):
        """`fields` are the page's fields as `page_fields` built them, when the caller keeps them ready."""
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.require_complete = require_complete
        # A callable telling, from the cleaned data of this page, whether a question is shown.
        self.visible = visible or (lambda question, data: True)
        if fields is None:
            fields = page_fields(self.questions)
        # Copied as Django copies a form's declared fields: a form may change its own fields, never the shared ones.
        for name, asking in fields.items():
            self.fields[name] = copy.deepcopy(asking)

    def clean(self):
        data = super().clean()
        for question in self.questions:
            if not self.visible(question, data):
                # A hidden question is neither checked nor kept; clearing it also hides its own dependants.
                for name in (question.code, question.code + OTHER_SUFFIX):
                    self.errors.pop(name, None)  # the ErrorDict being filled; Form.errors is public
                    if name in self.fields:
                        data[name] = None
                continue
            if question.code not in data and question.code in self.errors:
                continue
            value = data.get(question.code)
            if question.is_choice and question.has_other:
                picked = value if isinstance(value, list) else [value]
                other = (data.get(question.code + OTHER_SUFFIX) or "").strip()
                if OTHER_VALUE in picked and not other:
                    self.add_error(question.code + OTHER_SUFFIX, _("Tell what the other option is."))
            if self.require_complete and question.required and value in (None, "", []):
                self.add_error(question.code, _("This question is required."))
        return data

    def answers(self) -> dict[int, tuple[object, str]]:
        """{question id: (stored value, other text)} for every question of the page; hidden ones are None."""
        result: dict[int, tuple[object, str]] = {}
        for question in self.questions:
            if not self.visible(question, self.cleaned_data):
                result[question.pk] = (None, "")
                continue
            value = to_storage(question, self.cleaned_data.get(question.code))
            other = ""
            if question.is_choice and question.has_other:
                picked = value if isinstance(value, list) else [value]
                if OTHER_VALUE in picked:
                    other = (self.cleaned_data.get(question.code + OTHER_SUFFIX) or "").strip()
            result[question.pk] = (value, other)
        return result


# Staff acting on an organisation's behalf -----------------------------------------------------------------------

# The history keeps the reason in a column of this size (django-simple-history's history_change_reason).
REASON_MAX_LENGTH = 100


class ReasonForm(forms.Form):
    """Why staff change an organisation's response; the history keeps it beside the change."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("A short note kept in the history, e.g. “Corrected by phone with the company, 3 Nov.”"),
        error_messages={"required": _("Give a reason for the change.")},
    )

    def __init__(self, *args, **kwargs):
        # Prefixed: the page's own fields are named by the questions' codes.
        kwargs.setdefault("prefix", "correction")
        super().__init__(*args, **kwargs)
