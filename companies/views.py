"""Staff pages of the registry: the directory, a company, the buildings, the import."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from teknokyla.core.access import staff_required, viewer_required
from teknokyla.core.security import body_larger_than

from . import importing
from .forms import MAX_IMPORT_BYTES, TOO_LARGE_MESSAGE, CompanyImportForm, DirectoryFilterForm
from .models import Building, Company, Tenancy

PAGE_SIZE = 50


def _current_tenancies():
    return Prefetch(
        "tenancies",
        queryset=Tenancy.objects.current().select_related("premises__building"),
        to_attr="current_tenancies",
    )


@viewer_required
@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    companies = Company.objects.active()
    if form.is_valid():
        companies = form.filter(companies)
    companies = companies.order_by("name").prefetch_related(_current_tenancies())
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/directory.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


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
            "today": timezone.localdate(),
        },
    )


@viewer_required
@require_GET
def buildings(request):
    today = timezone.localdate()
    current = Q(premises__tenancies__start_date__lte=today) & (
        Q(premises__tenancies__end_date__isnull=True) | Q(premises__tenancies__end_date__gte=today)
    )
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


@staff_required
@require_http_methods(["GET", "POST"])
def import_companies(request):
    result, status = None, 200
    if request.method == "POST" and body_larger_than(request, MAX_IMPORT_BYTES + IMPORT_REQUEST_SLACK):
        # Refused before Django reads the body: a huge upload costs neither disk nor time.
        form = CompanyImportForm(data={})
        form.is_valid()
        form.errors["file"] = form.error_class([TOO_LARGE_MESSAGE])
        context = {"form": form, "result": None, "columns": importing.COLUMNS}
        return render(request, "companies/import.html", context, status=413)
    form = CompanyImportForm(request.POST, request.FILES) if request.method == "POST" else CompanyImportForm()
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = importing.companies_import(
                    uploaded=upload, filename=upload.name, dry_run=form.cleaned_data["dry_run"]
                )
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
        if form.errors or (result and result.errors):
            status = 400
    return render(
        request,
        "companies/import.html",
        {"form": form, "result": result, "columns": importing.COLUMNS},
        status=status,
    )
