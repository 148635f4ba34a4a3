"""Forms of the workforce pages: the filters, and the staff's forms for needs and programmes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from teknokyla.core.inputs import parse_id

from .models import MAX_COUNT, EducationProgramme, Level, SkillArea, WorkforceNeed


def count_field(model, name: str, **kwargs) -> forms.IntegerField:
    """A count of people or places: 0 … MAX_COUNT, with messages a person understands."""
    model_field = model._meta.get_field(name)
    return forms.IntegerField(
        label=model_field.verbose_name[:1].upper() + model_field.verbose_name[1:],
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "min_value": _("The number cannot be negative."),
            "max_value": _("More than %(limit_value)s is not plausible here; check the number."),
        },
        **kwargs,
    )


def _retired(area: SkillArea) -> ValidationError:
    return ValidationError(
        _("The skill area “%(name)s” is retired; choose one in use."), code="retired", params={"name": area.name}
    )


class SkillAreaChoiceField(forms.ModelChoiceField):
    """The skill areas in use; a retired one is refused with a message that says so."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            pk = parse_id(str(value))
            area = SkillArea.objects.filter(pk=pk, retired=True).first() if pk is not None else None
            if area is not None:
                raise _retired(area) from None
            raise


class SkillAreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several skill areas in use; a retired one is refused with a message that says so."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError:
            ids = [pk for pk in (parse_id(str(v)) for v in value) if pk is not None]
            area = SkillArea.objects.filter(pk__in=ids, retired=True).first()
            if area is not None:
                raise _retired(area) from None
            raise


def _in_use_or(queryset, *keep_ids):
    """Skill areas in use, plus those the record already has, so an edit never drops what is stored."""
    return queryset.filter(Q(retired=False) | Q(pk__in=[pk for pk in keep_ids if pk])).distinct()


class NeedForm(forms.ModelForm):
    count = count_field(WorkforceNeed, "count")

    class Meta:
        model = WorkforceNeed
        fields = ["company", "skill_area", "role", "count", "window", "level", "kind"]
        field_classes = {"skill_area": SkillAreaChoiceField}
        error_messages = {"skill_area": {"required": _("Choose a skill area.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        need = self.instance
        self.fields["company"].queryset = Company.objects.filter(Q(active=True) | Q(pk=need.company_id or 0)).order_by(
            "name"
        )
        self.fields["skill_area"].queryset = _in_use_or(SkillArea.objects.all(), need.skill_area_id)
        self.fields["skill_area"].empty_label = _("Choose a skill area")
        self.fields["window"].choices = [("", _("Choose when"))] + list(WorkforceNeed.Window.choices)

    def clean_count(self):
        count = self.cleaned_data["count"]
        if count == 0:
            raise ValidationError(_("A need is for at least one person."), code="min_value")
        return count


class ProgrammeForm(forms.ModelForm):
    yearly_intake = count_field(EducationProgramme, "yearly_intake", initial=0)
    yearly_graduates = count_field(EducationProgramme, "yearly_graduates", initial=0)
    trainee_places_sought = count_field(EducationProgramme, "trainee_places_sought", initial=0)
    thesis_places_sought = count_field(EducationProgramme, "thesis_places_sought", initial=0)

    class Meta:
        model = EducationProgramme
        fields = [
            "institution",
            "name",
            "level",
            "skill_areas",
            "yearly_intake",
            "yearly_graduates",
            "trainee_places_sought",
            "thesis_places_sought",
            "active",
        ]
        field_classes = {"skill_areas": SkillAreaMultipleChoiceField}
        widgets = {"skill_areas": forms.CheckboxSelectMultiple}
        error_messages = {
            "institution": {"invalid_choice": _("Choose an educational institution.")},
            "skill_areas": {"required": _("Choose at least one skill area.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programme = self.instance
        stored = programme.pk is not None
        self.fields["institution"].queryset = Company.objects.filter(kind=Company.Kind.EDUCATION).order_by("name")
        kept = list(programme.skill_areas.values_list("pk", flat=True)) if stored else []
        self.fields["skill_areas"].queryset = _in_use_or(SkillArea.objects.all(), *kept)
        # A programme is at one level; "any level" is for needs.
        self.fields["level"].choices = [("", _("Choose the level"))] + [
            choice for choice in Level.choices if choice[0] != Level.ANY
        ]
