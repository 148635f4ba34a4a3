"""Pages of the PDF builds: the list with the build form, building and retrying, the live status, the download."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from surveys.models import Survey
from teknokyla.core.access import is_portal_staff, staff_required, viewer_required
from teknokyla.core.inputs import parse_id

from ..models import LANGUAGE_CHOICES, DevelopmentPlan, ReportBuild
from ..services import builds as services

PAGE_SIZE = 25
# The status endpoint answers for at most this many builds at once (a page of them).
STATUS_LIMIT = PAGE_SIZE


class BuildRequestForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan edition"), queryset=DevelopmentPlan.objects.order_by("-period_start", "-pk")
    )
    survey = forms.ModelChoiceField(label=gettext_lazy("Survey"), queryset=Survey.objects.order_by("-opens_at", "-pk"))
    language = forms.ChoiceField(label=gettext_lazy("Language of the report"), choices=LANGUAGE_CHOICES, initial="fi")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("plan", "survey"):
            field = self.fields[name]
            # Read once: a select asks for its choices more than once while it renders.
            field.choices = [(item.pk, str(item)) for item in field.queryset]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def can_build(self) -> bool:
        """A build needs an edition and a survey to choose from."""
        return bool(self.fields["plan"].choices and self.fields["survey"].choices)


def _list_page(request, form, status=200):
    builds = ReportBuild.objects.select_related("plan", "survey", "requested_by")
    page = Paginator(builds, PAGE_SIZE).get_page(request.GET.get("page"))
    for build in page:
        build.duration_label = duration_label(build)
    return render(request, "reports/builds/list.html", {"form": form, "page": page}, status=status)


@viewer_required
@require_GET
def build_list(request):
    # Only staff may build, so only they get the form.
    return _list_page(request, BuildRequestForm() if is_portal_staff(request.user) else None)


@staff_required
@require_POST
def build_create(request):
    form = BuildRequestForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    data = form.cleaned_data
    build = services.build_request(
        plan=data["plan"], survey=data["survey"], language=data["language"], user=request.user
    )
    _say_queued(request, build)
    return redirect("reports:builds")


@staff_required
@require_POST
def build_retry(request, pk):
    build = get_object_or_404(ReportBuild, pk=pk)
    retried = services.build_retry(build=build)
    if retried is None:
        messages.error(request, _("Only a failed build can be retried; this one is not failed."))
    else:
        _say_queued(request, retried)
    return redirect("reports:builds")


def _say_queued(request, build: ReportBuild) -> None:
    if build.enqueued is False:
        messages.warning(
            request,
            _(
                "The build is saved, but the worker cannot be reached right now. "
                "It will start when the worker is reachable."
            ),
        )
    else:
        messages.success(request, _("The build is queued. This page shows its progress as it runs."))


@viewer_required
@require_GET
def build_status(request):
    ids = [parse_id(value) for value in request.GET.getlist("id")]
    if None in ids:
        return JsonResponse({"error": _("The build ids must be positive whole numbers.")}, status=400)
    builds = ReportBuild.objects.filter(pk__in=ids[:STATUS_LIMIT]).order_by("-requested_at")
    return JsonResponse({"builds": [status_json(build) for build in builds]})


@viewer_required
@require_GET
def build_download(request, pk):
    build = get_object_or_404(ReportBuild, pk=pk, status=ReportBuild.Status.DONE)
    if not build.pdf:
        raise Http404
    try:
        stream = build.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream, as_attachment=True, filename=services.build_filename(build), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def status_json(build: ReportBuild) -> dict:
    """What the builds page needs to redraw one row."""
    done = build.status == ReportBuild.Status.DONE
    failed = build.status == ReportBuild.Status.FAILED
    return {
        "id": build.pk,
        "status": build.status,
        "status_label": build.get_status_display(),
        "download_url": reverse("reports:build_download", args=[build.pk]) if done else None,
        "error": _(build.error) if failed and build.error else "",
        "pages": build.page_count if done else None,
        "size": build.size if done else None,
        "size_label": filesizeformat(build.size) if done and build.size is not None else "",
        "duration_label": duration_label(build),
    }


def duration_label(build: ReportBuild) -> str:
    """How long a finished build took, as people read it; empty until it has finished."""
    if not (build.started_at and build.finished_at):
        return ""
    seconds = max(0, round((build.finished_at - build.started_at) / timedelta(seconds=1)))
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}
