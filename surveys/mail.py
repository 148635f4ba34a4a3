"""E-mails of the survey, each in the contact's own language, with times in Helsinki time."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import Company, Contact

from .models import Invitation, Response, Survey

HELSINKI = ZoneInfo("Europe/Helsinki")


def _message(template: str, contact: Contact, context: dict) -> EmailMessage:
    # Deadlines are read in Finland, whatever the server's or the worker's time zone.
    with translation.override(contact.language or settings.LANGUAGE_CODE), timezone.override(HELSINKI):
        subject = render_to_string(f"surveys/email/{template}_subject.txt", context).strip()
        privacy_link = settings.SITE_URL.rstrip("/") + reverse("privacy:notice")
        body = render_to_string(
            f"surveys/email/{template}_body.txt", {**context, "contact": contact, "privacy_link": privacy_link}
        )
    # A subject is one line; a title with a line break must not become a header error.
    return EmailMessage(" ".join(subject.split()), body, to=[contact.email])


def _send(template: str, contact: Contact, context: dict) -> None:
    _message(template, contact, context).send()


def recipients_of(response: Response) -> list[Contact]:
    """The contacts the company's invitations went to, or its primary contact."""
    contacts = list(
        Contact.objects.filter(invitations__response=response, erased_at__isnull=True).exclude(email="").distinct()
    )
    if not contacts:
        contacts = list(response.company.contacts.filter(erased_at__isnull=True, is_primary=True).exclude(email=""))
    return contacts


def send_submission_confirmation(response: Response) -> int:
    """Thank the company's contacts for submitting; returns how many mails went out."""
    contacts = recipients_of(response)
    for contact in contacts:
        _send("confirmation", contact, {"response": response, "survey": response.survey})
    return len(contacts)


def invitation_message(
    *, survey: Survey, company: Company, contact: Contact, link: str, is_reminder: bool = False
) -> EmailMessage:
    """The invitation (or reminder) mail of one contact, in the contact's language: what is sent, and what staff
    preview before sending."""
    context = {
        "survey": survey,
        "company": company,
        "link": link,
        "deadline": timezone.localtime(survey.closes_at, HELSINKI),
    }
    return _message("reminder" if is_reminder else "invitation", contact, context)


def send_invitation(*, invitation: Invitation, token: str, contacts: list[Contact]) -> int:
    """Mail the invitation's link to each contact, in the contact's language; returns how many went out."""
    messages = [
        invitation_message(
            survey=invitation.survey,
            company=invitation.company,
            contact=contact,
            link=Invitation.link_for(token),
            is_reminder=invitation.is_reminder,
        )
        for contact in contacts
    ]
    # One connection for all: either the server takes the batch or the caller retries it.
    with get_connection() as connection:
        connection.send_messages(messages)
    return len(messages)
