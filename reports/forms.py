"""Forms of the development plan: an edition's written parts in fi/sv/en, its goals, the Markdown preview."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workshops.models import Goal

from .models import LANGUAGE_CHOICES, DevelopmentPlan

LANGUAGE_CODES = tuple(code for code, _name in LANGUAGE_CHOICES)
TEXT_FIELDS = {"summary": _("Summary"), "starting_point": _("Starting point"), "vision": _("Vision")}
MARKDOWN_HELP = _("Markdown: **bold**, *italics*, lists with -, headings with ##. The preview shows how it will look.")
# The preview renders as you type; a plan's longest text is far below this.
MAX_PREVIEW_BYTES = 100_000
MAX_GOALS = 20


def _in_language(label, code: str):
    return format_lazy("{label} ({language})", label=label, language=dict(LANGUAGE_CHOICES)[code])


def _markdown_textarea(code: str, rows: int = 8) -> forms.Textarea:
    attrs = {"rows": rows, "lang": code, "data-markdown-preview": "", "class": "form-control font-monospace"}
    return forms.Textarea(attrs=attrs)


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the ones whose field has an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.CheckboxInput):
                base = "form-check-input"
            elif isinstance(widget, forms.Select):
                base = "form-select"
            else:
                base = "form-control"
            widget.attrs["class"] = f"{base} {widget.attrs.get('class', '')}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                # A hidden field (a goal's id) has no class of its own; a tampered one still gets its error shown.
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class PlanRulesMixin:
    """What an edition must satisfy beyond its fields, each error next to the field it is about."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if cleaned.get("status") == DevelopmentPlan.Status.APPROVED and not cleaned.get("approved_on"):
            self.add_error("approved_on", _("An approved plan needs the date it was approved."))
        return cleaned


class PlanForm(BootstrapMixin, PlanRulesMixin, forms.ModelForm):
    """The edition and its written parts; refuses to overwrite a save made after the page was opened."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DevelopmentPlan
        fields = [
            *(f"title_{code}" for code in LANGUAGE_CODES),
            "period_start",
            "period_end",
            "status",
            "approved_on",
            *(f"{name}_{code}" for code in LANGUAGE_CODES for name in TEXT_FIELDS),
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "approved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"approved_on": _("Required once the plan is approved.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_version = self.instance.updated_at.isoformat() if self.instance.updated_at else ""
        self.fields["version"].initial = self.stored_version
        for code in LANGUAGE_CODES:
            title = self.fields[f"title_{code}"]
            title.label = _in_language(pgettext_lazy("plan", "Title"), code)
            title.required = code == "fi"
            title.widget.attrs["lang"] = code
            for name, label in TEXT_FIELDS.items():
                field = self.fields[f"{name}_{code}"]
                field.label = _in_language(label, code)
                field.help_text = MARKDOWN_HELP
                field.required = False
                field.widget = _markdown_textarea(code)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") != self.stored_version:
            raise ValidationError(
                _(
                    "Someone else saved this plan after you opened it. Your text below is not saved yet: "
                    "compare it with the saved plan (open it in another tab), then save again to keep your version."
                ),
                code="conflict",
            )
        return cleaned

    @property
    def version_to_submit(self) -> str:
        """The version the page carries: after a conflict, the stored one, so the next save overwrites knowingly."""
        if self.has_error(NON_FIELD_ERRORS, "conflict"):
            return self.stored_version
        return self["version"].value() or ""

    def language_panes(self) -> list[dict]:
        """One tab per language: its code, its fields (title, summary, starting point, vision), whether any is wrong."""
        panes = []
        for code in LANGUAGE_CODES:
            fields = [self[f"{name}_{code}"] for name in ("title", *TEXT_FIELDS)]
            panes.append({"code": code, "fields": fields, "has_errors": any(field.errors for field in fields)})
        return panes


class GoalForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "order",
            *(f"title_{code}" for code in LANGUAGE_CODES),
            *(f"description_{code}" for code in LANGUAGE_CODES),
        ]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "max": 999})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].label = _("Order")
        for code in LANGUAGE_CODES:
            title = self.fields[f"title_{code}"]
            title.label = _in_language(_("Goal"), code)
            title.required = code == "fi"
            title.widget.attrs["lang"] = code
            description = self.fields[f"description_{code}"]
            description.label = _in_language(_("Description"), code)
            description.help_text = MARKDOWN_HELP
            description.required = False
            description.widget = _markdown_textarea(code, rows=4)
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = _("Remove this goal")

    def clean_order(self):
        # A row left without an order goes last.
        order = self.cleaned_data.get("order")
        return 999 if order is None else order

    def title_fields(self) -> list[forms.BoundField]:
        return [self[f"title_{code}"] for code in LANGUAGE_CODES]

    def description_fields(self) -> list[forms.BoundField]:
        return [self[f"description_{code}"] for code in LANGUAGE_CODES]

    def description_open(self) -> bool:
        """Show the descriptions unfolded when one is written or wrong."""
        return any(field.value() or field.errors for field in self.description_fields())


class BaseGoalFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        existing = self.initial_form_count()
        if index is None or index >= existing:
            # New rows come after the goals already there; an untouched new row still counts as unchanged.
            last = max((goal.order for goal in self.get_queryset()), default=0)
            kwargs["initial"] = {"order": last + 1 + (0 if index is None else index - existing)}
        return kwargs


GoalFormSet = inlineformset_factory(
    DevelopmentPlan,
    Goal,
    form=GoalForm,
    formset=BaseGoalFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_GOALS,
    validate_max=True,
)


class PlanAdminForm(PlanRulesMixin, forms.ModelForm):
    """The admin's form of an edition: the same rules as the plan page."""

    class Meta:
        model = DevelopmentPlan
        fields = ["title", "period_start", "period_end", "status", "approved_on", "summary", "starting_point", "vision"]


class MarkdownPreviewForm(forms.Form):
    text = forms.CharField(required=False, strip=False)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text.encode()) > MAX_PREVIEW_BYTES:
            raise ValidationError(_("The text is too long to preview (at most 100 kB)."), code="too_long")
        return text
