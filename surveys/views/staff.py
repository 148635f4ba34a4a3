"""Staff pages of the survey: the list, the response dashboard, the results, the exports and manual reminders."""

import contextlib
import hashlib
import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import RedisError

from companies.models import Company
from teknokyla.core.access import is_portal_staff, staff_required, viewer_required

from .. import content, exports, invitations
from ..charts import cross_table_chart, response_rate_chart, submissions_chart
from ..crosstab import cross_table
from ..filters import ResultsFilterForm
from ..invitations import ReminderOutcome
from ..models import Survey
from ..results import (
    MIN_GROUP,
    choice_options,
    days_to_deadline,
    filtered_responses,
    invited_rows,
    kept_survey_questions,
    pending_responses,
    results_state,
    submissions_by_day,
    survey_progress,
    survey_results,
)

# Invited organisations that have not submitted, a page at a time, as the directory lists companies.
PENDING_PAGE_SIZE = 50
# Free texts shown per question before the “show all” link.
TEXTS_SHOWN = 20
# The rendered figures stay this long at most; the key changes with every save, submit or content change anyway.
RESULTS_CACHE_SECONDS = 600
# Company answers: no shared cache or browser history keeps a copy, as for the attachments and the plan's PDFs.
PRIVATE = "private, no-store"


@viewer_required
@require_GET
def survey_list(request):
    surveys = Survey.objects.annotate(
        invited=Count("invitations__company", distinct=True),
        submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
    ).order_by("-opens_at")
    return render(request, "surveys/staff/list.html", {"surveys": surveys, "now": timezone.now()})


@viewer_required
@require_GET
def dashboard(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    progress = survey_progress(survey=survey)
    # By default the organisations still to submit; ?show=all lists the submitted ones too (staff open their answers).
    show_all = request.GET.get("show") == "all"
    rows = pending_responses(survey=survey, include_submitted=show_all)
    paginator = Paginator(rows, PENDING_PAGE_SIZE)
    # Known already: no COUNT query.
    paginator.count = progress.overall.invited - (0 if show_all else progress.overall.submitted)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "survey": survey,
        "progress": progress,
        "building_chart": response_rate_chart(progress.by_building, _("Response rate by building")),
        "industry_chart": response_rate_chart(progress.by_section, _("Response rate by industry section")),
        "submissions_chart": submissions_chart(survey, submissions_by_day(survey), progress.overall.invited),
        "page": page,
        "show_all": show_all,
        "pending": invited_rows(page.object_list),
        "days_left": days_to_deadline(survey),
        "is_open": survey.is_open(),
    }
    return render(request, "surveys/staff/dashboard.html", context)


@viewer_required
@require_GET
def results(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    questions = kept_survey_questions(survey)
    form = ResultsFilterForm(request.GET, questions=questions)
    context = {"survey": survey, "form": form, "results": None, "results_html": ""}
    if form.is_valid():
        context.pop("results")
        context["results_html"] = _results_html(request, survey, form.cleaned_data, questions)
    return render(request, "surveys/staff/results.html", context)


def _filter_query(filters: dict) -> dict:
    """The parsed filters as query parameters: the links of the page, and with the reader the cache key's part."""
    answer, cross = filters["answer"], filters["cross"]
    query = {
        "building": getattr(filters["building"], "slug", None),
        "industry": filters["industry"],
        "question": answer[0].pk if answer else None,
        "option": answer[1] if answer else None,
        "rows": cross[0].pk if cross else None,
        "columns": cross[1].pk if cross else None,
        "drafts": "on" if filters["drafts"] else None,
    }
    return {name: value for name, value in query.items() if value}


def _results_html(request, survey: Survey, filters: dict, questions: list) -> str:
    """The figures of the results page, rendered once per change and then read from the cache.

    The key holds everything the HTML depends on: the survey and its content's version (the questions' texts),
    the parsed filters, who reads (names or not), the language, the "show all" links, and the state of the
    responses that count (their number, latest save and submit). Without Redis the figures are computed every time.
    """
    staff = is_portal_staff(request.user)
    chosen = {
        "include_drafts": filters["drafts"],
        "building": filters["building"],
        "industry": filters["industry"],
        "answer": filters["answer"],
    }
    # ?texts=all lists every free text; by default each question shows its first ones and a link to the rest.
    texts_limit = None if request.GET.get("texts") == "all" else TEXTS_SHOWN
    # Built from the parsed filters only: an unknown or repeated parameter makes no new cache entry or link.
    shown = _filter_query(filters)
    query = urlencode(shown)
    all_texts_query = f"{query}&texts=all" if query else "texts=all"
    version = content.content_version()
    key = None
    if version is not None:
        state = results_state(filtered_responses(survey=survey, **chosen))
        parts = [version, state, shown, staff, texts_limit, get_language()]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        key = f"survey-results:{survey.pk}:{digest}"
        with contextlib.suppress(RedisError):
            cached = cache.get(key)
            if cached is not None:
                return mark_safe(cached)  # noqa: S308 - HTML this view rendered and stored
    summary = survey_results(
        survey=survey,
        with_names=staff,
        texts_limit=texts_limit,
        questions=questions,
        hide_small=not staff,
        **chosen,
    )
    table = None
    if filters["cross"] and not summary.hidden:
        rows, columns = filters["cross"]
        responses = filtered_responses(survey=survey, **chosen)
        table = cross_table(responses=responses, rows=rows, columns=columns, hide_small=not staff)
    context = {
        "results": summary,
        "include_drafts": filters["drafts"],
        "all_texts_query": all_texts_query,
        "answer": filters["answer"],
        "answer_label": _option_label(filters["answer"]),
        "cross": table,
        "cross_chart": cross_table_chart(table) if table else None,
        "min_group": MIN_GROUP,
    }
    html = render_to_string("surveys/staff/_results.html", context, request=request)
    if key is not None:
        with contextlib.suppress(RedisError):
            cache.set(key, str(html), RESULTS_CACHE_SECONDS)
    return html


def _option_label(answer) -> str:
    """The label of the option the results are filtered by."""
    if not answer:
        return ""
    question, option = answer
    return dict(choice_options(question)).get(option, option)


# Staff only: the export puts company names next to their free-text answers.
@staff_required
@require_GET
def export_page(request, slug):
    """The choices of the export (format, language, CSV dialect); with a format chosen, the file itself."""
    survey = get_object_or_404(Survey, slug=slug)
    form = exports.ExportForm(
        request.GET if "format" in request.GET else None, initial={"language": (get_language() or "fi")[:2]}
    )
    if form.is_valid():
        return _download(survey, form.cleaned_data["format"], form.options())
    return render(request, "surveys/staff/export.html", {"survey": survey, "form": form})


@staff_required
@require_GET
def export(request, slug, fmt):
    """The file in the format of the address, with the page's other choices from the query (defaults otherwise)."""
    if fmt not in exports.FORMATS:
        raise Http404
    survey = get_object_or_404(Survey, slug=slug)
    form = exports.ExportForm({**request.GET.dict(), "format": fmt})
    if not form.is_valid():
        return render(request, "surveys/staff/export.html", {"survey": survey, "form": form})
    return _download(survey, fmt, form.options())


def _download(survey: Survey, fmt: str, options: exports.ExportOptions):
    filename = exports.filename_for(survey, fmt, options)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(survey, options), content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = PRIVATE
        return response
    # A zip file cannot be streamed as it is written; a temporary file keeps memory flat.
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    exports.write_xlsx(survey, stream, options)
    stream.seek(0)
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=exports.FORMATS[fmt])
    response["Cache-Control"] = PRIVATE
    return response


@staff_required
@require_POST
def remind(request, slug, company_id):
    survey = get_object_or_404(Survey, slug=slug)
    company = get_object_or_404(Company, pk=company_id)
    # The service checks, at the press, that the company was invited and has not submitted: a stale dashboard
    # page sends nothing it should not.
    outcome = invitations.reminder_send(survey=survey, company=company, manual=True)
    if outcome == ReminderOutcome.QUEUED:
        messages.success(request, _("A reminder is on its way to %(company)s.") % {"company": company.name})
    else:
        messages.error(request, _reminder_refusal(outcome) % {"company": company.name})
    return redirect("surveys:dashboard", slug=survey.slug)


def _reminder_refusal(outcome: str) -> str:
    """Why no reminder was sent, as staff read it."""
    return {
        ReminderOutcome.NOT_INVITED: _("%(company)s has not been invited to this survey; no reminder was sent."),
        ReminderOutcome.SUBMITTED: _("%(company)s has already submitted; no reminder was sent."),
        ReminderOutcome.CLOSED: _("The survey is not open; no reminder was sent."),
        ReminderOutcome.NO_EMAIL: _("%(company)s has no contact person with an e-mail address; no reminder was sent."),
        ReminderOutcome.RECENTLY_SENT: _(
            "%(company)s got an invitation or a reminder less than an hour ago; no new reminder was sent."
        ),
    }.get(outcome, _("No reminder was sent to %(company)s."))
