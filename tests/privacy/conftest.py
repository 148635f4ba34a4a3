"""A person in every corner of the portal's data: the registry, its history, answers, mails, meetings, the admin log."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from companies.models import Company, Contact
from surveys.invitations import invitation_create
from surveys.models import OutgoingMail, Response, Survey
from workshops.models import Attachment, Interview, Participation, Workshop

from ..factories import (
    CompanyFactory,
    ContactFactory,
    FindingFactory,
    InterviewFactory,
    MeasureFactory,
    TenancyFactory,
    WorkshopFactory,
)
from ..surveys.conftest import PAGE_1, PAGE_2, build_survey, opened, post_page
from ..workforce.helpers import make_area, need

NAME = "Rauni Räsänen"
EMAIL = "rauni.rasanen@lumiteko.example"
PHONE = "+358 40 765 4321"
OLD_PHONE = "+358 50 111 2233"
# The same number as people write it in texts.
PHONE_NATIONAL = "040-765 4321"
PHONE_AS_TYPED = "0407654321"


@dataclass
class Person:
    contact: Contact
    colleague: Contact
    company: Company
    survey: Survey
    response: Response
    interview: Interview
    workshop: Workshop


@pytest.fixture
def person(staff_client) -> Person:
    """Rauni of Lumiteko Oy: invited, answered (her name in an answer), interviewed, at a workshop, mailed."""
    company = CompanyFactory(name="Lumiteko Oy")
    TenancyFactory(company=company)
    contact = ContactFactory(company=company, name=NAME, email=EMAIL, phone=OLD_PHONE, title="CEO", is_primary=True)
    colleague = ContactFactory(company=company, name="Kalle Kollega", email="kalle@lumiteko.example")
    # Staff change her phone in the admin: the history keeps the old number, the admin's log her name.
    changed = staff_client.post(
        reverse("admin:companies_contact_change", args=[contact.pk]),
        {
            "company": company.pk,
            "name": NAME,
            "title": "CEO",
            "email": EMAIL,
            "phone": PHONE,
            "language": "fi",
            "is_primary": "on",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]

    survey = build_survey(slug="lumiteko-survey")
    _invitation, token = invitation_create(survey=survey, company=company, contacts=[contact])
    browser = opened(token)
    # She answers with her name, then corrects it: the answers' history keeps both.
    first = {**PAGE_1, "contact_name": f"{NAME} (CEO)", "description": f"Write to {EMAIL} or call {PHONE}."}
    assert post_page(browser, 1, first).status_code == 302
    assert post_page(browser, 1, {**first, "contact_name": NAME}).status_code == 302
    assert post_page(browser, 2, {**PAGE_2, "growth_how": f"Ask Rauni: {PHONE_AS_TYPED}"}).status_code == 302
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REMINDER,
        survey=survey,
        company=company,
        attempts=1,
        last_error=f"SMTPRecipientsRefused: {{'{EMAIL}': (550, b'No such user')}}",
    )

    interview = InterviewFactory(notes=f"{NAME} showed the lab. Call her at {PHONE} or {PHONE_NATIONAL}.")
    interview.companies.add(company)
    interview.contacts.add(contact)
    Attachment.objects.create(
        interview=interview,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="muistio.pdf"),
        original_name="haastattelumuistio.pdf",
        content_type="application/pdf",
        size=15,
    )
    workshop = WorkshopFactory(title="Kiertotalouden työpaja")
    workshop.invited_companies.add(company)
    Participation.objects.create(workshop=workshop, contact=contact, attended=True)
    FindingFactory(text="Lumiteko needs coders.").companies.add(company)
    MeasureFactory(title="Shared lab", responsible_organisation=company)
    need(company, make_area("Ohjelmistokehitys"), 2)
    return Person(
        contact=contact,
        colleague=colleague,
        company=company,
        survey=survey,
        response=Response.objects.get(survey=survey, company=company),
        interview=interview,
        workshop=workshop,
    )
