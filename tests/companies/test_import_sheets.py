"""The import's templates (XLSX with lists and an explanation sheet, CSV) and the directory's export in the import's
columns: a template filled in imports, and an exported file imported again changes exactly what was edited."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from companies.models import Company, Contact

from ..factories import CompanyFactory, ContactFactory, PremisesFactory, TenancyFactory
from . import test_import
from .test_import import confirm, preview, snapshot

pytestmark = pytest.mark.django_db

# The fixtures of test_import.py, shared.
village = test_import.village
staff_en = test_import.staff_en

FINNISH_HEADERS = ["Nimi", "Y-tunnus", "Tyyppi", "Toimiala", "Rakennus", "Toimitila", "Asiakkuus alkanut",
                   "Verkkosivut", "Yhteyshenkilö", "Sähköposti", "Puhelin", "Kieli"]  # fmt: skip


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_xlsx_template_in_finnish_has_headers_an_example_lists_and_explanations(staff_client, village):
    response = staff_client.get(reverse("companies:import_template", args=["xlsx"]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    book = workbook(response)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FINNISH_HEADERS
    assert len(rows) == 2
    assert rows[1][0] == "Esimerkki Oy (poista tämä rivi)"
    assert rows[1][2] == "yritys"
    assert (rows[1][4], rows[1][5]) == ("Compus", "C201")

    explanation = book["Ohjeet"]
    lines = list(explanation.iter_rows(values_only=True))
    assert [line[0] for line in lines[1:]] == FINNISH_HEADERS
    assert all(line[1] for line in lines[1:])

    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        reference = validation.formula1.split("!")[1].replace("$", "")
        first, last = reference.split(":")
        source = book[validation.formula1.split("!")[0].strip("'")]
        lists[sheet[f"{column}1"].value] = [cell.value for row in source[first:last] for cell in row]
    assert lists["Rakennus"] == ["Compus", "Kosmos"]
    assert lists["Toimitila"] == ["C201", "K101", "K102"]
    assert lists["Tyyppi"] == ["yritys", "oppilaitos", "julkisyhteisö", "yhdistys"]
    assert lists["Toimiala"][:3] == ["A", "B", "C"] and lists["Toimiala"][-1] == "U"
    assert lists["Kieli"] == ["suomi", "ruotsi", "englanti"]


def test_a_filled_template_imports(staff_client, village):
    book = workbook(staff_client.get(reverse("companies:import_template", args=["xlsx"])))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    sheet.append(["Pohjolan Säätö Oy", "2077474-0", "yritys", "71121", "Kosmos", "K101",
                  datetime.datetime(2015, 3, 1), "pohjolansaato.example", "Märta Äijälä",
                  "marta.aijala@pohjolansaato.example", "040 123 4567", "ruotsi"])  # fmt: skip
    stream = io.BytesIO()
    book.save(stream)

    page = preview(staff_client, stream.getvalue(), "yritykset.xlsx")
    confirm(staff_client, page)

    company = Company.objects.get(business_id="2077474-0")
    assert (company.name, company.customer_since, company.website) == (
        "Pohjolan Säätö Oy",
        2015,
        "https://pohjolansaato.example",
    )
    assert company.tenancies.get().premises == village["K101"]
    contact = company.contacts.get()
    assert (contact.phone, contact.language) == ("040 123 4567", Contact.Language.SV)


def test_the_csv_template_in_swedish(staff_client, village):
    response = staff_client.get(reverse("companies:import_template", args=["csv"]), HTTP_ACCEPT_LANGUAGE="sv")

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Namn", "FO-nummer", "Typ"]
    assert len(rows) == 2


def test_templates_and_export_are_staff_only(viewer_client, village):
    assert viewer_client.get(reverse("companies:import_template", args=["xlsx"])).status_code == 403
    assert viewer_client.get(reverse("companies:export", args=["xlsx"])).status_code == 403


def test_unknown_formats_are_not_found(staff_client):
    assert staff_client.get(reverse("companies:import_template", args=["pdf"])).status_code == 404
    assert staff_client.get(reverse("companies:export", args=["ods"])).status_code == 404


@pytest.fixture
def registry(village):
    saato = CompanyFactory(
        name="Pohjolan Säätö Oy", business_id="2077474-0", industry_code="71121", industry_section="M",
        customer_since=2015, website="https://pohjolansaato.example",
    )  # fmt: skip
    ContactFactory(company=saato, name="Märta Äijälä", email="marta@saato.example", phone="040 123 4567", language="sv")
    ContactFactory(company=saato, name="Juho Lehto", email="juho@saato.example", phone="", language="en")
    TenancyFactory(company=saato, premises=village["K101"], start_date=datetime.date(2015, 1, 1))
    TenancyFactory(company=saato, premises=village["K102"], start_date=datetime.date(2018, 1, 1))
    club = CompanyFactory(name="=Kerho ry", business_id="", kind="association", industry_code="", industry_section="S")
    school = CompanyFactory(
        name="Kemin Ammattiopisto", business_id="9000038-8", kind="education", industry_code="85", industry_section="P"
    )
    TenancyFactory(company=school, premises=PremisesFactory(building=village["compus"], code="C202"))
    return {"saato": saato, "club": club, "school": school}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(staff_client, registry, fmt):
    response = staff_client.get(reverse("companies:export", args=[fmt]))
    assert response.status_code == 200
    before = snapshot()

    page = preview(staff_client, response.content, f"export.{fmt}")

    result = page.context["result"]
    assert [(row.line, row.changes) for row in result.previews if row.state != "unchanged"] == []
    assert result.warnings == []
    assert {row.state for row in result.previews} == {"unchanged"}
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    confirm(staff_client, page)
    assert snapshot() == before


def test_an_edited_cell_changes_exactly_that_field(staff_client, registry):
    book = workbook(staff_client.get(reverse("companies:export", args=["xlsx"])))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == FINNISH_HEADERS
    juho = next(row for row in sheet.iter_rows(min_row=2) if row[8].value == "Juho Lehto")
    juho[10].value = "+358 50 765 4321"
    stream = io.BytesIO()
    book.save(stream)
    before = snapshot()

    page = preview(staff_client, stream.getvalue(), "export.xlsx")
    changed = [row for row in page.context["result"].previews if row.state != "unchanged"]
    assert [(c.column, c.old, c.new) for row in changed for c in row.changes] == [
        ("contact_phone", "", "+358 50 765 4321")
    ]
    confirm(staff_client, page)

    after = snapshot()
    assert after["companies"] == before["companies"]
    assert after["tenancies"] == before["tenancies"]
    edited = [(old, new) for old, new in zip(before["contacts"], after["contacts"], strict=True) if old != new]
    assert len(edited) == 1
    old, new = edited[0]
    assert {key for key in old if old[key] != new[key]} == {"phone"}
    assert new["phone"] == "+358 50 765 4321"


def test_export_follows_the_directory_filters(staff_client, registry):
    response = staff_client.get(reverse("companies:export", args=["csv"]) + "?kind=education")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Kemin Ammattiopisto"]


def test_export_queries_do_not_grow_with_the_registry(staff_client, registry, django_assert_max_num_queries):
    # Session, user and groups; the organisations, their contacts, their tenancies with premises and buildings.
    url = reverse("companies:export", args=["xlsx"])
    with django_assert_max_num_queries(10):
        staff_client.get(url)
    for index in range(10):
        company = CompanyFactory(name=f"Lisä {index} Oy")
        ContactFactory(company=company)
        TenancyFactory(company=company, premises=registry["saato"].tenancies.first().premises)
    with django_assert_max_num_queries(10):
        staff_client.get(url)
