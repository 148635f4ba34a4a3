"""Writes on interviews, workshops, their participants and attachments, and the querysets their pages read."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from companies.models import Building, Company, Contact
from teknokyla.core.services import model_update

from ..models import Attachment, Finding, Interview, Participation, Theme, Workshop
from ..uploads import FileType

Record = Interview | Workshop


# Reading -------------------------------------------------------------------


def _companies_by_name() -> Prefetch:
    return Prefetch("companies", queryset=Company.objects.order_by("name"))


def _participant_count(**conditions) -> Coalesce:
    rows = (
        Participation.objects.filter(workshop=OuterRef("pk"), **conditions)
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def interviews_for_list() -> QuerySet:
    """Interviews with what a list row shows: place, organisations and themes (three queries a page)."""
    return Interview.objects.select_related("building").prefetch_related(_companies_by_name(), "themes")


def workshops_for_list() -> QuerySet:
    """Workshops with their place, themes and the counts of people invited and attending."""
    return (
        Workshop.objects.select_related("building")
        .prefetch_related("themes")
        .annotate(invited_count=_participant_count(invited=True), attended_count=_participant_count(attended=True))
    )


def _record_parts() -> list:
    return [
        "themes",
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        Prefetch("findings", queryset=Finding.objects.prefetch_related("themes")),
    ]


def interviews_for_page() -> QuerySet:
    """Interviews with everything their page shows, in a fixed number of queries."""
    return Interview.objects.select_related("building", "created_by").prefetch_related(
        _companies_by_name(),
        "interviewers",
        Prefetch("contacts", queryset=Contact.objects.select_related("company").order_by("company__name", "name")),
        *_record_parts(),
    )


def workshops_for_page() -> QuerySet:
    """Workshops with everything their page shows, in a fixed number of queries."""
    return Workshop.objects.select_related("building", "created_by").prefetch_related(
        Prefetch("invited_companies", queryset=Company.objects.order_by("name")),
        "facilitators",
        Prefetch("participations", queryset=Participation.objects.select_related("contact__company")),
        *_record_parts(),
    )


# Rules shared by the forms and the writes ----------------------------------


def check_place(*, building: Building | None, room: str, place_text: str, is_remote: bool) -> None:
    """Refuse a place that is missing, both a building and remote, or a room without its building."""
    errors = {}
    if not (building or place_text.strip() or is_remote):
        errors["building"] = _("Give the place: a building (and room), another place, or remote.")
    if building and is_remote:
        errors["is_remote"] = _("A meeting in a building is not remote. Choose one of them.")
    if room.strip() and not building:
        errors["room"] = _("Choose the building the room is in.")
    if errors:
        raise ValidationError(errors)


def check_people(*, people: Iterable[Contact], companies: Iterable[Company], field: str) -> None:
    """Refuse people who are not from one of the organisations."""
    company_ids = {company.pk for company in companies}
    strangers = sorted(person.name for person in people if person.company_id not in company_ids)
    if strangers:
        raise ValidationError(
            {
                field: _("Not from the organisations chosen above: %(names)s. Add their organisation or untick them.")
                % {"names": ", ".join(strangers)}
            }
        )


# Interviews ----------------------------------------------------------------

# The fields staff write on each record: an update sets those of them that it is given.
INTERVIEW_WRITTEN = (
    "held_at",
    "building",
    "room",
    "place_text",
    "is_remote",
    "notes",
    "companies",
    "interviewers",
    "contacts",
    "themes",
)


def _given_or_stored(record: Record, data: Mapping[str, Any], name: str) -> Any:
    """The value `data` gives, else the record's own (a related set as a list; none on a record not yet stored)."""
    if name in data:
        return list(data[name]) if record._meta.get_field(name).many_to_many else data[name]
    if record._meta.get_field(name).many_to_many:
        return list(getattr(record, name).all()) if record.pk else []
    return getattr(record, name)


def _check_place_of(record: Record, data: Mapping[str, Any]) -> None:
    place = {name: _given_or_stored(record, data, name) for name in ("building", "room", "place_text", "is_remote")}
    check_place(**place)


def _interview_save(interview: Interview, *, data: Mapping[str, Any], user: User | None) -> Interview:
    companies = _given_or_stored(interview, data, "companies")
    contacts = _given_or_stored(interview, data, "contacts")
    if not companies:
        raise ValidationError({"companies": _("Choose at least one organisation that was interviewed.")})
    _check_place_of(interview, data)
    check_people(people=contacts, companies=companies, field="contacts")
    interview._history_user = user
    model_update(
        instance=interview, fields=INTERVIEW_WRITTEN, data={**data, "companies": companies, "contacts": contacts}
    )
    return interview


@transaction.atomic
def interview_create(
    *,
    companies: Iterable[Company],
    held_at: datetime.datetime,
    building: Building | None = None,
    room: str = "",
    place_text: str = "",
    is_remote: bool = False,
    interviewers: Iterable[User] = (),
    contacts: Iterable[Contact] = (),
    notes: str = "",
    themes: Iterable[Theme] = (),
    user: User | None = None,
) -> Interview:
    """Record an interview: who was interviewed, when and where, by whom, with its notes and themes."""
    data = {
        "companies": companies,
        "held_at": held_at,
        "building": building,
        "room": room,
        "place_text": place_text,
        "is_remote": is_remote,
        "interviewers": interviewers,
        "contacts": contacts,
        "notes": notes,
        "themes": themes,
    }
    return _interview_save(Interview(created_by=user), data=data, user=user)


@transaction.atomic
def interview_update(*, interview: Interview, data: Mapping[str, Any], user: User | None = None) -> Interview:
    """Change what is recorded of an interview: the `INTERVIEW_WRITTEN` fields that `data` holds."""
    return _interview_save(interview, data=data, user=user)


# Workshops -----------------------------------------------------------------


@transaction.atomic
def participation_set(
    *, workshop: Workshop, invited: Iterable[Contact] = (), attended: Iterable[Contact] = ()
) -> list[Participation]:
    """Make the workshop's people exactly these: one row per person, marked invited and/or attended.

    Someone who attended without an invitation keeps invited=False. People must be from the invited organisations.
    """
    invited, attended = list(invited), list(attended)
    people = {person.pk: person for person in [*invited, *attended]}
    check_people(people=invited, companies=workshop.invited_companies.all(), field="invited_people")
    check_people(people=attended, companies=workshop.invited_companies.all(), field="attended_people")
    invited_ids, attended_ids = {person.pk for person in invited}, {person.pk for person in attended}
    workshop.participations.exclude(contact_id__in=people).delete()
    existing = {row.contact_id: row for row in workshop.participations.all()}
    rows = []
    for pk, person in people.items():
        row = existing.get(pk) or Participation(workshop=workshop, contact=person)
        wanted = (pk in invited_ids, pk in attended_ids)
        if row.pk is None or (row.invited, row.attended) != wanted:
            row.invited, row.attended = wanted
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()
        rows.append(row)
    return rows


WORKSHOP_WRITTEN = (
    "title",
    "held_at",
    "building",
    "room",
    "place_text",
    "is_remote",
    "purpose",
    "notes",
    "outcomes",
    "facilitators",
    "invited_companies",
    "themes",
)


def _workshop_save(workshop: Workshop, *, data: Mapping[str, Any], user: User | None) -> Workshop:
    _check_place_of(workshop, data)
    workshop._history_user = user
    model_update(instance=workshop, fields=WORKSHOP_WRITTEN, data=data)
    if "invited_people" in data or "attended_people" in data:
        rows = list(workshop.participations.select_related("contact"))
        participation_set(
            workshop=workshop,
            invited=data.get("invited_people", [row.contact for row in rows if row.invited]),
            attended=data.get("attended_people", [row.contact for row in rows if row.attended]),
        )
    return workshop


@transaction.atomic
def workshop_create(
    *,
    title: str,
    held_at: datetime.datetime,
    building: Building | None = None,
    room: str = "",
    place_text: str = "",
    is_remote: bool = False,
    facilitators: Iterable[User] = (),
    purpose: str = "",
    invited_companies: Iterable[Company] = (),
    notes: str = "",
    outcomes: str = "",
    themes: Iterable[Theme] = (),
    invited_people: Iterable[Contact] = (),
    attended_people: Iterable[Contact] = (),
    user: User | None = None,
) -> Workshop:
    """Record a workshop with its organisations, the people invited and who attended."""
    data = {
        "title": title,
        "held_at": held_at,
        "building": building,
        "room": room,
        "place_text": place_text,
        "is_remote": is_remote,
        "facilitators": facilitators,
        "purpose": purpose,
        "invited_companies": invited_companies,
        "notes": notes,
        "outcomes": outcomes,
        "themes": themes,
        "invited_people": invited_people,
        "attended_people": attended_people,
    }
    return _workshop_save(Workshop(created_by=user), data=data, user=user)


@transaction.atomic
def workshop_update(*, workshop: Workshop, data: Mapping[str, Any], user: User | None = None) -> Workshop:
    """Change what is recorded of a workshop: the `WORKSHOP_WRITTEN` fields and the people (`invited_people`,
    `attended_people`) that `data` holds."""
    return _workshop_save(workshop, data=data, user=user)


# Attachments ---------------------------------------------------------------


def attachment_add(
    *,
    record: Record,
    upload,
    file_type: FileType,
    description: str = "",
    user: User | None = None,
) -> Attachment:
    """Store a checked upload under a server-chosen name and link it to the interview or workshop.

    If the row cannot be written, the stored file is removed again: a refused upload leaves nothing behind.
    """
    attachment = Attachment(
        interview=record if isinstance(record, Interview) else None,
        workshop=record if isinstance(record, Workshop) else None,
        file=upload,
        original_name=upload.name,
        content_type=file_type.mime,
        size=upload.size,
        description=description,
        uploaded_by=user,
    )
    attachment.full_clean()
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        if attachment.file.name and attachment.file.storage.exists(attachment.file.name):
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
