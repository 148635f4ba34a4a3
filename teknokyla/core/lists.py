"""The staff's list pages: filters (django-filter FilterSets), one page of results, and the pager's query string.

Every list page works the same way: the filters that are valid apply even when another one is wrong (and shown so
next to its field), the page number comes from `?page=`, and the pager's links keep the filters.
"""

from __future__ import annotations

import django_filters
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# The Bootstrap column of a filter field in the filter row, unless the FilterSet names another.
DEFAULT_COLUMN = "col-md-3"


class ListFilterSet(django_filters.FilterSet):
    """A list page's filters, laid out in one row of columns by `includes/list_filters.html`.

    `columns` names the Bootstrap column class of each field, in the order the row shows them (fields it does not
    name come after, in a DEFAULT_COLUMN); `button_column` is the column of the Filter button and the Clear link.
    """

    columns: dict[str, str] = {}
    button_column = "col-auto"

    @property
    def layout(self) -> list[tuple[object, str]]:
        names = [name for name in self.columns if name in self.form.fields]
        names += [name for name in self.form.fields if name not in self.columns]
        return [(self.form[name], self.columns.get(name, DEFAULT_COLUMN)) for name in names]


def list_page(request: HttpRequest, queryset: QuerySet, *, per_page: int) -> tuple[Page, str]:
    """One page of a list, and the query string without the page number, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), query.urlencode()
