"""Admin for the privacy notice, and the erasure action on the contacts' admin (erasure reaches every app)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from companies.admin import ContactAdmin
from companies.models import Contact

from . import services
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


# companies sits below privacy and cannot import it, so the contacts' admin gains its erase action here: privacy's
# admin is loaded after companies' (INSTALLED_APPS order) and registers Contact again with the action added.
admin.site.unregister(Contact)


@admin.register(Contact)
class ErasableContactAdmin(ContactAdmin):
    actions = [*ContactAdmin.actions, "erase_contacts"]

    @admin.action(description=_("Erase the selected contacts (anonymise on request)"), permissions=["change"])
    def erase_contacts(self, request, queryset) -> None:
        count = 0
        for contact in queryset:
            # Everywhere, as the staff page does: the history, the mail records and texts that copy the person.
            services.contact_erase_everywhere(contact=contact)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d contact erased.", "%(count)d contacts erased.", count) % {"count": count},
            messages.SUCCESS,
        )
