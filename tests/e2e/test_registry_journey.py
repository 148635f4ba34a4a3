"""A staff member's registry journey in a real browser: log in, find a company, import a file."""

import openpyxl
import pytest

from companies.models import Company

from ..factories import BuildingFactory, CompanyFactory, PremisesFactory, TenancyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def village():
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo")
    TenancyFactory(
        company=CompanyFactory(name="Koodari Oy", industry_code="62010", industry_section="J"),
        premises=PremisesFactory(building=kosmos, code="K101"),
    )
    TenancyFactory(
        company=CompanyFactory(name="Konepaja Oy", industry_code="25620", industry_section="C"),
        premises=PremisesFactory(building=sampo, code="S201"),
    )
    return kosmos


def _xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "business_id", "kind", "industry", "building", "premises", "contact_name", "contact_email"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.trust(
    "Staff cannot filter the directory and import a file (a bad file changing nothing)", area="Real browser"
)
def test_staff_finds_a_company_and_imports_a_file(live_server, page, login, staff, village, tmp_path, trust_figure):
    login(staff.username)
    page.get_by_role("link", name="Organisaatiot").first.click()
    page.get_by_label("Rakennus").select_option("kosmos")
    page.get_by_label("Toimiala").select_option("J")
    page.get_by_role("button", name="Rajaa").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Koodari Oy" in rows.first.inner_text()
    page.get_by_role("link", name="Koodari Oy").click()
    assert page.get_by_role("heading", name="Koodari Oy").is_visible()

    bad = _xlsx(
        tmp_path / "bad.xlsx",
        [["Hyvä Oy", "2077474-0", "", "62010", "Kosmos", "K101", "", ""],
         ["Huono Oy", "2077474-1", "", "62010", "Louhi", "L1", "", ""]],
    )  # fmt: skip
    page.goto(f"{live_server.url}/companies/import/")
    page.get_by_label("Tiedosto (CSV tai XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Esikatsele tuonti").click()
    errors = page.locator("#import-errors").inner_text()
    assert "business_id" in errors and "building" in errors and "3" in errors
    assert not Company.objects.filter(name__in=["Hyvä Oy", "Huono Oy"]).exists()

    good = _xlsx(tmp_path / "good.xlsx", [["Hyvä Oy", "2077474-0", "", "62010", "Kosmos", "K101", "Aino", "a@x.fi"]])
    page.get_by_label("Tiedosto (CSV tai XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Esikatsele tuonti").click()
    # The preview: the row is new, and K101 is already let to Koodari Oy (a warning to accept); nothing written yet.
    assert page.get_by_role("heading", name="Tuonnin esikatselu").is_visible()
    assert "Koodari Oy" in page.locator("#import-warnings").inner_text()
    assert not Company.objects.filter(name="Hyvä Oy").exists()
    page.get_by_label("Olen lukenut varoitukset ja haluan tuoda tiedoston silti").check()
    page.get_by_role("button", name="Vahvista tuonti").click()
    assert page.get_by_role("status").first.is_visible()
    assert Company.objects.get(name="Hyvä Oy").tenancies.get().shared is True
    assert Company.objects.get(name="Hyvä Oy").tenancies.get().premises.code == "K101"
    trust_figure("journeys completed in Chromium", Company.objects.filter(name="Hyvä Oy").count())
    trust_figure("companies created by the bad file", Company.objects.filter(name="Huono Oy").count())


def test_the_import_preview_fits_a_phone_and_a_laptop(live_server, page, login, staff, village, tmp_path):
    """The preview of a Finnish workbook with a changed organisation, a new one and a premises already let."""
    from .test_reflow import WIDTHS, _check

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nimi", "Y-tunnus", "Toimiala", "Rakennus", "Toimitila", "Asiakkuus alkanut", "Yhteyshenkilö",
                  "Sähköposti", "Muistiinpanot"])  # fmt: skip
    koodari = Company.objects.get(name="Koodari Oy").business_id
    sheet.append(["Koodari Oy", koodari, "62020", "", "", "1.3.2019", "Aino Aalto", "aino.aalto@koodari.example", "x"])
    sheet.append(["Uusi Startup Oy", "2077474-0", "62010", "Kosmos", "K101", "2024", "", "", ""])
    workbook.save(tmp_path / "yritykset.xlsx")
    login(staff.username)
    page.goto(f"{live_server.url}/companies/import/")
    page.get_by_label("Tiedosto (CSV tai XLSX)").set_input_files(str(tmp_path / "yritykset.xlsx"))
    page.get_by_role("button", name="Esikatsele tuonti").click()
    assert page.get_by_role("heading", name="Tuonnin esikatselu").is_visible()
    assert page.locator("tr.import-row-changed").count() == 1
    assert page.locator("tr.import-row-new").count() == 1

    problems: list[str] = []
    for language in ("fi", "sv"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.reload()
        assert page.locator("html").get_attribute("lang") == language
        # The warnings in the language the page is read in, not the one it was uploaded in.
        letting = {"fi": "on jo vuokrattu organisaatiolle Koodari Oy", "sv": "är redan uthyrd till Koodari Oy"}
        assert letting[language] in page.locator("#import-warnings").inner_text()
        _check(page, page.url, WIDTHS, problems, f" ({language})")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(tmp_path / f"import-preview-{language}-{width}.png"), full_page=True)
    assert problems == []
