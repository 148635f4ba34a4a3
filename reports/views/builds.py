"""Pages of the report builds: the list with the build form, building and retrying, the live status, the downloads."""

from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from surveys.models import Survey
from teknokyla.core.access import is_portal_staff, staff_required, viewer_required
from teknokyla.core.inputs import parse_id

from ..models import LANGUAGE_CHOICES, DevelopmentPlan, ReportBuild
from ..services import builds as services
from ..services.fallbacks import report_fallbacks

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
            field = cast(forms.ModelChoiceField, self.fields[name])  # declared above
            # Read once: a select asks for its choices more than once while it renders.
            field.choices = [(item.pk, str(item)) for item in field.queryset]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def can_build(self) -> bool:
        """A build needs an edition and a survey to choose from."""
        return bool(self.choices("plan") and self.choices("survey"))

    def choices(self, name: str) -> list[tuple[int, str]]:
        """The plan's or survey's choices, read once in __init__."""
        return cast(list[tuple[int, str]], cast(forms.ModelChoiceField, self.fields[name]).choices)


def _fallbacks(form: BuildRequestForm | None) -> dict | None:
    """For staff: the texts a Swedish and an English build of the form's default edition and survey show in Finnish."""
    if form is None or not form.can_build:
        return None
    plan = DevelopmentPlan.objects.filter(pk=form.choices("plan")[0][0]).first()
    survey = Survey.objects.filter(pk=form.choices("survey")[0][0]).first()
    if plan is None:  # deleted since the form read its choices
        return None
    languages = dict(LANGUAGE_CHOICES)
    return {
        "plan": plan,
        "survey": survey,
        "languages": [
            {"code": code, "name": languages[code], "gaps": report_fallbacks(plan=plan, survey=survey, language=code)}
            for code in ("sv", "en")
        ],
    }


def _list_page(request, form, status=200):
    builds = ReportBuild.objects.select_related("plan", "survey", "requested_by")
    page = Paginator(builds, PAGE_SIZE).get_page(request.GET.get("page"))
    for build in page:
        build.duration_label = duration_label(build)
    context = {"form": form, "page": page, "fallbacks": _fallbacks(form)}
    return render(request, "reports/builds/list.html", context, status=status)


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
    _say_fallbacks(request, build)
    return redirect("reports:builds")


def _say_fallbacks(request, build: ReportBuild) -> None:
    """Tell staff how many texts a Swedish or English build prints in Finnish (the page lists them)."""
    in_finnish = len(report_fallbacks(plan=build.plan, survey=build.survey, language=build.language))
    if in_finnish:
        messages.warning(
            request,
            ngettext(
                "In this build %(count)d text shows in Finnish, as it has no translation yet; the PDF and the "
                "Word document mark it as Finnish. The texts are listed on this page.",
                "In this build %(count)d texts show in Finnish, as they have no translation yet; the PDF and the "
                "Word document mark them as Finnish. The texts are listed on this page.",
                in_finnish,
            )
            % {"count": in_finnish},
        )


@staff_required
@require_POST
def build_retry(request, pk):
    build = get_object_or_404(ReportBuild, pk=pk)
    retried = services.build_retry(build=build)
    if retried is None:
        messages.error(request, _("Only a failed build can be retried; this one is not failed."))
    else:
        _say_queued(request, retried)
        _say_fallbacks(request, retried)
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


# The editions a build has: its file field and the content type it is served with.
EDITIONS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


@viewer_required
@require_GET
def build_download(request, pk, edition="pdf"):
    field_name, content_type = EDITIONS[edition]
    build = get_object_or_404(ReportBuild, pk=pk, status=ReportBuild.Status.DONE)
    stored = getattr(build, field_name)
    if not stored:
        raise Http404
    try:
        stream = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream, as_attachment=True, filename=services.build_filename(build, edition), content_type=content_type
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
        "docx_url": reverse("reports:build_download_docx", args=[build.pk]) if done and build.docx else None,
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
