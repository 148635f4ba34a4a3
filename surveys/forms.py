"""The form of one survey page, built from its questions.

Each question is one field named by its code; a choice question with
"other, what?" has a second field `<code>__other`. Required questions are
checked only when they are visible and the respondent moves on or submits,
so a draft can be saved half done.
"""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OTHER_VALUE, Question

YES, NO = "yes", "no"
OTHER_SUFFIX = "__other"


def _choices(question: Question, choices) -> list[tuple[str, str]]:
    options = [(choice.value, choice.label) for choice in choices]
    if question.has_other:
        options.append((OTHER_VALUE, _("Other")))
    return options


def field_for(question: Question, choices) -> forms.Field:
    """The form field that asks one question."""
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    low = question.min_value
    high = question.max_value
    kind = question.type
    T = Question.Type
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
        return forms.ChoiceField(choices=_choices(question, choices), widget=forms.RadioSelect, **common)
    if kind == T.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices(question, choices), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == T.SCALE:
        labels = {1: question.scale_min_label, 5: question.scale_max_label}
        options = [(str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n)) for n in range(1, 6)]
        return forms.TypedChoiceField(choices=options, coerce=int, empty_value=None, widget=forms.RadioSelect, **common)
    if kind == T.YES_NO:
        return forms.ChoiceField(choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common)
    if kind == T.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
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


class SectionForm(forms.Form):
    """One page of the survey; `questions` come with their choices prefetched."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, questions, require_complete=False, visible=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.require_complete = require_complete
        # A callable telling, from the cleaned data of this page, whether a question is shown.
        self.visible = visible or (lambda question, data: True)
        for question in self.questions:
            self.fields[question.code] = field_for(question, question.choices.all())
            if question.is_choice and question.has_other:
                self.fields[question.code + OTHER_SUFFIX] = forms.CharField(
                    label=_("Other, what?"), max_length=500, required=False
                )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            if not self.visible(question, data):
                # A hidden question is neither checked nor kept; clearing it also hides its own dependants.
                for name in (question.code, question.code + OTHER_SUFFIX):
                    self._errors.pop(name, None)
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
        result = {}
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
