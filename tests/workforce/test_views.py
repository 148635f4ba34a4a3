"""Workforce pages: matching and its export, needs and programmes; who may read, who may write, what is refused."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.models import Company
from workforce import views
from workforce.models import EducationProgramme, Level, WorkforceNeed
from workforce.services import need_create, programme_create

from ..factories import BuildingFactory, ContactFactory, ResponseFactory
from .helpers import make_area, make_company, make_school, need, programme

pytestmark = pytest.mark.django_db
Kind = WorkforceNeed.Kind
MATCHING_URL = reverse("workforce:matching")
NEEDS_URL = reverse("workforce:needs")
NEED_CREATE_URL = reverse("workforce:need_create")
PROGRAMMES_URL = reverse("workforce:programmes")
PROGRAMME_CREATE_URL = reverse("workforce:programme_create")


def export_url(fmt: str) -> str:
    return reverse("workforce:export", args=[fmt])


@pytest.fixture
def data():
    """A shortage (welding), a covered area (software), a programme with no demand (nursing)."""
    kosmos = BuildingFactory(name="Kosmos")
    welding, software, nursing = make_area("Welding"), make_area("Software"), make_area("Nursing")
    steel = make_company("Arctic Steel", building=kosmos, section="C", code="25110")
    bits = make_company("Bits Oy", section="J")
    school = make_school("Lapin AMK")
    ContactFactory(company=school, name="Sanna School", email="sanna@lapinamk.example", phone="+358 40 111 2222")
    ContactFactory(company=steel, name="Teemu Steel", email="teemu@steel.example", is_primary=True)
    engineering = programme(school, "Engineering", Level.BACHELOR, [welding, software], 10)
    nurse = programme(school, "Nurse", Level.BACHELOR, [nursing], 40)
    welding_need = need(steel, welding, 25, "0-6", level=Level.BACHELOR, role="welder")
    software_need = need(bits, software, 3, "6-12", kind=Kind.THESIS)
    return locals()


def read_pages(data) -> list[str]:
    return [
        MATCHING_URL,
        export_url("csv"),
        export_url("xlsx"),
        NEEDS_URL,
        data["welding_need"].get_absolute_url(),
        PROGRAMMES_URL,
        data["engineering"].get_absolute_url(),
    ]


def write_pages(data) -> list[str]:
    return [
        NEED_CREATE_URL,
        reverse("workforce:need_edit", args=[data["welding_need"].pk]),
        PROGRAMME_CREATE_URL,
        reverse("workforce:programme_edit", args=[data["engineering"].pk]),
    ]


class TestAccess:
    def test_needs_login(self, client, data):
        for url in read_pages(data) + write_pages(data):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url

    def test_refuses_outsiders(self, outsider_client, data):
        for url in read_pages(data) + write_pages(data):
            assert outsider_client.get(url).status_code == 403, url

    def test_viewer_reads(self, viewer_client, data):
        for url in read_pages(data):
            assert viewer_client.get(url).status_code == 200, url

    def test_viewer_may_not_write(self, viewer_client, data):
        before = (WorkforceNeed.objects.count(), EducationProgramme.objects.count())
        for url in write_pages(data):
            assert viewer_client.get(url).status_code == 403, url
            assert viewer_client.post(url, {"count": "5"}).status_code == 403, url
        assert (WorkforceNeed.objects.count(), EducationProgramme.objects.count()) == before
        assert WorkforceNeed.objects.get(pk=data["welding_need"].pk).count == 25

    def test_viewer_sees_no_write_buttons(self, viewer_client, data):
        assert NEED_CREATE_URL not in viewer_client.get(NEEDS_URL).content.decode()
        assert PROGRAMME_CREATE_URL not in viewer_client.get(PROGRAMMES_URL).content.decode()

    def test_wrong_method(self, staff_client, data):
        for url in read_pages(data):
            assert staff_client.post(url).status_code == 405, url
        for url in write_pages(data):
            assert staff_client.put(url).status_code == 405, url
            assert staff_client.delete(url).status_code == 405, url

    def test_unknown_records_are_404(self, staff_client):
        for name in ("need", "need_edit", "programme", "programme_edit"):
            assert staff_client.get(reverse(f"workforce:{name}", args=[999999])).status_code == 404

    def test_nav_link_for_viewers_only(self, viewer_client, outsider_client):
        assert f'href="{MATCHING_URL}"' in viewer_client.get(reverse("accessibility")).content.decode()
        assert f'href="{MATCHING_URL}"' not in outsider_client.get(reverse("accessibility")).content.decode()


# The matching page ---------------------------------------------------------------


class TestMatchingPage:
    def test_shows_the_table_sorted_by_gap(self, viewer_client, data):
        response = viewer_client.get(MATCHING_URL)
        assert response.status_code == 200
        rows = response.context["table"].rows
        assert [(r.skill_area.name, r.needed, r.graduates, r.gap) for r in rows] == [
            ("Welding", 25, 10, 15),
            ("Software", 3, 10, -7),
        ]
        html = response.content.decode()
        assert "<title>Matching of workforce demand and supply" in html
        # Unmet demand stands out in words, not colour alone: a short list of the shortages, a one-word status.
        assert "Shortage" in html and "+15" in html
        assert '<ul class="shortage-list' in html
        assert "Covered" in html
        # The gap chart: shortages one side of zero, oversupply the other, with a summary in words.
        chart = response.context["chart"]
        assert chart.title == "Gap between demand and supply by skill area"
        assert "1 with a shortage, 2 with more graduates than needed" in chart.summary
        assert "The largest shortage: Welding, 15 people." in chart.summary
        assert f'alt="{chart.summary}"' in html
        # The need behind a row, the companies and the programmes are a click away.
        assert f'href="{NEEDS_URL}?skill_area={data["welding"].pk}&amp;window=0-6"' in html
        assert reverse("companies:detail", args=[data["steel"].pk]) in html
        assert data["engineering"].get_absolute_url() in html

    def test_programmes_with_no_demand_stand_out(self, viewer_client, data):
        response = viewer_client.get(MATCHING_URL)
        assert [(r.skill_area.name, r.graduates) for r in response.context["table"].no_demand] == [("Nursing", 40)]
        html = response.content.decode()
        section = html[html.index("Programmes with no local demand") :]
        assert "No local demand" in section and data["nurse"].get_absolute_url() in section

    def test_filters(self, viewer_client, data):
        response = viewer_client.get(MATCHING_URL, {"building": "kosmos", "window": "0-6"})
        assert [r.skill_area.name for r in response.context["table"].rows] == ["Welding"]
        html = response.content.decode()
        # The row's link to the needs keeps the building filter.
        assert f"skill_area={data['welding'].pk}&amp;window=0-6&amp;building=kosmos" in html
        assert "export.csv?building=kosmos&amp;window=0-6" in html
        response = viewer_client.get(MATCHING_URL, {"industry": "J"})
        assert [r.skill_area.name for r in response.context["table"].rows] == ["Software"]
        assert [r.skill_area.name for r in response.context["table"].no_demand] == ["Welding", "Nursing"]

    def test_invalid_filter_shows_the_error_and_everything(self, viewer_client, data):
        response = viewer_client.get(MATCHING_URL, {"window": "tomorrow"})
        assert response.status_code == 200
        assert len(response.context["table"].rows) == 2
        assert 'aria-invalid="true"' in response.content.decode()

    def test_query_count_does_not_grow_with_the_companies(self, viewer_client, django_assert_num_queries):
        kosmos = BuildingFactory(name="Kosmos")
        areas = [make_area(f"Area {n}") for n in range(5)]
        school = make_school()
        for index, area in enumerate(areas[:4]):
            programme(school, f"Programme {index}", Level.VOCATIONAL, [area, areas[(index + 1) % 5]], 5)

        def add_companies(count):
            companies = Company.objects.bulk_create(
                [Company(name=f"Company {Company.objects.count() + n}", industry_section="C") for n in range(count)]
            )
            WorkforceNeed.objects.bulk_create(
                WorkforceNeed(
                    company=c, skill_area=areas[i % 5], count=1 + i % 3, window=WorkforceNeed.Window.values[i % 3]
                )
                for i, c in enumerate(companies)
            )

        # session, user, the user's groups; the needs summed per area, window and company; the skill areas;
        # the programme links with programmes and institutions; the building filter's options
        add_companies(50)
        with django_assert_num_queries(7):
            response = viewer_client.get(MATCHING_URL, {"building": "", "industry": "C"})
        assert sum(r.needed for r in response.context["table"].rows) == sum(1 + i % 3 for i in range(50))
        add_companies(450)
        with django_assert_num_queries(7):
            response = viewer_client.get(MATCHING_URL, {"industry": "C"})
        assert sum(len(r.companies) for r in response.context["table"].rows) == 500
        # With the building filter the subquery of current tenants rides in the same query.
        with django_assert_num_queries(8):  # plus the building named in the filter
            viewer_client.get(MATCHING_URL, {"building": kosmos.slug})


# The export ----------------------------------------------------------------------


class TestExport:
    @pytest.fixture
    def hostile(self, data):
        """A company and a skill area whose names a spreadsheet would run as formulas."""
        evil = make_company('=HYPERLINK("http://evil.example","x")', section="C")
        need(evil, data["welding"], 30, "0-6")
        need(data["steel"], make_area("=1+2"), 1, "0-6")
        return evil

    def test_csv_parses_back_with_formulas_neutralised(self, viewer_client, data, hostile):
        response = viewer_client.get(export_url("csv"))
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        disposition = response["Content-Disposition"]
        assert re.fullmatch(r'attachment; filename="workforce-matching-\d{4}-\d\d-\d\d\.csv"', disposition)
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        assert rows == [
            [
                "Skill area",
                "When",
                "People needed",
                "Graduates a year",
                "Gap",
                "Status",
                "Organisations that need",
                "Programmes that supply",
            ],
            [
                "Welding",
                "within 6 months",
                "55",
                "10",
                "45",
                "Shortage",
                '\'=HYPERLINK("http://evil.example","x") (30); Arctic Steel (25)',
                "Engineering (Lapin AMK, 10)",
            ],
            ["'=1+2", "within 6 months", "1", "0", "1", "Shortage", "Arctic Steel (1)", ""],
            ["Software", "6–12 months", "3", "10", "-7", "Covered", "Bits Oy (3)", "Engineering (Lapin AMK, 10)"],
            ["Nursing", "", "0", "40", "-40", "No local demand", "", "Nurse (Lapin AMK, 40)"],
        ]

    def test_xlsx_parses_back_with_numbers_and_neutralised_text(self, viewer_client, data, hostile):
        response = viewer_client.get(export_url("xlsx"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert re.fullmatch(r'attachment; filename="workforce-matching-[\d-]+\.xlsx"', response["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert len(rows) == 5 and rows[0][0] == "Skill area"
        assert rows[1][:6] == ["Welding", "within 6 months", 55, 10, 45, "Shortage"]
        assert rows[1][6].startswith("'=HYPERLINK")
        assert rows[2][:5] == ["'=1+2", "within 6 months", 1, 0, 1]
        assert rows[4][:6] == ["Nursing", None, 0, 40, -40, "No local demand"]
        assert [cell.data_type for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []

    def test_export_follows_the_filters(self, viewer_client, data):
        body = b"".join(viewer_client.get(export_url("csv"), {"window": "6-12"}).streaming_content).decode()
        rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        # Welding has demand only within six months: in this window its programme meets no local demand.
        assert [row[0] for row in rows[1:]] == ["Software", "Welding", "Nursing"]
        assert rows[2][5] == "No local demand"

    def test_unknown_format_is_404(self, viewer_client, data):
        for fmt in ("pdf", "CSV", "xls"):
            assert viewer_client.get(export_url(fmt)).status_code == 404


# Needs ---------------------------------------------------------------------------


def need_post(data, **overrides):
    values = {
        "company": data["bits"].pk,
        "skill_area": data["welding"].pk,
        "role": "hitsaaja",
        "count": "4",
        "window": "6-12",
        "level": "vocational",
        "kind": "trainee",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


class TestNeedList:
    def test_lists_and_filters(self, viewer_client, data):
        response = viewer_client.get(NEEDS_URL)
        assert [n.role for n in response.context["page"]] == ["welder", ""]
        response = viewer_client.get(NEEDS_URL, {"skill_area": data["software"].pk, "kind": "thesis"})
        assert [n.pk for n in response.context["page"]] == [data["software_need"].pk]
        response = viewer_client.get(NEEDS_URL, {"building": "kosmos", "window": "0-6", "source": "staff"})
        assert [n.pk for n in response.context["page"]] == [data["welding_need"].pk]
        response = viewer_client.get(NEEDS_URL, {"level": "master"})
        assert list(response.context["page"]) == []
        assert "No needs match the filters." in response.content.decode()

    def test_query_count_does_not_grow(self, viewer_client, data, django_assert_num_queries):
        def add(count):
            companies = Company.objects.bulk_create([Company(name=f"C{n}") for n in range(count)])
            WorkforceNeed.objects.bulk_create(
                WorkforceNeed(company=c, skill_area=data["welding"], count=1, window="0-6") for c in companies
            )

        # session, user, groups, the count, the page of needs with company and skill area,
        # the skill area and building filter options
        add(5)
        with django_assert_num_queries(7):
            assert viewer_client.get(NEEDS_URL).status_code == 200
        add(100)
        with django_assert_num_queries(7):
            response = viewer_client.get(NEEDS_URL)
        assert len(response.context["page"]) == 50


class TestNeedDetail:
    def test_shows_fitting_programmes_with_their_contacts(self, viewer_client, data):
        college = make_school("Lappia")
        ContactFactory(company=college, name="Ville Vocational", email="ville@lappia.example", phone="+358 50 5")
        programme(college, "Welding (vocational)", Level.VOCATIONAL, [data["welding"]], 12)
        programme(data["school"], "Welding master", Level.MASTER, [data["welding"]], 6)
        programme(data["school"], "Old welding", Level.BACHELOR, [data["welding"]], 6, active=False)

        response = viewer_client.get(data["welding_need"].get_absolute_url())
        # A bachelor-level need: bachelor's and master's programmes fit, the vocational one and inactive ones don't.
        assert [p.name for p in response.context["programmes"]] == ["Engineering", "Welding master"]
        html = response.content.decode()
        assert "Sanna School" in html and "mailto:sanna@lapinamk.example" in html and "+358 40 111 2222" in html
        assert "Ville Vocational" not in html
        assert "Teemu Steel" in html  # whom to call at the company itself

    def test_need_for_any_level_fits_every_programme(self, viewer_client, data):
        college = make_school("Lappia")
        programme(college, "Welding (vocational)", Level.VOCATIONAL, [data["welding"]], 12)
        any_need = need(data["bits"], data["welding"], 1, level=Level.ANY)
        response = viewer_client.get(any_need.get_absolute_url())
        assert [p.name for p in response.context["programmes"]] == ["Engineering", "Welding (vocational)"]

    def test_unmet_need_says_so(self, viewer_client, data):
        other = need(data["bits"], make_area("Mining"), 2)
        html = viewer_client.get(other.get_absolute_url()).content.decode()
        assert "No programme of the village fits this need." in html


class TestNeedCreate:
    def test_creates_a_staff_need(self, staff_client, staff, data):
        response = staff_client.post(NEED_CREATE_URL, need_post(data))
        created = WorkforceNeed.objects.latest("pk")
        assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
        assert (created.company, created.skill_area, created.count, created.window) == (
            data["bits"],
            data["welding"],
            4,
            "6-12",
        )
        assert (created.level, created.kind, created.role) == ("vocational", "trainee", "hitsaaja")
        assert created.source == WorkforceNeed.Source.STAFF
        assert created.history.latest().history_user == staff

    def test_source_cannot_be_posted(self, staff_client, data):
        staff_client.post(NEED_CREATE_URL, need_post(data, source="survey"))
        assert WorkforceNeed.objects.latest("pk").source == WorkforceNeed.Source.STAFF

    def test_form_page(self, staff_client, data):
        response = staff_client.get(NEED_CREATE_URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Add a workforce need" in html
        assert re.search(r'<label\s+for="id_count"', html)

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("count", "-3", "The number cannot be negative."),
            ("count", "0", "A need is for at least one person."),
            ("count", "10001", "More than 10000 is not plausible here; check the number."),
            ("count", "many", "Enter a whole number."),
            ("skill_area", "", "Choose a skill area."),
            ("window", "", "This field is required."),
            ("company", "", "This field is required."),
        ],
    )
    def test_bad_input_is_refused_next_to_the_field(self, staff_client, data, field, value, message):
        before = WorkforceNeed.objects.count()
        response = staff_client.post(NEED_CREATE_URL, need_post(data, **{field: value}))
        assert response.status_code == 400
        assert WorkforceNeed.objects.count() == before
        assert response.context["form"].errors[field] == [message]
        html = response.content.decode()
        assert 'role="alert"' in html and "<title>Error: " in html
        assert f'aria-describedby="id_{field}_error"' in html and 'aria-invalid="true"' in html

    def test_retired_skill_area_is_refused(self, staff_client, data):
        old = make_area("Typesetting", retired=True)
        response = staff_client.post(NEED_CREATE_URL, need_post(data, skill_area=old.pk))
        assert response.status_code == 400
        assert response.context["form"].errors["skill_area"] == [
            "The skill area “Typesetting” is retired; choose one in use."
        ]
        assert not WorkforceNeed.objects.filter(skill_area=old).exists()
        # Nor is a retired area offered.
        assert f'value="{old.pk}"' not in staff_client.get(NEED_CREATE_URL).content.decode()


class TestNeedEdit:
    def url(self, need_):
        return reverse("workforce:need_edit", args=[need_.pk])

    def test_edits(self, staff_client, data):
        need_ = data["welding_need"]
        response = staff_client.post(self.url(need_), need_post(data, company=data["steel"].pk, count="30"))
        assert response.status_code == 302
        need_.refresh_from_db()
        assert (need_.count, need_.window, need_.kind, need_.company) == (30, "6-12", "trainee", data["steel"])
        assert need_.history.count() == 2

    def test_a_survey_need_keeps_its_source_and_row(self, staff_client, data):
        response_ = ResponseFactory(company=data["bits"])
        survey_need = WorkforceNeed.objects.create(
            company=data["bits"], skill_area=data["software"], count=1, window="0-6",
            source=WorkforceNeed.Source.SURVEY, survey_response=response_, survey_row=0,
        )  # fmt: skip
        page = staff_client.get(self.url(survey_need)).content.decode()
        assert "came from the organisation's survey answer" in page
        staff_client.post(self.url(survey_need), need_post(data, skill_area=data["software"].pk, count="2"))
        survey_need.refresh_from_db()
        assert (survey_need.count, survey_need.source, survey_need.survey_row) == (2, "survey", 0)

    def test_a_need_may_keep_its_retired_area_but_not_move_to_one(self, staff_client, data):
        need_ = data["welding_need"]
        data["welding"].retired = True
        data["welding"].save()
        assert staff_client.post(self.url(need_), need_post(data, count="7")).status_code == 302
        need_.refresh_from_db()
        assert need_.count == 7 and need_.skill_area == data["welding"]
        old = make_area("Typesetting", retired=True)
        response = staff_client.post(self.url(need_), need_post(data, skill_area=old.pk, count="9"))
        assert response.status_code == 400
        need_.refresh_from_db()
        assert (need_.count, need_.skill_area) == (7, data["welding"])

    def test_bad_count_saves_nothing(self, staff_client, data):
        need_ = data["welding_need"]
        response = staff_client.post(self.url(need_), need_post(data, count="-1"))
        assert response.status_code == 400
        assert "The number cannot be negative." in response.content.decode()
        need_.refresh_from_db()
        assert need_.count == 25
        # The heading names the stored need, not what was typed.
        assert response.context["heading"] == "Arctic Steel: 25 × Welding"


# Programmes ----------------------------------------------------------------------


def programme_post(data, **overrides):
    values = {
        "institution": data["school"].pk,
        "name": "Insinööri (AMK), konetekniikka",
        "level": "bachelor",
        "skill_areas": [data["welding"].pk, data["software"].pk],
        "yearly_intake": "40",
        "yearly_graduates": "30",
        "trainee_places_sought": "35",
        "thesis_places_sought": "28",
        "active": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


class TestProgrammeList:
    def test_lists_and_filters(self, viewer_client, data):
        response = viewer_client.get(PROGRAMMES_URL)
        assert [p.name for p in response.context["page"]] == ["Engineering", "Nurse"]
        assert "Welding, Software" in response.content.decode()
        response = viewer_client.get(PROGRAMMES_URL, {"skill_area": data["nursing"].pk})
        assert [p.name for p in response.context["page"]] == ["Nurse"]
        response = viewer_client.get(PROGRAMMES_URL, {"level": "vocational"})
        assert list(response.context["page"]) == []

    def test_query_count_does_not_grow(self, viewer_client, data, django_assert_num_queries):
        def add(count):
            for n in range(count):
                programme(make_school(f"School {n}"), f"P{n}", Level.VOCATIONAL, [data["welding"], data["nursing"]], 1)

        # session, user, groups, the count, the page of programmes with institutions, their skill areas,
        # the institution and skill area filter options
        add(2)
        with django_assert_num_queries(8):
            assert viewer_client.get(PROGRAMMES_URL).status_code == 200
        add(20)
        with django_assert_num_queries(8):
            response = viewer_client.get(PROGRAMMES_URL)
        assert len(response.context["page"]) == 24


class TestProgrammeDetail:
    def test_companies_for_trainees_and_theses_first_with_primary_contacts(self, viewer_client, data):
        trainee_co = make_company("Zeta Oy")
        ContactFactory(company=trainee_co, name="Zoe Primary", email="zoe@zeta.example", is_primary=True)
        ContactFactory(company=trainee_co, name="Not Called")
        need(trainee_co, data["welding"], 1, kind=Kind.TRAINEE)
        response = viewer_client.get(data["engineering"].get_absolute_url())
        assert [c.company.name for c in response.context["placement_companies"]] == ["Bits Oy", "Zeta Oy"]
        assert [c.company.name for c in response.context["other_companies"]] == ["Arctic Steel"]
        html = response.content.decode()
        assert html.index("Zeta Oy") < html.index("Arctic Steel")
        assert "Zoe Primary" in html and "mailto:zoe@zeta.example" in html and "Not Called" not in html
        assert "Teemu Steel" in html
        assert "Sanna School" in html  # the programme's own contacts

    def test_query_count_does_not_grow_with_the_companies(self, viewer_client, data, django_assert_num_queries):
        def add(count):
            for n in range(count):
                company = make_company(f"Extra {WorkforceNeed.objects.count()} {n}")
                ContactFactory(company=company, is_primary=True)
                need(company, data["software"], 1, kind=Kind.TRAINEE if n % 2 else Kind.PERMANENT)

        url = data["engineering"].get_absolute_url()
        # session, user, groups, the programme with its institution, its skill areas, the institution's contacts,
        # the needs in those areas with their companies and skill areas, the companies' contacts
        add(2)
        with django_assert_num_queries(8):
            assert viewer_client.get(url).status_code == 200
        add(30)
        with django_assert_num_queries(8):
            response = viewer_client.get(url)
        assert len(response.context["placement_companies"]) + len(response.context["other_companies"]) == 34

    def test_no_companies(self, viewer_client, data):
        html = viewer_client.get(data["nurse"].get_absolute_url()).content.decode()
        assert "No organisation seeks trainees or thesis workers in these skill areas." in html
        assert "No other organisation needs people in these skill areas." in html


class TestProgrammeCreate:
    def test_creates(self, staff_client, staff, data):
        response = staff_client.post(PROGRAMME_CREATE_URL, programme_post(data))
        created = EducationProgramme.objects.latest("pk")
        assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
        assert (created.institution, created.name, created.level) == (
            data["school"],
            "Insinööri (AMK), konetekniikka",
            "bachelor",
        )
        assert set(created.skill_areas.all()) == {data["welding"], data["software"]}
        assert (created.yearly_intake, created.yearly_graduates) == (40, 30)
        assert (created.trainee_places_sought, created.thesis_places_sought, created.active) == (35, 28, True)
        assert created.history.latest().history_user == staff

    def test_form_page_offers_schools_only(self, staff_client, data):
        response = staff_client.get(PROGRAMME_CREATE_URL)
        assert response.status_code == 200
        choices = [c for c, _ in response.context["form"].fields["institution"].choices if c]
        assert [c.value for c in choices] == [data["school"].pk]
        assert "<fieldset" in response.content.decode()  # the skill areas' checkboxes form a group

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("yearly_intake", "-1", "The number cannot be negative."),
            ("yearly_graduates", "20000", "More than 10000 is not plausible here; check the number."),
            ("trainee_places_sought", "-5", "The number cannot be negative."),
            ("skill_areas", [], "Choose at least one skill area."),
            ("name", "", "This field is required."),
            ("level", "any", "Select a valid choice. any is not one of the available choices."),
        ],
    )
    def test_bad_input_is_refused_next_to_the_field(self, staff_client, data, field, value, message):
        before = EducationProgramme.objects.count()
        response = staff_client.post(PROGRAMME_CREATE_URL, programme_post(data, **{field: value}))
        assert response.status_code == 400
        assert EducationProgramme.objects.count() == before
        assert response.context["form"].errors[field] == [message]
        assert 'role="alert"' in response.content.decode()

    def test_non_school_institution_is_refused(self, staff_client, data):
        response = staff_client.post(PROGRAMME_CREATE_URL, programme_post(data, institution=data["steel"].pk))
        assert response.status_code == 400
        assert response.context["form"].errors["institution"] == ["Choose an educational institution."]
        assert 'aria-describedby="id_institution_error"' in response.content.decode()
        assert not EducationProgramme.objects.filter(institution=data["steel"]).exists()

    def test_retired_skill_area_is_refused(self, staff_client, data):
        old = make_area("Typesetting", retired=True)
        response = staff_client.post(
            PROGRAMME_CREATE_URL, programme_post(data, skill_areas=[data["welding"].pk, old.pk])
        )
        assert response.status_code == 400
        assert response.context["form"].errors["skill_areas"] == [
            "The skill area “Typesetting” is retired; choose one in use."
        ]
        assert not EducationProgramme.objects.filter(name="Insinööri (AMK), konetekniikka").exists()


class TestProgrammeEdit:
    def url(self, programme_):
        return reverse("workforce:programme_edit", args=[programme_.pk])

    def test_edits(self, staff_client, data):
        engineering = data["engineering"]
        post = programme_post(data, name="Engineering 2.0", skill_areas=[data["software"].pk], active="")
        assert staff_client.post(self.url(engineering), post).status_code == 302
        engineering.refresh_from_db()
        assert engineering.name == "Engineering 2.0" and not engineering.active
        assert list(engineering.skill_areas.all()) == [data["software"]]

    def test_keeps_a_retired_area_it_had(self, staff_client, data):
        engineering = data["engineering"]
        data["welding"].retired = True
        data["welding"].save()
        form = staff_client.get(self.url(engineering)).context["form"]
        assert data["welding"] in form.fields["skill_areas"].queryset
        post = programme_post(data, yearly_graduates="12")
        assert staff_client.post(self.url(engineering), post).status_code == 302
        engineering.refresh_from_db()
        assert engineering.yearly_graduates == 12
        assert set(engineering.skill_areas.all()) == {data["welding"], data["software"]}

    def test_bad_input_saves_nothing(self, staff_client, data):
        engineering = data["engineering"]
        response = staff_client.post(self.url(engineering), programme_post(data, yearly_graduates="-2", skill_areas=[]))
        assert response.status_code == 400
        engineering.refresh_from_db()
        assert engineering.yearly_graduates == 10
        assert engineering.skill_areas.count() == 2
        assert response.context["heading"] == "Engineering"


class TestServicesRefuseOnTheirOwn:
    """The services re-check the forms' rules, so no other caller can slip past them."""

    def test_need_create(self, data):
        old = make_area("Typesetting", retired=True)
        with pytest.raises(ValidationError) as refused:
            need_create(company=data["bits"], skill_area=old, count=1, window="0-6")
        assert list(refused.value.message_dict) == ["skill_area"]
        with pytest.raises(ValidationError) as refused:
            need_create(company=data["bits"], skill_area=data["welding"], count=10_001, window="0-6")
        assert list(refused.value.message_dict) == ["count"]
        assert not WorkforceNeed.objects.filter(company=data["bits"], skill_area__in=[old, data["welding"]]).exists()

    def test_programme_create(self, data):
        with pytest.raises(ValidationError) as refused:
            programme_create(institution=data["steel"], name="X", level="bachelor", skill_areas=[data["welding"]])
        assert "Choose an educational institution." in refused.value.message_dict["institution"]
        with pytest.raises(ValidationError) as refused:
            programme_create(institution=data["school"], name="X", level="bachelor", skill_areas=[])
        assert refused.value.message_dict == {"skill_areas": ["Choose at least one skill area."]}
        assert not EducationProgramme.objects.filter(name="X").exists()

    def test_a_refusal_shows_next_to_its_field(self, staff_client, data, monkeypatch):
        # The area is retired between the form's check and the service's, as by a colleague in the admin.
        def retire_then_create(**kwargs):
            kwargs["skill_area"].retired = True
            return need_create(**kwargs)

        monkeypatch.setattr(views.services, "need_create", retire_then_create)
        response = staff_client.post(NEED_CREATE_URL, need_post(data))
        assert response.status_code == 400
        assert response.context["form"].errors["skill_area"] == [
            "The skill area “Welding” is retired; choose one in use."
        ]
        assert WorkforceNeed.objects.count() == 2
