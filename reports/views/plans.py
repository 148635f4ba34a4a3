"""Pages of the plan's written parts: the editions, one edition, its editing with a live preview, the report in HTML."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from surveys.models import Survey
from teknokyla.core.access import staff_required, viewer_required
from workshops.markdown import render_markdown
from workshops.models import Measure

from ..forms import LANGUAGE_CODES, GoalFormSet, MarkdownPreviewForm, PlanForm
from ..models import DevelopmentPlan


def _markdown_under(text: str, level: int) -> SafeString:
    """Markdown shown under a heading of `level`: its own headings start one level below, sized as minor headings."""
    return render_markdown(text, under=level, sized=True)


def _goals_with_measures(plan: DevelopmentPlan) -> tuple[list[dict], list[Measure]]:
    """The plan's goals, each with its rendered description and its measures; and the measures tied to no goal."""
    goals = plan.goals.order_by("order", "pk")
    measures = Measure.objects.order_by("start_quarter", "title")
    goals = goals.prefetch_related(Prefetch("measures", queryset=measures))
    measures = measures.filter(goal__isnull=True)
    rows = [
        {
            "goal": goal,
            "description": _markdown_under(goal.description, level=3),
            "measures": list(goal.measures.all()),
        }
        for goal in goals
    ]
    return rows, list(measures)


@viewer_required
@require_GET
def plan_list(request):
    plans = DevelopmentPlan.objects.annotate(goal_count=Count("goals")).order_by("-period_start", "-pk")
    return render(request, "reports/plans/list.html", {"plans": plans})


@viewer_required
@require_GET
def plan_detail(request, pk):
    plan = get_object_or_404(DevelopmentPlan, pk=pk)
    texts = [
        (_("Summary"), _markdown_under(plan.summary, level=2)),
        (_("Starting point"), _markdown_under(plan.starting_point, level=2)),
        (_("Vision"), _markdown_under(plan.vision, level=2)),
    ]
    goals, untied = _goals_with_measures(plan)
    return render(
        request,
        "reports/plans/detail.html",
        {"plan": plan, "texts": texts, "goals": goals, "untied_measures": untied, "report_languages": LANGUAGE_CODES},
    )


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def plan_edit(request, pk):
    # On a save the row stays locked from the version check to the write, so two saves cannot both pass it.
    plans = DevelopmentPlan.objects.select_for_update() if request.method == "POST" else DevelopmentPlan.objects
    plan = get_object_or_404(plans, pk=pk)
    saved_title = plan.title
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan)
    goals = GoalFormSet(data, instance=plan, prefix="goals")
    if all([form.is_valid(), goals.is_valid()]):
        form.save()
        goals.save()
        messages.success(request, _("The plan was saved."))
        return redirect(plan)
    return render(
        request,
        "reports/plans/edit.html",
        {"plan": plan, "saved_title": saved_title, "form": form, "goals": goals},
        status=400 if form.is_bound else 200,
    )


@staff_required
@require_POST
def markdown_preview(request):
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse({"html": render_markdown(form.cleaned_data["text"])})


# The charts are matplotlib's inline SVG, drawn with style attributes, and the print footer is a <style>:
# this page alone allows inline styles. Scripts stay 'self' only; the page holds no script at all.
@csp_update({"style-src": [UNSAFE_INLINE]})
@viewer_required
@require_GET
def report_preview(request, pk):
    plan = get_object_or_404(DevelopmentPlan, pk=pk)
    language = request.GET.get("language") or (get_language() or "fi")[:2]
    if language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(_("Unknown language."))
    slug = request.GET.get("survey")
    survey = get_object_or_404(Survey, slug=slug) if slug else Survey.objects.order_by("-opens_at").first()
    # Imported here: WeasyPrint and matplotlib cost every web worker ~50 MB, and only this view needs them.
    from ..services.report import report_render_html

    response = HttpResponse(report_render_html(plan=plan, survey=survey, language=language))
    # The preview holds what the PDF holds (company answers included): no cache keeps it, as for the PDF.
    response["Cache-Control"] = "private, no-store"
    return response
