"""The privacy notice, and the staff pages that answer the people in the data: access requests and erasure."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from companies.models import Company, Contact
from surveys.models import Survey
from teknokyla.core.access import staff_required
from workshops.markdown import render_markdown

from . import defaults, exports, services
from .forms import ErasureForm
from .models import PrivacyNotice


@require_GET
def notice(request):
    # The row kept in the admin; its first texts if it were ever deleted, so the page is never empty.
    notice = PrivacyNotice.objects.first() or PrivacyNotice(**defaults.notice_fields())
    sections = [
        (name, capfirst(PrivacyNotice._meta.get_field(name).verbose_name), render_markdown(getattr(notice, name)))
        for name in PrivacyNotice.SECTIONS
    ]
    surveys = Survey.objects.order_by("-closes_at")
    return render(request, "privacy/notice.html", {"notice": notice, "sections": sections, "surveys": surveys})


def _zip_download(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Staff only: the file holds everything about a person, answers and notes included.
@staff_required
@require_GET
def contact_export(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("company"), pk=pk)
    return _zip_download(*exports.personal_data_export(contact=contact))


@staff_required
@require_GET
def company_export(request, pk):
    company = get_object_or_404(Company, pk=pk)
    return _zip_download(*exports.personal_data_export(company=company))


@staff_required
@require_http_methods(["GET", "POST"])
def contact_erase(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("company"), pk=pk, erased_at__isnull=True)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.contact_erase_everywhere(contact=contact)
        messages.success(request, _("The contact person was erased from every table of the portal."))
        return redirect(contact.company)
    plan = services.contact_erasure_plan(contact=contact)
    status = 400 if form.errors else 200
    return render(request, "privacy/erase.html", {"contact": contact, "plan": plan, "form": form}, status=status)
