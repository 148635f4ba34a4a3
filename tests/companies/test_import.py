"""The company import: the `import_companies` command and the staff page /companies/import/.

Every file is built in the test the way a user would prepare it (a spreadsheet
saved as CSV or XLSX); the checks look at what lands in the database and at
what the user is told.
"""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook

from companies.models import Company, Contact, Tenancy
from tests.factories import BuildingFactory, CompanyFactory, ContactFactory, PremisesFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "name", "business_id", "kind", "industry", "building", "premises", "customer_since",
    "website", "contact_name", "contact_email", "contact_phone", "contact_language",
]  # fmt: skip

SAATO = {
    "name": "Pohjolan Säätö Oy",
    "business_id": "2077474-0",
    "kind": "company",
    "industry": "71121",
    "building": "Kosmos",
    "premises": "K101",
    "customer_since": "2015",
    "website": "https://pohjolansaato.example",
    "contact_name": "Märta Äijälä",
    "contact_email": "marta.aijala@pohjolansaato.example",
    "contact_phone": "+358 40 123 4567",
    "contact_language": "sv",
}
OPISTO = {
    "name": "Kemin Ammattiopisto",
    "business_id": "9000038-8",
    "kind": "education",
    "industry": "85",
    "building": "compus",  # buildings and premises match without regard to case
    "premises": "c201",
    "customer_since": "1995",
    "website": "opisto.example",
    "contact_name": "Eero Öhman",
    "contact_email": "eero.ohman@opisto.example",
    "contact_phone": "",
    "contact_language": "",
}

IMPORT_URL = "/companies/import/"


@pytest.fixture(autouse=True)
def english():
    """Messages in English, the language they are written in; the portal's default, Finnish, is tested below."""
    with translation.override("en"):
        yield


@pytest.fixture
def village():
    """Two buildings of the village and their premises."""
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    compus = BuildingFactory(name="Compus", slug="compus")
    return {
        "kosmos": kosmos,
        "compus": compus,
        "K101": PremisesFactory(building=kosmos, code="K101"),
        "K102": PremisesFactory(building=kosmos, code="K102"),
        "C201": PremisesFactory(building=compus, code="C201"),
    }


# --- building files and looking at the database -------------------------------------------------


def csv_bytes(rows, *, delimiter=",", header=HEADER, encoding="utf-8-sig") -> bytes:
    """A CSV file as a spreadsheet saves it; rows are dicts by column, or lists of cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header] if isinstance(row, dict) else row)
    return buffer.getvalue().encode(encoding)


def write_csv(tmp_path, rows, *, name="companies.csv", **options):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, **options))
    return path


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Yritykset"
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(tmp_path, rows, *, name="companies.xlsx", **options):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows, **options))
    return path


def run_import(path, *args) -> str:
    """Run the command as a user would; return what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_companies", str(path), *args, stdout=stdout, stderr=stderr)
    assert stderr.getvalue() == ""
    return stdout.getvalue().strip()


def run_failing_import(path, *args) -> tuple[str, list[str]]:
    """Run the command on a file it must refuse; return the error and the lines printed to stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_companies", str(path), *args, stdout=stdout, stderr=stderr)
    assert stdout.getvalue() == ""
    return str(failure.value), stderr.getvalue().splitlines()


def snapshot() -> dict:
    """Everything the import may touch, to compare before and after."""
    return {
        "counts": (Company.objects.count(), Contact.objects.count(), Tenancy.objects.count()),
        "history": (Company.history.count(), Contact.history.count()),
        "companies": list(Company.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "tenancies": list(Tenancy.objects.order_by("pk").values()),
    }


def assert_saato_imported(village):
    """Pohjolan Säätö Oy, its tenancy in Kosmos K101 and its contact are in the registry as in the file."""
    company = Company.objects.get(business_id="2077474-0")
    assert company.name == "Pohjolan Säätö Oy"
    assert company.kind == Company.Kind.COMPANY
    assert company.industry_code == "71121"
    assert company.industry_section == "M"
    assert company.customer_since == 2015
    assert company.website == "https://pohjolansaato.example"
    assert company.active is True
    assert company.parent is None

    tenancy = company.tenancies.get()
    assert tenancy.premises == village["K101"]
    assert tenancy.start_date == timezone.localdate()
    assert tenancy.end_date is None
    assert list(Company.objects.in_building(village["kosmos"])) == [company]

    contact = company.contacts.get()
    assert contact.name == "Märta Äijälä"
    assert contact.email == "marta.aijala@pohjolansaato.example"
    assert contact.phone == "+358 40 123 4567"
    assert contact.language == Contact.Language.SV
    assert contact.is_primary is True
    return company


def assert_opisto_imported(village):
    company = Company.objects.get(business_id="9000038-8")
    assert company.name == "Kemin Ammattiopisto"
    assert company.kind == Company.Kind.EDUCATION
    assert company.industry_code == "85"
    assert company.industry_section == "P"
    assert company.customer_since == 1995
    assert company.website == "https://opisto.example"
    assert company.tenancies.get().premises == village["C201"]
    contact = company.contacts.get()
    assert (contact.name, contact.email, contact.phone) == ("Eero Öhman", "eero.ohman@opisto.example", "")
    assert contact.language == Contact.Language.FI  # blank language: Finnish
    assert contact.is_primary is True
    return company


# --- good files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_creates_organisations_tenancies_and_contacts(tmp_path, village, delimiter):
    path = write_csv(tmp_path, [SAATO, OPISTO], delimiter=delimiter)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel saves it

    output = run_import(path)

    assert output == "2 row(s) read: 2 organisation(s) were created, 0 updated, 0 unchanged."
    assert Company.objects.count() == 2
    assert Tenancy.objects.count() == 2
    assert Contact.objects.count() == 2
    assert_saato_imported(village)
    assert_opisto_imported(village)


def test_csv_without_bom_and_with_capitalised_header(tmp_path, village):
    header = [column.upper() if column == "name" else column for column in HEADER]
    rows = [[SAATO[column] for column in HEADER]]
    path = write_csv(tmp_path, rows, header=header, encoding="utf-8")

    assert run_import(path) == "1 row(s) read: 1 organisation(s) were created, 0 updated, 0 unchanged."
    assert_saato_imported(village)


def test_csv_saved_in_windows_encoding_keeps_finnish_letters(tmp_path, village):
    path = write_csv(tmp_path, [SAATO], delimiter=";", encoding="cp1252")

    run_import(path)

    company = assert_saato_imported(village)
    assert company.name == "Pohjolan Säätö Oy"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_quoted_cells_with_quotes_and_delimiters(tmp_path, village, delimiter):
    """A spreadsheet quotes a cell holding the delimiter and doubles the quotes inside it."""
    club = {
        "name": 'Urheiluseura "Kemin Into" ry',
        "kind": "association",
        "contact_name": "Virtanen; Liisa, puheenjohtaja",
    }
    path = write_csv(tmp_path, [club], delimiter=delimiter)
    assert b'"Urheiluseura ""Kemin Into"" ry"' in path.read_bytes()

    run_import(path)

    company = Company.objects.get()
    assert company.name == 'Urheiluseura "Kemin Into" ry'
    assert company.kind == Company.Kind.ASSOCIATION
    assert company.business_id == ""
    assert company.contacts.get().name == "Virtanen; Liisa, puheenjohtaja"


def test_xlsx_creates_organisations_tenancies_and_contacts(tmp_path, village):
    # Numbers typed into a spreadsheet arrive as numbers, not text.
    saato = {**SAATO, "industry": 71121, "customer_since": 2015}
    opisto = {**OPISTO, "customer_since": 1995.0, "contact_phone": None, "contact_language": None}
    path = write_xlsx(tmp_path, [saato, opisto])

    output = run_import(path)

    assert output == "2 row(s) read: 2 organisation(s) were created, 0 updated, 0 unchanged."
    assert (Company.objects.count(), Tenancy.objects.count(), Contact.objects.count()) == (2, 2, 2)
    assert_saato_imported(village)
    assert_opisto_imported(village)


def test_kind_and_language_may_be_given_by_their_names_in_any_portal_language(tmp_path, village):
    with translation.override("fi"):
        public_fi, swedish_fi = str(Company.Kind.PUBLIC.label), str(Contact.Language.SV.label)
    rows = [
        {**SAATO, "kind": "Educational institution", "contact_language": "English"},
        {**OPISTO, "kind": public_fi.upper(), "contact_language": swedish_fi},
    ]
    path = write_csv(tmp_path, rows)

    run_import(path)

    saato, opisto = Company.objects.get(name=SAATO["name"]), Company.objects.get(name=OPISTO["name"])
    assert (saato.kind, saato.contacts.get().language) == (Company.Kind.EDUCATION, Contact.Language.EN)
    assert (opisto.kind, opisto.contacts.get().language) == (Company.Kind.PUBLIC, Contact.Language.SV)


def test_only_name_is_required(tmp_path, village):
    path = write_csv(tmp_path, [["Kemin Kamerakerho ry"]], header=["name"])

    run_import(path)

    company = Company.objects.get()
    assert company.name == "Kemin Kamerakerho ry"
    assert company.kind == Company.Kind.COMPANY
    assert (company.business_id, company.industry_code, company.website) == ("", "", "")
    assert not company.tenancies.exists()
    assert not company.contacts.exists()


def test_blank_lines_are_skipped(tmp_path, village):
    path = write_csv(tmp_path, [SAATO, [], [""] * len(HEADER), OPISTO])

    assert run_import(path) == "2 row(s) read: 2 organisation(s) were created, 0 updated, 0 unchanged."
    assert Company.objects.count() == 2


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, village, writer):
    second_contact = {"name": SAATO["name"], "business_id": SAATO["business_id"], "contact_name": "Juho Lehto"}
    path = writer(tmp_path, [SAATO, OPISTO, second_contact])
    run_import(path)
    before = snapshot()
    assert before["counts"] == (2, 3, 2)

    output = run_import(path)

    assert output == "3 row(s) read: 0 organisation(s) were created, 0 updated, 2 unchanged."
    assert snapshot() == before


# --- bad rows ------------------------------------------------------------------------------------


def test_bad_rows_are_reported_per_line_and_nothing_is_written(tmp_path, village):
    existing = CompanyFactory(name="Vanha Nimi Oy", business_id="9000074-0")
    rows = [
        {"name": "Uusi Nimi Oy", "business_id": "9000074-0"},  # line 2: valid, would update
        {**SAATO, "business_id": "2077474-1"},  # line 3
        [],  # line 4: blank, skipped but still counted as a line
        {**OPISTO, "building": "Kosmoss"},  # line 5
        {**OPISTO, "building": "Kosmos", "premises": "C201"},  # line 6: C201 is in Compus
        {**OPISTO, "industry": "04000"},  # line 7
        {**OPISTO, "contact_email": "eero.ohman(at)opisto.example"},  # line 8
        SAATO,  # line 9: valid, would create
    ]
    path = write_csv(tmp_path, rows)
    before = snapshot()

    error, lines = run_failing_import(path)

    assert lines == [
        "line 3: business_id: “2077474-1” is not a valid Business ID (Y-tunnus), e.g. 2077474-0",
        "line 5: building: unknown building “Kosmoss”",
        "line 6: premises: no premises “C201” in Kosmos",
        "line 7: industry: “04000” is not a TOL 2008 industry code",
        "line 8: contact_email: Enter a valid email address",
    ]
    assert error == f"{path}: 5 error(s) in 7 row(s); nothing was imported."
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "Vanha Nimi Oy"
    assert not Company.objects.filter(business_id="2077474-0").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": ""}, "line 2: name: This field is required"),
        (
            {"kind": "corporation"},
            "line 2: kind: unknown kind “corporation” (use company, education, public or association)",
        ),
        ({"industry": "6201X"}, "line 2: industry: “6201X” is not a TOL 2008 industry code"),
        ({"premises": ""}, "line 2: premises: premises are required when a building is given"),
        ({"building": ""}, "line 2: building: the building of the premises is missing"),
        ({"customer_since": "2999"}, "line 2: customer_since: the year cannot be in the future"),
        ({"contact_language": "de"}, "line 2: contact_language: unknown language “de” (use fi, sv or en)"),
        ({"contact_name": ""}, "line 2: contact_name: a contact needs a name"),
        ({"business_id": "123"}, "line 2: business_id: “123” is not a valid Business ID (Y-tunnus), e.g. 2077474-0"),
    ],
)
def test_each_kind_of_bad_cell_is_named(tmp_path, village, changes, expected):
    path = write_csv(tmp_path, [{**SAATO, **changes}])

    error, lines = run_failing_import(path)

    assert lines == [expected]
    assert "1 error(s) in 1 row(s); nothing was imported." in error
    assert snapshot()["counts"] == (0, 0, 0)


def test_several_errors_on_one_line_are_all_reported(tmp_path, village):
    path = write_csv(tmp_path, [{**SAATO, "business_id": "2077474-1", "industry": "04000", "building": "Kosmoss"}])

    error, lines = run_failing_import(path)

    assert lines == [
        "line 2: business_id: “2077474-1” is not a valid Business ID (Y-tunnus), e.g. 2077474-0",
        "line 2: industry: “04000” is not a TOL 2008 industry code",
        "line 2: building: unknown building “Kosmoss”",
    ]
    assert Company.objects.count() == 0


# --- the same organisation on several rows --------------------------------------------------------


def test_same_company_on_two_rows_with_two_contacts(tmp_path, village):
    second = {
        **SAATO,
        "contact_name": "Juho Lehto",
        "contact_email": "juho.lehto@pohjolansaato.example",
        "contact_phone": "",
        "contact_language": "en",
    }
    path = write_csv(tmp_path, [SAATO, second])

    output = run_import(path)

    assert output == "2 row(s) read: 1 organisation(s) were created, 0 updated, 0 unchanged."
    company = Company.objects.get()
    assert company.tenancies.count() == 1
    contacts = {contact.name: contact for contact in company.contacts.all()}
    assert set(contacts) == {"Märta Äijälä", "Juho Lehto"}
    assert contacts["Märta Äijälä"].is_primary is True
    assert contacts["Juho Lehto"].is_primary is False
    assert contacts["Juho Lehto"].email == "juho.lehto@pohjolansaato.example"
    assert contacts["Juho Lehto"].language == Contact.Language.EN


def test_later_rows_of_an_organisation_may_leave_its_columns_blank(tmp_path, village):
    """One row per contact: the organisation's columns need to be filled in on its first row only."""
    contact_only = {"name": OPISTO["name"], "business_id": OPISTO["business_id"], "contact_name": "Aino Koski"}
    path = write_csv(tmp_path, [OPISTO, contact_only])

    run_import(path)

    company = Company.objects.get()
    assert company.kind == Company.Kind.EDUCATION
    assert company.industry_code == "85"
    assert sorted(company.contacts.values_list("name", flat=True)) == ["Aino Koski", "Eero Öhman"]


def test_same_business_id_with_conflicting_names_is_an_error(tmp_path, village):
    path = write_csv(tmp_path, [SAATO, OPISTO, {**SAATO, "name": "Pohjolan Säätötekniikka Oy"}])

    error, lines = run_failing_import(path)

    assert lines == ["line 4: name: differs from the same organisation on line 2"]
    assert "1 error(s) in 3 row(s)" in error
    assert snapshot()["counts"] == (0, 0, 0)


def test_same_name_without_business_id_with_conflicting_industry_is_an_error(tmp_path, village):
    club = {"name": "Kemin Kamerakerho ry", "industry": "94991"}
    path = write_csv(tmp_path, [club, {**club, "industry": "93120", "contact_name": "Helmi Niemi"}])

    _error, lines = run_failing_import(path)

    assert lines == ["line 3: industry: differs from the same organisation on line 2"]
    assert Company.objects.count() == 0


# --- dry run -------------------------------------------------------------------------------------


def test_dry_run_prints_the_preview_and_changes_nothing(tmp_path, village):
    existing = CompanyFactory(name="Vanha Säätö Oy", business_id="2077474-0", customer_since=2001)
    path = write_csv(tmp_path, [SAATO, OPISTO])
    before = snapshot()

    output = run_import(path, "--dry-run").splitlines()

    assert output == [
        "line 2: changed: Pohjolan Säätö Oy",
        "    name: Vanha Säätö Oy → Pohjolan Säätö Oy",
        "    industry: 62010 → 71121",
        "    customer_since: 2001 → 2015",
        "    website: – → https://pohjolansaato.example",
        "    premises: – → Kosmos K101",
        "    contact_name: – → Märta Äijälä",
        "    contact_email: – → marta.aijala@pohjolansaato.example",
        "    contact_phone: – → +358 40 123 4567",
        "    contact_language: – → Swedish",
        "line 3: new: Kemin Ammattiopisto",
        "2 row(s) read: 1 organisation(s) would be created, 1 updated, 0 unchanged.",
    ]
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "Vanha Säätö Oy"

    # The real run then does what the dry run promised.
    assert run_import(path) == "2 row(s) read: 1 organisation(s) were created, 1 updated, 0 unchanged."
    assert_saato_imported(village)
    assert_opisto_imported(village)


def test_dry_run_of_a_bad_file_reports_the_errors(tmp_path, village):
    path = write_csv(tmp_path, [SAATO, {**OPISTO, "industry": "04000"}])

    error, lines = run_failing_import(path, "--dry-run")

    assert lines == ["line 3: industry: “04000” is not a TOL 2008 industry code"]
    assert "nothing was imported" in error
    assert Company.objects.count() == 0


# --- files that cannot be read -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("companies.pdf", b"%PDF-1.4 not a spreadsheet", "Use a CSV or XLSX file (the file was “companies.pdf”)."),
        ("companies.csv", b"", "The file is empty."),
        ("companies.xlsx", b"", "The file could not be read as an XLSX workbook."),
        (
            "companies.xlsx",
            b"PK\x03\x04 this is not really a workbook",
            "The file could not be read as an XLSX workbook.",
        ),
        ("companies.csv", b"PK\x03\x04\x00\x00\x00binary", "The file is not a CSV text file."),
        (
            "companies.csv",
            "firma x,tunnus\nPohjolan Säätö Oy,2077474-0\n".encode(),
            "The first line must name the columns; the column “Name” is missing. Columns: Name, Business ID, Kind, "
            "Industry, Building, Premises, Customer since, Website, Contact, Email, Phone, Language",
        ),
    ],
    ids=["pdf", "empty-csv", "empty-xlsx", "corrupt-xlsx", "binary-csv", "no-name-column"],
)
def test_unreadable_files_are_refused(tmp_path, village, name, content, message):
    CompanyFactory()
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()

    error, lines = run_failing_import(path)

    assert error == f"{path}: {message}"
    assert lines == []
    assert snapshot() == before


def test_xlsx_saved_under_a_csv_name_is_refused(tmp_path, village):
    path = tmp_path / "companies.csv"
    path.write_bytes(xlsx_bytes([SAATO]))

    error, _lines = run_failing_import(path)

    assert "The file is not a CSV text file." in error
    assert Company.objects.count() == 0


def test_missing_file(tmp_path):
    error, _lines = run_failing_import(tmp_path / "nowhere.csv")

    assert error == f"{tmp_path / 'nowhere.csv'}: no such file"


def test_file_with_only_the_header_imports_nothing(tmp_path, village):
    assert (
        run_import(write_csv(tmp_path, [])) == "0 row(s) read: 0 organisation(s) were created, 0 updated, 0 unchanged."
    )
    assert Company.objects.count() == 0


# --- updating what the registry holds ------------------------------------------------------------


def test_existing_company_is_updated_by_business_id(tmp_path, village):
    existing = CompanyFactory(name="Vanha Säätö Oy", business_id="2077474-0", industry_code="62010")
    other = CompanyFactory(name="Toinen Oy")
    # The Business ID is matched in its compact form as well.
    path = write_csv(tmp_path, [{**SAATO, "business_id": "20774740"}])

    output = run_import(path)

    assert output == "1 row(s) read: 0 organisation(s) were created, 1 updated, 0 unchanged."
    assert Company.objects.count() == 2
    company = Company.objects.get(business_id="2077474-0")
    assert company.pk == existing.pk
    assert company.name == "Pohjolan Säätö Oy"
    assert (company.industry_code, company.industry_section) == ("71121", "M")
    assert company.tenancies.get().premises == village["K101"]
    assert company.contacts.get().name == "Märta Äijälä"
    other.refresh_from_db()
    assert other.name == "Toinen Oy"
    # The change is in the organisation's history, as a change made in the admin would be.
    assert company.history.first().name == "Pohjolan Säätö Oy"


def test_company_without_business_id_is_matched_by_name(tmp_path, village):
    existing = CompanyFactory(name="Kemin Kamerakerho ry", business_id="", kind="association", customer_since=2001)
    path = write_csv(tmp_path, [{"name": "kemin kamerakerho RY", "kind": "association", "customer_since": "2010"}])

    output = run_import(path)

    assert output == "1 row(s) read: 0 organisation(s) were created, 1 updated, 0 unchanged."
    company = Company.objects.get()
    assert company.pk == existing.pk
    assert company.name == "kemin kamerakerho RY"
    assert company.customer_since == 2010


def test_name_match_does_not_take_over_a_company_with_another_business_id(tmp_path, village):
    CompanyFactory(name="Pohjolan Säätö Oy", business_id="9000074-0")
    path = write_csv(tmp_path, [SAATO])

    assert run_import(path) == "1 row(s) read: 1 organisation(s) were created, 0 updated, 0 unchanged."

    assert sorted(Company.objects.values_list("business_id", flat=True)) == ["2077474-0", "9000074-0"]


def test_blank_cells_keep_what_the_registry_holds(tmp_path, village):
    existing = CompanyFactory(
        name="Kemin Ammattiopisto",
        business_id="9000038-8",
        kind=Company.Kind.EDUCATION,
        industry_code="85",
        industry_section="P",
        customer_since=1990,
        website="https://opisto.example",
    )
    contact = ContactFactory(
        company=existing, name="Eero Öhman", email="eero@opisto.example", phone="040 111", language="sv"
    )
    path = write_csv(
        tmp_path, [{"name": "Kemin Ammattiopisto", "business_id": "9000038-8", "contact_name": "Eero Öhman"}]
    )
    before = snapshot()

    output = run_import(path)

    assert output == "1 row(s) read: 0 organisation(s) were created, 0 updated, 1 unchanged."
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.kind == Company.Kind.EDUCATION
    assert (existing.industry_code, existing.customer_since) == ("85", 1990)
    contact.refresh_from_db()
    assert (contact.email, contact.phone, contact.language) == ("eero@opisto.example", "040 111", "sv")


def test_existing_contact_is_updated_by_email_not_duplicated(tmp_path, village):
    company = CompanyFactory(name="Pohjolan Säätö Oy", business_id="2077474-0")
    contact = ContactFactory(company=company, name="Märta Äijälä", email="Marta.Aijala@pohjolansaato.example", phone="")

    run_import(write_csv(tmp_path, [SAATO]))

    assert company.contacts.count() == 1
    contact.refresh_from_db()
    assert contact.email == "marta.aijala@pohjolansaato.example"
    assert contact.phone == "+358 40 123 4567"
    assert contact.language == Contact.Language.SV


def test_existing_tenancy_is_not_duplicated_but_a_new_premises_is_added(tmp_path, village):
    company = CompanyFactory(name="Pohjolan Säätö Oy", business_id="2077474-0", industry_code="71121")
    tenancy = company.tenancies.create(premises=village["K101"], start_date=datetime.date(2020, 1, 1))

    output = run_import(write_csv(tmp_path, [SAATO, {**SAATO, "premises": "K102"}]))

    assert output == "2 row(s) read: 0 organisation(s) were created, 1 updated, 0 unchanged."

    assert set(company.tenancies.values_list("premises__code", flat=True)) == {"K101", "K102"}
    assert company.tenancies.get(premises=village["K101"]) == tenancy


# --- the staff page ------------------------------------------------------------------------------


@pytest.fixture
def staff_en(staff_client):
    """A staff member whose browser asks for English pages."""
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


def upload(content: bytes, name="companies.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_import_url():
    assert reverse("companies:import") == IMPORT_URL


def test_staff_sees_the_import_page(staff_en):
    response = staff_en.get(IMPORT_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="file"' in content
    assert 'name="file"' in content
    assert reverse("companies:import_template", args=["xlsx"]) in content
    assert reverse("companies:import_template", args=["csv"]) in content


def test_anonymous_user_is_sent_to_login(client, village, tmp_path):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={IMPORT_URL}"

    response = client.post(IMPORT_URL, {"file": upload(xlsx_bytes([SAATO]))})
    assert response.status_code == 302
    assert Company.objects.count() == 0


@pytest.mark.parametrize("client_fixture", ["viewer_client", "outsider_client"])
def test_viewer_and_outsider_may_not_import(request, village, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": upload(xlsx_bytes([SAATO]))}).status_code == 403
    assert Company.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_not_allowed(staff_en, method):
    assert getattr(staff_en, method)(IMPORT_URL).status_code == 405


def preview(client, content: bytes, name="companies.xlsx"):
    """Upload a file; return the preview page it leads to."""
    response = client.post(IMPORT_URL, {"file": upload(content, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url.startswith(IMPORT_URL)
    page = client.get(response.url)
    assert page.status_code == 200
    return page


def confirm(client, page, **data):
    """Press the preview's confirm button (with the form's hidden hash)."""
    return client.post(page.request["PATH_INFO"], {"sha256": page.context["result"].sha256, **data}, follow=True)


def test_staff_imports_an_xlsx_file(staff_en, village):
    page = preview(staff_en, xlsx_bytes([SAATO, OPISTO]))
    assert snapshot()["counts"] == (0, 0, 0)

    response = confirm(staff_en, page)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "The file was imported. New: 2, updated: 0, unchanged: 0." in response.content.decode()
    assert_saato_imported(village)
    assert_opisto_imported(village)


def test_staff_imports_a_csv_file(staff_en, village):
    page = preview(staff_en, csv_bytes([SAATO], delimiter=";"), "yritykset.CSV")

    response = confirm(staff_en, page)

    assert "New: 1, updated: 0, unchanged: 0." in response.content.decode()
    assert_saato_imported(village)


def test_staff_posts_a_bad_file(staff_en, village):
    existing = CompanyFactory(name="Vanha Nimi Oy", business_id="2077474-0")
    rows = [SAATO, {**OPISTO, "business_id": "2077474-1"}, {**OPISTO, "building": "Kosmoss"}]
    before = snapshot()

    response = staff_en.post(IMPORT_URL, {"file": upload(xlsx_bytes(rows))})

    assert response.status_code == 400
    content = response.content.decode()
    assert "The file has 2 errors. Nothing was imported." in content
    assert "<li>line 3: business_id: “2077474-1” is not a valid Business ID (Y-tunnus), e.g. 2077474-0</li>" in content
    assert "<li>line 4: building: unknown building “Kosmoss”</li>" in content
    assert "The file was imported." not in content
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "Vanha Nimi Oy"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("companies.pdf", b"%PDF-1.4", "Use a CSV or XLSX file."),
        ("companies.xlsx", b"PK\x03\x04 broken", "The file could not be read as an XLSX workbook."),
        ("companies.csv", b"firma x;tunnus\nPohjolan Oy;2077474-0\n", "the column “Name” is missing"),
    ],
    ids=["pdf", "corrupt-xlsx", "no-name-column"],
)
def test_staff_posts_an_unreadable_file(staff_en, village, name, content, message):
    CompanyFactory()
    before = snapshot()

    response = staff_en.post(IMPORT_URL, {"file": upload(content, name)})

    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert message in errors[0]
    assert message in response.content.decode()
    assert snapshot() == before


def test_staff_posts_without_a_file(staff_en, village):
    response = staff_en.post(IMPORT_URL, {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["file"]
    assert errors["file"][0] in response.content.decode()
    assert response.context["result"] is None
    assert Company.objects.count() == 0


# --- in the portal's own language ----------------------------------------------------------------


def test_command_reports_in_finnish_by_default(tmp_path, village):
    """Run as the portal runs (Finnish): the line format stays, the reasons are in the user's language."""
    path = write_csv(tmp_path, [{**SAATO, "building": "Kosmoss"}, {**OPISTO, "contact_email": "eero(at)opisto"}])

    with translation.override(settings.LANGUAGE_CODE):
        unknown_building = gettext("unknown building “%(value)s”") % {"value": "Kosmoss"}
        error, lines = run_failing_import(path)

    assert lines == [
        f"line 2: building: {unknown_building.rstrip('.')}",
        "line 3: contact_email: Syötä kelvollinen sähköpostiosoite",
    ]
    assert "2 error(s) in 2 row(s); nothing was imported." in error
    assert Company.objects.count() == 0


def test_page_lists_the_errors_in_finnish(staff_client, village):
    rows = [{**SAATO, "building": "Kosmoss"}, {**OPISTO, "contact_email": "eero(at)opisto"}]

    response = staff_client.post(IMPORT_URL, {"file": upload(xlsx_bytes(rows))})

    assert response.status_code == 400
    assert response.headers["Content-Language"] == "fi"
    error_list = response.content.decode().split('<ul class="import-errors', 1)[1].split("</ul>", 1)[0]
    items = error_list.split("<li>")[1:]
    assert len(items) == 2
    assert "2" in items[0] and "building" in items[0] and "Kosmoss" in items[0]
    assert "3" in items[1] and "contact_email" in items[1] and "Syötä kelvollinen sähköpostiosoite" in items[1]
    assert Company.objects.count() == 0


def test_a_far_too_large_upload_is_refused_before_it_is_read(staff_client, village):
    # 7 MB of a valid workbook's bytes plus padding: refused on its announced length, the message next to the field.
    padded = xlsx_bytes([SAATO]) + b"\0" * (7 * 1024 * 1024)

    response = staff_client.post(IMPORT_URL, {"file": upload(padded)})

    assert response.status_code == 413
    assert response.headers["Content-Language"] == "fi"
    form = response.context["form"]
    assert form.errors["file"] == ["Tiedosto on suurempi kuin 5 Mt."]
    assert "Tiedosto on suurempi kuin 5 Mt." in response.content.decode()
    assert Company.objects.count() == 0


def test_a_phone_number_kept_as_a_number_in_the_workbook_is_refused_not_stripped_of_its_zero(tmp_path, village):
    # Typed as 0401234567 into a cell formatted as a number: the workbook holds 401234567.
    path = write_xlsx(tmp_path, [{**SAATO, "contact_phone": 401234567, "customer_since": 2015}])
    before = snapshot()

    with translation.override("en"):
        error, lines = run_failing_import(path)

    assert lines == [
        "line 2: contact_phone: the spreadsheet keeps this phone number as a number, which drops its leading zero; "
        "format the column as text, or write the number as +358 40 123 4567"
    ]
    assert "nothing was imported" in error
    assert snapshot() == before


def test_numbers_in_other_columns_and_a_phone_written_as_text_import_as_before(tmp_path, village):
    path = write_xlsx(tmp_path, [{**SAATO, "contact_phone": "040 123 4567", "customer_since": 2015}])

    run_import(path)

    company = Company.objects.get(business_id=SAATO["business_id"])
    assert company.customer_since == 2015
    assert company.contacts.get().phone == "040 123 4567"
