"""The filters of the interview, workshop, finding and measure lists (the search words are one of them)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from companies.models import Building, Company
from surveys.models import Question
from teknokyla.core.languages import MISSING_CHOICES, missing_language
from teknokyla.core.lists import ListFilterSet

from .forms.plan import IMPORTANCE_CHOICES, quarter_choices
from .models import Finding, Interview, Measure, Theme, Workshop
from .search import search_findings, search_interviews, search_measures, search_workshops
from .translation import FINDING_FIELDS, MEASURE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchFilterSet(ListFilterSet):
    """Filters with a search box: the words narrow the list last and order it by how well it matches."""

    def search(self, words: str, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        words = self.form.cleaned_data.get("q", "")
        queryset = super().filter_queryset(queryset)
        return self.search(words, queryset) if words.strip() else queryset


def _search_box(label) -> django_filters.CharFilter:
    # Applied by SearchFilterSet.filter_queryset after the other filters, hence the no-op method.
    return django_filters.CharFilter(label=label, max_length=200, method=lambda queryset, name, value: queryset)


# Interviews and workshops ------------------------------------------------------


class _DateRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end of the range cannot be before its start."))
        return cleaned


class _RecordFilterSet(SearchFilterSet):
    company_field = "companies"

    q = _search_box(_("Search the notes"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), to_field_name="slug", empty_label=_("All")
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Company.objects.order_by("name"), empty_label=_("All"), method="by_company"
    )
    building = django_filters.ModelChoiceFilter(
        label=_("Building"),
        queryset=Building.objects.all(),
        to_field_name="slug",
        empty_label=_("All"),
        help_text=_("Held there, or with an organisation that has premises there."),
        method="in_building",
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="held_at", lookup_expr="date__gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="held_at", lookup_expr="date__lte", widget=DATE_INPUT
    )

    columns = {
        "q": "col-lg-4 col-md-6",
        "theme": "col-lg-2 col-md-6",
        "company": "col-lg-3 col-md-6",
        "building": "col-lg-3 col-md-6",
        "date_from": "col-lg-2 col-md-4",
        "date_to": "col-lg-2 col-md-4",
    }

    class Meta:
        form = _DateRangeForm

    def by_company(self, queryset: QuerySet, name: str, value: Company) -> QuerySet:
        return queryset.filter(**{self.company_field: value})

    def in_building(self, queryset: QuerySet, name: str, value: Building) -> QuerySet:
        """Meetings held in the building, and meetings with an organisation that has premises there."""
        through = queryset.model._meta.get_field(self.company_field).remote_field.through
        source = queryset.model._meta.model_name
        tenants = through.objects.filter(company__in=Company.objects.in_building(value)).values(f"{source}_id")
        return queryset.filter(Q(building=value) | Q(pk__in=tenants))


class InterviewFilterSet(_RecordFilterSet):
    def search(self, words: str, queryset: QuerySet) -> QuerySet:
        return search_interviews(words, queryset=queryset)


class WorkshopFilterSet(_RecordFilterSet):
    company_field = "invited_companies"

    q = _search_box(_("Search the texts"))
    company = django_filters.ModelChoiceFilter(
        label=_("Invited organisation"),
        queryset=Company.objects.order_by("name"),
        empty_label=_("All"),
        method="by_company",
    )

    def search(self, words: str, queryset: QuerySet) -> QuerySet:
        return search_workshops(words, queryset=queryset)


# Findings and measures ---------------------------------------------------------


class FindingFilterSet(SearchFilterSet):
    SOURCES = [("interview", _("interview")), ("workshop", _("workshop")), ("survey", _("survey"))]

    q = _search_box(_("Search"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="companies",
        queryset=Company.objects.order_by("name"),
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Finding.Kind.choices, empty_label=_("All kinds"))
    importance = django_filters.ChoiceFilter(label=_("Importance"), choices=IMPORTANCE_CHOICES, empty_label=_("All"))
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=SOURCES, empty_label=_("All sources"), method="from_source"
    )
    missing = django_filters.ChoiceFilter(
        label=_("Translation"), choices=MISSING_CHOICES, empty_label=_("All"), method="missing_translation"
    )

    columns = {"q": "col-md-4"} | dict.fromkeys(
        ("theme", "company", "kind", "importance", "source", "missing"), "col-md-2"
    )
    SOURCE_MODELS: dict[str, type[Interview] | type[Workshop] | type[Question]] = {
        "interview": Interview,
        "workshop": Workshop,
        "survey": Question,
    }

    def from_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Exists(self.SOURCE_MODELS[value].objects.filter(findings=OuterRef("pk"))))

    def missing_translation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(missing_language(FINDING_FIELDS, value))

    def search(self, words: str, queryset: QuerySet) -> QuerySet:
        return search_findings(words, queryset=queryset)


class MeasureFilterSet(SearchFilterSet):
    q = _search_box(_("Search"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Measure.Status.choices, empty_label=_("All statuses")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Responsible organisation"),
        field_name="responsible_organisation",
        queryset=Company.objects.filter(Exists(Measure.objects.filter(responsible_organisation=OuterRef("pk")))),
        empty_label=_("All"),
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Under way in quarter"), choices=quarter_choices(), empty_label=_("Any time"), method="under_way"
    )
    missing = django_filters.ChoiceFilter(
        label=_("Translation"), choices=MISSING_CHOICES, empty_label=_("All"), method="missing_translation"
    )

    columns = {"q": "col-lg-4"} | dict.fromkeys(
        ("theme", "status", "organisation", "quarter", "missing"), "col-sm-6 col-md-4 col-lg-2"
    )

    def under_way(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(start_quarter__lte=value, end_quarter__gte=value)

    def missing_translation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(missing_language(MEASURE_FIELDS, value))

    def search(self, words: str, queryset: QuerySet) -> QuerySet:
        return search_measures(words, queryset=queryset)
