"""Workforce pages: the matching table and its export, the needs and the programmes; viewers read, staff write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from companies.models import Contact
from teknokyla.core.access import staff_required, viewer_required
from teknokyla.core.lists import list_page

from . import exports, services
from .charts import gap_chart
from .filters import MatchingFilterSet, NeedFilterSet, ProgrammeFilterSet
from .forms import NeedForm, ProgrammeForm
from .matching import active_needs, companies_for_programme, matching_table, programmes_for_need
from .models import EducationProgramme, WorkforceNeed

PAGE_SIZE = 50


def _posted(request):
    # An empty POST is still a submission: it must show the missing fields, not a blank form.
    return request.POST if request.method == "POST" else None


def _show_refusal(form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it names, or at the top when the form has no such field."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, texts in by_field.items():
        form.add_error(name if name in form.fields else None, texts)


def _form_page(request, template, form, **context):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


# The matching table ----------------------------------------------------------


@viewer_required
@require_GET
def matching(request):
    filters = MatchingFilterSet(request.GET or None, queryset=active_needs())
    table = matching_table(needs=filters.qs)
    # The links to the needs behind a row keep the building and industry filters.
    scope = urlencode({name: request.GET[name] for name in ("building", "industry") if request.GET.get(name)})
    return render(
        request,
        "workforce/matching.html",
        {
            "filter": filters,
            "table": table,
            "chart": gap_chart(table),
            "query": request.GET.urlencode(),
            "scope": scope,
        },
    )


@viewer_required
@require_GET
def matching_export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    table = matching_table(needs=MatchingFilterSet(request.GET or None, queryset=active_needs()).qs)
    return exports.matching_response(table, fmt)


# Needs -----------------------------------------------------------------------


@viewer_required
@require_GET
def need_list(request):
    filters = NeedFilterSet(request.GET or None, queryset=active_needs())
    needs = filters.qs.select_related("company", "skill_area").order_by("company__name", "skill_area__order", "pk")
    page, query = list_page(request, needs, per_page=PAGE_SIZE)
    return render(request, "workforce/need_list.html", {"filter": filters, "page": page, "query": query})


@viewer_required
@require_GET
def need_detail(request, pk):
    need = get_object_or_404(WorkforceNeed.objects.select_related("company", "skill_area"), pk=pk)
    contacts = Contact.objects.filter(company_id=need.company_id, erased_at__isnull=True)
    return render(
        request,
        "workforce/need_detail.html",
        {"need": need, "contacts": contacts, "programmes": programmes_for_need(need)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    form = NeedForm(_posted(request), initial={"company": request.GET.get("company")})
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:  # the service re-checks the form's rules; a race may differ
            _show_refusal(form, error)
        else:
            messages.success(request, _("The need was saved."))
            return redirect(need)
    return _form_page(request, "workforce/need_form.html", form)


@staff_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = get_object_or_404(WorkforceNeed.objects.select_related("company", "skill_area"), pk=pk)
    heading = str(need)  # before the form writes what was typed onto the instance
    form = NeedForm(_posted(request), instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The need was saved."))
            return redirect(need)
    return _form_page(request, "workforce/need_form.html", form, need=need, heading=heading)


# Programmes ------------------------------------------------------------------


@viewer_required
@require_GET
def programme_list(request):
    filters = ProgrammeFilterSet(request.GET or None, queryset=EducationProgramme.objects.all())
    programmes = (
        filters.qs.select_related("institution")
        .prefetch_related("skill_areas")
        .order_by("institution__name", "name", "pk")
    )
    page, query = list_page(request, programmes, per_page=PAGE_SIZE)
    return render(request, "workforce/programme_list.html", {"filter": filters, "page": page, "query": query})


@viewer_required
@require_GET
def programme_detail(request, pk):
    programme = get_object_or_404(
        EducationProgramme.objects.select_related("institution").prefetch_related("skill_areas"), pk=pk
    )
    contacts = Contact.objects.filter(company_id=programme.institution_id, erased_at__isnull=True)
    candidates = companies_for_programme(programme)
    return render(
        request,
        "workforce/programme_detail.html",
        {
            "programme": programme,
            "contacts": contacts,
            "placement_companies": [c for c in candidates if c.seeks_placements],
            "other_companies": [c for c in candidates if not c.seeks_placements],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    form = ProgrammeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect(programme)
    return _form_page(request, "workforce/programme_form.html", form)


@staff_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = get_object_or_404(EducationProgramme.objects.select_related("institution"), pk=pk)
    heading = programme.name  # before the form writes what was typed onto the instance
    form = ProgrammeForm(_posted(request), instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect(programme)
    return _form_page(request, "workforce/programme_form.html", form, programme=programme, heading=heading)
