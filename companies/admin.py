"""Admin for the registry: search, filters, inlines and export (privacy's admin adds the erasure of contacts)."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from teknokyla.core.languages import MissingLanguageFilter
from teknokyla.core.spreadsheets import neutralise

from .models import Building, Company, Contact, Premises, Tenancy


class PremisesInline(admin.TabularInline):
    model = Premises
    extra = 0


@admin.register(Building)
class BuildingAdmin(TranslationAdmin):
    list_display = ["name", "street_address", "postal_code", "city"]
    list_filter = [MissingLanguageFilter]
    search_fields = ["name", "street_address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PremisesInline]


@admin.register(Premises)
class PremisesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "building", "floor", "area_m2", "kind"]
    list_filter = ["building", "kind"]
    search_fields = ["code", "building__name"]
    list_select_related = ["building"]


class TenancyInline(admin.TabularInline):
    model = Tenancy
    extra = 0
    autocomplete_fields = ["premises"]


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0
    fields = [("name", "title"), ("email", "phone"), ("language", "is_primary")]


class BuildingFilter(admin.SimpleListFilter):
    title = _("building")
    parameter_name = "building"

    def lookups(self, request, model_admin):
        return [(b.slug, b.name) for b in Building.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            building = Building.objects.filter(slug=self.value()).first()
            return queryset.in_building(building) if building else queryset.none()
        return queryset


class CompanyResource(resources.ModelResource):
    """Export columns: the same as the import file takes, so an export re-imports."""

    industry = fields.Field(attribute="industry_code", column_name="industry")
    building = fields.Field(column_name="building")
    premises = fields.Field(column_name="premises")

    class Meta:
        model = Company
        fields = ["name", "business_id", "kind", "industry", "building", "premises", "customer_since", "website"]
        export_order = fields

    def export_field(self, field, instance, **kwargs):
        # A name a spreadsheet would run as a formula goes out quoted, as in the survey exports (CSV injection).
        return neutralise(super().export_field(field, instance, **kwargs))

    def dehydrate_industry(self, company):
        return company.industry_code or company.industry_section

    def _current_premises(self, company):
        current = [t for t in company.tenancies.all() if t.is_current()]
        return current[0].premises if current else None

    def dehydrate_building(self, company):
        premises = self._current_premises(company)
        return premises.building.name if premises else ""

    def dehydrate_premises(self, company):
        premises = self._current_premises(company)
        return premises.code if premises else ""

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("tenancies__premises__building")


@admin.register(Company)
class CompanyAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CompanyResource]
    list_display = ["name", "business_id", "kind", "industry_section", "employee_band", "customer_since", "active"]
    list_filter = [BuildingFilter, "kind", "industry_section", "active"]
    search_fields = ["name", "business_id", "contacts__name", "contacts__email"]
    inlines = [TenancyInline, ContactInline]
    autocomplete_fields = ["parent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "name", "parent", "business_id", "active"]}),
        (_("Industry"), {"fields": ["industry_classification", "industry_section", "industry_code"]}),
        (_("Details"), {"fields": ["employee_band", "website", "customer_since", "description"]}),
    ]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "company", "title", "email", "language", "is_primary", "erased_at"]
    list_filter = ["language", "is_primary"]
    search_fields = ["name", "email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(Tenancy)
class TenancyAdmin(admin.ModelAdmin):
    list_display = ["company", "premises", "start_date", "end_date", "shared"]
    list_filter = ["premises__building", "shared"]
    search_fields = ["company__name", "premises__code"]
    autocomplete_fields = ["company", "premises"]
    list_select_related = ["company", "premises__building"]
