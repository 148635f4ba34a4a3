"""The question-type registry: one class per `Question.Type` says how its question is asked, stored, shown,
summarised and exported, so that no other module branches on the type.

A type is registered once, by the app that owns it: `surveys.questions.builtin` registers the survey's own, an app
above surveys registers its own from its `AppConfig.ready()` (workforce: the workforce needs table).
"""

import datetime
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django import forms

from ..models import Question, Response
from .summaries import QuestionResult, Texts, Values, text_answers

# An analysts' export column reads a cell from an answer's (stored value, other text).
Read = Callable[[Any, str], Any]


@dataclass
class ExportColumn:
    """One column of the analysts' export: its header in the active language, its code, how a cell is read."""

    text: str
    code: str
    read: Read


@dataclass
class ExportSheet:
    """A sheet of its own in the analysts' workbook, for a type whose answers hold rows (one row per row)."""

    title: str
    header: list[str]
    codes: list[str]


class UnknownQuestionType(LookupError):
    """A question's type that no class is registered for."""


class QuestionType:
    """How one type of question behaves; subclass it and decorate the subclass with `@register`.

    `lookup()` is what the type reads once for a batch of questions (a page, the results, an export), so that the
    methods that take `lookup` cost no query each; most types need nothing and return None.
    """

    type: ClassVar[str]  # the Question.Type value
    input_type: ClassVar[str | None] = None  # "radio" or "checkbox": drawn as a fieldset of options
    answer_template: ClassVar[str | None] = None  # its own Jinja2 template (jinja2/) on the survey page, drawn wide
    results_kind: ClassVar[str] = "texts"  # which block of the results template shows it
    free_text: ClassVar[bool] = False  # the results read its answers as texts instead of counting its values
    fields_cacheable: ClassVar[bool] = True  # False when its form field depends on data outside the survey

    def lookup(self) -> Any:
        return None

    # Asking ------------------------------------------------------------------------------------------------------

    def field(self, question: Question, choices: Iterable[Any], lookup: Any, common: dict[str, Any]) -> forms.Field:
        """The form field that asks the question; `common` holds its label, help text and `required`."""
        raise NotImplementedError

    def has_scale_labels(self, question: Question) -> bool:
        """Whether the page shows what the ends of a scale mean."""
        return False

    def markup_inputs(self, field: forms.BoundField) -> Hashable | None:
        """What the question's markup on a page reads besides the survey's content, the language and the field's
        name, id and value; a worker keeps a drawn copy under it (`surveys.markup`). None: draw it every time."""
        return ()

    def to_storage(self, question: Question, cleaned: Any) -> Any:
        """The JSON value kept in Answer.value for a cleaned field value (None when empty)."""
        if cleaned in (None, "", []):
            return None
        if isinstance(cleaned, Decimal):
            return str(cleaned.normalize()) if cleaned == cleaned.to_integral() else str(cleaned)
        if isinstance(cleaned, datetime.date):
            return cleaned.isoformat()
        return cleaned

    def to_initial(self, question: Question, value: Any) -> Any:
        """The form's initial value for a stored (not None) Answer.value."""
        return value

    # Showing -----------------------------------------------------------------------------------------------------

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        """A stored (not empty) answer as the respondent reads it."""
        return str(value)

    def record_lines(self, value: Any, lookup: Any) -> list[Any]:
        """The rows the staff's record of a response shows under the answer (a table's rows); none by default."""
        return []

    # Results -----------------------------------------------------------------------------------------------------

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        """Fill `result` from the question's answered values with their counts, or its texts (`free_text`)."""
        rows, result.text_total = texts.get("text", ([], 0))
        result.answered = result.text_total
        result.texts = text_answers(rows, with_names)

    # Exports -----------------------------------------------------------------------------------------------------

    def cell(self, question: Question, value: Any, lookup: Any) -> Any:
        """A stored (not empty) answer as a cell of the codes form: several values joined with “; ”."""
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return self.scalar_cell(question, value)

    def scalar_cell(self, question: Question, value: Any) -> Any:
        return str(value)

    def export_columns(self, question: Question, lookup: Any) -> list[ExportColumn]:
        """The question's columns in the analysts' form, headed in the active language."""

        def read(value: Any, other: str) -> Any:
            return None if value in (None, "", []) else self.cell(question, value, None)

        return [ExportColumn(question.text, question.code, read)]

    def codebook_options(self, question: Question) -> list[str]:
        """The “code = label” lines of the question in the codebook."""
        return []

    def export_sheet(self) -> ExportSheet | None:
        """A sheet of its own in the analysts' workbook, or None."""
        return None

    def sheet_rows(self, company: Any, question: Question, value: Any, lookup: Any) -> Iterator[list[Any]]:
        """The rows of an answer on the type's own sheet."""
        return iter(())

    # Hooks -------------------------------------------------------------------------------------------------------

    def response_submitted(self, *, response: Response) -> None:
        """Called inside the transaction (the response's row locked) when a response is submitted, or changed
        after it was; once per registered type, whatever the survey's questions."""


_registry: dict[str, QuestionType] = {}
T = TypeVar("T", bound=type[QuestionType])


def register(cls: T) -> T:
    """Class decorator: make `cls` the class of its `type`; a second class for one type is refused."""
    key = str(cls.type)
    if key not in Question.Type.values:
        raise ValueError(f"{cls.__name__}.type {key!r} is not a Question.Type")
    current = _registry.get(key)
    if current is not None and type(current) is not cls:
        raise ValueError(f"question type {key!r} is registered already, by {type(current).__name__}")
    _registry[key] = cls()
    return cls


def question_type(question: Question | str) -> QuestionType:
    """The registered type of a question (or of a Question.Type value)."""
    key = str(question if isinstance(question, str) else question.type)
    try:
        return _registry[key]
    except KeyError:
        raise UnknownQuestionType(f"no question type is registered for {key!r}") from None


def registered() -> dict[str, QuestionType]:
    """{Question.Type value: its type}, of every type registered so far."""
    return dict(_registry)


def lookups(questions: Iterable[Question]) -> dict[str, Any]:
    """{type: what it reads once} for the types of `questions`; a query only for a type that needs one."""
    found: dict[str, Any] = {}
    for question in questions:
        if question.type not in found:
            found[question.type] = question_type(question).lookup()
    return found


def response_submitted(*, response: Response) -> None:
    """Tell every type that a response was submitted, or changed after it was (a table's rows become needs)."""
    for kind in _registry.values():
        kind.response_submitted(response=response)
