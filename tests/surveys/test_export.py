"""Exports of the responses: CSV and XLSX from the staff page and the command, with formulas neutralised."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from surveys.exports import FIXED_COLUMNS, neutralise
from surveys.invitations import invitation_create
from surveys.models import OTHER_VALUE
from surveys.services import page_save, response_submit

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

HEADER = [*FIXED_COLUMNS, "product", "employees", "turnover", "needs", "needs__other", "founded", "wishes"]
SAVED = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)
SUBMITTED = SAVED + datetime.timedelta(hours=1)


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def save(response, section, answers: dict, now=SAVED):
    data = QueryDict(mutable=True)
    data["version"] = "0"
    for code, value in answers.items():
        data.setlist(code, value if isinstance(value, list) else [value])
    result = page_save(response=response, section=section, data=data, now=now)
    assert result.saved, result.form.errors


@pytest.fixture
def answered():
    """Aalto (in Kosmos and Sampo) submitted answers that look like formulas; “@Borealis” left a draft;
    Cetus was invited and never answered; Delta was not invited."""
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo")
    survey = SurveyFactory(slug="village-2022")
    first = SectionFactory(survey=survey, order=1)
    second = SectionFactory(survey=survey, order=2)
    QuestionFactory(section=first, order=1, code="product", type="short_text")
    QuestionFactory(section=first, order=2, code="employees", type="integer")
    QuestionFactory(section=first, order=3, code="turnover", type="decimal")
    needs = QuestionFactory(section=first, order=4, code="needs", type="multiple_choice", has_other=True)
    ChoiceFactory(question=needs, order=1, value="space", label="Space")
    ChoiceFactory(question=needs, order=2, value="staff", label="Staff")
    QuestionFactory(section=first, order=5, code="founded", type="date")
    QuestionFactory(section=second, order=1, code="wishes", type="long_text")
    aalto = CompanyFactory(name="Aalto Data Oy", industry_section="J", industry_code="")
    borealis = CompanyFactory(name="@Borealis Oy", industry_section="C", industry_code="")
    cetus = CompanyFactory(name="Cetus Oy", industry_section="", industry_code="")
    CompanyFactory(name="Delta Oy")
    TenancyFactory(company=aalto, premises=PremisesFactory(building=kosmos))
    TenancyFactory(company=aalto, premises=PremisesFactory(building=sampo))
    TenancyFactory(company=borealis, premises=PremisesFactory(building=sampo))
    responses = {c.pk: invitation_create(survey=survey, company=c)[0].response for c in [aalto, borealis, cetus]}
    save(
        responses[aalto.pk],
        first,
        {
            "product": '=HYPERLINK("http://evil.example","click")',
            "employees": "-5",
            "turnover": "-2.5",
            "needs": ["staff", OTHER_VALUE],
            "needs__other": "+cmd|' /C calc'!A0",
            "founded": "2010-05-01",
        },
    )
    save(responses[aalto.pk], second, {"wishes": "@SUM(1+1)"})
    assert response_submit(response=responses[aalto.pk], now=SUBMITTED).status == "submitted"
    save(responses[borealis.pk], first, {"product": "-minus sign first", "employees": "3"})
    return {"survey": survey, "aalto": aalto, "borealis": borealis, "cetus": cetus}


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM tells Excel the file is UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def xlsx_rows(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def by_business_id(rows):
    # Keyed rather than ordered: where “@Borealis” sorts depends on the database's collation.
    return {row[1]: list(row) for row in rows[1:]}


class TestCsv:
    @staticmethod
    def download(client, survey):
        response = client.get(reverse("surveys:export", args=[survey.slug, "csv"]), {"codes": "on"})
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="village-2022-responses.csv"'
        return csv_rows(b"".join(response.streaming_content))

    def test_one_row_per_invited_company_with_its_answers(self, staff_client, answered):
        rows = self.download(staff_client, answered["survey"])
        assert rows[0] == HEADER
        assert len(rows) == 4
        table = by_business_id(rows)
        assert table[answered["aalto"].business_id] == [
            "Aalto Data Oy", answered["aalto"].business_id, "Kosmos; Sampo", "J", "submitted",
            str(local(SUBMITTED)), str(local(SUBMITTED)),
            "'=HYPERLINK(\"http://evil.example\",\"click\")", "-5", "-2.5", "staff; __other__",
            "'+cmd|' /C calc'!A0", "2010-05-01", "'@SUM(1+1)",
        ]  # fmt: skip
        assert table[answered["borealis"].business_id] == [
            "'@Borealis Oy", answered["borealis"].business_id, "Sampo", "C", "draft", "", str(local(SAVED)),
            "'-minus sign first", "3", "", "", "", "", "",
        ]  # fmt: skip
        assert table[answered["cetus"].business_id] == [
            "Cetus Oy", answered["cetus"].business_id, "", "", "invited", "", "", "", "", "", "", "", "", "",
        ]  # fmt: skip

    def test_rows_are_the_same_when_read_a_few_at_a_time(self, staff_client, answered, monkeypatch):
        whole = self.download(staff_client, answered["survey"])
        monkeypatch.setattr("surveys.exports.CHUNK", 2)
        assert self.download(staff_client, answered["survey"]) == whole

    def test_viewers_may_not_export_company_answers(self, viewer_client, answered):
        url = reverse("surveys:export", args=[answered["survey"].slug, "csv"])
        assert viewer_client.get(url).status_code == 403

    def test_a_survey_without_responses_gives_the_header_only(self, staff_client):
        survey = SurveyFactory(slug="village-2022")
        QuestionFactory(section=SectionFactory(survey=survey), code="product")
        assert self.download(staff_client, survey) == [[*FIXED_COLUMNS, "product"]]


class TestXlsx:
    @staticmethod
    def download(client, survey):
        response = client.get(reverse("surveys:export", args=[survey.slug, "xlsx"]), {"codes": "on"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"] == 'attachment; filename="village-2022-responses.xlsx"'
        return xlsx_rows(b"".join(response.streaming_content))

    def test_one_row_per_invited_company_with_numbers_and_dates_as_such(self, staff_client, answered):
        rows = self.download(staff_client, answered["survey"])
        assert list(rows[0]) == HEADER
        assert len(rows) == 4
        table = by_business_id(rows)
        assert table[answered["aalto"].business_id] == [
            "Aalto Data Oy", answered["aalto"].business_id, "Kosmos; Sampo", "J", "submitted",
            local(SUBMITTED), local(SUBMITTED),
            "'=HYPERLINK(\"http://evil.example\",\"click\")", -5, -2.5, "staff; __other__",
            "'+cmd|' /C calc'!A0", datetime.datetime(2010, 5, 1), "'@SUM(1+1)",
        ]  # fmt: skip
        assert table[answered["borealis"].business_id] == [
            "'@Borealis Oy", answered["borealis"].business_id, "Sampo", "C", "draft", None, local(SAVED),
            "'-minus sign first", 3, None, None, None, None, None,
        ]  # fmt: skip

    def test_no_cell_is_a_formula(self, staff_client, answered):
        response = staff_client.get(reverse("surveys:export", args=["village-2022", "xlsx"]), {"codes": "on"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        kinds = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
        assert "f" not in kinds
        assert kinds <= {"s", "n", "d"}


class TestExportView:
    def test_unknown_format_is_404(self, staff_client, answered):
        assert staff_client.get(reverse("surveys:export", args=["village-2022", "pdf"])).status_code == 404

    def test_unknown_survey_is_404(self, staff_client):
        assert staff_client.get(reverse("surveys:export", args=["nope", "csv"])).status_code == 404

    def test_needs_login(self, client, answered):
        response = client.get(reverse("surveys:export", args=["village-2022", "csv"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_refuses_outsiders(self, outsider_client, answered, fmt):
        assert outsider_client.get(reverse("surveys:export", args=["village-2022", fmt])).status_code == 403

    def test_refuses_post(self, staff_client, answered):
        assert staff_client.post(reverse("surveys:export", args=["village-2022", "csv"])).status_code == 405


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_texts_that_start_a_formula_get_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Aalto Data Oy", "", "1-2", -5, Decimal("-2.5"), None, datetime.date(2022, 1, 1)])
def test_other_values_stay_as_they_are(value):
    assert neutralise(value) == value


class TestCommand:
    def test_writes_a_csv_file(self, answered, tmp_path):
        target = tmp_path / "out.csv"
        out = io.StringIO()
        call_command("export_responses", "village-2022", "--format", "csv", "--codes", "-o", str(target), stdout=out)
        rows = csv_rows(target.read_bytes())
        assert rows[0] == HEADER
        assert by_business_id(rows)[answered["borealis"].business_id][0] == "'@Borealis Oy"
        assert "3 response(s) of village-2022 written to" in out.getvalue()
        assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]

    def test_writes_an_xlsx_file(self, answered, tmp_path):
        target = tmp_path / "out.xlsx"
        call_command(
            "export_responses", "village-2022", "--format", "xlsx", "--codes", "-o", str(target), stdout=io.StringIO()
        )
        rows = xlsx_rows(target.read_bytes())
        assert list(rows[0]) == HEADER
        assert by_business_id(rows)[answered["aalto"].business_id][8] == -5

    def test_refuses_an_unknown_slug_and_writes_nothing(self, answered, tmp_path):
        with pytest.raises(CommandError, match="No survey with the slug 'nope'"):
            call_command("export_responses", "nope", "-o", str(tmp_path / "out.csv"))
        assert list(tmp_path.iterdir()) == []

    def test_refuses_an_unknown_format_and_writes_nothing(self, answered, tmp_path):
        with pytest.raises(CommandError, match="Unknown format 'pdf': use csv or xlsx"):
            call_command("export_responses", "village-2022", "--format", "pdf", "-o", str(tmp_path / "out.pdf"))
        assert list(tmp_path.iterdir()) == []

    def test_refuses_a_missing_directory(self, answered, tmp_path):
        with pytest.raises(CommandError, match="no such directory"):
            call_command("export_responses", "village-2022", "-o", str(tmp_path / "missing" / "out.csv"))
