"""A Swedish or English build: the texts that fall back to Finnish are listed first (page and command), and marked
as Finnish in the PDF (/Lang of their tagged element) and in the Word edition (w:lang); once filled, none are."""

import io
import re
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from docx.oxml.ns import qn
from pypdf import PdfReader

from companies import demo as companies_demo
from reports import demo as reports_demo
from reports.services.editions import report_render
from reports.services.fallbacks import report_fallbacks
from surveys import demo as surveys_demo
from surveys.models import Choice, Question, Section
from workforce.models import SkillArea
from workshops import demo as workshops_demo
from workshops.models import Finding, Measure, Theme

from .builds_support import make_plan, make_survey

pytestmark = pytest.mark.django_db

LIST = reverse("reports:builds")
CREATE = reverse("reports:build_create")
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


def fill_every_swedish_text() -> None:
    """What staff do after reading the list: give every text the report prints a Swedish version."""
    for model, fields in [
        (Finding, ["text"]),
        (Measure, ["title", "description", "indicator", "funding_source"]),
        (Theme, ["name"]),
        (SkillArea, ["name"]),
        (Section, ["title"]),
        (Question, ["text"]),
        (Choice, ["label"]),
    ]:
        for row in model.objects.all():
            changed = [f"{f}_sv" for f in fields if getattr(row, f"{f}_fi") and not getattr(row, f"{f}_sv")]
            for name in changed:
                setattr(row, name, "SV " + getattr(row, name.replace("_sv", "_fi")))
            if changed:
                row.save(update_fields=changed)


def finnish_elements(pdf: bytes) -> list[dict]:
    """The tagged PDF's structure elements whose language is Finnish."""
    reader = PdfReader(io.BytesIO(pdf))
    found, pending = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, dict):
            if node.get("/Lang") == "fi":
                found.append(node)
            kids = node.get("/K", [])
            pending.extend(kids if isinstance(kids, list) else [kids])
    return found


def finnish_runs(content: bytes) -> list[str]:
    """The texts of the Word edition's runs whose language is Finnish."""
    document = docx.Document(io.BytesIO(content))
    runs = []
    for element in document.element.body.iter(qn("w:r")):
        language = element.find("w:rPr/w:lang", WORD_NS)
        if language is not None and language.get(qn("w:val")) == "fi-FI":
            runs.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
    return [text for text in runs if text.strip()]


def test_a_finnish_build_has_nothing_to_list(demo):
    plan, survey = demo
    assert report_fallbacks(plan=plan, survey=survey, language="fi") == []


def test_the_swedish_list_names_each_text_without_a_swedish_version_with_a_link(demo):
    plan, survey = demo
    measure = Measure.objects.get(title_fi="Teollisuuden digitalisaation testiympäristö")  # no Swedish in the demo
    translated = Measure.objects.get(title_fi="Yhteiskäyttölaboratorio Kosmokseen")  # Swedish in the demo
    with translation.override("en"):
        gaps = report_fallbacks(plan=plan, survey=survey, language="sv")

    by_url = {gap.url: gap for gap in gaps}
    gap = by_url[reverse("workshops:measure_edit", args=[measure.pk])]
    assert (gap.kind, gap.label) == ("Measure", measure.title_fi)
    assert gap.fields == ("Title", "Description", "Funding source", "Monitoring indicator")
    assert reverse("workshops:measure_edit", args=[translated.pk]) not in by_url
    # The plan and its goals are in Swedish in the demo; the findings mostly are not.
    assert reverse("reports:plan_edit", args=[plan.pk]) not in by_url
    untranslated = Finding.objects.filter(text_sv__isnull=True)
    assert untranslated.exists()
    for finding in untranslated:
        assert reverse("workshops:finding_edit", args=[finding.pk]) in by_url
    # A text cleared by staff falls back too.
    plan.vision_sv = ""
    plan.save(update_fields=["vision_sv"])
    with translation.override("en"):
        gaps = report_fallbacks(plan=plan, survey=survey, language="sv")
    assert [g.fields for g in gaps if g.url == reverse("reports:plan_edit", args=[plan.pk])] == [("Vision",)]


def test_the_swedish_pdf_and_docx_mark_each_fallback_as_finnish_and_none_once_filled(demo):
    plan, survey = demo
    untranslated = Measure.objects.get(title_fi="Teollisuuden digitalisaation testiympäristö")

    rendered = report_render(plan=plan, survey=survey, language="sv")
    marked = finnish_elements(rendered.pdf)
    assert marked  # the elements of the Finnish passages carry /Lang (fi); the document is sv
    assert PdfReader(io.BytesIO(rendered.pdf)).trailer["/Root"]["/Lang"] == "sv"
    runs = finnish_runs(rendered.docx)
    assert untranslated.title_fi in runs
    assert untranslated.indicator_fi in runs
    # The translated ones are not marked.
    assert "Gemensamt laboratorium i Kosmos" not in runs

    fill_every_swedish_text()
    assert report_fallbacks(plan=plan, survey=survey, language="sv") == []
    rendered = report_render(plan=plan, survey=survey, language="sv")
    assert finnish_elements(rendered.pdf) == []
    assert finnish_runs(rendered.docx) == []


class TestTheBuildsPage:
    def test_staff_see_what_a_swedish_and_an_english_build_would_show_in_finnish(self, staff_client):
        plan, _survey = make_plan(), make_survey(title_sv="Enkät")
        finding = Finding.objects.create(text_fi="Laboratorio puuttuu.", kind="need")
        measure = Measure.objects.create(
            title_fi="Yhteinen laboratorio", title_sv="Gemensamt labb", start_quarter="2025-Q1", end_quarter="2025-Q2"
        )

        content = staff_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()

        swedish = re.search(r'<details class="mb-2" id="fallbacks-sv">(.*?)</details>', content, re.S)[1]
        assert "Swedish: 2 texts in Finnish" in swedish  # the plan (its title and summary) and the finding
        assert "Plan: <a" in swedish and "Title, Summary" in swedish
        assert f'href="{reverse("workshops:finding_edit", args=[finding.pk])}" lang="fi">Laboratorio puuttuu.</a>' in (
            swedish
        )
        assert reverse("workshops:measure_edit", args=[measure.pk]) not in swedish
        english = re.search(r'<details class="mb-2" id="fallbacks-en">(.*?)</details>', content, re.S)[1]
        assert reverse("workshops:measure_edit", args=[measure.pk]) in english
        assert reverse("reports:plan_edit", args=[plan.pk]) in english

    def test_viewers_do_not_get_the_list(self, viewer_client):
        make_plan(), make_survey()
        assert "fallbacks-sv" not in viewer_client.get(LIST).content.decode()

    def test_a_swedish_build_is_queued_anyway_and_says_how_many_texts_stay_finnish(
        self, staff_client, django_capture_on_commit_callbacks
    ):
        plan, survey = make_plan(), make_survey()
        with django_capture_on_commit_callbacks(execute=False):
            response = staff_client.post(
                CREATE, {"plan": plan.pk, "survey": survey.pk, "language": "sv"}, HTTP_ACCEPT_LANGUAGE="en"
            )
        assert response.status_code == 302
        texts = [str(m) for m in response.wsgi_request._messages]
        # The plan (title, summary) and the survey (title) have no Swedish version.
        assert any(text.startswith("In this build 2 texts show in Finnish") for text in texts), texts

    @pytest.mark.parametrize("size", [1, 6])
    def test_the_list_reads_the_same_number_of_queries_at_any_size(self, staff_client, size, django_assert_num_queries):
        make_plan(), make_survey()
        for number in range(size):
            Finding.objects.create(text_fi=f"Havainto {number}", kind="need")
            Measure.objects.create(title_fi=f"Toimenpide {number}", start_quarter="2025-Q1", end_quarter="2025-Q2")
        # session, user, groups, count of builds (none: no page of them is read), the form's editions and surveys,
        # the default edition and survey again, then per language (sv, en): plan, goals, measures, findings, themes,
        # skill areas, sections, questions, choices
        with django_assert_num_queries(8 + 2 * 9):
            response = staff_client.get(LIST)
        assert len(response.context["fallbacks"]["languages"][0]["gaps"]) == 2 + 2 * size


def test_the_command_lists_the_finnish_texts_before_it_queues_the_build(settings, django_capture_on_commit_callbacks):
    plan, _survey = make_plan(), make_survey()
    finding = Finding.objects.create(text_fi="Laboratorio puuttuu.", kind="need")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("build_report", "--language", "sv", stdout=out)
    output = out.getvalue()
    assert "3 text(s) have no sv version and will show in Finnish" in output
    assert f"Finding: Laboratorio puuttuu. (Finding)  {reverse('workshops:finding_edit', args=[finding.pk])}" in output
    assert f"Plan: {plan.title_fi} (Title, Summary)" in output
    assert output.index("will show in Finnish") < output.index("is queued")

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("build_report", "--language", "fi", stdout=out)
    assert "Finnish" not in out.getvalue()
