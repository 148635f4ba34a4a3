"""Admin of the development plan: editions with their goals in fi/sv/en and change history; report builds read-only.

A built PDF is linked only through the permission-checked download view,
never through a media URL.
"""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from teknokyla.core.languages import MissingLanguageFilter
from workshops.models import Goal

from .forms import PlanAdminForm
from .models import DevelopmentPlan, ReportBuild


class GoalInline(TranslationStackedInline):
    model = Goal
    fields = ["order", "title", "description"]
    extra = 0


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SimpleHistoryAdmin, TranslationAdmin):
    form = PlanAdminForm
    list_display = ["title", "period_start", "period_end", "status", "approved_on", "updated_at"]
    list_filter = ["status", MissingLanguageFilter]
    search_fields = ["title_fi", "title_sv", "title_en"]
    inlines = [GoalInline]
    fieldsets = [
        (None, {"fields": ["title", "period_start", "period_end", "status", "approved_on"]}),
        (_("Written parts"), {"fields": ["summary", "starting_point", "vision"]}),
    ]


@admin.register(Goal)
class GoalAdmin(TranslationAdmin):
    list_display = ["title", "plan", "order"]
    list_filter = ["plan", MissingLanguageFilter]
    list_select_related = ["plan"]
    search_fields = ["title_fi", "title_sv", "title_en"]
    fields = ["plan", "order", "title", "description"]


@admin.register(ReportBuild)
class ReportBuildAdmin(admin.ModelAdmin):
    """Builds are made by the build page and the worker; here they are only looked at."""

    list_display = ["plan", "language", "status", "requested_at", "finished_at", "page_count", "size_label", "download"]
    list_filter = ["status", "language", "plan"]
    list_select_related = ["plan"]
    date_hierarchy = "requested_at"
    # `pdf` is left out on purpose: its widget would show the file's storage URL.
    readonly_fields = fields = (
        "plan",
        "survey",
        "language",
        "requested_by",
        "requested_at",
        "status",
        "attempts",
        "started_at",
        "finished_at",
        "error",
        "page_count",
        "size_label",
        "data_checksum",
        "download",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("size"), ordering="size")
    def size_label(self, build):
        return filesizeformat(build.size) if build.size is not None else "–"

    @admin.display(description=_("PDF"))
    def download(self, build):
        if build.status != ReportBuild.Status.DONE or not build.pdf:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("reports:build_download", args=[build.pk]), _("Download"))
