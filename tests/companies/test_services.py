"""Erasing a contact on request, from the service and from the admin action."""

import pytest
from django.urls import reverse

from companies import services
from companies.models import Contact

from ..factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_erased_contact_keeps_no_personal_data_even_in_history():
    contact = ContactFactory(name="Maija Mäkelä", email="maija@firm.example", phone="+358 40 1234567")
    contact.title = "CEO"
    contact.save()

    services.contact_erase(contact=contact)

    contact.refresh_from_db()
    assert contact.is_erased
    assert (contact.email, contact.phone, contact.title) == ("", "", "")
    assert "Maija" not in contact.name
    names = set(contact.history.values_list("name", flat=True))
    emails = set(contact.history.values_list("email", flat=True))
    assert "Maija Mäkelä" not in names
    assert emails == {""}


def test_admin_action_erases_selected_contacts(staff_client):
    keep = ContactFactory(name="Kept Person")
    erase = ContactFactory(name="Erased Person")
    response = staff_client.post(
        reverse("admin:companies_contact_changelist"),
        {"action": "erase_contacts", "_selected_action": [erase.pk]},
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=erase.pk).is_erased
    assert not Contact.objects.get(pk=keep.pk).is_erased


def test_viewer_cannot_erase_contacts(viewer_client):
    contact = ContactFactory(name="Protected Person")
    viewer_client.post(
        reverse("admin:companies_contact_changelist"),
        {"action": "erase_contacts", "_selected_action": [contact.pk]},
    )
    contact.refresh_from_db()
    assert not contact.is_erased
