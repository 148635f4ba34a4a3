"""The staff search page: every kind of record, grouped, filtered, paginated."""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils.functional import Promise
from django.views.decorators.http import require_GET

from teknokyla.core.access import is_portal_staff, viewer_required
from workshops.models import Finding, Measure

from .analysis import analyser_loaded
from .forms import SearchForm
from .models import Entry
from .query import Hit, search


@dataclass
class ResultGroup:
    """The hits of one kind on this page, and how many of that kind match in all."""

    kind: str
    label: str | Promise
    count: int
    hits: list[Hit] = field(default_factory=list)


# The index keeps codes (it is written in no one language); the page shows them in the reader's.
DETAIL_LABELS = {Entry.Kind.FINDINGS: dict(Finding.Kind.choices), Entry.Kind.MEASURES: dict(Measure.Status.choices)}


def _groups(results) -> list[ResultGroup]:
    labels = dict(Entry.Kind.choices)
    groups: dict[str, ResultGroup] = {}
    # In the order of each kind's best hit on the page.
    for hit in results.hits:
        hit.detail = DETAIL_LABELS.get(hit.kind, {}).get(hit.detail, hit.detail)
        group = groups.setdefault(hit.kind, ResultGroup(hit.kind, labels[hit.kind], results.counts.get(hit.kind, 0)))
        group.hits.append(hit)
    return list(groups.values())


@viewer_required
@require_GET
def search_page(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        # Staff see identified survey answers; viewers never do (teknokyla.core.access).
        staff = is_portal_staff(request.user)
        results = search(data["q"].strip(), form.filters(), staff=staff, page=data["page"] or 1)
    context = {
        "form": form,
        "q": results.query.text if results else "",
        "results": results,
        "groups": _groups(results) if results else [],
        "total": results.total if results else 0,
        "facets": [(kind, Entry.Kind(kind).label, count) for kind, count in results.counts.items()] if results else [],
        "reduced": not analyser_loaded(),
        "filtered": any(form.data.get(name) for name in ("kind", "theme", "building", "date_from", "date_to"))
        or bool(form.errors),
    }
    return render(request, "search/search.html", context)
