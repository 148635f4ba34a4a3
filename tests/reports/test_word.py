"""The Word edition of the plan, read back with python-docx: headings, measures, tables, charts and languages."""

import io
import shutil
import subprocess

import docx
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx.oxml.ns import qn
from pypdf import PdfReader

from companies import demo as companies_demo
from reports import demo as reports_demo
from reports.services.editions import report_render_docx
from surveys import demo as surveys_demo
from workshops import demo as workshops_demo
from workshops.models import Measure

pytestmark = pytest.mark.django_db

# The chapters a reader of the plan meets, in order: the plan itself first, then what it rests on.
CHAPTERS = [
    "Contents",
    "Summary",
    "Vision and goals",
    "Measures",
    "Starting point",
    "What was heard",
    "Demand and supply of labour",
    "Monitoring",
    "Appendix: the data behind the charts",
]
WORD_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = settings.VAR_DIR = tmp_path
    now = timezone.now()
    companies_demo.load_registry()
    survey = surveys_demo.load_survey(now)
    surveys_demo.load_demo_responses(survey, now)
    workshops_demo.load_workshops(now)
    plan = reports_demo.load_plan()
    reports_demo.tie_demo_measures(plan)
    return plan, survey


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def paragraph_language(paragraph) -> str | None:
    found = paragraph._p.find("w:pPr/w:rPr/w:lang", WORD_NS)
    return found.get(qn("w:val")) if found is not None else None


def run_languages(paragraph) -> set[str | None]:
    found = [r._r.find("w:rPr/w:lang", WORD_NS) for r in paragraph.runs if r.text]
    return {None if element is None else element.get(qn("w:val")) for element in found}


def translated(language: str, *messages: str) -> list[str]:
    with translation.override(language):
        return [gettext(message) for message in messages]


def test_the_word_edition_has_the_plan_first_in_word_styles_every_measure_tables_and_charts(demo):
    """One render of the Finnish demo plan, read back as Word would show it."""
    plan, survey = demo
    document = read(report_render_docx(plan=plan, survey=survey, language="fi"))
    check_headings(document, plan)
    check_measures(document)
    check_tables(document)
    check_pictures(document)


def check_headings(document, plan) -> None:
    found = headings(document)
    chapters = [text for style, text in found if style == "Heading 1"]
    expected = translated("fi", *CHAPTERS)
    # The written parts may bring their own headings; the chapters come in the plan's order.
    assert [text for text in chapters if text in expected] == expected
    assert {style for style, _text in found} <= {"Heading 1", "Heading 2", "Heading 3", "Heading 4"}
    # Every level sits under the one above it, so Word's navigation pane shows a tree.
    levels = [int(style.split()[-1]) for style, _text in found]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert levels[0] == 1
    # The goals under Measures, each as Heading 2, in their order.
    goals = [t for s, t in found if s == "Heading 2" and t.startswith("Tavoite ")]
    assert goals == [f"Tavoite {goal.order}: {goal.title_fi}" for goal in plan.goals.order_by("order")]


def check_measures(document) -> None:
    measure_headings = [t for s, t in headings(document) if s == "Heading 3" and t[:1].isdigit()]
    titles = list(Measure.objects.values_list("title_fi", flat=True))
    assert len(measure_headings) == len(titles) == 8
    for title in titles:
        assert any(heading.endswith(title) for heading in measure_headings), title
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for indicator in Measure.objects.exclude(indicator_fi="").values_list("indicator_fi", flat=True):
        assert indicator in cells


def check_tables(document) -> None:
    captions = {}
    for table in document.tables:
        caption = table._tbl.tblPr.find("w:tblCaption", WORD_NS)
        if caption is not None:
            captions[caption.get(qn("w:val"))] = table
    monitoring = captions[translated("fi", "Indicators of the measures")[0]]
    header = monitoring.rows[0]
    assert header._tr.find("w:trPr/w:tblHeader", WORD_NS) is not None
    assert [c.text for c in header.cells] == translated("fi", "Measure", "Indicator", "Baseline", "Target", "Status")
    assert len(monitoring.rows) == 1 + 8
    # Every data table repeats its header; the body rows do not claim to be headers.
    repeating = [t for t in document.tables if t.rows[0]._tr.find("w:trPr/w:tblHeader", WORD_NS) is not None]
    assert len(repeating) >= 8
    for table in repeating:
        assert all(row._tr.find("w:trPr/w:tblHeader", WORD_NS) is None for row in table.rows[1:])


def check_pictures(document) -> None:
    shapes = document.inline_shapes
    assert len(shapes) >= 10
    for shape in shapes:
        described = shape._inline.docPr.get("descr")
        assert described and ":" in described  # the chart's title and its values
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert blob.startswith(b"\x89PNG")
        width_px = int.from_bytes(blob[16:20], "big")
        assert width_px / shape.width.inches >= 290  # about 300 dpi at its printed size
    assert any("Kosmos" in shape._inline.docPr.get("descr") for shape in shapes)


@pytest.mark.parametrize(("language", "tag"), [("sv", "sv-FI"), ("en", "en-GB")])
def test_every_paragraph_carries_the_language_and_the_properties_name_the_plan(demo, language, tag):
    plan, survey = demo
    document = read(report_render_docx(plan=plan, survey=survey, language=language))

    texts = [p for p in document.paragraphs if p.text.strip()]
    assert texts
    assert all(paragraph_language(p) for p in texts)
    chapters = [p for p in texts if p.style.name == "Heading 1"]
    assert {paragraph_language(p) for p in chapters} == {tag}
    assert all(run_languages(p) == {tag} for p in chapters)
    properties = document.core_properties
    with translation.override(language):
        plan.refresh_from_db()
        assert properties.title == plan.title
        assert properties.subject == gettext("Development plan of the Kemi Technology Village")
    assert properties.author == "Kemin Digipolis Oy"
    assert properties.language == tag


def test_libreoffice_opens_the_word_edition_and_prints_it(demo, tmp_path):
    plan, survey = demo
    source = tmp_path / "plan.docx"
    source.write_bytes(report_render_docx(plan=plan, survey=survey, language="sv"))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice (Debian libreoffice-writer-nogui) converts the Word edition in this test"

    subprocess.run(  # noqa: S603 - a fixed program and arguments
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip

    reader = PdfReader(tmp_path / "plan.pdf")
    assert 20 <= len(reader.pages) <= 80
    text = "".join(page.extract_text() or "" for page in reader.pages[:6])
    assert translated("sv", "Vision and goals")[0] in text
