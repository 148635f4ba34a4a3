"""Forms of the plan pages: findings and measures (their list filters are in workshops/filters.py)."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from surveys.models import Question
from teknokyla.core.groups import STAFF_GROUP
from teknokyla.core.inputs import parse_id

from ..models import Finding, Goal, Interview, Measure, Theme, Workshop
from ..translation import FINDING_FIELDS, MEASURE_FIELDS

FIRST_QUARTER_YEAR, LAST_QUARTER_YEAR = 2022, 2030
IMPORTANCE_CHOICES = [(3, _("3 – high")), (2, _("2 – medium")), (1, _("1 – low"))]
MULTI_SELECT_HELP = _("Hold down Ctrl (Cmd on a Mac) to choose more than one.")


def quarters() -> list[str]:
    """The quarters a measure may be timed in, 2022-Q1 … 2030-Q4."""
    return [f"{year}-Q{n}" for year in range(FIRST_QUARTER_YEAR, LAST_QUARTER_YEAR + 1) for n in range(1, 5)]


def quarter_choices(*current: str) -> list[tuple[str, str]]:
    # A stored quarter outside the range stays choosable, so editing other fields never drops it.
    values = sorted(set(quarters()) | {value for value in current if value})
    return [(value, value) for value in values]


class InterviewChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, interview):
        names = ", ".join(company.name for company in interview.companies.all())
        return f"{timezone.localdate(interview.held_at).isoformat()} – {names}" if names else str(interview)


class WorkshopChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, workshop):
        return f"{timezone.localdate(workshop.held_at).isoformat()} – {workshop.title}"


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, question):
        return f"{question.section.survey.title} – {question.code}: {question.text}"


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, finding):
        return f"{finding.get_kind_display()}: {finding}"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class LanguagePanesMixin:
    """The translated texts of a record as one tab per language, side by side as on the plan page.

    Finnish is required where the model requires the text; a Swedish or English text left empty shows the Finnish one.
    """

    translated: tuple[str, ...] = ()
    text_rows = {"text": 4, "description": 6}

    if TYPE_CHECKING:  # what the form it is mixed into provides

        def __getitem__(self, name: str) -> forms.BoundField: ...

        def __iter__(self) -> Iterator[forms.BoundField]: ...

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = dict(settings.LANGUAGES)
        for name in self.translated:
            model_field = self._meta.model._meta.get_field(name)
            for code in LANGUAGE_CODES:
                field = self.fields[f"{name}_{code}"]
                field.label = format_lazy(
                    "{label} ({language})", label=capfirst(model_field.verbose_name), language=languages[code]
                )
                field.required = code == "fi" and not model_field.blank
                if name in self.text_rows:
                    field.widget = forms.Textarea(attrs={"rows": self.text_rows[name]})
                field.widget.attrs["lang"] = code

    def language_panes(self) -> list[dict]:
        """One tab per language: its code, its fields, whether any of them is wrong."""
        panes = []
        for code in LANGUAGE_CODES:
            fields = [self[f"{name}_{code}"] for name in self.translated]
            panes.append({"code": code, "fields": fields, "has_errors": any(field.errors for field in fields)})
        return panes

    def other_fields(self) -> list[forms.BoundField]:
        """The fields that are not translated, in the form's order."""
        translated = {f"{name}_{code}" for name in self.translated for code in LANGUAGE_CODES}
        return [field for field in self if field.name not in translated]


def _in_languages(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code in LANGUAGE_CODES]


def _with_selected(queryset, selected_ids, **active):
    """The active rows plus those already chosen, so an edit keeps what is stored."""
    return queryset.filter(Q(**active) | Q(pk__in=selected_ids)).distinct()


class FindingForm(LanguagePanesMixin, forms.ModelForm):
    translated = FINDING_FIELDS
    importance = forms.TypedChoiceField(
        label=_("Importance"), choices=IMPORTANCE_CHOICES, coerce=int, initial=2, widget=forms.RadioSelect
    )

    class Meta:
        model = Finding
        fields = [
            *_in_languages(*FINDING_FIELDS),
            "kind",
            "importance",
            "themes",
            "companies",
            "interviews",
            "workshops",
            "questions",
        ]
        field_classes = {
            "interviews": InterviewChoiceField,
            "workshops": WorkshopChoiceField,
            "questions": QuestionChoiceField,
        }
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "companies": forms.SelectMultiple(attrs={"size": 8}),
            "interviews": forms.SelectMultiple(attrs={"size": 6}),
            "workshops": forms.SelectMultiple(attrs={"size": 6}),
            "questions": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "companies": MULTI_SELECT_HELP,
            "interviews": MULTI_SELECT_HELP,
            "workshops": MULTI_SELECT_HELP,
            "questions": MULTI_SELECT_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.pk is not None
        self.fields["kind"].choices = [("", _("Choose the kind"))] + list(Finding.Kind.choices)
        self.fields["themes"].queryset = _with_selected(
            Theme.objects.all(), self.instance.themes.values("pk") if stored else [], active=True
        )
        self.fields["companies"].queryset = _with_selected(
            Company.objects.order_by("name"), self.instance.companies.values("pk") if stored else [], active=True
        )
        self.fields["interviews"].queryset = Interview.objects.prefetch_related("companies").order_by("-held_at")
        self.fields["workshops"].queryset = Workshop.objects.order_by("-held_at")
        self.fields["questions"].queryset = Question.objects.select_related("section__survey").order_by(
            "section__survey__opens_at", "section__order", "order", "pk"
        )


def finding_initial(params) -> tuple[dict, Interview | Workshop | None]:
    """Initial values of a new finding drawn from `?interview=<pk>` or `?workshop=<pk>`, and that record."""
    for name, model, companies in (
        ("interview", Interview, "companies"),
        ("workshop", Workshop, "invited_companies"),
    ):
        pk = parse_id(params.get(name))
        if pk is None:
            continue
        source = model.objects.prefetch_related("themes", companies).filter(pk=pk).first()
        if source is not None:
            initial = {
                f"{name}s": [source.pk],
                "themes": [theme.pk for theme in source.themes.all()],
                "companies": [company.pk for company in getattr(source, companies).all()],
            }
            return initial, source
    return {}, None


def measure_initial(params) -> dict:
    """Initial values of a new measure answering `?finding=<pk>`: that finding and its themes."""
    pk = parse_id(params.get("finding"))
    finding = Finding.objects.prefetch_related("themes").filter(pk=pk).first() if pk is not None else None
    if finding is None:
        return {}
    return {"findings": [finding.pk], "themes": [theme.pk for theme in finding.themes.all()]}


class MeasureForm(LanguagePanesMixin, forms.ModelForm):
    translated = MEASURE_FIELDS
    start_quarter = forms.ChoiceField(label=_("Start quarter"))
    end_quarter = forms.ChoiceField(label=_("End quarter"))
    status_note = forms.CharField(
        label=_("Note on the status"),
        max_length=300,
        required=False,
        help_text=_("Kept in the status history when the status changes."),
    )

    class Meta:
        model = Measure
        fields = [
            *_in_languages("title", "description"),
            "themes",
            "findings",
            "responsible_user",
            "responsible_organisation",
            "partners",
            "start_quarter",
            "end_quarter",
            "estimated_cost",
            *_in_languages("funding_source", "indicator"),
            "indicator_baseline",
            "indicator_target",
            "status",
            "goal",
        ]
        field_classes = {"findings": FindingChoiceField, "responsible_user": StaffChoiceField}
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "findings": forms.SelectMultiple(attrs={"size": 8}),
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "estimated_cost": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }
        help_texts = {"findings": MULTI_SELECT_HELP, "partners": MULTI_SELECT_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        measure, stored = self.instance, self.instance.pk is not None
        blank = [("", _("Choose a quarter"))]
        self.fields["start_quarter"].choices = blank + quarter_choices(measure.start_quarter)
        self.fields["end_quarter"].choices = blank + quarter_choices(measure.end_quarter)
        self.fields["themes"].queryset = _with_selected(
            Theme.objects.all(), measure.themes.values("pk") if stored else [], active=True
        )
        self.fields["findings"].queryset = Finding.objects.order_by("-importance", "-created_at")
        staff = Q(is_active=True) & (Q(groups__name=STAFF_GROUP) | Q(is_superuser=True))
        self.fields["responsible_user"].queryset = (
            get_user_model()
            .objects.filter(staff | Q(pk=measure.responsible_user_id or 0))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["responsible_organisation"].queryset = _with_selected(
            Company.objects.order_by("name"), [measure.responsible_organisation_id or 0], active=True
        )
        self.fields["partners"].queryset = _with_selected(
            Company.objects.order_by("name"), measure.partners.values("pk") if stored else [], active=True
        )
        self.fields["goal"].queryset = Goal.objects.select_related("plan").order_by("-plan__period_start", "order")
        self.fields["goal"].label_from_instance = lambda goal: f"{goal.plan}: {goal.title}"
