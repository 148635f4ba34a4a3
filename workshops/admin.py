"""Admin of interviews, workshops, findings and measures, with change history; themes in fi/sv/en.

Attachments are listed read-only and link to the permission-checked download
view, never to a media URL; uploads go through the staff pages, which check
what a file really is. Findings and measures have no bulk delete.
"""

import functools

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from teknokyla.core.groups import STAFF_GROUP
from teknokyla.core.languages import MissingLanguageFilter

from .models import (
    Attachment,
    Finding,
    Interview,
    Measure,
    MeasureStatusChange,
    Participation,
    Theme,
    Workshop,
)

# Fields that name a staff member: offered only Digipolis staff, not every account.
STAFF_USER_FIELDS = {"interviewers", "facilitators", "responsible_user", "changed_by"}


def staff_users():
    """Accounts that may be named as interviewer, facilitator or responsible person."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=STAFF_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _without_delete_selected(actions: dict) -> dict:
    actions.pop("delete_selected", None)
    return actions


def _delete_files_on_commit(names: list[str]) -> None:
    # The stored files go only once the rows are gone for good; a rolled-back delete keeps them.
    storage = Attachment._meta.get_field("file").storage
    for name in filter(None, names):
        transaction.on_commit(functools.partial(storage.delete, name))


class StaffUserChoicesMixin:
    """Limits the staff-member fields to Digipolis staff."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in STAFF_USER_FIELDS:
            kwargs["queryset"] = staff_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in STAFF_USER_FIELDS:
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CreatedByMixin:
    """Records who created the row."""

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class RemovesAttachmentFilesMixin:
    """Deleting an interview or a workshop also removes its attachments' stored files."""

    def delete_model(self, request, obj):
        names = list(obj.attachments.values_list("file", flat=True))
        super().delete_model(request, obj)
        _delete_files_on_commit(names)

    def delete_queryset(self, request, queryset):
        names = list(
            Attachment.objects.filter(**{f"{self.model._meta.model_name}__in": queryset}).values_list("file", flat=True)
        )
        super().delete_queryset(request, queryset)
        _delete_files_on_commit(names)


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ["name", "slug", "order", "active"]
    list_filter = ["active", MissingLanguageFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# Interviews and workshops -------------------------------------------------------


class AttachmentFormSet(BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        name = obj.file.name
        super().delete_existing(obj, commit=commit)
        if commit:
            _delete_files_on_commit([name])


class AttachmentInline(admin.TabularInline):
    """Attachments as a read-only list; the file itself only through the protected download view."""

    model = Attachment
    formset = AttachmentFormSet
    readonly_fields = fields = (
        "download_link",
        "content_type",
        "size_label",
        "description",
        "uploaded_by",
        "uploaded_at",
    )
    extra = 0
    max_num = 0

    @admin.display(description=_("file"))
    def download_link(self, attachment):
        if attachment.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("workshops:attachment", args=[attachment.pk]), attachment.original_name
        )

    @admin.display(description=_("size"))
    def size_label(self, attachment):
        return filesizeformat(attachment.size) if attachment.size is not None else "–"

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the staff pages, which check the file's content

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class PlaceAdminMixin:
    @admin.display(description=_("place"))
    def place(self, record):
        return record.place_label


@admin.register(Interview)
class InterviewAdmin(
    StaffUserChoicesMixin, CreatedByMixin, RemovesAttachmentFilesMixin, PlaceAdminMixin, SimpleHistoryAdmin
):
    list_display = ["__str__", "held_at", "organisations", "place"]
    list_filter = ["themes", "companies__kind"]
    date_hierarchy = "held_at"
    search_fields = ["notes", "companies__name"]
    autocomplete_fields = ["companies", "contacts"]
    filter_horizontal = ["interviewers", "themes"]
    inlines = [AttachmentInline]
    fieldsets = [
        (None, {"fields": ["companies", "contacts", "held_at", "interviewers", "themes"]}),
        (_("Place"), {"fields": ["building", "room", "place_text", "is_remote"]}),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("building").prefetch_related("companies")

    @admin.display(description=_("organisations"))
    def organisations(self, interview):
        return ", ".join(company.name for company in interview.companies.all())


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["contact", "invited", "attended"]
    autocomplete_fields = ["contact"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact__company")


@admin.register(Workshop)
class WorkshopAdmin(
    StaffUserChoicesMixin, CreatedByMixin, RemovesAttachmentFilesMixin, PlaceAdminMixin, SimpleHistoryAdmin
):
    list_display = ["title", "held_at", "place"]
    list_filter = ["themes", "invited_companies__kind"]
    date_hierarchy = "held_at"
    search_fields = ["title", "purpose", "notes", "outcomes"]
    autocomplete_fields = ["invited_companies"]
    filter_horizontal = ["facilitators", "themes"]
    inlines = [ParticipationInline, AttachmentInline]
    fieldsets = [
        (None, {"fields": ["title", "held_at", "facilitators", "purpose", "invited_companies", "themes"]}),
        (_("Place"), {"fields": ["building", "room", "place_text", "is_remote"]}),
        (_("Notes"), {"fields": ["notes", "outcomes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("building")


# Findings and measures ------------------------------------------------------------


@admin.register(Finding)
class FindingAdmin(CreatedByMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["__str__", "kind", "importance", "theme_names", "created_at"]
    list_filter = ["kind", "importance", "themes", MissingLanguageFilter]
    search_fields = ["text_fi", "text_sv", "text_en"]
    filter_horizontal = ["themes"]
    autocomplete_fields = ["companies", "interviews", "workshops", "questions"]
    fieldsets = [
        (None, {"fields": ["text", "kind", "importance", "themes", "companies"]}),
        (_("Sources"), {"fields": ["interviews", "workshops", "questions"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    @admin.display(description=_("themes"))
    def theme_names(self, finding):
        return ", ".join(theme.name for theme in finding.themes.all())

    def get_actions(self, request):
        return _without_delete_selected(super().get_actions(request))


class MeasureStatusChangeInline(StaffUserChoicesMixin, admin.TabularInline):
    model = MeasureStatusChange
    fields = ["changed_on", "status", "changed_by", "note"]
    extra = 0


@admin.register(Measure)
class MeasureAdmin(StaffUserChoicesMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "status", "start_quarter", "end_quarter", "responsible"]
    list_filter = ["status", "themes", MissingLanguageFilter]
    search_fields = ["title_fi", "title_sv", "title_en", "description_fi", "indicator_fi", "funding_source_fi"]
    list_select_related = ["responsible_user", "responsible_organisation"]
    filter_horizontal = ["themes"]
    autocomplete_fields = ["findings", "responsible_organisation", "partners"]
    inlines = [MeasureStatusChangeInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "themes", "findings", "status"]}),
        (_("Responsibility"), {"fields": ["responsible_user", "responsible_organisation", "partners"]}),
        (_("Timing and funding"), {"fields": ["start_quarter", "end_quarter", "estimated_cost", "funding_source"]}),
        (_("Monitoring"), {"fields": ["indicator", "indicator_baseline", "indicator_target"]}),
    ]

    @admin.display(description=_("responsible"))
    def responsible(self, measure):
        return measure.responsible_label

    def save_formset(self, request, form, formset, change):
        if formset.model is MeasureStatusChange:
            for status_change in formset.save(commit=False):
                status_change.changed_by = status_change.changed_by or request.user
                status_change.save()
            for obj in formset.deleted_objects:
                obj.delete()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        measure = form.instance
        latest = measure.status_changes.order_by("-changed_on", "-pk").first()
        # A status set on the form without a matching dated step still gets one, so the history stays whole.
        status_set = not change or "status" in form.changed_data
        if status_set and (latest is None or latest.status != measure.status):
            MeasureStatusChange.objects.create(
                measure=measure, status=measure.status, changed_on=timezone.localdate(), changed_by=request.user
            )

    def get_actions(self, request):
        return _without_delete_selected(super().get_actions(request))


@admin.register(MeasureStatusChange)
class MeasureStatusChangeAdmin(StaffUserChoicesMixin, admin.ModelAdmin):
    list_display = ["measure", "status", "changed_on", "changed_by"]
    list_filter = ["status"]
    search_fields = ["measure__title", "note"]
    list_select_related = ["measure", "changed_by"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "changed_on"

    def save_model(self, request, obj, form, change):
        if obj.changed_by_id is None:
            obj.changed_by = request.user
        super().save_model(request, obj, form, change)
