"""E-mails of the survey, each in the contact's own language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from companies.models import Contact

from .models import Response


def _send(template: str, contact: Contact, context: dict) -> None:
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"surveys/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"surveys/email/{template}_body.txt", {**context, "contact": contact})
    EmailMessage(subject, body, to=[contact.email]).send()


def recipients_of(response: Response) -> list[Contact]:
    """The contacts the company's invitations went to, or its primary contact."""
    contacts = list(
        Contact.objects.filter(invitations__response=response, erased_at__isnull=True).exclude(email="").distinct()
    )
    if not contacts:
        contacts = list(
            response.company.contacts.filter(erased_at__isnull=True, is_primary=True).exclude(email="")
        )
    return contacts


def send_submission_confirmation(response: Response) -> int:
    """Thank the company's contacts for submitting; returns how many mails went out."""
    contacts = recipients_of(response)
    for contact in contacts:
        _send("confirmation", contact, {"response": response, "survey": response.survey})
    return len(contacts)
