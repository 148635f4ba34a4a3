"""The directory's filters."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teknokyla.core.lists import ListFilterSet

from .industries import SECTION_CHOICES
from .models import Building, Company


class DirectoryFilterSet(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    building = django_filters.ModelChoiceFilter(
        label=_("Building"),
        queryset=Building.objects.all(),
        to_field_name="slug",
        empty_label=_("All buildings"),
        method="in_building",
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), field_name="industry_section", choices=SECTION_CHOICES, empty_label=_("All industries")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Company.Kind.choices, empty_label=_("All kinds"))

    columns = {
        "q": "col-md-6 col-lg-3",
        "building": "col-md-6 col-lg-3",
        "industry": "col-md-6 col-lg-3",
        "kind": "col-md-6 col-lg-3",
    }

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(business_id__icontains=value))

    def in_building(self, queryset, name, value):
        return queryset.in_building(value)
