"""The filters of the results page: building, industry, the answer to a choice question, and the two questions of a
cross-table, checked against the survey's own questions so that a bad value is an error next to its field."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.industries import SECTION_CHOICES
from companies.models import Building
from teknokyla.core.widgets import QuickSelect

from .results import choice_options


class OptionSelect(QuickSelect):
    """A select of options grouped by question, where codes repeat across questions (two questions may both have
    “yes”): only the option under the chosen question is marked selected."""

    groups: dict[str, str] = {}  # {question id: its group's name}
    question = ""  # the chosen question's id, as posted

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        wanted = self.groups.get(self.question)
        for group_name, options, _index in groups:
            for option in options:
                option["selected"] = str(option["value"]) in value and group_name in (None, wanted)
                option["attrs"].pop("selected", None)
                if option["selected"]:
                    option["attrs"]["selected"] = True
        return groups


class ResultsFilterForm(forms.Form):
    """The filters of the results page: which responses count, and which two questions to cross-tabulate.

    `questions` are the survey's questions (with their choices prefetched); the answer filter and the cross-table
    take its single- and multiple-choice questions, by id.
    """

    building = forms.ModelChoiceField(
        label=gettext_lazy("Building"),
        queryset=Building.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All buildings"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    industry = forms.ChoiceField(
        label=gettext_lazy("Industry"),
        required=False,
        choices=[("", gettext_lazy("All industries")), *SECTION_CHOICES],
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    question = forms.ChoiceField(
        label=gettext_lazy("Among those who answered"),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    option = forms.CharField(
        label=gettext_lazy("The answer"),
        required=False,
        widget=OptionSelect(attrs={"class": "form-select"}),
    )
    rows = forms.ChoiceField(
        label=gettext_lazy("Cross-table: rows"),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    columns = forms.ChoiceField(
        label=gettext_lazy("Cross-table: columns"),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    drafts = forms.BooleanField(
        label=gettext_lazy("Include unsubmitted drafts"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_questions = {str(q.pk): q for q in questions if q.is_choice}
        names = {pk: f"{q.code} – {q.text}" for pk, q in self.choice_questions.items()}
        listed = list(names.items())
        invalid = _("Choose a single- or multiple-choice question of this survey.")
        for name, empty in (
            ("question", _("All respondents")),
            ("rows", _("No cross-table")),
            ("columns", _("No cross-table")),
        ):
            self.fields[name].choices = [("", empty), *listed]
            self.fields[name].error_messages["invalid_choice"] = invalid
        option = self.fields["option"].widget
        option.groups = names
        option.question = str(self.data.get("question", "")) if self.is_bound else ""
        grouped = [(names[pk], choice_options(q)) for pk, q in self.choice_questions.items()]
        option.choices = [("", _("Choose the answer")), *grouped]

    def clean(self):
        data = super().clean()
        question = self.choice_questions.get(data.get("question") or "")
        option = data.get("option") or ""
        data["answer"] = None
        if question is not None:
            if not option:
                self.add_error("option", _("Choose the answer to filter by."))
            elif option not in dict(choice_options(question)):
                self.add_error("option", _("This is not an answer option of the chosen question."))
            else:
                data["answer"] = (question, option)
        elif option and "question" not in self.errors:
            self.add_error("question", _("Choose the question whose answer to filter by."))
        rows = self.choice_questions.get(data.get("rows") or "")
        columns = self.choice_questions.get(data.get("columns") or "")
        data["cross"] = None
        if rows is not None and columns is not None:
            if rows == columns:
                self.add_error("columns", _("Choose a question other than the rows’ question."))
            else:
                data["cross"] = (rows, columns)
        elif rows is not None and "columns" not in self.errors:
            self.add_error("columns", _("Choose the question for the columns."))
        elif columns is not None and "rows" not in self.errors:
            self.add_error("rows", _("Choose the question for the rows."))
        return data

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
