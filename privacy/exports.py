"""Access requests: everything the portal holds about one contact person or one organisation, as one ZIP file.

The ZIP holds `data.html`, a page anyone can open in a browser and read (one table per kind of record), and
`data.json`, the same rows for a machine (the right to data portability). Both come from the same rows.
"""

import datetime
import decimal
import io
import json
import zipfile
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, Contact
from surveys.models import Answer, Invitation, OutgoingMail, Response
from workforce.models import EducationProgramme, WorkforceNeed
from workshops.models import Finding, Interview, Measure, Participation, Workshop


@dataclass
class Section:
    """One kind of record: its key in the JSON file, its title, its columns and rows."""

    key: str
    title: str
    labels: dict[str, str]  # field name -> the column's heading
    rows: list[dict]

    @property
    def table(self) -> list[list]:
        """The rows as lists in the order of the columns, for the readable page."""
        return [[row.get(name) for name in self.labels] for row in self.rows]


def _value(obj, model_field):
    if model_field.choices:
        return getattr(obj, f"get_{model_field.name}_display")()
    if model_field.is_relation:
        related = getattr(obj, model_field.name, None)
        return None if related is None else str(related)
    value = getattr(obj, model_field.attname)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(model_field, models.FileField):
        return value.name if value else ""
    return value


def _section(key: str, title: str, queryset) -> Section:
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in {"token_hash", "history_change_reason"}]
    labels = {f.name: str(f.verbose_name) for f in fields}
    rows = [{f.name: _value(obj, f) for f in fields} for obj in queryset]
    return Section(key=key, title=title, labels=labels, rows=rows)


def _survey_sections(responses) -> list[Section]:
    answers = Answer.objects.filter(response__in=responses).select_related("question", "response__company")
    return [
        _section("responses", _("Survey responses"), responses.select_related("survey", "company")),
        _section(
            "answers", _("Answers"), answers.order_by("response_id", "question__section__order", "question__order")
        ),
        _section(
            "response_history",
            _("History of the responses"),
            Response.history.filter(id__in=responses.values("pk")).order_by("history_date"),
        ),
        _section(
            "answer_history",
            _("History of the answers (earlier values)"),
            Answer.history.filter(response_id__in=responses.values("pk")).order_by("history_date"),
        ),
    ]


def contact_sections(contact: Contact) -> list[Section]:
    """Everything about one person: the registry row and its history, mails, responses, interviews, workshops."""
    responses = Response.objects.filter(invitations__contacts=contact).distinct()
    invitations = Invitation.objects.filter(contacts=contact).select_related("survey", "company")
    surveys = invitations.values("survey_id")
    mails = OutgoingMail.objects.filter(company_id=contact.company_id, survey_id__in=surveys)
    return [
        _section("contact", _("Contact person"), Contact.objects.filter(pk=contact.pk).select_related("company")),
        _section("contact_history", _("History of the contact person"), contact.history.order_by("history_date")),
        _section("organisation", _("Organisation"), Company.objects.filter(pk=contact.company_id)),
        _section("invitations", _("Invitations and reminders sent to the person"), invitations),
        _section("mails", _("Mails of the surveys to the organisation"), mails.select_related("survey", "company")),
        *_survey_sections(responses),
        _section("interviews", _("Interviews the person took part in"), contact.interviews.order_by("held_at")),
        _section(
            "interview_history",
            _("History of the interviews (earlier notes)"),
            Interview.history.filter(id__in=contact.interviews.values("pk")).order_by("id", "history_date"),
        ),
        _section(
            "workshops",
            _("Workshops the person was invited to"),
            Workshop.objects.filter(participations__contact=contact).order_by("held_at"),
        ),
        _section(
            "participations",
            _("Participation in workshops"),
            contact.participations.select_related("workshop", "contact"),
        ),
    ]


def company_sections(company: Company) -> list[Section]:
    """Everything about one organisation: the registry, its contacts, answers, mails, meetings and plan records."""
    responses = Response.objects.filter(company=company)
    participations = Participation.objects.filter(contact__company=company).select_related("workshop", "contact")
    return [
        _section("organisation", _("Organisation"), Company.objects.filter(pk=company.pk).select_related("parent")),
        _section("organisation_history", _("History of the organisation"), company.history.order_by("history_date")),
        _section("tenancies", _("Tenancies"), company.tenancies.select_related("premises__building", "company")),
        _section("contacts", _("Contact persons"), company.contacts.select_related("company")),
        _section(
            "contact_history",
            _("History of the contact persons"),
            Contact.history.filter(company_id=company.pk).order_by("id", "history_date"),
        ),
        _section("invitations", _("Invitations and reminders"), company.invitations.select_related("survey")),
        _section(
            "mails", _("Mails of the surveys"), OutgoingMail.objects.filter(company=company).select_related("survey")
        ),
        *_survey_sections(responses),
        _section("interviews", _("Interviews"), Interview.objects.filter(companies=company).order_by("held_at")),
        _section(
            "interview_history",
            _("History of the interviews (earlier notes)"),
            Interview.history.filter(id__in=Interview.objects.filter(companies=company).values("pk")).order_by(
                "id", "history_date"
            ),
        ),
        _section("workshops", _("Workshops the organisation was invited to"), company.workshops.order_by("held_at")),
        _section("participations", _("Participation in workshops"), participations),
        _section("findings", _("Findings concerning the organisation"), Finding.objects.filter(companies=company)),
        _section(
            "measures",
            _("Measures of the plan with the organisation"),
            Measure.objects.filter(Q(responsible_organisation=company) | Q(partners=company)).distinct(),
        ),
        _section("workforce_needs", _("Workforce needs"), WorkforceNeed.objects.filter(company=company)),
        _section(
            "education_programmes",
            _("Education programmes"),
            EducationProgramme.objects.filter(institution=company),
        ),
    ]


def _zip(subject: str, sections: list[Section]) -> bytes:
    generated = timezone.localtime().isoformat(timespec="seconds")
    document = {
        "subject": subject,
        "generated_at": generated,
        "controller": "Kemin Digipolis Oy",
        "sections": {section.key: section.rows for section in sections},
    }
    html = render_to_string(
        "privacy/export.html", {"subject": subject, "generated_at": generated, "sections": sections}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.html", html)
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
    return buffer.getvalue()


def personal_data_export(*, contact: Contact | None = None, company: Company | None = None) -> tuple[str, bytes]:
    """The file name and bytes of the ZIP for one contact person or one organisation (exactly one of them)."""
    if (contact is None) == (company is None):
        raise ValueError("Give either a contact or a company.")
    today = timezone.localdate().isoformat()
    if contact is not None:
        subject = _("Contact person %(name)s, %(organisation)s") % {
            "name": contact.name,
            "organisation": contact.company.name,
        }
        return f"personal-data-contact-{contact.pk}-{today}.zip", _zip(subject, contact_sections(contact))
    assert company is not None  # exactly one of the two, checked above
    subject = _("Organisation %(name)s") % {"name": company.name}
    return f"personal-data-organisation-{company.pk}-{today}.zip", _zip(subject, company_sections(company))
