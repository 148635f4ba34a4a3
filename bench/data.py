"""Bench data: the village (the demo of `load_demo`) and a large region made with bulk inserts.

Both end with a *plan* the load scripts follow: invitation tokens of companies that have not submitted, the form
fields that save each survey page, a staff login and the staff pages' paths.

    python -m bench.data --size village --plan PLAN.json     # with DJANGO_SETTINGS_MODULE=bench.settings
"""

import argparse
import csv
import datetime
import io
import json
import random
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLAN_VERSION = 1
RNG_SEED = 8  # the issue's number: the same data on every run
STAFF_USERNAME = "bench-staff"


@dataclass(frozen=True)
class RegionSize:
    """How much the large region has; the defaults are the issue's large region."""

    companies: int = 5000
    submitted: int = 2000
    drafts: int = 500
    opened: int = 1000
    questions: int = 250
    pages: int = 10
    buildings: int = 20
    premises_per_building: int = 25
    findings: int = 400
    measures: int = 80
    interviews: int = 100


REGION = RegionSize()
TINY = RegionSize(
    companies=30,
    submitted=8,
    drafts=4,
    opened=4,
    questions=12,
    pages=3,
    buildings=2,
    premises_per_building=3,
    findings=6,
    measures=3,
    interviews=3,
)
REGION_SLUG = "bench-region"

TEXTS = [
    "Osaavan työvoiman saatavuus on suurin kasvun este.",
    "Tarvitsemme lisää tuotantotilaa kahden vuoden sisällä.",
    "Yhteinen laboratorio auttaisi tuotekehityksessä.",
    "Kiertotalouden sivuvirroille etsitään hyödyntäjää.",
    "Digitalisaatio etenee, mutta tietoturvaosaamista puuttuu.",
    "Ruotsin puolen teollisuushankkeet tuovat tilauksia.",
    "Harjoittelijat Lapin AMK:sta ovat olleet hyvä rekrytointikanava.",
    "Julkiset yhteydet keskustasta ovat heikot.",
]


# Fields that save one page ----------------------------------------------------------------------------------------


def page_fields(questions, skill_area: str) -> list[list[str]]:
    """[name, value] pairs that save a page with a plausible answer to every question, as a browser posts them."""
    from surveys.forms import ROWS_SUFFIX, row_name
    from surveys.models import Question

    T = Question.Type
    fields = []
    for question in questions:
        code = question.code
        choices = [choice.value for choice in question.choices.all()]
        if question.type in (T.SHORT_TEXT, T.LONG_TEXT):
            fields.append([code, TEXTS[question.pk % len(TEXTS)]])
        elif question.type in (T.INTEGER, T.DECIMAL):
            low = int(question.min_value) if question.min_value is not None else 0
            high = int(question.max_value) if question.max_value is not None else low + 10
            fields.append([code, str(max(low, min(high, low + 3)))])
        elif question.type == T.SINGLE_CHOICE and choices:
            fields.append([code, choices[0]])
        elif question.type == T.MULTIPLE_CHOICE and choices:
            fields += [[code, value] for value in choices[:2]]
        elif question.type == T.SCALE:
            fields.append([code, "4"])
        elif question.type == T.YES_NO:
            fields.append([code, "yes"])
        elif question.type == T.DATE:
            fields.append([code, "2026-03-15"])
        elif question.type == T.WORKFORCE_TABLE:
            row = {"skill_area": skill_area, "role": "Asentaja", "count": "2", "window": "0-6"}
            row |= {"level": "any", "kind": "permanent"}
            fields.append([code + ROWS_SUFFIX, "1"])
            fields += [[row_name(code, 0, column), value] for column, value in row.items()]
    return fields


def make_plan(*, size: str, survey, tokens: list[str], staff_password: str, counts: dict) -> dict:
    """What the load scripts need to act as companies and staff."""
    from django.urls import reverse

    from surveys.services import section_questions
    from workforce.models import SkillArea

    skill_area = SkillArea.objects.order_by("pk").values_list("slug", flat=True).first() or ""
    sections = list(survey.sections.order_by("order", "pk"))
    return {
        "version": PLAN_VERSION,
        "size": size,
        "survey": survey.slug,
        "pages": len(sections),
        "tokens": tokens,
        "post": {
            str(number): page_fields(section_questions(section), skill_area)
            for number, section in enumerate(sections, start=1)
        },
        "staff": {"username": STAFF_USERNAME, "password": staff_password},
        "staff_pages": {
            "dashboard": reverse("surveys:dashboard", args=[survey.slug]),
            "results": reverse("surveys:results", args=[survey.slug]),
            "directory": reverse("companies:directory"),
            "board": reverse("workshops:board"),
        },
        "counts": counts,
    }


def ensure_staff() -> str:
    """The bench's staff login with a fresh password; returns the password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from teknokyla.core.groups import STAFF_GROUP

    password = secrets.token_urlsafe(16)
    user, _created = get_user_model().objects.get_or_create(username=STAFF_USERNAME, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    return password


def _analyze() -> None:
    from django.db import connection

    # Fresh statistics, as autovacuum would have them on a database that grew over months.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _counts(survey) -> dict:
    from companies.models import Company
    from surveys.models import Answer, Question, Response
    from workshops.models import Finding, Measure

    return {
        "companies": Company.objects.count(),
        "invited": Response.objects.filter(survey=survey).count(),
        "submitted": Response.objects.filter(survey=survey, submitted_at__isnull=False).count(),
        "questions": Question.objects.filter(section__survey=survey).count(),
        "answers": Answer.objects.filter(response__survey=survey).count(),
        "findings": Finding.objects.count(),
        "measures": Measure.objects.count(),
    }


# The village ------------------------------------------------------------------------------------------------------


def generate_village(*, clients: int = 60) -> dict:
    """load_demo, a staff login, and a fresh invitation link for each company that has not submitted."""
    from django.core.management import call_command

    from companies.models import Company
    from surveys import demo
    from surveys.invitations import invitation_create
    from surveys.models import Survey

    call_command("load_demo", stdout=io.StringIO())
    survey = Survey.objects.get(slug=demo.SLUG)
    companies = (
        Company.objects.filter(kind=Company.Kind.COMPANY, active=True)
        .exclude(name=demo.ORGANISER_NAME)
        .exclude(survey_responses__survey=survey, survey_responses__submitted_at__isnull=False)
        .order_by("pk")
    )
    tokens = [invitation_create(survey=survey, company=company)[1] for company in companies[:clients]]
    password = ensure_staff()
    _analyze()
    return make_plan(size="village", survey=survey, tokens=tokens, staff_password=password, counts=_counts(survey))


# The large region -------------------------------------------------------------------------------------------------


def _business_id(index: int) -> str:
    """A Y-tunnus with a valid check digit from the 8xxxxxx range, unique per index."""
    number = 8000000 + index * 2
    while True:
        digits = f"{number:07d}"
        remainder = sum(w * int(d) for w, d in zip((7, 9, 10, 5, 8, 4, 2), digits, strict=True)) % 11
        if remainder != 1:
            return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
        number += 1


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY rows (no NULLs) into a table: the fastest way PostgreSQL takes many rows."""
    from django.db import connection

    buffer = io.StringIO()
    # Every field quoted: an empty string stays '' instead of reading as NULL.
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _registry(rng: random.Random, size: RegionSize, now) -> list:
    from companies.industries import SECTIONS
    from companies.models import Building, Company, Contact, Premises, Tenancy

    start = Company.objects.count()
    buildings = Building.objects.bulk_create(
        Building(name=f"Aluetalo {n}", slug=f"bench-aluetalo-{n}", street_address=f"Aluekatu {n}")
        for n in range(1, size.buildings + 1)
    )
    premises = Premises.objects.bulk_create(
        Premises(building=building, code=f"A{n:03d}", floor=1 + n % 3, area_m2=rng.randint(20, 400))
        for building in buildings
        for n in range(1, size.premises_per_building + 1)
    )
    letters = list(SECTIONS)
    bands = [choice for choice, _label in Company.EmployeeBand.choices]
    companies = Company.objects.bulk_create(
        (
            Company(
                name=f"Alueyritys {start + n:05d} Oy",
                business_id=_business_id(start + n),
                industry_section=rng.choice(letters),
                employee_band=rng.choice(bands),
                customer_since=rng.randint(1990, now.year),
                description="Yritys suuren alueen benchmarkista.",
            )
            for n in range(size.companies)
        ),
        batch_size=1000,
    )
    Contact.objects.bulk_create(
        (
            Contact(company=company, name=f"Yhteyshenkilö {company.pk}", email=f"c{company.pk}@example.fi")
            for company in companies
        ),
        batch_size=1000,
    )
    Tenancy.objects.bulk_create(
        (
            Tenancy(company=company, premises=rng.choice(premises), start_date=datetime.date(2015, 1, 1))
            for company in companies
        ),
        batch_size=1000,
    )
    return companies


def _survey(size: RegionSize, now):
    """A survey of `size.questions` questions over `size.pages` pages, each page a copy of a demo page's questions."""
    from surveys import demo
    from surveys.models import Choice, Question, Section, Survey

    def texts(field, triple, suffix=""):
        triple = triple or ("", "", "")
        values = {
            f"{field}_{lang}": text + (suffix if text else "")
            for lang, text in zip(demo.LANGUAGES, triple, strict=True)
        }
        return {field: values[f"{field}_fi"], **values}

    survey = Survey.objects.create(
        slug=REGION_SLUG,
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now + datetime.timedelta(days=20),
        **texts("title", ("Alueen yrityskysely", "Regionens företagsenkät", "Survey of the region's companies")),
        **texts("introduction", demo.SURVEY_TEXTS["introduction"]),
    )
    per_page = [size.questions // size.pages + (n < size.questions % size.pages) for n in range(size.pages)]
    questions, choices, conditions = [], [], []
    for number, count in enumerate(per_page, start=1):
        spec_section = demo.SECTIONS[(number - 1) % len(demo.SECTIONS)]
        section = Section.objects.create(
            survey=survey,
            order=number,
            **texts("title", spec_section.title, f" ({number})"),
            **texts("description", spec_section.description),
        )
        specs = spec_section.questions
        for order in range(count):
            spec = specs[order % len(specs)]
            copy = order // len(specs)
            suffix = f"-{number}-{copy}"
            low, high = spec.scale_labels or (None, None)
            question = Question(
                section=section,
                order=order + 1,
                code=spec.code[: 40 - len(suffix)] + suffix,
                type=spec.type,
                required=spec.required,
                min_value=spec.min_value,
                max_value=spec.max_value,
                has_other=spec.has_other,
                **texts("text", spec.text, f" ({number}.{order + 1})"),
                **texts("help_text", spec.help_text),
                **texts("scale_min_label", low),
                **texts("scale_max_label", high),
            )
            questions.append(question)
            for choice_order, (value, *labels) in enumerate(spec.choices, start=1):
                choices.append((question, Choice(order=choice_order, value=value, **texts("label", labels))))
            if spec.shown_if:
                trigger_code, value = spec.shown_if
                conditions.append((question, trigger_code[: 40 - len(suffix)] + suffix, value))
    Question.objects.bulk_create(questions)
    for question, choice in choices:
        choice.question = question
    Choice.objects.bulk_create([choice for _question, choice in choices])
    # A condition points at the same copy's trigger on the same page; one whose trigger is elsewhere is dropped.
    by_code = {question.code: question for question in questions}
    by_value = {(choice.question_id, choice.value): choice for _question, choice in choices}
    conditional = []
    for question, trigger_code, value in conditions:
        trigger = by_code.get(trigger_code)
        trigger_choice = (
            by_value.get((trigger.pk, value)) if trigger and trigger.section_id == question.section_id else None
        )
        if trigger_choice is not None:
            question.shown_if_choice = trigger_choice
            conditional.append(question)
    Question.objects.bulk_update(conditional, ["shown_if_choice"])
    return survey


def _answer_value(rng: random.Random, question, choices: list[str], skill_areas: list[str]):
    """A stored Answer.value of the question's type, or None for an optional question left blank."""
    from surveys.models import Question

    T = Question.Type
    kind = question.type
    if not question.required and rng.random() < (0.5 if kind in (T.SHORT_TEXT, T.LONG_TEXT) else 0.2):
        return None
    if kind in (T.SHORT_TEXT, T.LONG_TEXT):
        return rng.choice(TEXTS)
    if kind == T.INTEGER:
        return rng.randint(0, 20)
    if kind == T.DECIMAL:
        return str(rng.randint(0, 90))
    if kind == T.SINGLE_CHOICE:
        return rng.choice(choices) if choices else None
    if kind == T.MULTIPLE_CHOICE:
        return rng.sample(choices, rng.randint(1, min(3, len(choices)))) if choices else None
    if kind == T.SCALE:
        return rng.randint(1, 5)
    if kind == T.YES_NO:
        return rng.choice(["yes", "no"])
    if kind == T.DATE:
        return (datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))).isoformat()
    if kind == T.WORKFORCE_TABLE:
        if rng.random() < 0.6 or not skill_areas:
            return None
        row = {"skill_area": rng.choice(skill_areas), "role": "Asentaja", "count": rng.randint(1, 5)}
        return [row | {"window": "0-6", "level": "any", "kind": "permanent"}]
    return None


def _responses(rng: random.Random, size: RegionSize, survey, companies, now) -> list[str]:
    """Invitations and responses of every company; answers of the submitted ones and the drafts; client tokens."""
    from surveys.models import Invitation, Response, hash_token
    from surveys.services import survey_questions
    from workforce.models import SkillArea

    order = list(companies)
    rng.shuffle(order)
    submitted = order[: size.submitted]
    drafts = order[size.submitted : size.submitted + size.drafts]
    opened = order[size.submitted + size.drafts : size.submitted + size.drafts + size.opened]
    status = {c.pk: "submitted" for c in submitted} | {c.pk: "draft" for c in drafts} | {c.pk: "opened" for c in opened}
    responses = Response.objects.bulk_create(
        (
            Response(
                survey=survey,
                company=company,
                first_opened_at=now if company.pk in status else None,
                last_saved_at=now if status.get(company.pk) in ("submitted", "draft") else None,
                submitted_at=now if status.get(company.pk) == "submitted" else None,
            )
            for company in companies
        ),
        batch_size=2000,
    )
    tokens = {response.company_id: secrets.token_urlsafe(32) for response in responses}
    Invitation.objects.bulk_create(
        (
            Invitation(
                survey=survey,
                company_id=response.company_id,
                response=response,
                token_hash=hash_token(tokens[response.company_id]),
                sent_at=now,
                last_opened_at=response.first_opened_at,
            )
            for response in responses
        ),
        batch_size=2000,
    )
    # A dummy response object per row is enough for the service's query: it reads only the survey id.
    questions = list(survey_questions(responses[0]))
    sections = list(survey.sections.order_by("order", "pk"))
    choices = {q.pk: [c.value for c in q.choices.all()] for q in questions}
    skill_areas = list(SkillArea.objects.values_list("slug", flat=True))
    stamp = now.isoformat()
    answer_rows, page_rows = [], []
    for response in responses:
        state = status.get(response.company_id)
        if state not in ("submitted", "draft"):
            continue
        pages = sections if state == "submitted" else sections[: rng.randint(1, max(1, len(sections) // 2))]
        page_ids = {section.pk for section in pages}
        values: dict[str, Any] = {}
        for question in questions:
            if question.section_id not in page_ids:
                continue
            condition = question.shown_if_choice
            if condition is not None and values.get(condition.question_id) != condition.value:
                continue
            value = _answer_value(rng, question, choices[question.pk], skill_areas)
            if value is None:
                continue
            values[question.pk] = value
            answer_rows.append((response.pk, question.pk, json.dumps(value, ensure_ascii=False), "", stamp))
        page_rows += [(response.pk, section.pk, 1, stamp) for section in pages]
    _copy("surveys_answer", ["response_id", "question_id", "value", "other_text", "updated_at"], answer_rows)
    _copy("surveys_pagestate", ["response_id", "section_id", "version", "saved_at"], page_rows)
    # Virtual clients act as companies that have not submitted: drafts, opened links and fresh invitations.
    pending = [c.pk for c in companies if status.get(c.pk) != "submitted"]
    return [tokens[pk] for pk in rng.sample(pending, min(len(pending), 200))]


def _plan_work(rng: random.Random, size: RegionSize, companies, now) -> None:
    """Interviews, findings and measures in the numbers of a large region, tied to themes, companies and goals."""
    from django.contrib.auth import get_user_model

    from reports.models import DevelopmentPlan
    from workshops.models import Finding, Goal, Interview, Measure, Theme

    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    themes = list(Theme.objects.filter(active=True))
    if len(themes) < 2:  # a migration seeds the themes; a flushed test database has none
        themes += Theme.objects.bulk_create(Theme(name=f"Teema {n}", slug=f"bench-teema-{n}", order=n) for n in (1, 2))
    plan = DevelopmentPlan.objects.order_by("-period_start", "-pk").first()
    if plan is None:
        plan = DevelopmentPlan.objects.create(
            title="Alueen kehittämissuunnitelma",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            summary="Benchmarkin suunnitelma.",
        )
        Goal.objects.bulk_create(Goal(plan=plan, order=n, title=f"Tavoite {n}") for n in range(1, 4))
    goals = list(plan.goals.all())
    interviews = Interview.objects.bulk_create(
        Interview(held_at=now - datetime.timedelta(days=rng.randint(1, 300)), notes=rng.choice(TEXTS), created_by=staff)
        for _n in range(size.interviews)
    )
    Interview.companies.through.objects.bulk_create(
        Interview.companies.through(interview=interview, company=company)
        for interview in interviews
        for company in rng.sample(companies, 2)
    )
    kinds = [kind for kind, _label in Finding.Kind.choices]
    findings = Finding.objects.bulk_create(
        Finding(
            text=f"{rng.choice(TEXTS)} (havainto {n})",
            kind=rng.choice(kinds),
            importance=rng.randint(1, 3),
            created_by=staff,
        )
        for n in range(1, size.findings + 1)
    )
    finding_themes = Finding.themes.through
    finding_themes.objects.bulk_create(
        finding_themes(finding=finding, theme=theme) for finding in findings for theme in rng.sample(themes, 2)
    )
    finding_companies = Finding.companies.through
    finding_companies.objects.bulk_create(
        finding_companies(finding=finding, company=company)
        for finding in findings
        for company in rng.sample(companies, 3)
    )
    statuses = [status for status, _label in Measure.Status.choices]
    measures = []
    for n in range(1, size.measures + 1):
        start = rng.randint(0, 8)
        measures.append(
            Measure(
                title=f"Toimenpide {n}: {rng.choice(TEXTS)[:120]}",
                description=rng.choice(TEXTS),
                start_quarter=f"{2025 + start // 4}-Q{start % 4 + 1}",
                end_quarter=f"{2025 + (start + 3) // 4}-Q{(start + 3) % 4 + 1}",
                status=rng.choice(statuses),
                responsible_user=staff,
                goal=rng.choice(goals) if goals else None,
                indicator="Mukana olevat yritykset",
            )
        )
    measures = Measure.objects.bulk_create(measures)
    measure_findings = Measure.findings.through
    measure_findings.objects.bulk_create(
        measure_findings(measure=measure, finding=finding)
        for measure in measures
        for finding in rng.sample(findings, 3)
    )
    measure_themes = Measure.themes.through
    measure_themes.objects.bulk_create(
        measure_themes(measure=measure, theme=rng.choice(themes)) for measure in measures
    )


def generate_region(*, size: RegionSize = REGION) -> dict:
    """The large region on top of what the database holds (the village, in `make bench`), in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    rng = random.Random(RNG_SEED)
    now = timezone.now()
    with transaction.atomic():
        password = ensure_staff()
        companies = _registry(rng, size, now)
        survey = _survey(size, now)
        tokens = _responses(rng, size, survey, companies, now)
        _plan_work(rng, size, companies, now)
    _analyze()
    name = "region" if size == REGION else "tiny"
    return make_plan(size=name, survey=survey, tokens=tokens, staff_password=password, counts=_counts(survey))


def generate(size: str) -> dict:
    if size == "village":
        return generate_village()
    return generate_region(size=TINY if size == "tiny" else REGION)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.data", description=__doc__)
    parser.add_argument("--size", choices=["village", "region", "tiny"], required=True)
    parser.add_argument("--plan", type=Path, required=True, help="where to write the plan (JSON)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    plan = generate(args.size)
    args.plan.write_text(json.dumps(plan, indent=1, ensure_ascii=False))
    print(json.dumps({"size": args.size, **plan["counts"]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
