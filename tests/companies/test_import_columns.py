"""The import reads spreadsheets as Finnish office staff make them: Finnish, Swedish or English headers in any case
and order, unknown columns named in one warning, and `customer_since` as a year, a date or an Excel date cell."""

import datetime

import pytest
from django.utils import timezone, translation

from companies import columns
from companies.models import Company, Contact

from . import test_import
from .test_import import SAATO, run_failing_import, run_import, snapshot, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

# The fixtures of test_import.py, shared.
english = test_import.english
village = test_import.village

FINNISH = ["Nimi", "Y-tunnus", "Tyyppi", "Toimiala", "Rakennus", "Toimitila", "Asiakkuus alkanut", "Verkkosivut",
           "Yhteyshenkilö", "Sähköposti", "Puhelin", "Kieli"]  # fmt: skip
SWEDISH = ["Namn", "FO-nummer", "Typ", "Bransch", "Byggnad", "Lokal", "Kund sedan", "Webbplats", "Kontaktperson",
           "E-post", "Telefon", "Språk"]  # fmt: skip
ENGLISH = ["Name", "Business ID", "Kind", "Industry", "Building", "Premises", "Customer since", "Website", "Contact",
           "Email", "Phone", "Language"]  # fmt: skip
SAATO_CELLS = ["Pohjolan Säätö Oy", "2077474-0", "yritys", "71121", "Kosmos", "K101", "1.3.2015",
               "https://pohjolansaato.example", "Märta Äijälä", "marta.aijala@pohjolansaato.example",
               "+358 40 123 4567", "ruotsi"]  # fmt: skip


def assert_saato(village):
    company = Company.objects.get(business_id="2077474-0")
    assert (company.name, company.kind, company.industry_code) == ("Pohjolan Säätö Oy", "company", "71121")
    assert company.customer_since == 2015
    assert company.website == "https://pohjolansaato.example"
    assert company.tenancies.get().premises == village["K101"]
    contact = company.contacts.get()
    assert (contact.name, contact.email, contact.phone) == (
        "Märta Äijälä",
        "marta.aijala@pohjolansaato.example",
        "+358 40 123 4567",
    )
    assert contact.language == Contact.Language.SV


def test_a_finnish_workbook_as_office_staff_make_one_imports(tmp_path, village):
    """Finnish headers, the year as a typed date on one line and as a date cell on the other."""
    second = ["Kemin Kamerakerho ry", "", "yhdistys", "94991", "", "", datetime.datetime(2019, 3, 1), "",
              "Helmi Niemi", "", "", "suomi"]  # fmt: skip
    path = write_xlsx(tmp_path, [SAATO_CELLS, second], header=FINNISH)

    assert run_import(path) == "2 row(s) read: 2 organisation(s) were created, 0 updated, 0 unchanged."

    assert_saato(village)
    club = Company.objects.get(name="Kemin Kamerakerho ry")
    assert (club.kind, club.customer_since, club.industry_section) == (Company.Kind.ASSOCIATION, 2019, "S")
    assert club.contacts.get().language == Contact.Language.FI


@pytest.mark.parametrize("header", [SWEDISH, ENGLISH], ids=["swedish", "english"])
def test_swedish_and_english_headers(tmp_path, village, header):
    path = write_csv(tmp_path, [SAATO_CELLS], header=header, delimiter=";")

    run_import(path)

    assert_saato(village)


def test_headers_in_any_case_order_and_with_notes(tmp_path, village):
    order = [6, 0, 11, 1, 5, 4, 2, 3, 7, 8, 9, 10]
    header = [f" {FINNISH[i].upper()} " if i % 2 else FINNISH[i].lower() for i in order]
    header[order.index(6)] = "Asiakkuus alkanut (vuosi)"
    header[order.index(1)] = "YTUNNUS"
    path = write_csv(tmp_path, [[SAATO_CELLS[i] for i in order]], header=header)

    run_import(path)

    assert_saato(village)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Y-tunnus", "business_id"), ("FO-nummer", "business_id"), ("business_id", "business_id"),
        ("Yrityksen nimi", "name"), ("Företag", "name"), ("Sähköpostiosoite", "contact_email"),
        ("e-mail", "contact_email"), ("Puhelinnumero", "contact_phone"), ("Kund sedan", "customer_since"),
        ("customer_since", "customer_since"), ("Asiointikieli", "contact_language"), ("Lokal", "premises"),
        ("Byggnad", "building"), ("Toimialakoodi", "industry"), ("Yhteyshenkilö", "contact_name"),
        ("Osoite", None), ("", None),
    ],
)  # fmt: skip
def test_each_header_variant_names_its_column(text, key):
    assert columns.column_for_header(text) == key


def test_every_column_header_in_every_language_is_read_back():
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            assert [columns.column_for_header(name) for name in columns.headers()] == list(columns.KEYS)


def test_unknown_columns_are_named_in_one_warning_and_ignored(tmp_path, village):
    header = ["Nimi", "Osoite", "Y-tunnus", "Huomautukset", ""]
    path = write_csv(tmp_path, [["Pohjolan Säätö Oy", "Tietokatu 6", "2077474-0", "soita ensin", "x"]], header=header)

    output = run_import(path, "--dry-run").splitlines()
    assert output[-2] == "warning: These columns are not known and were ignored: “Osoite”, “Huomautukset”."
    assert Company.objects.count() == 0

    error, lines = run_failing_import(path)
    assert lines == ["warning: These columns are not known and were ignored: “Osoite”, “Huomautukset”."]
    assert "1 warning(s); nothing was imported" in error
    assert Company.objects.count() == 0

    run_import(path, "--accept-warnings")
    assert Company.objects.get().business_id == "2077474-0"


def test_two_columns_naming_the_same_field_are_refused(tmp_path, village):
    path = write_csv(tmp_path, [["A Oy", "B Oy"]], header=["Nimi", "Namn"])

    error, lines = run_failing_import(path)

    assert error.endswith("The columns “Nimi” and “Namn” both give the Name.")
    assert lines == []


@pytest.mark.parametrize(
    "cell",
    ["2019", "1.3.2019", "01.03.2019", "2019-03-01", 2019, 2019.0, datetime.datetime(2019, 3, 1),
     datetime.date(2019, 12, 31)],
)  # fmt: skip
def test_customer_since_takes_a_year_or_a_date_and_keeps_the_year(tmp_path, village, cell):
    path = write_xlsx(tmp_path, [["Pohjolan Säätö Oy", cell]], header=["Nimi", "Asiakkuus alkanut"])

    run_import(path)

    assert Company.objects.get().customer_since == 2019


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("maaliskuu 2019", "use a year (2019) or a date (1.3.2019 or 2019-03-01)"),
        ("31.2.2019", "“31.2.2019” is not a date"),
        ("3/1/2019", "use a year (2019) or a date (1.3.2019 or 2019-03-01)"),
        ("1.3.1949", "the year cannot be before 1950"),
        (f"1.1.{timezone.localdate().year + 1}", "the year cannot be in the future"),
    ],
)
def test_a_customer_since_that_is_no_year_or_date_is_refused(tmp_path, village, cell, reason):
    path = write_csv(tmp_path, [{**SAATO, "customer_since": cell}])
    before = snapshot()

    _error, lines = run_failing_import(path)

    assert lines == [f"line 2: customer_since: {reason}"]
    assert snapshot() == before
