"""Findings: the list with its filters, the detail page, and creating and editing a finding."""

import pytest
from django.urls import reverse

from tests.factories import (
    CompanyFactory,
    InterviewFactory,
    MeasureFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    ThemeFactory,
    WorkshopFactory,
)
from workshops.models import Finding
from workshops.services.plan import finding_create

LIST_URL = reverse("workshops:findings")
CREATE_URL = reverse("workshops:finding_create")


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings, which the fi catalogue may translate any day.
    settings.LANGUAGE_CODE = "en"


def _post_data(**overrides):
    # The form edits the text in each language side by side; `text` stands for the Finnish one.
    data = {"text_fi": "Yritykset tarvitsevat yhteisen laboratorion.", "kind": "need", "importance": "3"}
    if "text" in overrides:
        overrides["text_fi"] = overrides.pop("text")
    data.update(overrides)
    return data


@pytest.fixture
def finding(staff):
    theme = ThemeFactory(slug="t-lab", name="Labs")
    company = CompanyFactory(name="Lab User Oy")
    interview = InterviewFactory()
    interview.companies.add(company)
    workshop = WorkshopFactory(title="Circular economy workshop")
    survey = SurveyFactory(title="Village survey 2022")
    question = QuestionFactory(section=SectionFactory(survey=survey), code="lab_need", text="Do you need a lab?")
    return finding_create(
        text="A shared lab is missing.",
        kind="weakness",
        importance=3,
        themes=[theme],
        companies=[company],
        interviews=[interview],
        workshops=[workshop],
        questions=[question],
        user=staff,
    )


# The list ------------------------------------------------------------------


@pytest.mark.django_db
class TestFindingList:
    def test_viewer_sees_the_findings(self, viewer_client, finding):
        response = viewer_client.get(LIST_URL)
        assert response.status_code == 200
        assert "A shared lab is missing." in response.content.decode()
        assert "Add a finding" not in response.content.decode()  # viewers read only

    def test_staff_sees_the_add_button(self, staff_client, finding):
        assert "Add a finding" in staff_client.get(LIST_URL).content.decode()

    def test_needs_login(self, client):
        response = client.get(LIST_URL)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(LIST_URL).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(LIST_URL).status_code == 405

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"theme": "t-lab"}, {"lab"}),
            ({"kind": "weakness"}, {"lab"}),
            ({"kind": "wish"}, {"plain"}),
            ({"importance": "3"}, {"lab"}),
            ({"importance": "1"}, {"plain"}),
            ({"source": "interview"}, {"lab"}),
            ({"source": "workshop"}, {"lab"}),
            ({"source": "survey"}, {"lab", "survey-only"}),
            ({"q": "laboratorioita"}, {"survey-only"}),
        ],
    )
    def test_filters(self, viewer_client, finding, params, expected):
        plain = finding_create(text="Parking is scarce.", kind="wish", importance=1)
        survey_only = finding_create(
            text="Yhteinen laboratorio puuttuu.", kind="need", questions=list(finding.questions.all())
        )
        names = {finding.pk: "lab", plain.pk: "plain", survey_only.pk: "survey-only"}
        response = viewer_client.get(LIST_URL, params)
        assert response.status_code == 200
        assert {names[f.pk] for f in response.context["page"]} == expected

    def test_filter_by_company(self, viewer_client, finding):
        finding_create(text="Another.", kind="need")
        company = finding.companies.get()
        page = viewer_client.get(LIST_URL, {"company": company.pk}).context["page"]
        assert [f.pk for f in page] == [finding.pk]

    def test_unknown_filter_value_shows_an_error_not_a_crash(self, viewer_client, finding):
        response = viewer_client.get(LIST_URL, {"theme": "no-such-theme"})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()

    def test_query_count_does_not_grow_with_the_data(self, viewer_client, django_assert_num_queries):
        def add_findings(count):
            theme = ThemeFactory()
            for _ in range(count):
                found = finding_create(
                    text="Finding.", kind="need", themes=[theme, ThemeFactory()], companies=[CompanyFactory()]
                )
                MeasureFactory().findings.add(found)

        # session, user, the user's groups, the count, the theme and company filter options,
        # the page of findings (with company and measure counts), the findings' themes
        add_findings(3)
        with django_assert_num_queries(8):
            assert viewer_client.get(LIST_URL).status_code == 200
        add_findings(27)
        with django_assert_num_queries(8):
            response = viewer_client.get(LIST_URL)
        assert len(response.context["page"]) == 30


# The detail page -----------------------------------------------------------


@pytest.mark.django_db
class TestFindingDetail:
    def url(self, finding):
        return reverse("workshops:finding", args=[finding.pk])

    def test_shows_text_sources_and_measures(self, viewer_client, finding):
        measure = MeasureFactory(title="Open a shared lab", status="agreed")
        measure.findings.add(finding)
        interview, workshop = finding.interviews.get(), finding.workshops.get()
        html = viewer_client.get(self.url(finding)).content.decode()
        assert "A shared lab is missing." in html
        assert "weakness" in html and "3 – high" in html and "Labs" in html and "Lab User Oy" in html
        assert interview.get_absolute_url() in html
        assert workshop.get_absolute_url() in html and "Circular economy workshop" in html
        assert "lab_need: Do you need a lab?" in html
        assert measure.get_absolute_url() in html and "Open a shared lab" in html and "agreed" in html
        assert "no measure yet" not in html
        assert reverse("workshops:finding_edit", args=[finding.pk]) not in html  # viewer: no edit link

    def test_a_finding_no_measure_answers_says_so(self, staff_client, finding):
        html = staff_client.get(self.url(finding)).content.decode()
        assert "no measure yet" in html
        assert reverse("workshops:finding_edit", args=[finding.pk]) in html
        assert f"{reverse('workshops:measure_create')}?finding={finding.pk}" in html

    def test_text_is_escaped(self, viewer_client):
        found = finding_create(text='<script>alert("x")</script>', kind="need")
        html = viewer_client.get(self.url(found)).content.decode()
        assert '<script>alert("x")' not in html
        assert "&lt;script&gt;" in html

    def test_needs_login(self, client, finding):
        assert client.get(self.url(finding)).status_code == 302

    def test_refuses_outsiders(self, outsider_client, finding):
        assert outsider_client.get(self.url(finding)).status_code == 403

    def test_refuses_post(self, staff_client, finding):
        assert staff_client.post(self.url(finding)).status_code == 405

    def test_unknown_finding_is_404(self, viewer_client):
        assert viewer_client.get(reverse("workshops:finding", args=[999999])).status_code == 404


# Create --------------------------------------------------------------------


@pytest.mark.django_db
class TestFindingCreate:
    def test_staff_records_a_finding_with_its_sources(self, staff_client, staff):
        theme, company = ThemeFactory(), CompanyFactory()
        interview, workshop = InterviewFactory(), WorkshopFactory()
        question = QuestionFactory()
        data = _post_data(
            themes=[theme.pk],
            companies=[company.pk],
            interviews=[interview.pk],
            workshops=[workshop.pk],
            questions=[question.pk],
        )
        response = staff_client.post(CREATE_URL, data)
        finding = Finding.objects.get()
        assert response.status_code == 302
        assert response["Location"] == finding.get_absolute_url()
        assert (finding.text, finding.kind, finding.importance, finding.created_by) == (
            "Yritykset tarvitsevat yhteisen laboratorion.",
            "need",
            3,
            staff,
        )
        assert list(finding.themes.all()) == [theme]
        assert list(finding.companies.all()) == [company]
        assert list(finding.interviews.all()) == [interview]
        assert list(finding.workshops.all()) == [workshop]
        assert list(finding.questions.all()) == [question]
        assert finding.history.latest().history_user == staff

    def test_form_labels_survey_questions_with_the_survey(self, staff_client):
        survey = SurveyFactory(title="Kysely 2022")
        QuestionFactory(section=SectionFactory(survey=survey), code="kasvu", text="Aiotteko kasvaa?")
        html = staff_client.get(CREATE_URL).content.decode()
        assert "Kysely 2022 – kasvu: Aiotteko kasvaa?" in html

    def test_prefills_the_interview_its_themes_and_companies(self, staff_client):
        theme, company = ThemeFactory(), CompanyFactory()
        interview = InterviewFactory()
        interview.themes.add(theme)
        interview.companies.add(company)
        response = staff_client.get(CREATE_URL, {"interview": interview.pk})
        assert response.status_code == 200
        form = response.context["form"]
        assert form["interviews"].value() == [interview.pk]
        assert form["themes"].value() == [theme.pk]
        assert form["companies"].value() == [company.pk]
        assert str(interview) in response.content.decode()

    def test_prefills_the_workshop_and_its_invited_organisations(self, staff_client):
        company = CompanyFactory()
        workshop = WorkshopFactory()
        workshop.invited_companies.add(company)
        form = staff_client.get(CREATE_URL, {"workshop": workshop.pk}).context["form"]
        assert form["workshops"].value() == [workshop.pk]
        assert form["companies"].value() == [company.pk]

    def test_unknown_prefill_is_ignored(self, staff_client):
        response = staff_client.get(CREATE_URL, {"interview": "999999"})
        assert response.status_code == 200
        assert not response.context["form"]["interviews"].value()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            (_post_data(text=""), "text_fi"),
            (_post_data(text="   "), "text_fi"),
            (_post_data(importance="4"), "importance"),
            (_post_data(importance="0"), "importance"),
            (_post_data(kind="rumour"), "kind"),
            (_post_data(interviews=["999999"]), "interviews"),
        ],
    )
    def test_invalid_input_saves_nothing(self, staff_client, data, field):
        response = staff_client.post(CREATE_URL, data)
        assert response.status_code == 400
        assert Finding.objects.count() == 0
        assert response.context["form"].errors[field]
        html = response.content.decode()
        assert 'role="alert"' in html
        assert f'id="id_{field}_error"' in html or f'id="div_id_{field}"' in html

    def test_typed_text_is_kept_after_an_error(self, staff_client):
        html = staff_client.post(CREATE_URL, _post_data(importance="4")).content.decode()
        assert "Yritykset tarvitsevat yhteisen laboratorion." in html

    def test_empty_text_error_is_next_to_the_field(self, staff_client):
        html = staff_client.post(CREATE_URL, _post_data(text="")).content.decode()
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="id_text_fi_error"' in html
        assert 'id="id_text_fi_error"' in html

    def test_empty_post_shows_the_missing_fields(self, staff_client):
        response = staff_client.post(CREATE_URL, {})
        assert response.status_code == 400
        assert set(response.context["form"].errors) >= {"text_fi", "kind", "importance"}

    def test_viewer_cannot_create(self, viewer_client):
        assert viewer_client.get(CREATE_URL).status_code == 403
        assert viewer_client.post(CREATE_URL, _post_data()).status_code == 403
        assert Finding.objects.count() == 0

    def test_anonymous_is_sent_to_login(self, client):
        response = client.post(CREATE_URL, _post_data())
        assert response.status_code == 302
        assert Finding.objects.count() == 0

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.post(CREATE_URL, _post_data()).status_code == 403
        assert Finding.objects.count() == 0

    def test_refuses_other_methods(self, staff_client):
        assert staff_client.put(CREATE_URL).status_code == 405
        assert staff_client.delete(CREATE_URL).status_code == 405


# Edit ----------------------------------------------------------------------


@pytest.mark.django_db
class TestFindingEdit:
    def url(self, finding):
        return reverse("workshops:finding_edit", args=[finding.pk])

    def test_staff_changes_a_finding(self, staff_client, staff, finding):
        new_theme = ThemeFactory()
        response = staff_client.post(
            self.url(finding), _post_data(text="Edited.", kind="threat", importance="1", themes=[new_theme.pk])
        )
        assert response.status_code == 302
        finding.refresh_from_db()
        assert (finding.text, finding.kind, finding.importance) == ("Edited.", "threat", 1)
        assert list(finding.themes.all()) == [new_theme]
        assert finding.interviews.count() == 0  # sources not posted are cleared, as the form showed them
        assert finding.history.latest().history_user == staff

    def test_form_shows_the_stored_values(self, staff_client, finding):
        form = staff_client.get(self.url(finding)).context["form"]
        assert form["text_fi"].value() == "A shared lab is missing."
        assert form["interviews"].value() == [finding.interviews.get().pk]

    def test_importance_four_saves_nothing(self, staff_client, finding):
        response = staff_client.post(self.url(finding), _post_data(text="Changed", importance="4"))
        assert response.status_code == 400
        finding.refresh_from_db()
        assert (finding.text, finding.importance) == ("A shared lab is missing.", 3)

    def test_empty_text_saves_nothing(self, staff_client, finding):
        assert staff_client.post(self.url(finding), _post_data(text="")).status_code == 400
        finding.refresh_from_db()
        assert finding.text == "A shared lab is missing."

    def test_viewer_cannot_edit(self, viewer_client, finding):
        assert viewer_client.get(self.url(finding)).status_code == 403
        assert viewer_client.post(self.url(finding), _post_data(text="Hacked")).status_code == 403
        finding.refresh_from_db()
        assert finding.text == "A shared lab is missing."

    def test_outsider_and_anonymous_cannot_edit(self, outsider_client, client, finding):
        assert outsider_client.post(self.url(finding), _post_data(text="Hacked")).status_code == 403
        assert client.post(self.url(finding), _post_data(text="Hacked")).status_code == 302
        finding.refresh_from_db()
        assert finding.text == "A shared lab is missing."

    def test_refuses_other_methods(self, staff_client, finding):
        assert staff_client.delete(self.url(finding)).status_code == 405

    def test_unknown_finding_is_404(self, staff_client):
        assert staff_client.get(reverse("workshops:finding_edit", args=[999999])).status_code == 404
