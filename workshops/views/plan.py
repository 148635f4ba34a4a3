"""Plan pages: findings, measures and the findings-by-theme board (the search is in the search app)."""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from surveys.models import Question
from teknokyla.core.access import staff_required, viewer_required
from teknokyla.core.lists import list_page

from ..charts import findings_chart, theme_counts
from ..filters import FindingFilterSet, MeasureFilterSet
from ..forms.plan import (
    FindingForm,
    MeasureForm,
    finding_initial,
    measure_initial,
)
from ..models import Finding, Interview, Measure, Theme
from ..services import plan as services

PAGE_SIZE = 50


def _posted(request):
    # An empty POST is still a submission: it must show the missing fields, not a blank form.
    return request.POST if request.method == "POST" else None


def _form_page(request, template, context, form):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


# Findings ------------------------------------------------------------------


@viewer_required
@require_GET
def finding_list(request):
    # Explicit: Meta.ordering is dropped once the counts below add a GROUP BY. A search orders by rank instead.
    filters = FindingFilterSet(
        request.GET or None, queryset=Finding.objects.order_by("-importance", "-created_at", "-pk")
    )
    findings = filters.qs.annotate(
        company_count=Count("companies", distinct=True), measure_count=Count("measures", distinct=True)
    ).prefetch_related("themes")
    page, query = list_page(request, findings, per_page=PAGE_SIZE)
    return render(request, "workshops/plan/finding_list.html", {"filter": filters, "page": page, "query": query})


@viewer_required
@require_GET
def finding_detail(request, pk):
    finding = get_object_or_404(
        Finding.objects.select_related("created_by").prefetch_related(
            "themes",
            "companies",
            "workshops",
            Prefetch("interviews", queryset=Interview.objects.prefetch_related("companies")),
            Prefetch("questions", queryset=Question.objects.select_related("section__survey")),
            Prefetch(
                "measures", queryset=Measure.objects.select_related("responsible_user", "responsible_organisation")
            ),
        ),
        pk=pk,
    )
    return render(request, "workshops/plan/finding_detail.html", {"finding": finding})


@staff_required
@require_http_methods(["GET", "POST"])
def finding_create(request):
    initial, source = finding_initial(request.GET)
    form = FindingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        finding = services.finding_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("The finding was saved."))
        return redirect(finding)
    return _form_page(request, "workshops/plan/finding_form.html", {"source": source}, form)


@staff_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = get_object_or_404(Finding, pk=pk)
    heading = str(finding)  # before the form writes what was typed onto the instance
    form = FindingForm(_posted(request), instance=finding)
    if request.method == "POST" and form.is_valid():
        services.finding_update(finding=finding, data=form.cleaned_data, user=request.user)
        messages.success(request, _("The finding was saved."))
        return redirect(finding)
    return _form_page(request, "workshops/plan/finding_form.html", {"finding": finding, "heading": heading}, form)


# Measures ------------------------------------------------------------------


@viewer_required
@require_GET
def measure_list(request):
    filters = MeasureFilterSet(request.GET or None, queryset=Measure.objects.order_by("start_quarter", "title", "pk"))
    measures = (
        filters.qs.select_related("responsible_user", "responsible_organisation")
        .annotate(finding_count=Count("findings", distinct=True))
        .prefetch_related("themes")
    )
    page, query = list_page(request, measures, per_page=PAGE_SIZE)
    return render(request, "workshops/plan/measure_list.html", {"filter": filters, "page": page, "query": query})


@viewer_required
@require_GET
def measure_detail(request, pk):
    measure = get_object_or_404(
        Measure.objects.select_related("responsible_user", "responsible_organisation").prefetch_related(
            "themes", "partners", "findings", "status_changes__changed_by"
        ),
        pk=pk,
    )
    return render(request, "workshops/plan/measure_detail.html", {"measure": measure})


@staff_required
@require_http_methods(["GET", "POST"])
def measure_create(request):
    form = MeasureForm(_posted(request), initial=measure_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        measure = services.measure_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("The measure was saved."))
        return redirect(measure)
    return _form_page(request, "workshops/plan/measure_form.html", {}, form)


@staff_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    heading = measure.title  # before the form writes what was typed onto the instance
    form = MeasureForm(_posted(request), instance=measure)
    if request.method == "POST" and form.is_valid():
        services.measure_update(measure=measure, data=form.cleaned_data, user=request.user)
        messages.success(request, _("The measure was saved."))
        return redirect(measure)
    return _form_page(request, "workshops/plan/measure_form.html", {"measure": measure, "heading": heading}, form)


# The board --------------------------------------------------


# The board shows a theme's most important findings; "show all" opens the finding list filtered by the theme.
BOARD_FINDINGS_SHOWN = 10


@dataclass
class BoardColumn:
    """One theme of the board as shown: its first findings, how many it has, how many no measure answers."""

    theme: Theme | None
    findings: list[Finding]
    total: int
    unanswered_count: int


@viewer_required
@require_GET
def board(request):
    board = services.findings_by_theme()
    columns = [
        BoardColumn(
            theme=group.theme,
            # Findings without an active theme have no list to link to: they are all shown.
            findings=group.findings[:BOARD_FINDINGS_SHOWN] if group.theme else group.findings,
            total=len(group.findings),
            unanswered_count=group.unanswered_count,
        )
        for group in board.groups
    ]
    counts = theme_counts(board.groups)
    context = {
        "board": board,
        "columns": columns,
        "counts": counts,
        "kinds": list(Finding.Kind.labels),
        "chart": findings_chart(counts),
    }
    return render(request, "workshops/plan/board.html", context)
