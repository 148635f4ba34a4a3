"""One organisation's response, for staff: read it, correct a page, reopen it or submit it on its behalf.

Identified answers: staff only. Viewers see aggregated results, never what one named organisation answered.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teknokyla.core.access import staff_required

from .. import corrections, services
from ..forms import ReasonForm
from ..models import Response
from ..record import response_record
from .answering import PAGE_STATUS, error_summary, question_rows


def _response_of(slug: str, pk: int) -> Response:
    """The response of the survey in the URL; 404 for a response of another survey."""
    return get_object_or_404(Response.objects.select_related("survey", "company"), pk=pk, survey__slug=slug)


def _page_url(survey_response: Response, number: int | None = None) -> str:
    url = reverse("surveys:response", args=[survey_response.survey.slug, survey_response.pk])
    return f"{url}#page-{number}" if number else url


@never_cache
@staff_required
@require_GET
def response_detail(request, slug, pk):
    survey_response = _response_of(slug, pk)
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "record": response_record(survey_response),
        "reason_form": ReasonForm(),
    }
    return render(request, "surveys/staff/response.html", context)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def response_correct(request, slug, pk, number):
    """One page of the response in the company's own form, with a reason; saved as the company's save is."""
    survey_response = _response_of(slug, pk)
    sections = list(survey_response.survey.sections.all())
    if not 1 <= number <= len(sections):
        raise Http404
    section = sections[number - 1]
    if request.method == "GET":
        form = services.build_form(survey_response, section, services.section_questions(section))
        return _render_correction(request, survey_response, sections, number, form, ReasonForm())
    if request.POST.get("action", "").startswith("add_row:"):
        # "Add a row" of a table without JavaScript: the page again with a blank row, nothing saved yet.
        form = services.build_form(survey_response, section, services.section_questions(section), request.POST)
        reason_form = ReasonForm(initial={"reason": request.POST.get("correction-reason", "")})
        return _render_correction(request, survey_response, sections, number, form, reason_form)
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        # Nothing is saved without a reason; what was typed on the page stays in the fields.
        questions = services.section_questions(section)
        form = services.build_form(survey_response, section, questions, request.POST)
        form.is_valid()
        return _render_correction(request, survey_response, sections, number, form, reason_form, status=400)
    result = corrections.answer_correct(
        response=survey_response,
        section=section,
        data=request.POST,
        user=request.user,
        reason=reason_form.cleaned_data["reason"],
    )
    if result.saved:
        messages.success(request, _("The correction was saved and recorded in the history."))
        return redirect(_page_url(survey_response, number))
    if result.status == "unchanged":
        messages.info(request, _("No answer was changed, so nothing was saved."))
        return redirect(_page_url(survey_response, number))
    return _render_correction(
        request,
        survey_response,
        sections,
        number,
        result.form,
        reason_form,
        status=PAGE_STATUS[result.status],
        result=result,
    )


def _render_correction(request, survey_response, sections, number, form, reason_form, *, status=200, result=None):
    rows = question_rows(form)
    errors = error_summary(form, rows) if status == 400 else []
    errors += [(reason_form["reason"].auto_id, error) for error in reason_form["reason"].errors]
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "section": sections[number - 1],
        "number": number,
        "total": len(sections),
        "form": form,
        "rows": rows,
        "reason_form": reason_form,
        "errors": errors,
        "status": result.status if result else "",
        "changes": result.changes if result else [],
    }
    return render(request, "surveys/staff/response_correct.html", context, status=status)


@never_cache
@staff_required
@require_POST
def response_reopen(request, slug, pk):
    survey_response = _response_of(slug, pk)
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        return _refused(request, survey_response, reason_form)
    reason = reason_form.cleaned_data["reason"]
    if corrections.response_reopen(response=survey_response, user=request.user, reason=reason):
        messages.success(request, _("The response was reopened: the organisation can change it and submit again."))
    else:
        messages.info(request, _("The response was not submitted, so there was nothing to reopen."))
    return redirect(_page_url(survey_response))


@never_cache
@staff_required
@require_POST
def response_submit(request, slug, pk):
    survey_response = _response_of(slug, pk)
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        return _refused(request, survey_response, reason_form)
    result = corrections.response_submit_on_behalf(
        response=survey_response, user=request.user, reason=reason_form.cleaned_data["reason"]
    )
    if result.status == "submitted":
        messages.success(request, _("The response was marked submitted on the organisation's behalf."))
    elif result.status == "already":
        messages.info(request, _("The response had already been submitted."))
    else:
        number = list(survey_response.survey.sections.all()).index(result.section) + 1
        messages.error(
            request,
            _("A required question is still unanswered on page %(number)s; the response was not submitted.")
            % {"number": number},
        )
        return redirect(_page_url(survey_response, number))
    return redirect(_page_url(survey_response))


def _refused(request, survey_response: Response, reason_form: ReasonForm):
    """The response page again, with the reason's error next to its field."""
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "record": response_record(survey_response),
        "reason_form": reason_form,
    }
    return render(request, "surveys/staff/response.html", context, status=400)
