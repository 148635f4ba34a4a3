"""The form of one survey page, built from its questions.

Each question is one field named by its code; a choice question with
"other, what?" has a second field `<code>__other`. Required questions are
checked only when they are visible and the respondent moves on or submits,
so a draft can be saved half done. A workforce needs table posts its rows as
`<code>-<i>-<column>` with their number in `<code>-rows`.
"""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OTHER_VALUE, Question
from .questions import lookups, question_type

OTHER_SUFFIX = "__other"
# A question that posts rows (the workforce needs table) names its cells `<code>-<i>-<column>` and their number
# `<code>-rows`.
ROWS_SUFFIX = "-rows"


def row_name(code: str, index, column: str) -> str:
    """The posted name of one cell of a table question."""
    return f"{code}-{index}-{column}"


# Fields ------------------------------------------------------------------------------


def field_for(question: Question, choices, lookup=None) -> forms.Field:
    """The form field that asks one question; `lookup` is what its type reads once for a page (read when None)."""
    kind = question_type(question)
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    return kind.field(question, choices, kind.lookup() if lookup is None else lookup, common)


def page_fields(questions) -> dict[str, forms.Field]:
    """The fields asking a page's questions, in page order; labels in the active language.

    What a type reads once (the skill areas of a table question) is read once for the page, and only for the types
    on it.
    """
    found = lookups(questions)
    fields = {}
    for question in questions:
        fields[question.code] = field_for(question, question.choices.all(), found[question.type])
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
        # Each form has its own copy of a field, so that setting a field's attribute changes this form only. The
        # copy is shallow (the widget and the choices are shared): nothing in the survey changes a field's widget
        # or choices after page_fields, and a deep copy of 25 fields was a tenth of the page's time.
        for name, asking in fields.items():
            self.fields[name] = copy.copy(asking)

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
            value = question_type(question).to_storage(question, self.cleaned_data.get(question.code))
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
