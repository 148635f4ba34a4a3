"""Staff pages of the registry: the directory, a company, the buildings, the import."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from teknokyla.core.access import staff_required, viewer_required
from teknokyla.core.lists import list_page
from teknokyla.core.security import body_larger_than

from . import columns as column_table
from . import import_changes, importing, sheets
from .filters import DirectoryFilterSet
from .forms import MAX_IMPORT_BYTES, TOO_LARGE_MESSAGE, CompanyImportForm, ImportConfirmForm
from .models import Building, Company, Tenancy, tenancy_in_force

PAGE_SIZE = 50


def _current_tenancies():
    return Prefetch(
        "tenancies",
        queryset=Tenancy.objects.current().select_related("premises__building"),
        to_attr="current_tenancies",
    )


@require_GET
def home(request):
    """The portal's front page, public: what it is for and the village's buildings."""
    return render(request, "core/home.html", {"buildings": Building.objects.order_by("name")})


@viewer_required
@require_GET
def directory(request):
    filters = DirectoryFilterSet(request.GET or None, queryset=Company.objects.active())
    companies = filters.qs.order_by("name").prefetch_related(_current_tenancies())
    page, query = list_page(request, companies, per_page=PAGE_SIZE)
    return render(request, "companies/directory.html", {"filter": filters, "page": page, "query": query})


@viewer_required
@require_GET
def detail(request, pk):
    company = get_object_or_404(Company.objects.select_related("parent"), pk=pk)
    tenancies = company.tenancies.select_related("premises__building").order_by("-start_date")
    contacts = company.contacts.filter(erased_at__isnull=True)
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "tenancies": tenancies,
            "contacts": contacts,
            "units": company.units.all(),
            # Its surveys and how far it got; the answers themselves only on the staff's response page.
            "survey_responses": company.survey_responses.select_related("survey").order_by("-survey__opens_at"),
            "today": timezone.localdate(),
        },
    )


@viewer_required
@require_GET
def buildings(request):
    current = tenancy_in_force(through="premises__tenancies__")
    rows = Building.objects.annotate(
        premises_count=Count("premises", distinct=True),
        tenant_count=Count("premises__tenancies__company", filter=current, distinct=True),
    )
    return render(request, "companies/buildings.html", {"buildings": rows})


@viewer_required
@require_GET
def building(request, slug):
    building = get_object_or_404(Building, slug=slug)
    tenancies = (
        Tenancy.objects.current()
        .filter(premises__building=building, company__active=True)
        .select_related("company", "premises")
        .order_by("company__name", "premises__code")
    )
    premises = building.premises.order_by("code")
    return render(
        request,
        "companies/building.html",
        {"building": building, "tenancies": tenancies, "premises": premises},
    )


# Room for the form's other fields and the multipart boundaries around the file.
IMPORT_REQUEST_SLACK = 64 * 1024
# How long a preview waits for its confirmation; the uploaded bytes are kept with it, server-side only.
PREVIEW_SECONDS = 30 * 60


def _preview_key(token: str) -> str:
    return f"companies-import-preview:{token}"


def _import_page(request, form, result=None, status=200):
    context = {"form": form, "result": result, "columns": column_table.COLUMNS}
    return render(request, "companies/import.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def import_companies(request):
    if request.method == "POST" and body_larger_than(request, MAX_IMPORT_BYTES + IMPORT_REQUEST_SLACK):
        # Refused before Django reads the body: a huge upload costs neither disk nor time.
        form = CompanyImportForm(data={})
        form.is_valid()
        form.errors["file"] = form.error_class([TOO_LARGE_MESSAGE])
        return _import_page(request, form, status=413)
    if request.method == "GET":
        return _import_page(request, CompanyImportForm())
    form = CompanyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    raw = upload.read()
    try:
        result = import_changes.import_preview(raw=raw, filename=upload.name)
    except importing.ImportFileError as error:
        form.add_error("file", str(error))
        return _import_page(request, form, status=400)
    if result.errors:
        return _import_page(request, form, result, status=400)
    token = secrets.token_urlsafe(24)
    stored = {"user": request.user.pk, "raw": raw, "filename": upload.name, "result": result}
    cache.set(_preview_key(token), stored, PREVIEW_SECONDS)
    if cache.get(_preview_key(token)) is None:
        # The cache (Redis) is down: a preview that cannot be confirmed is no preview.
        form.add_error("file", _("The preview could not be kept for its confirmation. Try again in a moment."))
        return _import_page(request, form, status=503)
    return redirect("companies:import_preview", token=token)


@staff_required
@require_http_methods(["GET", "POST"])
def import_preview(request, token):
    """The preview of an uploaded file; confirming it applies the same bytes if the registry has not changed."""
    stored = cache.get(_preview_key(token))
    if stored is None or stored["user"] != request.user.pk:
        # Confirmed already, expired, or another staff member's: the same answer for each, and nothing to apply.
        messages.info(
            request,
            _("This preview is no longer available: it was confirmed, or 30 minutes passed. Upload the file again."),
        )
        return redirect("companies:import")
    result = stored["result"]
    data = request.POST if request.method == "POST" else None
    form = ImportConfirmForm(data, warnings=bool(result.warnings), initial={"sha256": result.sha256})
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            applied, status = _confirm(form, stored)
            if applied is not None:
                cache.delete(_preview_key(token))
                messages.success(
                    request,
                    _("The file was imported. New: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s.")
                    % {"created": applied.created, "updated": applied.updated, "unchanged": applied.unchanged},
                )
                return redirect("companies:import")
    context = {"form": form, "result": result, "filename": stored["filename"]}
    return render(request, "companies/import_preview.html", context, status=status)


def _confirm(form, stored) -> tuple[importing.ImportResult | None, int]:
    """Apply the stored file as the form confirms it: (the result, 200), or (None, status), the reason on the form."""
    try:
        applied = import_changes.import_apply(
            raw=stored["raw"],
            filename=stored["filename"],
            sha256=form.cleaned_data["sha256"],
            fingerprint=stored["result"].fingerprint,
            accept_warnings=form.cleaned_data.get("accept_warnings", False),
        )
    except importing.ImportRefused as refusal:
        form.add_error(None, str(refusal))
        return None, 409
    if applied.errors:
        # Only what the registry alone can refuse reaches here; the preview checked every cell.
        form.add_error(None, "; ".join(str(error) for error in applied.errors))
        return None, 409
    return applied, 200


@staff_required
@require_GET
def import_template(request, fmt):
    if fmt not in sheets.FORMATS:
        raise Http404
    return sheets.download(sheets.template_file(fmt), fmt, _("organisations-template"))


@staff_required
@require_GET
def directory_export(request, fmt):
    """The directory as filtered, in the import's columns: exported, edited and imported again."""
    if fmt not in sheets.FORMATS:
        raise Http404
    companies = DirectoryFilterSet(request.GET or None, queryset=Company.objects.active()).qs
    name = _("organisations")
    stem = f"{name}-{timezone.localdate().isoformat()}"
    return sheets.download(sheets.export_file(companies, fmt), fmt, stem)
