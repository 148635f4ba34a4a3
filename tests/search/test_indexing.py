"""The index: every kind of record is found, the index follows edits and deletions, viewers never see answers."""

import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import QueryDict
from pptx import Presentation
from pptx.util import Inches

from privacy.services import contact_erase_everywhere, survey_anonymise
from reports.models import DevelopmentPlan
from search.extract import extract_text
from search.models import Entry
from search.query import search
from surveys.models import OTHER_VALUE
from surveys.services import page_save
from workshops import uploads
from workshops.models import Goal, Participation
from workshops.services.plan import finding_create, measure_create, measure_update
from workshops.services.records import attachment_add

from ..factories import (
    BuildingFactory,
    ChoiceFactory,
    CompanyFactory,
    ContactFactory,
    InterviewFactory,
    PremisesFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    TenancyFactory,
    WorkshopFactory,
)
from ..workforce.helpers import make_area, need

pytestmark = pytest.mark.django_db


def kinds(q: str, *, staff: bool = True) -> dict[str, int]:
    results = search(q, staff=staff)
    return results.counts if results else {}


# Files with a known text in them, as staff would attach them --------------------------------------------------------


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF that draws the text in Helvetica (pypdf reads it back)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_with_text(text: str) -> bytes:
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def xlsx_with_text(text: str) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["B2"] = text
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FILES = {
    "muistio.pdf": (pdf_with_text, uploads.PDF),
    "muistio.docx": (docx_with_text, uploads.DOCX),
    "kalvot.pptx": (pptx_with_text, uploads.PPTX),
    "taulukko.xlsx": (xlsx_with_text, uploads.XLSX),
}


@pytest.mark.parametrize("name", FILES)
def test_the_text_of_an_attached_file_is_found(name):
    make, file_type = FILES[name]
    interview = InterviewFactory()
    attachment_add(
        record=interview, upload=SimpleUploadedFile(name, make("Vetylaitoksen mittaukset")), file_type=file_type
    )
    results = search("vetylaitos", staff=True)
    assert results.counts == {"attachments": 1}
    assert "<mark>Vetylaitoksen</mark>" in results.hits[0].snippet
    assert results.hits[0].title == name


def test_a_damaged_file_gives_no_text():
    assert extract_text(io.BytesIO(b"PK\x03\x04 not a zip"), "rikki.docx") == ""
    assert extract_text(io.BytesIO(b"anything"), "kuva.png") == ""


# Every kind ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def survey_page():
    section = SectionFactory()
    QuestionFactory(section=section, code="plans", type="long_text")
    choice = QuestionFactory(section=section, code="sector", type="single_choice", has_other=True)
    ChoiceFactory(question=choice, value="it", label="IT")
    return section


def answer(section, company, *, plans="", other=""):
    response = ResponseFactory(survey=section.survey, company=company)
    data = QueryDict(mutable=True)
    data.update({"version": "0", "plans": plans, "sector": OTHER_VALUE if other else "it", "sector__other": other})
    assert page_save(response=response, section=section, data=data).saved
    return response


def test_every_kind_of_record_is_found(survey_page):
    louhi = BuildingFactory(name="Louhi")
    company = CompanyFactory(name="Pohjolan Vetyosaaja Oy", business_id="2077474-0")
    TenancyFactory(company=company, premises=PremisesFactory(building=louhi))
    contact = ContactFactory(company=company, name="Liisa Kähkönen")
    interview = InterviewFactory(notes="Puhuttiin kaivosklusterista.")
    interview.companies.add(company)
    workshop = WorkshopFactory(title="Tulevaisuustyöpaja", outcomes="Sovittiin **sahateollisuuden** pilotista.")
    Participation.objects.create(workshop=workshop, contact=contact)
    finding_create(text="Pelletöinti kiinnostaa yrityksiä.", kind="opportunity")
    measure_create(title="Hitsauskoulutus", start_quarter="2025-Q1", end_quarter="2025-Q4")
    plan = DevelopmentPlan.objects.create(
        title="Kehittämissuunnitelma", period_start="2024-01-01", period_end="2026-12-31", vision="Hiilineutraali kylä."
    )
    Goal.objects.create(plan=plan, title="Akkuteollisuuden kasvu")
    answer(survey_page, company, plans="Laajennamme puunjalostukseen.", other="Biokaasu")
    need(company, make_area("Kunnossapito"), 3, role="Automaatioasentaja")
    attachment_add(
        record=workshop,
        upload=SimpleUploadedFile("kalvot.pptx", pptx_with_text("Ilmastotavoitteet")),
        file_type=uploads.PPTX,
    )

    assert kinds("Louhi") == {"organisations": 1}  # its building
    assert kinds("2077474-0") == {"organisations": 1}
    assert kinds("Kähkösen")["contacts"] == 1
    assert kinds("Kähkönen")["workshops"] == 1  # a participant
    assert kinds("kaivosklusteri") == {"interviews": 1}
    assert kinds("sahateollisuus") == {"workshops": 1}
    assert kinds("pelletöinnin") == {"findings": 1}
    assert kinds("hitsaus") == {"measures": 1}
    assert kinds("hiilineutraali") == {"plan": 1}
    assert kinds("akkuteollisuus") == {"plan": 1}  # a goal of the plan
    assert kinds("puunjalostus") == {"answers": 1}
    assert kinds("biokaasua") == {"answers": 1}  # an "other, what?" text
    assert kinds("automaatioasentajia") == {"workforce": 1}
    assert kinds("ilmastotavoite") == {"attachments": 1}


def test_viewers_never_see_identified_answers(survey_page):
    company = CompanyFactory(name="Kalaasema Oy")
    response = answer(survey_page, company, plans="Laajennamme puunjalostukseen.")
    need_from_survey = need(company, make_area("Puutyöt"), 2, role="Puuseppä")
    need_from_survey.survey_response = response
    need_from_survey.save()
    assert kinds("puunjalostus", staff=True) == {"answers": 1}
    assert kinds("puunjalostus", staff=False) == {}
    assert kinds("puuseppä", staff=True) == {"workforce": 1}
    assert kinds("puuseppä", staff=False) == {}


# Edits and deletions -------------------------------------------------------------------------------------------------


def test_the_index_follows_edits_and_deletions():
    interview = InterviewFactory(notes="Vety.")
    assert kinds("vety") == {"interviews": 1}
    interview.notes = "Tuulivoima."
    interview.save()
    assert kinds("vety") == {} and kinds("tuulivoimaa") == {"interviews": 1}
    interview.delete()
    assert kinds("tuulivoima") == {} and not Entry.objects.exists()


def test_a_measure_edited_through_its_service_is_found_by_its_new_words():
    measure = measure_create(title="Vetytalous", start_quarter="2025-Q1", end_quarter="2025-Q2")
    measure_update(measure=measure, data={"title": "Aurinkoenergia"})
    assert kinds("vetytalous") == {} and kinds("aurinkoenergian") == {"measures": 1}


def test_a_company_renamed_renames_the_entries_that_name_it(survey_page):
    company = CompanyFactory(name="Vanha Nimi Oy")
    ContactFactory(company=company, name="Pekka Lahtinen")
    InterviewFactory().companies.add(company)
    answer(survey_page, company, plans="Laajennamme puunjalostukseen.")
    company.name = "Uusiutuva Oy"
    company.save()
    assert kinds("uusiutuva") == {"organisations": 1, "contacts": 1, "interviews": 1}
    assert [hit.title for hit in search("puunjalostus", staff=True).hits] == ["Uusiutuva Oy"]


def test_an_answer_emptied_leaves_the_index(survey_page):
    company = CompanyFactory()
    response = answer(survey_page, company, plans="Laajennamme puunjalostukseen.")
    data = QueryDict(mutable=True)
    data.update({"version": "1", "plans": "", "sector": "it"})
    assert page_save(response=response, section=survey_page, data=data).saved
    assert kinds("puunjalostus") == {}


def test_anonymising_a_survey_empties_its_answers_from_the_index(survey_page):
    answer(survey_page, CompanyFactory(), plans="Laajennamme puunjalostukseen.", other="Biokaasu")
    survey_anonymise(survey=survey_page.survey)
    assert kinds("puunjalostus") == {} and kinds("biokaasu") == {}


def test_an_erased_person_is_gone_from_the_index():
    contact = ContactFactory(name="Liisa Kähkönen", email="liisa@example.fi")
    InterviewFactory(notes="Liisa Kähkönen kertoi vedystä.")
    assert kinds("Kähkönen") == {"contacts": 1, "interviews": 1}
    contact_erase_everywhere(contact=contact)
    assert kinds("Kähkönen") == {}
    assert kinds("vety") == {"interviews": 1}


def test_the_rebuild_command_writes_everything_again_and_drops_what_is_gone():
    InterviewFactory(notes="Vety.")
    Entry.objects.update(title="vanha")
    Entry.objects.create(kind="findings", object_id=999999, title="orpo", url="/x/")
    call_command("search_rebuild", stdout=io.StringIO())
    assert list(Entry.objects.values_list("kind", flat=True)) == ["interviews"]
    assert Entry.objects.get().title != "vanha"
    assert kinds("vedyn") == {"interviews": 1}
