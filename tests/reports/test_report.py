"""The development plan report: its data in constant queries, the HTML preview, and the PDF on demo-like data."""

import datetime
import hashlib
import io
import re
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from companies import demo as companies_demo
from companies.models import Company, Contact, Premises, Tenancy
from reports import demo as reports_demo
from reports.models import DevelopmentPlan
from reports.services.report import (
    RenderedReport,
    _stylesheet_path,
    _StylesheetOnlyFetcher,
    data_checksum,
    report_data,
    report_render_html,
    report_render_pdf,
)
from surveys import demo as surveys_demo
from surveys.models import Answer, Invitation, Question, Response
from workshops import demo as workshops_demo
from workshops.models import Finding, Goal, Interview, Measure, Participation, Workshop

from ..factories import (
    BuildingFactory,
    ChoiceFactory,
    CompanyFactory,
    FindingFactory,
    InterviewFactory,
    MeasureFactory,
    PremisesFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    TenancyFactory,
    ThemeFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

T = Question.Type

# The chapters of the report in the order a reader of the plan wants them: the plan itself (summary, vision and goals,
# measures) first, then what it rests on (starting point, what was heard, workforce), monitoring and the appendix.
CHAPTERS = [
    "Summary",
    "Vision and goals",
    "Measures",
    "Starting point",
    "What was heard",
    "Demand and supply of labour",
    "Monitoring",
    "Appendix: the data behind the charts",
]


def squash(text: str) -> str:
    """Text without white space: pypdf splits kerned pairs ("T eknologia") and wraps lines anywhere."""
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: bytes) -> list[str]:
    return [squash(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_links_resolve(html: str) -> None:
    """Every link of the contents leads to a heading of the report."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets and set(targets) <= ids


def structure(reader: PdfReader) -> list[dict]:
    """Every element of the PDF's structure tree (its tags)."""
    elements, pending = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, dict):
            elements.append(node)
            children = node.get("/K", [])
            pending.extend(children if isinstance(children, list) else [children])
    return elements


def translated(language: str, *messages: str) -> list[str]:
    with translation.override(language):
        return [gettext(message) for message in messages]


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def demo(private_root):
    """The demo registry, survey with answers, interviews, workshops, findings, measures and plan."""
    now = timezone.now()
    companies_demo.load_registry()
    survey = surveys_demo.load_survey(now)
    surveys_demo.load_demo_responses(survey, now)
    workshops_demo.load_workshops(now)
    plan = reports_demo.load_plan()
    reports_demo.tie_demo_measures(plan)
    return plan, survey


def make_plan(**fields) -> DevelopmentPlan:
    values = {
        "title": "Kehittämissuunnitelma 2025–2027",
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2027, 12, 31),
    }
    return DevelopmentPlan.objects.create(**{**values, **fields})


def submitted_survey(companies, questions_answers):
    """A survey with one page whose questions every given company answered and submitted.

    questions_answers: [(question fields, [value of each company, None for no answer])].
    """
    survey = SurveyFactory(title="Toimijakysely")
    section = SectionFactory(survey=survey, title="Sivu yksi")
    now = timezone.now()
    for company in companies:
        response = Response.objects.create(
            survey=survey, company=company, first_opened_at=now, last_saved_at=now, submitted_at=now
        )
        Invitation.objects.create(
            survey=survey,
            company=company,
            response=response,
            token_hash=hashlib.sha256(company.name.encode()).hexdigest(),
        )
    responses = list(Response.objects.filter(survey=survey).order_by("company__name"))
    for fields, values in questions_answers:
        question = QuestionFactory(section=section, **fields)
        Answer.objects.bulk_create(
            Answer(response=response, question=question, value=value)
            for response, value in zip(responses, values, strict=False)
            if value is not None
        )
    return survey


# The PDF on demo data ---------------------------------------------------------------------------------------------


def test_the_demo_report_has_contents_with_page_numbers_every_chapter_charts_and_known_figures(demo):
    plan, survey = demo
    assert_links_resolve(report_render_html(plan=plan, survey=survey, language="fi"))
    started = time.process_time()
    rendered = report_render_pdf(plan=plan, survey=survey, language="fi")
    # A few seconds of work on demo-size data; the bound is loose so a busy machine does not fail it.
    assert time.process_time() - started < 30

    assert isinstance(rendered, RenderedReport)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.page_count == len(reader.pages) > 5
    pages = pdf_pages(rendered.pdf)
    headings = translated("fi", *CHAPTERS)

    contents = pages[1]
    assert squash(translated("fi", "Contents")[0]) in contents
    starts = {}
    for heading in headings:
        # "Heading ........ 7" in the contents, and the heading really is on page 7.
        entry = re.search(re.escape(squash(heading)) + r"\.{3,}(\d+)", contents)
        assert entry, heading
        starts[heading] = int(entry[1])
        assert squash(heading) in pages[starts[heading] - 1], (heading, starts[heading])
    assert list(starts.values()) == sorted(starts.values())
    # Each goal in the contents, and its measures under it.
    with translation.override("fi"):
        goals = list(plan.goals.order_by("order"))
        for number, goal in enumerate(goals, start=1):
            heading = gettext("Goal %(number)s: %(title)s") % {"number": number, "title": goal.title}
            entry = re.search(re.escape(squash(heading)) + r"\.{3,}(\d+)", contents)
            assert entry, heading
            assert squash(heading) in pages[int(entry[1]) - 1]
    measure = Measure.objects.filter(goal=goals[0]).order_by("start_quarter", "title", "pk").first()
    assert squash(f"1. {measure.title}") in "".join(pages)

    # Running header (the chapter) and "page N / M" footer.
    footer = translated("fi", "Page %(page)s / %(pages)s")[0] % {"page": 3, "pages": len(pages)}
    assert squash(footer) in pages[2]
    assert all(squash(plan.title_fi) in text for text in pages[2:])

    # A known figure: how many of the invited organisations submitted.
    responses = Response.objects.filter(survey=survey, invitations__isnull=False).distinct()
    invited, submitted = responses.count(), responses.filter(submitted_at__isnull=False).count()
    assert submitted > 0
    rate = (Decimal(100 * submitted) / invited).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    with translation.override("fi"):
        sentence = gettext(
            "%(submitted)s of the %(invited)s invited organisations submitted their answers (%(rate)s %%)."
        ) % {"submitted": submitted, "invited": invited, "rate": rate}
    assert squash(sentence) in "".join(pages)

    # Every chart is a Figure of the tagged PDF with its alt text.
    figures = [element for element in structure(reader) if element.get("/S") == "/Figure"]
    assert len(figures) > 20
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)
    # Charts are drawn (the palette's blue fills bars) with their labels as text.
    village = starts[headings[3]] - 1
    drawing = "".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages[village : village + 3])
    assert "0 0.447059 0.698039 rg" in drawing
    assert "Kosmos" in "".join(pages[village : village + 3])
    # Quoted free texts never name who wrote them; the survey is the first part of what was heard.
    heard_heading, workforce_heading = headings[4], headings[5]
    survey_chapter = "".join(pages[starts[heard_heading] - 1 : starts[workforce_heading] - 1])
    assert squash(translated("fi", "Response rate")[0]) in survey_chapter
    answering = Company.objects.filter(survey_responses__survey=survey, survey_responses__submitted_at__isnull=False)
    assert not any(squash(name) in survey_chapter for name in answering.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("sv", ["Utvecklingsplan för Kemi teknologiby 2024–2027"]),
        ("en", ["Development plan of the Kemi Technology Village 2024–2027"]),
    ],
)
def test_swedish_and_english_reports_speak_their_language(demo, language, texts):
    plan, survey = demo
    rendered = report_render_pdf(plan=plan, survey=survey, language=language)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    text = "".join(pdf_pages(rendered.pdf))

    assert reader.trailer["/Root"]["/Lang"] == language
    for heading in translated(language, *CHAPTERS, "Contents", "Response rate", "Findings by theme"):
        assert squash(heading) in text, heading
    # The gettext catalogue is used, not only the source strings ("Building" is translated in sv).
    assert squash(translated(language, "Building")[0]) in text
    # The data reads the language too: the plan's title and the survey's questions.
    question = Question.objects.filter(section__survey=survey, type=T.SCALE).first()
    for expected in [*texts, getattr(question, f"text_{language}")]:
        assert squash(expected) in text, expected


def test_the_pdf_is_tagged_with_its_language_and_title(private_root):
    plan = make_plan(title="Pieni suunnitelma")
    rendered = report_render_pdf(plan=plan, survey=None, language="fi")
    reader = PdfReader(io.BytesIO(rendered.pdf))
    root = reader.trailer["/Root"]

    assert root["/Lang"] == "fi"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root  # PDF/UA: the structure tree a screen reader follows
    assert reader.metadata.title.startswith("Pieni suunnitelma")
    assert rendered.checksum == data_checksum(report_data(plan=plan, survey=None, language="fi"))
    assert re.fullmatch(r"[0-9a-f]{64}", rendered.checksum)


# Content that must still render ---------------------------------------------------------------------------------


def test_a_survey_without_answers_and_an_empty_workshop_record_still_build(private_root):
    plan = make_plan()
    survey = SurveyFactory()
    QuestionFactory(section=SectionFactory(survey=survey), type=T.SCALE)
    ThemeFactory(name="Kiertotalous", slug="kiertotalous-testi")
    MeasureFactory(title="Ajoittamaton toimenpide", start_quarter="", end_quarter="")

    rendered = report_render_pdf(plan=plan, survey=survey, language="en")
    text = "".join(pdf_pages(rendered.pdf))

    assert rendered.page_count > 5
    assert_links_resolve(report_render_html(plan=plan, survey=survey, language="en"))
    for message in [
        "The survey has no answers yet.",
        "No organisations have been invited to the survey yet.",
        "No findings under this theme yet.",
        "No timing set",
        "No measure has a timing yet.",
        "No goals have been written yet.",
        "Not written yet.",
    ]:
        assert squash(message) in text, message
    assert "Kiertotalous" in text
    assert "Ajoittamatontoimenpide" in text


def test_without_a_survey_the_report_says_so():
    html = report_render_html(plan=make_plan(), survey=None, language="en")
    assert "No survey was chosen for this report." in html


def test_long_texts_and_nordic_letters_wrap_and_build(private_root):
    long_word = "Ääniöljyåkerö" * 20  # one 260-character word: it must wrap, not run off the page
    long_answer = ("Åländsk företagare önskar gemensamma utrymmen. " * 60) + long_word
    companies = [CompanyFactory(name=f"Åbo Ääni Öljy {n} Oy") for n in range(5)]
    survey = submitted_survey(companies, [({"type": T.LONG_TEXT, "text": "Mitä toivotte?"}, [long_answer] * 5)])
    theme = ThemeFactory(name="Työvoiman saatavuus ja kohtaanto", slug="tyovoima-testi")
    finding = FindingFactory(text="Pitkä havainto: " + "yrityksillä on pulaa osaajista. " * 80, kind="weakness")
    finding.themes.add(theme)
    measure = MeasureFactory(title="Ö" * 10 + " yhteinen rekrytointitapahtuma " + "å" * 150)
    measure.findings.add(finding)
    plan = make_plan(summary="Tiivistelmä: " + "äöå " * 500, vision="Visio " + long_word)

    rendered = report_render_pdf(plan=plan, survey=survey, language="fi")
    text = "".join(pdf_pages(rendered.pdf))

    assert rendered.page_count > 5
    assert squash("Åländsk företagare önskar gemensamma utrymmen.") in text
    assert long_word[:60] in text
    assert "Pitkähavainto" in text
    assert "ÖÖÖÖÖÖÖÖÖÖyhteinenrekrytointitapahtuma" in text
    assert not any(squash(company.name) in text for company in companies)


def test_groups_smaller_than_five_are_not_broken_down(private_root):
    small = PremisesFactory(building=BuildingFactory(name="Pieni", slug="pieni"))
    large = PremisesFactory(building=BuildingFactory(name="Iso", slug="iso"))
    companies = [CompanyFactory(name=f"Pieni {n} Oy") for n in range(3)]
    companies += [CompanyFactory(name=f"Iso {n} Oy", industry_section="C", industry_code="25110") for n in range(5)]
    for company in companies:
        TenancyFactory(company=company, premises=small if company.name.startswith("Pieni") else large)
    survey = submitted_survey(
        companies,
        [
            ({"type": T.SCALE, "text": "Kaikki vastasivat"}, [4] * 8),
            ({"type": T.LONG_TEXT, "text": "Vain neljä vastasi"}, ["Salainen toive"] * 4),
        ],
    )
    data = report_data(plan=make_plan(), survey=survey, language="en")
    rows = {row["label"]: row for row in data["survey"]["by_building"]}
    assert rows["Pieni"] == {"label": "Pieni", "suppressed": True, "invited": None, "submitted": None, "rate": None}
    assert rows["Iso"]["invited"] == 5 and rows["Iso"]["submitted"] == 5
    industries = {row["label"][0]: row for row in data["survey"]["by_industry"]}
    assert industries["J"]["suppressed"] and not industries["C"]["suppressed"]

    rendered = report_render_pdf(plan=make_plan(title="Toinen"), survey=survey, language="en")
    text = "".join(pdf_pages(rendered.pdf))
    assert "Pienifewerthan5" in text
    assert "Iso55100%" in text
    assert squash("Fewer than 5 answers: not shown, so that no organisation can be singled out.") in text
    assert "Salainentoive" not in text

    html = report_render_html(plan=make_plan(title="Kolmas"), survey=survey, language="en")
    few = html[html.index("Vain neljä vastasi") :].split("</section>")[0]
    assert "<figure" not in few
    everyone = html[html.index("Kaikki vastasivat") :].split("</section>")[0]
    assert '<figure class="chart" style="break-inside: avoid" role="img" aria-label="Kaikki vastasivat:' in everyone


# The HTML preview ---------------------------------------------------------------------------------------------------


def test_the_html_preview_is_one_document_in_the_language_with_accessible_charts():
    TenancyFactory(premises=PremisesFactory(building=BuildingFactory(name="Kosmos", slug="kosmos")))
    plan = make_plan(summary="## Taustaa\n\n**Tärkeää** <script>alert(1)</script> [linkki](javascript:alert(1))")

    html = report_render_html(plan=plan, survey=None, language="sv")
    assert html.startswith("<!doctype html>")
    assert '<html lang="sv">' in html
    assert '<link rel="stylesheet" href="/static/css/report.css">' in html
    assert "<strong>Tärkeää</strong>" in html
    assert "<h2>Taustaa</h2>" in html  # below the chapter "Summary" (h1), which opens the plan
    assert "<script" not in html and "javascript:" not in html
    assert "<?xml" not in html
    figures = re.findall(r'<figure class="chart" style="break-inside: avoid" role="img" aria-label="([^"]+)">', html)
    assert figures and all(label.strip() for label in figures)
    assert html.count("<svg") == len(figures) == html.count("<figcaption>")
    # Each chart's ids are its own, so several charts live in one document.
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))

    assert_links_resolve(html)

    pdf_source = report_render_html(plan=plan, survey=None, language="sv", for_pdf=True)
    assert '<link rel="stylesheet" href="css/report.css">' in pdf_source


def test_the_pdf_may_read_its_stylesheet_and_nothing_else():
    stylesheet = _stylesheet_path()
    fetcher = _StylesheetOnlyFetcher(stylesheet)
    assert b"@page" in fetcher.fetch(stylesheet.resolve().as_uri()).read()
    for url in ["file:///etc/passwd", "http://127.0.0.1/", stylesheet.parent.as_uri() + "/portal.css"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# Queries ------------------------------------------------------------------------------------------------------------


def village(size: int) -> tuple[DevelopmentPlan, object]:
    """Companies in five buildings, a submitted survey, interviews, workshops, findings, measures and goals."""
    buildings = [BuildingFactory(name=f"Talo {n}", slug=f"talo-{n}") for n in range(5)]
    premises = Premises.objects.bulk_create(
        Premises(building=buildings[n % 5], code=f"R{n}", area_m2=40 + n % 7) for n in range(size)
    )
    companies = Company.objects.bulk_create(
        Company(name=f"Yritys {n} Oy", industry_section="CJM"[n % 3], customer_since=1990 + n % 30) for n in range(size)
    )
    Tenancy.objects.bulk_create(
        Tenancy(company=c, premises=p, start_date=datetime.date(2020, 1, 1))
        for c, p in zip(companies, premises, strict=True)
    )
    contacts = Contact.objects.bulk_create(Contact(company=c, name=f"Henkilö {c.pk}") for c in companies)

    survey = SurveyFactory()
    section = SectionFactory(survey=survey)
    kinds = [T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.SCALE, T.INTEGER, T.LONG_TEXT, T.YES_NO, T.DATE]
    questions = []
    for n in range(size // 10):
        question = QuestionFactory(section=section, type=kinds[n % len(kinds)], has_other=n % 2 == 0)
        ChoiceFactory(question=question, value="a")
        ChoiceFactory(question=question, value="b")
        questions.append(question)
    values = {
        T.SINGLE_CHOICE: "a", T.MULTIPLE_CHOICE: ["a", "b"], T.SCALE: 3, T.INTEGER: 7, T.LONG_TEXT: "Toive",
        T.YES_NO: "yes", T.DATE: "2025-01-31",
    }  # fmt: skip
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(survey=survey, company=c, submitted_at=now, last_saved_at=now, first_opened_at=now) for c in companies
    )
    Invitation.objects.bulk_create(
        Invitation(survey=survey, company=r.company, response=r, token_hash=f"{r.pk:064x}") for r in responses
    )
    Answer.objects.bulk_create(
        Answer(response=r, question=q, value=values[q.type]) for r in responses for q in questions
    )

    themes = [ThemeFactory(slug=f"teema-{size}-{n}") for n in range(3)]
    findings = [
        FindingFactory(kind=["strength", "weakness", "opportunity", "threat", "need"][n % 5], importance=1 + n % 3)
        for n in range(size // 10)
    ]
    for n, finding in enumerate(findings):
        finding.themes.add(themes[n % 3])
    for n in range(size // 20):
        interview = InterviewFactory()
        interview.companies.set(companies[n::25])
        interview.contacts.set(contacts[n::25])
        interview.themes.set(themes)
        workshop = WorkshopFactory()
        workshop.themes.set(themes[:1])
        Participation.objects.bulk_create(
            Participation(workshop=workshop, contact=c, attended=i % 2 == 0) for i, c in enumerate(contacts[n::10])
        )
    plan = make_plan()
    for n in range(size // 25):
        goal = Goal.objects.create(plan=plan, order=n, title=f"Tavoite {n}")
        measure = MeasureFactory(
            responsible_organisation=companies[n],
            start_quarter=f"2025-Q{1 + n % 4}",
            goal=goal if n % 2 else None,
        )
        measure.partners.set(companies[n : n + 3])
        measure.findings.set(findings[n : n + 2])
        measure.themes.set(themes[:2])
    # A measure of another edition of the plan is not this edition's.
    MeasureFactory(goal=Goal.objects.create(plan=make_plan(title="Vanha painos"), title="Vanha tavoite"))
    return plan, survey


# Every query report_data makes, whatever the size of the village:
#  1 findings                            2 their themes                3 the plan's goals
#  4 measures of the plan (with responsible user and organisation)      5 their partners
#  6 their themes                         7 the findings they answer
#  8 active organisations                 9 premises with their building
# 10 current tenancies                   11 invited responses by industry (survey_progress)
# 12 invited responses by building       13 questions with their page  14 their choices
# 15 the answers counted per value       16 their texts                17 the number of responses that count
# 18 interviews with their counts        19 their themes
# 20 workshops with their counts         21 their themes               22 all themes
# 23 organisations interviewed           24 people interviewed
# 25 workforce needs summed per area     26 skill areas                27 programmes with their areas
QUERIES = 27


@pytest.mark.parametrize("size", [50, 500])
def test_report_data_reads_the_same_number_of_queries_at_any_size(size, django_assert_num_queries):
    plan, survey = village(size)
    with django_assert_num_queries(QUERIES):
        data = report_data(plan=plan, survey=survey, language="fi")

    assert data["registry"]["organisations"] == size
    assert data["survey"]["responses"] == size
    assert sum(len(section["questions"]) for section in data["survey"]["sections"]) == size // 10
    assert data["heard"]["findings"] == size // 10
    assert len(data["measures"]) == size // 25
    assert [len(goal["measures"]) for goal in data["goals"]] == [n % 2 for n in range(size // 25)]
    assert len(data["other_measures"]) == size // 50
    assert [m["number"] for m in data["measures"]] == list(range(1, size // 25 + 1))
    assert data["heard"]["interview_organisations"] == Interview.companies.through.objects.count()
    attended = Workshop.objects.aggregate(n=Count("participations", filter=Q(participations__attended=True)))["n"]
    assert data["heard"]["workshop_attendees"] == attended
    swot = sum(len(findings) for findings in data["heard"]["swot"].values())
    assert swot == Finding.objects.filter(kind__in=Finding.SWOT).count() > 0


def test_report_shows_demand_and_supply_of_labour_without_names():
    from workforce.models import EducationProgramme, SkillArea, WorkforceNeed

    plan = make_plan()
    automation = SkillArea.objects.create(name="Automaatio", slug="automaatio-test")
    welding = SkillArea.objects.create(name="Hitsaus", slug="hitsaus-test")
    firm = CompanyFactory(name="Salainen Konepaja Oy")
    WorkforceNeed.objects.create(company=firm, skill_area=automation, count=7, window="0-6")
    WorkforceNeed.objects.create(company=firm, skill_area=automation, count=3, window="12-36")
    school = CompanyFactory(name="Oppilaitos", kind="education", business_id="")
    programme = EducationProgramme.objects.create(
        institution=school, name="Sähkö ja automaatio", level="vocational", yearly_graduates=4
    )
    programme.skill_areas.set([automation])
    welders = EducationProgramme.objects.create(
        institution=school, name="Hitsaajat", level="vocational", yearly_graduates=6
    )
    welders.skill_areas.set([welding])

    data = report_data(plan=plan, survey=None, language="fi")

    assert data["workforce"]["rows"] == [
        {"label": "Automaatio", "needed": 10, "graduates": 4, "gap": 6, "organisations": 1}
    ]
    assert data["workforce"]["no_demand"] == [{"label": "Hitsaus", "graduates": 6}]
    html = report_render_html(plan=plan, survey=None, language="fi")
    assert 'id="workforce"' in html and "Automaatio" in html
    assert "Salainen Konepaja Oy" not in html
