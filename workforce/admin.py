"""Admin of skill areas (fi/sv/en; one in use is retired, not deleted), workforce needs and programmes, with history."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from teknokyla.core.languages import MissingLanguageFilter

from . import services
from .models import EducationProgramme, SkillArea, WorkforceNeed


@admin.register(SkillArea)
class SkillAreaAdmin(TranslationAdmin):
    list_display = ["name", "slug", "order", "need_count", "programme_count", "retired"]
    list_filter = ["retired", MissingLanguageFilter]
    search_fields = ["name_fi", "name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["retire", "restore"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(need_total=Count("needs", distinct=True), programme_total=Count("programmes", distinct=True))
        )

    @admin.display(description=_("needs"), ordering="need_total")
    def need_count(self, area):
        return area.need_total

    @admin.display(description=_("programmes"), ordering="programme_total")
    def programme_count(self, area):
        return area.programme_total

    def get_actions(self, request):
        # Bulk delete would strip the area from programmes without a word; retiring is the way out.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.needs.exists() or obj.programmes.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description=_("Retire the selected skill areas (kept on records, no longer offered)"), permissions=["change"]
    )
    def retire(self, request, queryset):
        count = services.skill_areas_retire(skill_areas=queryset)
        self.message_user(
            request,
            ngettext("%(count)d skill area was retired.", "%(count)d skill areas were retired.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Bring the selected skill areas back into use"), permissions=["change"])
    def restore(self, request, queryset):
        count = services.skill_areas_restore(skill_areas=queryset)
        self.message_user(
            request,
            ngettext("%(count)d skill area is in use again.", "%(count)d skill areas are in use again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WorkforceNeed)
class WorkforceNeedAdmin(SimpleHistoryAdmin):
    list_display = ["company", "skill_area", "role", "count", "window", "level", "kind", "source"]
    list_filter = ["skill_area", "window", "kind", "level", "source"]
    search_fields = ["company__name", "role", "skill_area__name"]
    list_select_related = ["company", "skill_area"]
    autocomplete_fields = ["company"]
    readonly_fields = ["source", "survey_response", "survey_row", "created_at", "updated_at"]


@admin.register(EducationProgramme)
class EducationProgrammeAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "institution", "level", "yearly_intake", "yearly_graduates", "active"]
    list_filter = ["institution", "level", "active", "skill_areas", MissingLanguageFilter]
    search_fields = ["name_fi", "name_sv", "name_en", "institution__name"]
    list_select_related = ["institution"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["skill_areas"]
