"""Interview and workshop pages: lists with filters and Finnish search, detail pages, editing, attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teknokyla.core.access import staff_required, viewer_required
from teknokyla.core.lists import list_page

from .. import uploads
from ..filters import InterviewFilterSet, WorkshopFilterSet
from ..forms.records import AttachmentForm, InterviewForm, WorkshopForm
from ..models import Attachment, Interview, Workshop
from ..search import highlight
from ..services import records as services

PAGE_SIZE = 25


def _posted(request):
    # An empty POST is still a submission: it must show the missing fields, not a blank form.
    return request.POST if request.method == "POST" else None


def _list_page(request, filters, template):
    page, query = list_page(request, filters.qs, per_page=PAGE_SIZE)
    for record in page:
        record.snippet = highlight(record.headline) if hasattr(record, "headline") else ""
    return render(request, template, {"filter": filters, "page": page, "query": query})


def _form_page(request, template, form, record=None):
    return render(request, template, {"form": form, "record": record}, status=400 if form.errors else 200)


def _record_page(request, record, upload_form=None, status=200):
    kind = "interview" if isinstance(record, Interview) else "workshop"
    context = {kind: record, "record": record, "kind": kind, "upload_form": upload_form or AttachmentForm()}
    return render(request, f"workshops/records/{kind}_detail.html", context, status=status)


def _record_for_page(kind: str, pk: int):
    if kind == "interview":
        return get_object_or_404(services.interviews_for_page(), pk=pk)
    if kind == "workshop":
        return get_object_or_404(services.workshops_for_page(), pk=pk)
    raise Http404


# Interviews ----------------------------------------------------------------


@viewer_required
@require_GET
def interview_list(request):
    filters = InterviewFilterSet(request.GET or None, queryset=services.interviews_for_list())
    return _list_page(request, filters, "workshops/records/interview_list.html")


@viewer_required
@require_GET
def interview_detail(request, pk):
    return _record_page(request, _record_for_page("interview", pk))


@staff_required
@require_http_methods(["GET", "POST"])
def interview_create(request):
    form = InterviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_create(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The interview was saved."))
            return redirect(interview)
    return _form_page(request, "workshops/records/interview_form.html", form)


@staff_required
@require_http_methods(["GET", "POST"])
def interview_edit(request, pk):
    interview = get_object_or_404(Interview, pk=pk)
    form = InterviewForm(_posted(request), instance=interview)
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_update(interview=interview, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The interview was saved."))
            return redirect(interview)
    return _form_page(request, "workshops/records/interview_form.html", form, interview)


# Workshops -----------------------------------------------------------------


@viewer_required
@require_GET
def workshop_list(request):
    filters = WorkshopFilterSet(request.GET or None, queryset=services.workshops_for_list())
    return _list_page(request, filters, "workshops/records/workshop_list.html")


@viewer_required
@require_GET
def workshop_detail(request, pk):
    return _record_page(request, _record_for_page("workshop", pk))


@staff_required
@require_http_methods(["GET", "POST"])
def workshop_create(request):
    form = WorkshopForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop was saved."))
            return redirect(workshop)
    return _form_page(request, "workshops/records/workshop_form.html", form)


@staff_required
@require_http_methods(["GET", "POST"])
def workshop_edit(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    form = WorkshopForm(_posted(request), instance=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(workshop=workshop, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop was saved."))
            return redirect(workshop)
    return _form_page(request, "workshops/records/workshop_form.html", form, workshop)


# Attachments ---------------------------------------------------------------


@csrf_exempt  # checked in _attachment_save, once the body is parsed keeping the file names as sent
@staff_required
@require_POST
def attachment_upload(request, record, pk):
    parent = _record_for_page(record, pk)
    if uploads.request_too_large(request):
        form = AttachmentForm(data={}, too_large=True)
        form.is_valid()
        return _record_page(request, parent, upload_form=form, status=413)
    sent_names = uploads.keep_sent_file_names(request)
    return _attachment_save(request, parent, sent_names)


@csrf_protect
def _attachment_save(request, parent, sent_names):
    form = AttachmentForm(request.POST, request.FILES, sent_names=sent_names)
    if not form.is_valid():
        return _record_page(request, parent, upload_form=form, status=400)
    services.attachment_add(
        record=parent,
        upload=form.cleaned_data["file"],
        file_type=form.file_type,
        description=form.cleaned_data["description"],
        user=request.user,
    )
    messages.success(request, _("The file was added."))
    return redirect(f"{parent.get_absolute_url()}#attachments")


@viewer_required
@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
