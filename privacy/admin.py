from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(TranslationAdmin):
    list_display = ["__str__", "updated_at"]
    readonly_fields = ["updated_at"]

    # One notice: made by the data migration, edited, never a second one, never deleted.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PrivacyNotice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
