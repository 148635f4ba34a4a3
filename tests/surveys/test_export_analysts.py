"""The analysts' export: question texts as headers with codes below, labels, 0/1 option columns, the workforce needs
and the codebook; the CSV dialects; the export page and the command's options."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from surveys.invitations import invitation_create
from surveys.models import OTHER_VALUE, Answer, Choice, Question
from surveys.services import page_save, response_submit
from workforce.models import SkillArea
from workforce.question import NEED_COLUMNS

from ..factories import (
    BuildingFactory,
    ChoiceFactory,
    CompanyFactory,
    PremisesFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db

SAVED = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)
SUBMITTED = SAVED + datetime.timedelta(hours=1)
T = Question.Type


def save(response, section, answers: dict):
    data = QueryDict(mutable=True)
    data["version"] = "0"
    for name, value in answers.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    result = page_save(response=response, section=section, data=data, now=SAVED)
    assert result.saved, result.form.errors


def question(section, order, code, kind, fi, en, **fields):
    return QuestionFactory(
        section=section, order=order, code=code, type=kind, text=fi, text_fi=fi, text_en=en, **fields
    )


def choice(of, order, value, fi, en):
    return ChoiceFactory(question=of, order=order, value=value, label=fi, label_fi=fi, label_en=en)


@pytest.fixture
def village():
    """Aalto (J, Kosmos) submitted every kind of answer and two workforce needs; Borealis left a draft; Cetus was
    invited and never answered."""
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    SkillArea.objects.create(slug="tt-welding", name_fi="Hitsaus", name_sv="Svetsning", name_en="Welding", order=901)
    survey = SurveyFactory(slug="village-2022")
    first = SectionFactory(survey=survey, order=1, title="Yritys", title_fi="Yritys", title_en="Business")
    second = SectionFactory(survey=survey, order=2, title="Tarpeet", title_fi="Tarpeet", title_en="Needs")
    size = question(first, 1, "size", T.SINGLE_CHOICE, "Koko?", "Size?")
    choice(size, 1, "small", "Pieni", "Small")
    choice(size, 2, "large", "Suuri", "Large")
    space = question(first, 2, "space", T.MULTIPLE_CHOICE, "Tilat?", "Premises?", has_other=True)
    choice(space, 1, "office", "Toimisto", "Office")
    lab = choice(space, 2, "lab", "Laboratorio", "Laboratory")
    question(first, 3, "growth", T.YES_NO, "Kasvu?", "Growth?")
    question(first, 4, "turnover", T.DECIMAL, "Liikevaihto?", "Turnover?")
    question(first, 5, "founded", T.DATE, "Perustettu?", "Founded?")
    question(first, 6, "lab_kind", T.SHORT_TEXT, "Millainen?", "What kind?")
    question(second, 1, "needs", T.WORKFORCE_TABLE, "Keitä tarvitsette?", "Whom do you need?")
    question(second, 2, "wishes", T.LONG_TEXT, "Toiveet?", "Wishes?")
    # A condition on a single choice: shown when the size is large.
    Question.objects.filter(code="lab_kind").update(shown_if_choice=Choice.objects.get(question=size, value="large"))
    aalto = CompanyFactory(name="Aalto Data Oy", industry_section="J", industry_code="")
    borealis = CompanyFactory(name="Borealis Oy", industry_section="C", industry_code="")
    cetus = CompanyFactory(name="Cetus Oy", industry_section="", industry_code="")
    TenancyFactory(company=aalto, premises=PremisesFactory(building=kosmos))
    responses = {c.name: invitation_create(survey=survey, company=c)[0].response for c in (aalto, borealis, cetus)}
    save(responses["Aalto Data Oy"], first, {
        "size": "large", "space": ["lab", OTHER_VALUE], "space__other": "Sauna", "growth": "yes",
        "turnover": "2,5", "founded": "2010-05-01", "lab_kind": "Clean room",
    })  # fmt: skip
    save(responses["Aalto Data Oy"], second, {
        "needs-rows": "2",
        "needs-0-skill_area": "tt-welding", "needs-0-role": "Welder", "needs-0-count": "3", "needs-0-window": "0-6",
        "needs-0-level": "vocational", "needs-0-kind": "permanent",
        "needs-1-skill_area": "tt-welding", "needs-1-role": "Trainee", "needs-1-count": "1",
        "needs-1-window": "12-36", "needs-1-level": "any", "needs-1-kind": "trainee",
        "wishes": "More parking",
    })  # fmt: skip
    assert response_submit(response=responses["Aalto Data Oy"], now=SUBMITTED).status == "submitted"
    save(responses["Borealis Oy"], first, {"size": "small", "space": ["office"], "growth": "no"})
    return {"survey": survey, "lab": lab, "aalto": aalto, "borealis": borealis}


def download(client, fmt: str, **query) -> bytes:
    response = client.get(reverse("surveys:export", args=["village-2022", fmt]), query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def columns(sheet) -> dict[str, dict]:
    """{code: {"text": header, business id: value}} of a responses sheet."""
    rows = list(sheet.iter_rows(values_only=True))
    texts, codes, data = rows[0], rows[1], rows[2:]
    return {code: {"text": text, **{row[1]: row[index] for row in data}} for index, (text, code) in
            enumerate(zip(texts, codes, strict=True))}  # fmt: skip


class TestWorkbook:
    def test_headers_are_the_questions_in_the_language_with_their_codes_below(self, staff_client, village):
        sheet = workbook(download(staff_client, "xlsx", language="en"))["Responses"]
        table = columns(sheet)
        assert list(table)[:9] == [
            "company", "business_id", "buildings", "industry_section", "status", "submitted_at", "last_saved_at",
            "size", "space__office",
        ]  # fmt: skip
        assert {code: column["text"] for code, column in table.items() if code.startswith(("size", "space"))} == {
            "size": "Size?",
            "space__office": "Premises?: Office",
            "space__lab": "Premises?: Laboratory",
            "space__other": "Premises?: Other",
            "space__other_text": "Premises?: Other, what?",
        }
        assert [cell.font.b for cell in sheet[1]][:3] == [True, True, True]

    def test_cells_are_labels_and_each_option_a_0_1_column(self, staff_client, village):
        table = columns(workbook(download(staff_client, "xlsx", language="en"))["Responses"])
        aalto, borealis = village["aalto"].business_id, village["borealis"].business_id
        assert {code: table[code][aalto] for code in table} == {
            "company": "Aalto Data Oy", "business_id": aalto, "buildings": "Kosmos",
            "industry_section": "J Information and communication", "status": "submitted",
            "submitted_at": timezone.localtime(SUBMITTED).replace(tzinfo=None),
            "last_saved_at": timezone.localtime(SUBMITTED).replace(tzinfo=None),
            "size": "Large", "space__office": 0, "space__lab": 1, "space__other": 1, "space__other_text": "Sauna",
            "growth": "Yes", "turnover": 2.5, "founded": datetime.datetime(2010, 5, 1), "lab_kind": "Clean room",
            "needs": "Welding: 3 (within 6 months); Welding: 1 (1–3 years)", "wishes": "More parking",
        }  # fmt: skip
        assert (table["status"][borealis], table["size"][borealis], table["growth"][borealis]) == (
            "draft saved", "Small", "No",
        )  # fmt: skip
        assert (table["space__office"][borealis], table["space__lab"][borealis]) == (1, 0)
        # Not answered: empty, not 0.
        cetus = Company.objects.get(name="Cetus Oy").business_id
        assert (table["space__office"][cetus], table["status"][cetus], table["industry_section"][cetus]) == (
            None, "not opened", None,
        )  # fmt: skip

    def test_finnish_labels_status_and_dates(self, staff_client, village):
        sheet = workbook(download(staff_client, "xlsx", language="fi")).worksheets[0]
        table = columns(sheet)
        aalto = village["aalto"].business_id
        assert (table["size"]["text"], table["size"][aalto], table["growth"][aalto]) == ("Koko?", "Suuri", "Kyllä")
        assert table["space__lab"]["text"] == "Tilat?: Laboratorio"
        assert table["status"][aalto] == "lähetetty"
        row = next(r for r in sheet.iter_rows(min_row=3) if r[1].value == aalto)
        moment, founded = row[5], row[list(table).index("founded")]
        assert (moment.number_format, founded.number_format) == ("d.m.yyyy h:mm", "d.m.yyyy")

    def test_header_rows_frozen_and_an_autofilter_on(self, staff_client, village):
        book = workbook(download(staff_client, "xlsx", language="en"))
        responses, needs, codebook = book["Responses"], book["Workforce needs"], book["Codebook"]
        assert (responses.freeze_panes, needs.freeze_panes, codebook.freeze_panes) == ("B3", "B3", "B2")
        last = openpyxl.utils.get_column_letter(responses.max_column)
        assert responses.auto_filter.ref == f"A2:{last}5"  # the codes' row and three organisations
        assert needs.auto_filter.ref == "A2:I4"
        assert codebook.auto_filter.ref.startswith("A1:F")

    def test_workforce_needs_one_row_per_need(self, staff_client, village):
        assert NEED_COLUMNS == ["company", "business_id", "question", "skill_area", "role", "count", "window", "level",
                                "kind"]  # fmt: skip
        needs = workbook(download(staff_client, "xlsx", language="sv"))["Arbetskraftsbehov"]
        rows = list(needs.iter_rows(values_only=True))
        assert rows[1] == tuple(NEED_COLUMNS)
        assert [row[2:] for row in rows[2:]] == [
            ("needs", "Svetsning", "Welder", 3, "inom 6 månader", "yrkesutbildning", "fast anställning"),
            ("needs", "Svetsning", "Trainee", 1, "om 1–3 år", "valfri nivå", "praktikant"),
        ]

    def test_codebook_names_each_question_its_options_and_condition(self, staff_client, village):
        codebook = workbook(download(staff_client, "xlsx", language="en"))["Codebook"]
        rows = {row[0]: row for row in codebook.iter_rows(min_row=2, values_only=True)}
        assert list(rows) == ["size", "space", "growth", "turnover", "founded", "lab_kind", "needs", "wishes"]
        assert rows["size"] == ("size", "Size?", "single choice", "small = Small\nlarge = Large", None, "Business")
        assert rows["space"][3] == "office = Office\nlab = Laboratory\n__other__ = Other"
        assert rows["growth"][3] == "yes = Yes\nno = No"
        assert rows["lab_kind"][4] == "size = large (Large)"


HOSTILE = [
    "=1+1", "\x01=1+1", "\t=cmd|' /C calc'!A0", " @SUM(1+1)", "\x1f+1", "\x0b\x0c-2+3", "\u200b=1+1", "\r=1",
    "\x01=HYPERLINK(\"http://evil.example\",\"x\")",
]  # fmt: skip


@pytest.mark.parametrize("language", ["fi", "en"])
def test_no_formula_cell_for_hostile_texts_anywhere(staff_client, village, language):
    for number, text in enumerate(HOSTILE):
        # Stored as a row from before the forms refused control characters would be: straight to the tables.
        Company.objects.filter(pk=village["aalto"].pk).update(name=text)
        Answer.objects.filter(question__code="wishes").update(value=text)
        Answer.objects.filter(question__code="space").update(other_text=text)
        Choice.objects.filter(pk=village["lab"].pk).update(label_fi=text, label_en=text)
        Question.objects.filter(code="growth").update(text_fi=text, text_en=text)
        SkillArea.objects.filter(slug="tt-welding").update(name_fi=text, name_en=text)
        book = workbook(download(staff_client, "xlsx", language=language, n=number))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], repr(text)
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        written = [value for value in texts if value.lstrip("'").lstrip(" \t\r\u200b").startswith(tuple("=+-@"))]
        assert written, repr(text)
        assert all(value.startswith("'") for value in written), (repr(text), written)


class TestCsv:
    def test_excel_dialect_semicolons_bom_two_header_rows_decimal_commas(self, staff_client, village):
        content = download(staff_client, "csv", language="fi")
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
        texts, codes, *data = rows
        assert (texts[7], codes[7]) == ("Koko?", "size")
        table = {row[1]: dict(zip(codes, row, strict=True)) for row in data}
        aalto = table[village["aalto"].business_id]
        local = timezone.localtime(SUBMITTED)
        assert (aalto["size"], aalto["space__lab"], aalto["space__office"]) == ("Suuri", "1", "0")
        assert aalto["turnover"] == "2,5"
        assert aalto["founded"] == "1.5.2010"
        assert aalto["submitted_at"] == f"{local.day}.{local.month}.{local.year} {local:%H:%M:%S}"
        assert aalto["status"] == "lähetetty"
        assert len(texts) == len(codes) == len(data[0])

    def test_comma_dialect_for_tools_one_header_row_of_codes(self, staff_client, village):
        content = download(staff_client, "csv", language="en", dialect="comma")
        assert not content.startswith("\ufeff".encode())
        codes, *data = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
        assert codes[:2] == ["company", "business_id"] and "space__other_text" in codes
        aalto = next(dict(zip(codes, row, strict=True)) for row in data if row[0] == "Aalto Data Oy")
        assert (aalto["size"], aalto["turnover"], aalto["founded"]) == ("Large", "2.5", "2010-05-01")

    def test_the_default_is_the_excel_dialect_in_the_page_language(self, staff_client, village):
        staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = staff_client.get(reverse("surveys:export", args=["village-2022", "csv"]))
        assert response["Content-Disposition"] == 'attachment; filename="village-2022-responses-en.csv"'
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
        assert rows[0][7] == "Size?"


class TestExportPage:
    @staticmethod
    def url():
        return reverse("surveys:export_page", args=["village-2022"])

    def test_shows_the_choices(self, staff_client, village):
        response = staff_client.get(self.url())
        assert response.status_code == 200
        content = response.content.decode()
        for name in ("format", "language", "dialect", "codes"):
            assert f'name="{name}"' in content

    def test_a_chosen_format_downloads_the_file(self, staff_client, village):
        response = staff_client.get(self.url(), {"format": "xlsx", "language": "en", "dialect": "excel"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="village-2022-responses-en.xlsx"'
        assert "Codebook" in workbook(b"".join(response.streaming_content)).sheetnames

    def test_codes_only_keeps_the_former_table(self, staff_client, village):
        response = staff_client.get(self.url(), {"format": "csv", "codes": "on"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows[0][7:10] == ["size", "space", "space__other"]
        assert next(row for row in rows if row[0] == "Aalto Data Oy")[8] == f"lab; {OTHER_VALUE}"

    def test_a_bad_choice_is_shown_next_to_its_field(self, staff_client, village):
        response = staff_client.get(self.url(), {"format": "xlsx", "language": "de"})
        assert response.status_code == 200
        assert response.context["form"].errors["language"]
        assert 'id="error_1_id_language"' in response.content.decode() or "is-invalid" in response.content.decode()

    def test_viewers_are_refused(self, viewer_client, village):
        assert viewer_client.get(self.url()).status_code == 403
        assert viewer_client.get(self.url(), {"format": "xlsx"}).status_code == 403

    def test_needs_login(self, client, village):
        response = client.get(self.url())
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_refuses_post(self, staff_client, village):
        assert staff_client.post(self.url(), {"format": "xlsx"}).status_code == 405

    def test_unknown_survey_is_404(self, staff_client):
        assert staff_client.get(reverse("surveys:export_page", args=["nope"])).status_code == 404


class TestCommand:
    def test_xlsx_in_swedish(self, village, tmp_path):
        target = tmp_path / "svar.xlsx"
        out = io.StringIO()
        call_command("export_responses", "village-2022", "--format", "xlsx", "--language", "sv", "-o", str(target),
                     stdout=out)  # fmt: skip
        book = openpyxl.load_workbook(target)
        assert book.sheetnames == ["Svar", "Arbetskraftsbehov", "Kodbok"]
        assert book["Svar"]["A1"].value == "Organisation" and book["Svar"]["A2"].value == "company"
        assert "3 response(s) of village-2022 written to" in out.getvalue()

    def test_csv_defaults_to_finnish_for_excel(self, village, tmp_path):
        target = tmp_path / "vastaukset.csv"
        call_command("export_responses", "village-2022", "-o", str(target), stdout=io.StringIO())
        content = target.read_bytes()
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][0] == "Organisaatio" and rows[1][0] == "company"

    def test_csv_for_tools_in_english(self, village, tmp_path):
        target = tmp_path / "answers.csv"
        call_command("export_responses", "village-2022", "--language", "en", "--dialect", "comma", "-o", str(target),
                     stdout=io.StringIO())  # fmt: skip
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["company", "business_id"]
        assert "Large" in next(row for row in rows if row[0] == "Aalto Data Oy")

    def test_codes_keeps_the_former_form(self, village, tmp_path):
        target = tmp_path / "codes.xlsx"
        call_command("export_responses", "village-2022", "--format", "xlsx", "--codes", "-o", str(target),
                     stdout=io.StringIO())  # fmt: skip
        book = openpyxl.load_workbook(target)
        assert len(book.sheetnames) == 1
        header = [cell.value for cell in book.worksheets[0][1]]
        assert header[7:] == ["size", "space", "space__other", "growth", "turnover", "founded", "lab_kind", "needs",
                              "wishes"]  # fmt: skip

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [("--language", "de", "Unknown language 'de'"), ("--dialect", "tab", "Unknown dialect 'tab'")],
    )
    def test_refuses_an_unknown_choice_and_writes_nothing(self, village, tmp_path, option, value, message):
        with pytest.raises(CommandError, match=message):
            call_command("export_responses", "village-2022", option, value, "-o", str(tmp_path / "out.csv"))
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_responses(staff_client, village, fmt):
    """The export reads a chunk of organisations at a time: the same queries for 3 responses as for 40."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            download(staff_client, fmt, language="en")
        return len(context)

    few = queries()
    survey = village["survey"]
    first = survey.sections.get(order=1)
    for number in range(37):
        response = invitation_create(survey=survey, company=CompanyFactory(name=f"Firm {number:02} Oy"))[0].response
        save(response, first, {"size": "small", "space": ["office", "lab"], "growth": "yes"})
    assert queries() == few
