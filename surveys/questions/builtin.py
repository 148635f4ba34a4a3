"""The survey's own question types: texts, numbers, choices, a scale, yes/no and a date."""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import OTHER_VALUE, Question
from .base import ExportColumn, QuestionType, register
from .summaries import (
    NumberSummary,
    OptionCount,
    QuestionResult,
    Texts,
    Values,
    median,
    read_date,
    read_number,
    share,
    text_answers,
)

YES, NO = "yes", "no"
T = Question.Type


class OptionsBoundField(forms.BoundField):
    """A radio or checkbox question's field, with its options as plain tuples for the page template."""

    @cached_property
    def options(self) -> list[tuple[str, Any, bool, str]]:
        """(element id, value, checked, label) of each option, as Django's subwidgets would give them.

        Worked out here from the widget's choices (never grouped in a survey) without building the subwidgets:
        the same ids (`<auto id>_<index>`), values and labels, and the same rule for what is checked (each picked
        value of a checkbox group, the first match of a radio group).
        """
        widget = self.field.widget
        picked = set(widget.format_value(self.value()))
        multiple = widget.allow_multiple_selected
        options, checked_one = [], False
        for index, (value, label) in enumerate(widget.choices):
            value = "" if value is None else value
            checked = (multiple or not checked_one) and str(value) in picked
            checked_one = checked_one or checked
            options.append((f"{self.auto_id}_{index}", value, checked, label))
        return options


OPTIONS: dict[str, Any] = {"bound_field_class": OptionsBoundField}  # radio buttons and checkboxes


def _scale_label(question: Question, point: int) -> str:
    """“5 – Excellent”, or the bare number of a point without a label."""
    label = {1: question.scale_min_label, 5: question.scale_max_label}.get(point)
    return f"{point} – {label}" if label else str(point)


def _picked(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# Texts --------------------------------------------------------------------------------------------------------------


@register
class ShortText(QuestionType):
    type = T.SHORT_TEXT
    free_text = True

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        return forms.CharField(max_length=500, **common)


@register
class LongText(QuestionType):
    type = T.LONG_TEXT
    free_text = True

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)


# Numbers ------------------------------------------------------------------------------------------------------------


class NumberType(QuestionType):
    results_kind = "numbers"

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        try:
            return formats.number_format(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        numbers = [(n, times) for n, times in ((read_number(value), times) for value, times in values) if n is not None]
        result.answered = count = sum(times for _n, times in numbers)
        if numbers:
            result.numbers = NumberSummary(
                count=count,
                mean=(sum((n * times for n, times in numbers), Decimal(0)) / count).quantize(Decimal("0.01")),
                minimum=min(n for n, _times in numbers),
                maximum=max(n for n, _times in numbers),
                median=median(numbers, count),
            )

    def scalar_cell(self, question: Question, value: Any) -> Any:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return str(value)


# Numbers are localized so that "12,5" is read as in Finnish; a text input keeps the check on the server.


@register
class Integer(NumberType):
    type = T.INTEGER

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        low, high = question.min_value, question.max_value
        return forms.IntegerField(
            min_value=int(low) if low is not None else -1_000_000_000,
            max_value=int(high) if high is not None else 1_000_000_000,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )


@register
class DecimalNumber(NumberType):
    type = T.DECIMAL

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        low, high = question.min_value, question.max_value
        return forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=low if low is not None else Decimal("-999999999999"),
            max_value=high if high is not None else Decimal("999999999999"),
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )

    def to_initial(self, question: Question, value: Any) -> Any:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value


# Choices ------------------------------------------------------------------------------------------------------------


class ChoiceType(QuestionType):
    results_kind = "counts"

    @staticmethod
    def choices(question: Question, choices: Any) -> list[tuple[str, str]]:
        options = [(choice.value, choice.label) for choice in choices]
        if question.has_other:
            options.append((OTHER_VALUE, gettext_lazy("Other")))
        return options

    @staticmethod
    def labels(question: Question) -> dict[str, str]:
        """{code: label} of the question's options, “other” last when it has one."""
        labels = {choice.value: choice.label for choice in question.choices.all()}
        if question.has_other:
            labels[OTHER_VALUE] = _("Other")
        return labels

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        labels: dict[str, str] = {choice.value: str(choice.label) for choice in question.choices.all()}
        picked = value if isinstance(value, list) else [value]
        other = _("Other")
        parts: list[str] = [(f"{other}: {other_text}" if v == OTHER_VALUE else labels.get(v, str(v))) for v in picked]
        return ", ".join(parts)

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        total = result.answered
        tally: defaultdict[Any, int] = defaultdict(int)
        for value, times in values:
            for picked in value if isinstance(value, list) else [value]:
                tally[picked] += times
        labels = {choice.value: choice.label for choice in question.choices.all()}
        if question.has_other or tally.get(OTHER_VALUE):
            labels[OTHER_VALUE] = _("Other")
        # Values whose choice has since been removed are still shown, under their stored code.
        labels.update({value: str(value) for value in tally if value not in labels})
        result.counts = [
            OptionCount(label, tally[value], share(tally[value], total)) for value, label in labels.items()
        ]
        rows, result.other_total = texts.get("other", ([], 0))
        result.other_texts = text_answers(rows, with_names)

    def option_columns(self, question: Question, labels: dict[str, str]) -> list[ExportColumn]:
        raise NotImplementedError

    def export_columns(self, question: Question, lookup: Any) -> list[ExportColumn]:
        columns = self.option_columns(question, self.labels(question))
        if question.has_other:
            what = _("Other, what?")
            columns.append(ExportColumn(f"{question.text}: {what}", f"{question.code}__other_text", _other_text))
        return columns

    def codebook_options(self, question: Question) -> list[str]:
        options = [f"{choice.value} = {choice.label}" for choice in question.choices.all()]
        if question.has_other:
            other = _("Other")
            options.append(f"{OTHER_VALUE} = {other}")
        return options


def _other_text(value: Any, other: str) -> Any:
    return other or None


def _label(labels: dict[str, str]) -> Any:
    """A reader of the picked options' labels, joined with “; ”."""
    return lambda value, other: "; ".join(labels.get(code, code) for code in _picked(value)) or None


def _flag(option: str) -> Any:
    """1 when the option was picked, 0 when the question was answered without it, empty when it was not answered."""
    return lambda value, other: (1 if option in _picked(value) else 0) if _picked(value) else None


@register
class SingleChoice(ChoiceType):
    type = T.SINGLE_CHOICE
    input_type = "radio"

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        return forms.ChoiceField(choices=self.choices(question, choices), widget=forms.RadioSelect, **OPTIONS, **common)

    def option_columns(self, question: Question, labels: dict[str, str]) -> list[ExportColumn]:
        return [ExportColumn(question.text, question.code, _label(labels))]


@register
class MultipleChoice(ChoiceType):
    type = T.MULTIPLE_CHOICE
    input_type = "checkbox"

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        return forms.MultipleChoiceField(
            choices=self.choices(question, choices), widget=forms.CheckboxSelectMultiple, **OPTIONS, **common
        )

    def option_columns(self, question: Question, labels: dict[str, str]) -> list[ExportColumn]:
        columns = []
        for option, label in labels.items():
            suffix = "other" if option == OTHER_VALUE else option
            columns.append(ExportColumn(f"{question.text}: {label}", f"{question.code}__{suffix}", _flag(option)))
        return columns


@register
class Scale(QuestionType):
    type = T.SCALE
    input_type = "radio"
    results_kind = "scale"

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        scale = [(str(n), _scale_label(question, n)) for n in range(1, 6)]
        return forms.TypedChoiceField(
            choices=scale, coerce=int, empty_value=None, widget=forms.RadioSelect, **OPTIONS, **common
        )

    def has_scale_labels(self, question: Question) -> bool:
        return bool(question.scale_min_label or question.scale_max_label)

    def to_initial(self, question: Question, value: Any) -> Any:
        return str(value)

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        return _scale_label(question, value)

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        points: defaultdict[int, int] = defaultdict(int)
        for value, times in values:
            read = read_number(value)
            if read is not None and 1 <= read <= 5:
                points[int(read)] += times
        result.answered = total = sum(points.values())
        for point in range(1, 6):
            label = _scale_label(question, point)
            result.counts.append(OptionCount(label, points[point], share(points[point], total)))
        mean = Decimal(sum(point * times for point, times in points.items())) / total if total else None
        result.mean = mean.quantize(Decimal("0.01")) if mean is not None else None

    def scalar_cell(self, question: Question, value: Any) -> Any:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return str(value)

    def codebook_options(self, question: Question) -> list[str]:
        return [f"1 = {question.scale_min_label}", f"5 = {question.scale_max_label}"]


@register
class YesNo(QuestionType):
    type = T.YES_NO
    input_type = "radio"
    results_kind = "counts"

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        options = [(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **OPTIONS, **common)

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        return _("Yes") if value == YES else _("No")

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        total = result.answered
        tally: defaultdict[str, int] = defaultdict(int)
        for value, times in values:
            tally[str(value)] += times
        result.counts = [OptionCount(_("Yes"), tally[YES], share(tally[YES], total))]
        result.counts.append(OptionCount(_("No"), tally[NO], share(tally[NO], total)))

    def export_columns(self, question: Question, lookup: Any) -> list[ExportColumn]:
        return [ExportColumn(question.text, question.code, _label({YES: _("Yes"), NO: _("No")}))]

    def codebook_options(self, question: Question) -> list[str]:
        yes, no = _("Yes"), _("No")
        return [f"{YES} = {yes}", f"{NO} = {no}"]


@register
class Date(QuestionType):
    type = T.DATE
    results_kind = "dates"

    def field(self, question: Question, choices: Any, lookup: Any, common: dict[str, Any]) -> forms.Field:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)

    def display(self, question: Question, value: Any, other_text: str, lookup: Any) -> str:
        day = parse_date(str(value)) if not isinstance(value, datetime.date) else value
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else str(value)

    def summarise(
        self, question: Question, result: QuestionResult, values: Values, texts: Texts, with_names: bool, lookup: Any
    ) -> None:
        read = ((read_date(value), times) for value, times in values)
        dates = [(d, times) for d, times in read if d is not None]
        result.answered = sum(times for _d, times in dates)
        if dates:
            result.first_date, result.last_date = min(d for d, _t in dates), max(d for d, _t in dates)

    def scalar_cell(self, question: Question, value: Any) -> Any:
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
