"""The filters of the matching table, the needs and the programmes."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from companies.industries import SECTION_CHOICES
from companies.models import Building, Company
from teknokyla.core.lists import ListFilterSet

from .models import Level, SkillArea, WorkforceNeed


class MatchingFilterSet(ListFilterSet):
    """Narrows the needs behind the matching table: when, and the organisation's building and industry."""

    window = django_filters.ChoiceFilter(
        label=_("When"), choices=WorkforceNeed.Window.choices, empty_label=_("All time windows")
    )
    building = django_filters.ModelChoiceFilter(
        label=_("Building"),
        queryset=Building.objects.all(),
        to_field_name="slug",
        empty_label=_("All buildings"),
        method="in_building",
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"),
        field_name="company__industry_section",
        choices=SECTION_CHOICES,
        empty_label=_("All industries"),
    )

    columns = {"window": "col-md-3", "building": "col-md-3", "industry": "col-md-4"}

    def in_building(self, queryset, name, value):
        return queryset.filter(company__in=Company.objects.in_building(value))


class NeedFilterSet(MatchingFilterSet):
    skill_area = django_filters.ModelChoiceFilter(
        label=_("Skill area"), queryset=SkillArea.objects.all(), empty_label=_("All skill areas")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WorkforceNeed.Kind.choices, empty_label=_("All kinds"))
    level = django_filters.ChoiceFilter(label=_("Education level"), choices=Level.choices, empty_label=_("All levels"))
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=WorkforceNeed.Source.choices, empty_label=_("All sources")
    )
    # From an organisation's page: its needs (a hidden field; the organisation's name is in the table).
    company = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Company.objects.all(), widget=forms.HiddenInput
    )

    columns = {
        "skill_area": "col-md-3",
        "window": "col-md-3",
        "kind": "col-md-3",
        "level": "col-md-3",
        "source": "col-md-2",
        "building": "col-md-3",
        "industry": "col-md-5",
    }


class ProgrammeFilterSet(ListFilterSet):
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=Company.objects.filter(kind=Company.Kind.EDUCATION).order_by("name"),
        empty_label=_("All institutions"),
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    skill_area = django_filters.ModelChoiceFilter(
        label=_("Skill area"),
        field_name="skill_areas",
        queryset=SkillArea.objects.all(),
        empty_label=_("All skill areas"),
    )

    columns = {"institution": "col-md-4", "level": "col-md-3", "skill_area": "col-md-3"}
