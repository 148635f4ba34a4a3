"""Staff pages of the survey: the list, the response dashboard, the results, the exports and manual reminders."""

import tempfile

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from companies.models import Company
from teknokyla.core.access import is_portal_staff, staff_required, viewer_required

from .. import exports, invitations
from ..invitations import ReminderOutcome
from ..models import Response, Survey
from ..results import ResultsFilterForm, days_to_deadline, survey_progress, survey_results


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
    context = {
        "survey": survey,
        "progress": survey_progress(survey=survey),
        "days_left": days_to_deadline(survey),
        "is_open": survey.is_open(),
    }
    return render(request, "surveys/staff/dashboard.html", context)


@viewer_required
@require_GET
def results(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    form = ResultsFilterForm(request.GET)
    summary = None
    if form.is_valid():
        summary = survey_results(
            survey=survey,
            with_names=is_portal_staff(request.user),
            include_drafts=form.cleaned_data["drafts"],
            building=form.cleaned_data["building"],
            industry=form.cleaned_data["industry"],
        )
    return render(request, "surveys/staff/results.html", {"survey": survey, "form": form, "results": summary})


# Staff only: the export puts company names next to their free-text answers.
@staff_required
@require_GET
def export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    survey = get_object_or_404(Survey, slug=slug)
    filename = exports.filename_for(survey, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(survey), content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # A zip file cannot be streamed as it is written; a temporary file keeps memory flat.
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    exports.write_xlsx(survey, stream)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=exports.FORMATS[fmt])


@staff_required
@require_POST
def remind(request, slug, company_id):
    survey = get_object_or_404(Survey, slug=slug)
    company = get_object_or_404(Company, pk=company_id)
    response = Response.objects.filter(survey=survey, company=company, invitations__isnull=False).first()
    # Checked here as well as in the service, so a stale dashboard page sends nothing it should not.
    if response is None:
        outcome = ReminderOutcome.NOT_INVITED
    elif response.is_submitted:
        outcome = ReminderOutcome.SUBMITTED
    elif survey.has_closed():
        outcome = ReminderOutcome.CLOSED
    else:
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
    }.get(outcome, _("No reminder was sent to %(company)s."))
