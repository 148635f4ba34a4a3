"""Every export read back for hostile texts: the survey's CSV and XLSX, the workforce table's, the admin's company
export. Whatever a name or an answer holds (control characters before `=`, `+`, `-`, `@`, a tab or a carriage return,
emoji, right-to-left text), the export succeeds and no cell is a formula."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from companies.models import Company
from surveys.models import Answer, Question
from workforce.models import SkillArea

from ..factories import UserFactory
from .conftest import World, logged_in
from .hostile import CONTROL, EMOJI, RTL, examples, rolled_back

pytestmark = pytest.mark.fuzz

FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")
# PostgreSQL cannot store NUL at all; every other control character can reach a stored name from the past.
STORABLE_CONTROL = CONTROL.replace("\x00", "")
hostile_texts = st.builds(
    lambda before, start, rest: before + start + rest,
    st.text(st.sampled_from(STORABLE_CONTROL + " \t\r\n\u00a0"), max_size=3),
    st.sampled_from([*FORMULA_CHARACTERS, "", EMOJI, RTL]),
    st.text(st.sampled_from('1+2)(A1"=cmd|' + STORABLE_CONTROL + EMOJI), max_size=12),
)
PREFIXES = ("", "\x01", "\x1f", " ", "\x0b\x0c")
FIXED = [prefix + start + "cmd|' /C calc'!A0" for prefix in PREFIXES for start in "=+-@\t\r"]


def _formula(text: str) -> bool:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return False  # a number, as CSV writes the table's gaps
    return not text.startswith("'") and text.lstrip().startswith(FORMULA_CHARACTERS)


def _csv_cells(content: bytes, delimiter: str = ",") -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter)
    return [cell for row in rows for cell in row]


def _xlsx_cells(content: bytes) -> list:
    """The texts of every sheet of the workbook (the survey's has its responses, workforce needs and codebook)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a formula cell"
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def _content(reply) -> bytes:
    assert reply.status_code == 200, reply.status_code
    return b"".join(reply.streaming_content) if reply.streaming else reply.content


def _admin_export(client, fmt: str) -> bytes:
    from django.contrib.admin import site
    from import_export.formats.base_formats import CSV, XLSX

    from companies.admin import CompanyAdmin

    formats = CompanyAdmin(Company, site).get_export_formats()
    index = next(i for i, kind in enumerate(formats) if kind is {"csv": CSV, "xlsx": XLSX}[fmt])
    fields = {f"companyresource_{name}": "on" for name in ("name", "business_id", "kind", "industry", "website")}
    return _content(client.post(reverse("admin:companies_company_export"), {"format": index, "resource": 0, **fields}))


@pytest.mark.django_db
def test_every_export_reads_back_without_a_formula_for_hostile_texts(world: World, staff):
    staff_client = logged_in(staff)
    admin_client = logged_in(UserFactory(username="root", is_staff=True, is_superuser=True))
    description = Question.objects.get(section__survey=world.survey, code="description")
    slug = world.survey.slug

    def survey(fmt: str, **query) -> bytes:
        return _content(staff_client.get(reverse("surveys:export", args=[slug, fmt]), query))

    exports = {
        "survey csv (Excel)": lambda: _csv_cells(survey("csv"), delimiter=";"),
        "survey csv (tools)": lambda: _csv_cells(survey("csv", dialect="comma", language="sv")),
        "survey csv (codes)": lambda: _csv_cells(survey("csv", codes="on")),
        "survey xlsx": lambda: _xlsx_cells(survey("xlsx", language="en")),
        "survey xlsx (codes)": lambda: _xlsx_cells(survey("xlsx", codes="on")),
        "workforce csv": lambda: _csv_cells(_content(staff_client.get(reverse("workforce:export", args=["csv"])))),
        "workforce xlsx": lambda: _xlsx_cells(_content(staff_client.get(reverse("workforce:export", args=["xlsx"])))),
        "directory csv": lambda: _csv_cells(_content(staff_client.get(reverse("companies:export", args=["csv"])))),
        "directory xlsx": lambda: _xlsx_cells(_content(staff_client.get(reverse("companies:export", args=["xlsx"])))),
        "admin csv": lambda: _csv_cells(_admin_export(admin_client, "csv")),
        "admin xlsx": lambda: _xlsx_cells(_admin_export(admin_client, "xlsx")),
    }  # fmt: skip

    def check(name: str, answer: str, area: str) -> None:
        with rolled_back():
            # Stored as a row from before the forms refused control characters would be: straight to the table.
            Company.objects.filter(pk=world.company.pk).update(name=name)
            Answer.objects.update_or_create(
                response=world.response, question=description, defaults={"value": answer, "other_text": ""}
            )
            SkillArea.objects.filter(pk=world.skill_area.pk).update(name=area)
            for export, read in exports.items():
                cells = read()
                assert not [cell for cell in cells if _formula(cell)], f"{export}: {name!r} {answer!r} {area!r}"

    for text in FIXED:
        check(text, text, text)

    @settings(max_examples=examples(0.5))
    @given(name=hostile_texts, answer=hostile_texts, area=hostile_texts)
    def export_hostile(name, answer, area):
        check(name or "x", answer, area or "x")

    export_hostile()
