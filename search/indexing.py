"""Records into the search index: one document per record, written with its Voikko terms in one statement.

`index(kind, ids)` brings the given records' entries up to date (and removes those of records that are gone or no
longer searchable); `rebuild()` does it for everything. Both run inside the caller's transaction.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from companies.models import Company, Contact, Tenancy
from reports.models import DevelopmentPlan
from surveys.models import Answer, Question
from workforce.models import WorkforceNeed
from workshops.models import Attachment, Finding, Interview, Measure, Workshop
from workshops.search import plain_text

from .analysis import text_terms
from .extract import extract_text
from .models import Entry

Kind = Entry.Kind
BATCH = 500
MAX_BODY = 200_000


@dataclass
class Document:
    kind: str
    object_id: int
    title: str
    body: str
    url: str
    detail: str = ""
    # What the title weight (A) is given; None: the title itself.
    indexed_title: str | None = None
    swedish: str = ""
    english: str = ""
    date: datetime.date | None = None
    theme_ids: list[int] = field(default_factory=list)
    building_ids: list[int] = field(default_factory=list)
    staff_only: bool = False


def _join(*texts) -> str:
    return "\n".join(plain_text(text) for text in texts if text)


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _organisations(ids) -> Iterable[Document]:
    tenancies = Prefetch("tenancies", Tenancy.objects.current().select_related("premises__building"))
    for company in Company.objects.filter(pk__in=ids).prefetch_related(tenancies):
        buildings = {t.premises.building_id: t.premises.building.name for t in company.tenancies.all()}
        yield Document(
            kind=Kind.ORGANISATIONS,
            object_id=company.pk,
            title=company.name,
            body=_join(company.business_id, company.industry_label, " ".join(buildings.values()), company.description),
            url=company.get_absolute_url(),
            detail=company.business_id,
            date=_day(company.updated_at),
            building_ids=list(buildings),
        )


def _contacts(ids) -> Iterable[Document]:
    tenancies = Prefetch("company__tenancies", Tenancy.objects.current().select_related("premises"))
    contacts = Contact.objects.filter(pk__in=ids, erased_at__isnull=True).select_related("company")
    for contact in contacts.prefetch_related(tenancies):
        yield Document(
            kind=Kind.CONTACTS,
            object_id=contact.pk,
            title=contact.name,
            body=_join(contact.title, contact.email, contact.phone, contact.company.name),
            url=contact.company.get_absolute_url(),
            detail=contact.company.name,
            building_ids=sorted({t.premises.building_id for t in contact.company.tenancies.all()}),
        )


def _names(people) -> str:
    return ", ".join(person.name for person in people)


def _interviews(ids) -> Iterable[Document]:
    interviews = Interview.objects.filter(pk__in=ids).prefetch_related("companies", "contacts", "themes")
    for interview in interviews:
        companies = _names(interview.companies.all())
        yield Document(
            kind=Kind.INTERVIEWS,
            object_id=interview.pk,
            title=companies,
            body=_join(interview.notes, _names(interview.contacts.all()), interview.place_text),
            url=interview.get_absolute_url(),
            date=_day(interview.held_at),
            theme_ids=[theme.pk for theme in interview.themes.all()],
            building_ids=[interview.building_id] if interview.building_id else [],
        )


def _workshops(ids) -> Iterable[Document]:
    workshops = Workshop.objects.filter(pk__in=ids).prefetch_related(
        "themes", "invited_companies", Prefetch("participations__contact", Contact.objects.select_related("company"))
    )
    for workshop in workshops:
        participants = [participation.contact for participation in workshop.participations.all()]
        yield Document(
            kind=Kind.WORKSHOPS,
            object_id=workshop.pk,
            title=workshop.title,
            body=_join(
                workshop.purpose,
                workshop.notes,
                workshop.outcomes,
                _names(participants),
                _names(workshop.invited_companies.all()),
                workshop.place_text,
            ),
            url=workshop.get_absolute_url(),
            date=_day(workshop.held_at),
            theme_ids=[theme.pk for theme in workshop.themes.all()],
            building_ids=[workshop.building_id] if workshop.building_id else [],
        )


def _findings(ids) -> Iterable[Document]:
    for finding in Finding.objects.filter(pk__in=ids).prefetch_related("themes"):
        yield Document(
            kind=Kind.FINDINGS,
            object_id=finding.pk,
            title=plain_text(str(finding)),
            indexed_title="",
            body=_join(finding.text),
            url=finding.get_absolute_url(),
            detail=finding.kind,
            swedish=finding.text_sv or "",
            english=finding.text_en or "",
            date=_day(finding.updated_at),
            theme_ids=[theme.pk for theme in finding.themes.all()],
        )


def _measures(ids) -> Iterable[Document]:
    for measure in Measure.objects.filter(pk__in=ids).prefetch_related("themes"):
        yield Document(
            kind=Kind.MEASURES,
            object_id=measure.pk,
            title=measure.title,
            body=_join(measure.description, measure.indicator, measure.funding_source),
            url=measure.get_absolute_url(),
            detail=measure.status,
            swedish=_join(measure.title_sv, measure.description_sv, measure.indicator_sv),
            english=_join(measure.title_en, measure.description_en, measure.indicator_en),
            date=_day(measure.updated_at),
            theme_ids=[theme.pk for theme in measure.themes.all()],
        )


def _plans(ids) -> Iterable[Document]:
    for plan in DevelopmentPlan.objects.filter(pk__in=ids).prefetch_related("goals"):
        goals = list(plan.goals.all())

        def texts(suffix: str, plan=plan, goals=goals) -> list[str]:
            fields = ("summary", "starting_point", "vision")
            own = [getattr(plan, f"{name}{suffix}") or "" for name in fields]
            return own + [getattr(goal, f"{name}{suffix}") or "" for goal in goals for name in ("title", "description")]

        yield Document(
            kind=Kind.PLAN,
            object_id=plan.pk,
            title=plan.title,
            body=_join(*texts("")),
            url=reverse("reports:plan", args=[plan.pk]),
            swedish=_join(plan.title_sv, *texts("_sv")),
            english=_join(plan.title_en, *texts("_en")),
            date=_day(plan.updated_at),
        )


def _answer_text(answer: Answer) -> str:
    value = answer.value if isinstance(answer.value, str) else ""
    return _join(value, answer.other_text)


def _answers(ids) -> Iterable[Document]:
    answers = Answer.objects.filter(pk__in=ids).select_related("question", "response__company", "response__survey")
    for answer in answers:
        text = _answer_text(answer) if answer.question.type in Question.TEXT_TYPES else _join(answer.other_text)
        if not text:
            continue
        response = answer.response
        yield Document(
            kind=Kind.ANSWERS,
            object_id=answer.pk,
            title=response.company.name,
            indexed_title="",
            body=text,
            url=reverse("surveys:results", args=[response.survey.slug]),
            detail=plain_text(answer.question.text),
            date=_day(answer.updated_at),
            staff_only=True,
        )


def _workforce(ids) -> Iterable[Document]:
    for need in WorkforceNeed.objects.filter(pk__in=ids).select_related("company", "skill_area"):
        yield Document(
            kind=Kind.WORKFORCE,
            object_id=need.pk,
            title=need.company.name,
            indexed_title="",
            body=_join(need.role, need.skill_area.name),
            url=need.get_absolute_url(),
            detail=need.skill_area.name,
            date=_day(need.updated_at),
            # A need the company wrote in the survey is its answer.
            staff_only=need.survey_response_id is not None,
        )


def _attachments(ids) -> Iterable[Document]:
    attachments = Attachment.objects.filter(pk__in=ids).prefetch_related("interview__themes", "workshop__themes")
    for attachment in attachments:
        record = attachment.interview or attachment.workshop
        assert record is not None  # the check constraint: an attachment belongs to an interview or a workshop
        text = ""
        if attachment.file:
            with attachment.file.open("rb") as file:
                text = extract_text(file, attachment.original_name)
        yield Document(
            kind=Kind.ATTACHMENTS,
            object_id=attachment.pk,
            title=attachment.original_name,
            body="\n".join(part for part in (attachment.description, " ".join(text.split())) if part),
            url=attachment.get_absolute_url(),
            detail=str(record.title if isinstance(record, Workshop) else ""),
            date=_day(attachment.uploaded_at),
            theme_ids=[theme.pk for theme in record.themes.all()],
            building_ids=[record.building_id] if record.building_id else [],
        )


@dataclass(frozen=True)
class Source:
    documents: Callable[[Iterable[int]], Iterable[Document]]
    # Every record that may have an entry, for the rebuild.
    all_ids: Callable[[], Iterable[int]]


def _ids(queryset) -> Callable[[], Iterable[int]]:
    return lambda: queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH)


SOURCES: dict[str, Source] = {
    Kind.ORGANISATIONS: Source(_organisations, _ids(Company.objects.all())),
    Kind.CONTACTS: Source(_contacts, _ids(Contact.objects.filter(erased_at__isnull=True))),
    Kind.INTERVIEWS: Source(_interviews, _ids(Interview.objects.all())),
    Kind.WORKSHOPS: Source(_workshops, _ids(Workshop.objects.all())),
    Kind.FINDINGS: Source(_findings, _ids(Finding.objects.all())),
    Kind.MEASURES: Source(_measures, _ids(Measure.objects.all())),
    Kind.PLAN: Source(_plans, _ids(DevelopmentPlan.objects.all())),
    Kind.ANSWERS: Source(
        _answers,
        _ids(Answer.objects.filter(Q(question__type__in=Question.TEXT_TYPES) | ~Q(other_text=""))),
    ),
    Kind.WORKFORCE: Source(_workforce, _ids(WorkforceNeed.objects.all())),
    Kind.ATTACHMENTS: Source(_attachments, _ids(Attachment.objects.all())),
}

_VALUES = (
    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp(),"
    " setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
    " || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D'),"
    " setweight(to_tsvector('finnish', %s), 'A') || setweight(to_tsvector('finnish', %s), 'B'),"
    " to_tsvector('swedish', %s), to_tsvector('english', %s))"
)
_COLUMNS = (
    "kind, object_id, title, body, url, detail, date, theme_ids, building_ids, staff_only, indexed_at,"
    " terms, finnish, swedish, english"
)
_UPDATE = ", ".join(f"{column} = EXCLUDED.{column}" for column in (part.strip() for part in _COLUMNS.split(",")[2:]))


def _params(document: Document) -> list:
    body = document.body[:MAX_BODY]
    indexed_title = document.title if document.indexed_title is None else document.indexed_title
    title_forms, title_parts = text_terms(indexed_title)
    body_forms, body_parts = text_terms(body)
    return [
        document.kind,
        document.object_id,
        document.title[:300],
        body,
        document.url,
        document.detail[:300],
        document.date,
        document.theme_ids,
        document.building_ids,
        document.staff_only,
        " ".join(title_forms),
        " ".join(body_forms),
        " ".join(title_parts),
        " ".join(body_parts),
        indexed_title,
        body,
        document.swedish,
        document.english,
    ]


def _write(documents: list[Document]) -> None:
    if not documents:
        return
    # Only constants are formatted in; every value is a parameter.
    values = ", ".join([_VALUES] * len(documents))
    sql = f"INSERT INTO {Entry._meta.db_table} ({_COLUMNS}) VALUES {values} ON CONFLICT (kind, object_id) "  # noqa: S608
    sql += f"DO UPDATE SET {_UPDATE}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for document in documents for param in _params(document)])


def index(kind: str, ids: Iterable[int]) -> None:
    """Bring the entries of these records up to date: written again, or removed when the record is gone."""
    ids = set(ids)
    if not ids:
        return
    documents = list(SOURCES[kind].documents(ids))
    _write(documents)
    gone = ids - {document.object_id for document in documents}
    if gone:
        Entry.objects.filter(kind=kind, object_id__in=gone).delete()


def tidy() -> None:
    """VACUUM ANALYZE the index after a rebuild (outside a transaction): many new rows wait in the GIN indexes'
    pending lists, which every search would otherwise read through, and the planner needs fresh statistics."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Entry._meta.db_table}")


def unindex(kind: str, ids: Iterable[int]) -> None:
    """Remove the entries of these records."""
    Entry.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def rebuild(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Write every record's entry again and drop entries of records that are gone; {kind: entries}."""
    counts = {}
    with connection.cursor() as cursor:
        # The database's clock, which indexed_at is written with (clock_timestamp(): also inside one transaction).
        cursor.execute("SELECT clock_timestamp()")
        (started,) = cursor.fetchone()
    for kind in kinds or SOURCES:
        batch = []
        for pk in SOURCES[kind].all_ids():
            batch.append(pk)
            if len(batch) == BATCH:
                index(kind, batch)
                batch = []
        index(kind, batch)
        Entry.objects.filter(kind=kind, indexed_at__lt=started).delete()
        counts[kind] = Entry.objects.filter(kind=kind).count()
    return counts
