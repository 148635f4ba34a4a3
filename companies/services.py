"""Writes on the registry that go beyond one plain save."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact


@transaction.atomic
def contact_erase(*, contact: Contact) -> Contact:
    """Anonymise a contact on request, and drop the history that still names them."""
    if contact.is_erased:
        return contact
    contact.name = _("Erased contact")
    contact.title = ""
    contact.email = ""
    contact.phone = ""
    contact.is_primary = False
    contact.erased_at = timezone.now()
    contact.save()
    # The history rows hold the old name and address; keep only the erased state.
    contact.history.exclude(history_id=contact.history.latest().history_id).delete()
    return contact
