"""The results page and its aggregation: figures per question, the filters, who may see whose words."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from companies.import_changes import companies_import
from companies.models import Company
from surveys.invitations import invitation_create
from surveys.models import OTHER_VALUE, Answer, Question, Response
from surveys.results import survey_results
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


@pytest.fixture(autouse=True)
def english():
    """Labels in English, the language they are written in."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff_en(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


@pytest.fixture
def viewer_en(viewer_client):
    viewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return viewer_client


def answer(survey, company, pages: dict, submit=True) -> Response:
    """Invite the company, save each page through the answering service as it would, and submit."""
    invitation, _token = invitation_create(survey=survey, company=company)
    for section, answers in pages.items():
        data = QueryDict(mutable=True)
        data["version"] = "0"
        for code, value in answers.items():
            data.setlist(code, value if isinstance(value, list) else [value])
        result = page_save(response=invitation.response, section=section, data=data)
        assert result.saved, result.form.errors
    if submit:
        assert response_submit(response=invitation.response).status == "submitted"
    return invitation.response


@pytest.fixture
def answered():
    """A survey with a question of each type, answered by three organisations and drafted by a fourth.

    Aalto (J, Kosmos), Borealis (C, Sampo) and Cetus (C, Sampo) submitted; Delta (J, Kosmos) has a draft.
    """
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo")
    survey = SurveyFactory(slug="village-2022")
    first = SectionFactory(survey=survey, order=1, title="Your business")
    second = SectionFactory(survey=survey, order=2, title="Your wishes")
    role = QuestionFactory(section=first, order=1, code="role", type="single_choice", has_other=True)
    ChoiceFactory(question=role, order=1, value="it", label="Software")
    ChoiceFactory(question=role, order=2, value="industry", label="Industry")
    needs = QuestionFactory(section=first, order=2, code="needs", type="multiple_choice", has_other=True)
    for order, (value, label) in enumerate([("space", "Space"), ("staff", "Staff"), ("network", "Network")]):
        ChoiceFactory(question=needs, order=order, value=value, label=label)
    QuestionFactory(section=first, order=3, code="satisfaction", type="scale", scale_min_label="Poor")
    QuestionFactory(section=first, order=4, code="employees", type="integer")
    QuestionFactory(section=first, order=5, code="turnover", type="decimal")
    QuestionFactory(section=first, order=6, code="growth", type="yes_no")
    QuestionFactory(section=first, order=7, code="founded", type="date")
    QuestionFactory(section=second, order=1, code="wishes", type="long_text")

    def company(name, letter, building):
        organisation = CompanyFactory(name=name, industry_section=letter, industry_code="")
        TenancyFactory(company=organisation, premises=PremisesFactory(building=building))
        return organisation

    aalto = company("Aalto Data Oy", "J", kosmos)
    borealis = company("Borealis Konepaja Oy", "C", sampo)
    cetus = company("Cetus Valimo Oy", "C", sampo)
    delta = company("Delta Koodi Oy", "J", kosmos)
    answer(survey, aalto, {
        first: {"role": "it", "needs": ["space", "staff"], "satisfaction": "4", "employees": "10",
                "turnover": "1.5", "growth": "yes", "founded": "2010-05-01"},
        second: {"wishes": "More parking"},
    })  # fmt: skip
    answer(survey, borealis, {
        first: {"role": OTHER_VALUE, "role__other": "Consulting", "needs": ["staff", OTHER_VALUE],
                "needs__other": "A sauna", "satisfaction": "5", "employees": "3", "turnover": "2.25",
                "growth": "no", "founded": "2001-01-15"},
        second: {"wishes": "A better café"},
    })  # fmt: skip
    answer(survey, cetus, {
        first: {"role": "industry", "needs": ["staff"], "satisfaction": "2", "employees": "40", "growth": "yes"},
    })  # fmt: skip
    answer(survey, delta, {
        first: {"role": "it", "satisfaction": "1", "employees": "100"}, second: {"wishes": "Draft wish"},
    }, submit=False)  # fmt: skip
    return {"survey": survey, "kosmos": kosmos, "sampo": sampo}


def by_code(results):
    return {result.question.code: result for result in results.questions}


def counts(result):
    return [(c.label, c.count, round(c.share, 1)) for c in result.counts]


class TestAggregation:
    def test_counts_submitted_responses_only_by_default(self, answered):
        results = survey_results(survey=answered["survey"], with_names=True)
        assert results.responses == 3
        assert [r.question.code for r in results.questions] == [
            "role", "needs", "satisfaction", "employees", "turnover", "growth", "founded", "wishes",
        ]  # fmt: skip

    def test_single_choice_counts_shares_and_other_texts(self, answered):
        role = by_code(survey_results(survey=answered["survey"], with_names=True))["role"]
        assert role.answered == 3
        assert counts(role) == [("Software", 1, 33.3), ("Industry", 1, 33.3), ("Other", 1, 33.3)]
        assert [(t.text, t.company) for t in role.other_texts] == [("Consulting", "Borealis Konepaja Oy")]

    def test_multiple_choice_shares_are_of_those_who_answered(self, answered):
        needs = by_code(survey_results(survey=answered["survey"], with_names=True))["needs"]
        assert needs.answered == 3
        assert counts(needs) == [("Space", 1, 33.3), ("Staff", 3, 100.0), ("Network", 0, 0.0), ("Other", 1, 33.3)]
        assert [t.text for t in needs.other_texts] == ["A sauna"]

    def test_scale_mean_and_distribution(self, answered):
        scale = by_code(survey_results(survey=answered["survey"], with_names=True))["satisfaction"]
        assert scale.answered == 3
        assert scale.mean == Decimal("3.67")
        assert [(c.label, c.count) for c in scale.counts] == [("1 – Poor", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 1)]

    def test_numbers_count_mean_min_max_median(self, answered):
        results = by_code(survey_results(survey=answered["survey"], with_names=True))
        employees, turnover = results["employees"].numbers, results["turnover"].numbers
        assert (employees.count, employees.mean, employees.minimum, employees.maximum, employees.median) == (
            3, Decimal("17.67"), 3, 40, 10,
        )  # fmt: skip
        assert (turnover.count, turnover.mean, turnover.minimum, turnover.maximum, turnover.median) == (
            2, Decimal("1.88"), Decimal("1.5"), Decimal("2.25"), Decimal("1.875"),
        )  # fmt: skip
        assert results["turnover"].answered == 2

    def test_yes_no_counts(self, answered):
        growth = by_code(survey_results(survey=answered["survey"], with_names=True))["growth"]
        assert counts(growth) == [("Yes", 2, 66.7), ("No", 1, 33.3)]

    def test_date_count_and_range(self, answered):
        founded = by_code(survey_results(survey=answered["survey"], with_names=True))["founded"]
        assert (founded.answered, founded.first_date, founded.last_date) == (
            2, datetime.date(2001, 1, 15), datetime.date(2010, 5, 1),
        )  # fmt: skip

    def test_free_texts_with_names_for_staff_and_without_for_others(self, answered):
        named = by_code(survey_results(survey=answered["survey"], with_names=True))["wishes"]
        anonymous = by_code(survey_results(survey=answered["survey"], with_names=False))["wishes"]
        assert [(t.text, t.company) for t in named.texts] == [
            ("More parking", "Aalto Data Oy"),
            ("A better café", "Borealis Konepaja Oy"),
        ]
        assert [(t.text, t.company) for t in anonymous.texts] == [("A better café", None), ("More parking", None)]

    def test_drafts_included_on_request(self, answered):
        results = survey_results(survey=answered["survey"], with_names=True, include_drafts=True)
        questions = by_code(results)
        assert results.responses == 4
        assert counts(questions["role"])[0] == ("Software", 2, 50.0)
        assert questions["satisfaction"].mean == Decimal("3.00")
        assert (questions["employees"].numbers.count, questions["employees"].numbers.median) == (4, 25)

    def test_filters_by_building_and_industry(self, answered):
        in_kosmos = survey_results(survey=answered["survey"], with_names=True, building=answered["kosmos"])
        manufacturing = survey_results(survey=answered["survey"], with_names=True, industry="C")
        both = survey_results(survey=answered["survey"], with_names=True, building=answered["kosmos"], industry="C")
        assert in_kosmos.responses == 1
        assert [(t.text, t.company) for t in by_code(in_kosmos)["wishes"].texts] == [("More parking", "Aalto Data Oy")]
        assert manufacturing.responses == 2
        assert by_code(manufacturing)["employees"].numbers.median == Decimal("21.5")
        assert both.responses == 0
        assert all(result.answered == 0 for result in both.questions)


class TestResultsPage:
    @staticmethod
    def url(survey):
        return reverse("surveys:results", args=[survey.slug])

    def test_shows_every_question_with_its_figures(self, staff_en, answered):
        response = staff_en.get(self.url(answered["survey"]))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Based on 3 submitted responses." in content
        assert "Your business" in content and "Your wishes" in content
        assert "3 answers" in content and "2 answers" in content
        assert "A better café" in content and "Consulting" in content
        assert 'class="progress-bar bar-100"' in content  # everyone who answered needs staff

    def test_staff_see_who_wrote_a_text(self, staff_en, answered):
        content = staff_en.get(self.url(answered["survey"])).content.decode()
        assert "Aalto Data Oy" in content and "Borealis Konepaja Oy" in content

    def test_viewers_see_texts_without_company_names(self, viewer_en, answered):
        response = viewer_en.get(self.url(answered["survey"]))
        content = response.content.decode()
        assert "More parking" in content and "A sauna" in content and "Consulting" in content
        assert "Aalto Data Oy" not in content and "Borealis Konepaja Oy" not in content
        texts = by_code(response.context["results"])["wishes"].texts
        assert [t.company for t in texts] == [None, None]

    def test_an_import_that_swaps_two_industries_shows_at_once_although_the_figures_are_cached(
        self, staff_en, answered
    ):
        # The same number of responses and the same latest save before and after: only the registry changes.
        url = self.url(answered["survey"])
        for _cached in range(2):  # the second read comes from the cache
            before = staff_en.get(url, {"industry": "C"}).content.decode()
            assert "Based on 2 submitted responses." in before and "More parking" not in before
        aalto, borealis = Company.objects.get(name="Aalto Data Oy"), Company.objects.get(name="Borealis Konepaja Oy")
        sheet = (
            f"name,business_id,industry\n{aalto.name},{aalto.business_id},C\n{borealis.name},{borealis.business_id},J\n"
        )
        imported = companies_import(uploaded=io.BytesIO(sheet.encode()), filename="toimialat.csv")
        assert (imported.errors, imported.updated) == ([], 2)
        after = staff_en.get(url, {"industry": "C"}).content.decode()
        assert "Based on 2 submitted responses." in after and "More parking" in after  # Aalto's wish

    def test_toggle_includes_drafts(self, viewer_en, answered):
        response = viewer_en.get(self.url(answered["survey"]), {"drafts": "on"})
        assert response.context["results"].responses == 4
        assert "Based on 4 responses, drafts included." in response.content.decode()

    def test_filters_by_building_and_industry(self, viewer_en, answered):
        response = viewer_en.get(self.url(answered["survey"]), {"building": "sampo", "industry": "C"})
        assert response.context["results"].responses == 2

    @pytest.mark.parametrize(
        ("query", "field"), [({"building": "nowhere"}, "building"), ({"industry": "Z"}, "industry")]
    )
    def test_invalid_filter_is_reported_next_to_the_field(self, viewer_en, answered, query, field):
        response = viewer_en.get(self.url(answered["survey"]), query)
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert response.context["results"] is None
        content = response.content.decode()
        assert 'role="alert"' in content
        assert f'id="id_{field}_error"' in content
        assert 'aria-invalid="true"' in content
        assert f'aria-describedby="id_{field}_error"' in content

    def test_unknown_survey_is_404(self, viewer_client):
        assert viewer_client.get(reverse("surveys:results", args=["nope"])).status_code == 404

    def test_needs_login(self, client, answered):
        response = client.get(self.url(answered["survey"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client, answered):
        assert outsider_client.get(self.url(answered["survey"])).status_code == 403

    def test_refuses_post(self, staff_client, answered):
        assert staff_client.post(self.url(answered["survey"])).status_code == 405

    @pytest.mark.parametrize(("companies", "questions"), [(50, 25), (500, 250)])
    def test_query_count_does_not_grow_with_companies_or_questions(
        self, staff_client, django_assert_num_queries, companies, questions
    ):
        survey, answers = big_survey(companies, questions)
        query = {"building": "kosmos", "industry": "J"}
        # session, user, the user's groups, the survey, the questions with their pages and their choices (the
        # filter's questions), the building of the filter, the count and latest save and submit of the responses
        # that count (the cache key), the buildings listed in the filter; when the cache holds no figures for that
        # key, also the responses' count, the values counted per question and the first texts of each question
        with django_assert_num_queries(12):
            response = staff_client.get(self.url(survey), query)
        # The same but the figures, read from the cache, and the questions with their choices, kept by the worker
        # while the survey's content is unchanged.
        with django_assert_num_queries(7):
            cached = staff_client.get(self.url(survey), query)
        # The same figures, apart from the page's per-request tokens (CSRF, CSP nonce) around them.
        assert cached.content.split(b'id="response-count"')[1] == response.content.split(b'id="response-count"')[1]
        results = response.context["results"]
        assert len(results.questions) == questions
        assert sum(result.answered for result in results.questions) == answers
        assert results.responses == companies
        texts = [r for r in results.questions if r.kind == "texts"]
        assert sum(r.text_total for r in texts) == sum(r.answered for r in texts)
        assert all(len(r.texts) <= 20 for r in texts)

    def test_an_edited_question_shows_at_once_though_the_worker_keeps_the_questions(self, staff_en, answered):
        survey = answered["survey"]
        question = Question.objects.get(section__survey=survey, code="role")
        before = staff_en.get(self.url(survey)).content.decode()
        assert "A question worded anew" not in before
        question.text_fi = question.text_sv = question.text_en = "A question worded anew"
        question.save()
        assert "A question worded anew" in staff_en.get(self.url(survey)).content.decode()


def big_survey(companies: int, questions: int) -> tuple[object, int]:
    """A survey with questions of every type, each company in Kosmos answering three; returns (survey, answers)."""
    survey = SurveyFactory()
    section = SectionFactory(survey=survey)
    kinds = ["short_text", "long_text", "integer", "decimal", "single_choice", "multiple_choice", "scale", "yes_no"]
    kinds.append("date")
    values = {
        "short_text": "text", "long_text": "longer text", "integer": 7, "decimal": "2.5", "single_choice": "a",
        "multiple_choice": ["a", "b"], "scale": 3, "yes_no": "yes", "date": "2022-10-01",
    }  # fmt: skip
    created = []
    for number in range(questions):
        kind = kinds[number % len(kinds)]
        question = QuestionFactory(section=section, type=kind, has_other=kind.endswith("choice"))
        if question.is_choice:
            ChoiceFactory(question=question, value="a")
            ChoiceFactory(question=question, value="b")
        created.append(question)
    premises = PremisesFactory(building=BuildingFactory(name="Kosmos", slug="kosmos"))
    rows = []
    for number, company in enumerate(CompanyFactory.create_batch(companies)):
        TenancyFactory(company=company, premises=premises)
        response = invitation_create(survey=survey, company=company)[0].response
        for question in (created[(number + step) % questions] for step in range(3)):
            rows.append(Answer(response=response, question=question, value=values[question.type]))
    Answer.objects.bulk_create(rows)
    Response.objects.filter(survey=survey).update(last_saved_at=timezone.now(), submitted_at=timezone.now())
    # Statistics for the planner, as autovacuum gives a live database soon after a bulk load: without them a busy
    # PostgreSQL 16 (the embedded server) once planned the filtered results query to run for minutes.
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE surveys_answer, surveys_response, surveys_question, companies_company, companies_tenancy, "
            "companies_premises"
        )
    return survey, len(rows)


class TestManyTexts:
    """A question answered by more organisations than the page lists shows the first texts and a link to all."""

    @pytest.fixture
    def many(self):
        survey = SurveyFactory(slug="many")
        section = SectionFactory(survey=survey, order=1, title="Wishes")
        QuestionFactory(section=section, order=1, code="wishes", type="long_text")
        QuestionFactory(section=section, order=2, code="size", type="integer")
        for number in range(25):
            company = CompanyFactory(name=f"Firm {number:02} Oy")
            answer(survey, company, {section: {"wishes": f"Wish {number:02}", "size": str(number)}})
        return survey

    def test_staff_see_the_first_twenty_texts_by_organisation_and_the_total(self, staff_en, many):
        response = staff_en.get(reverse("surveys:results", args=[many.slug]))
        wishes = by_code(response.context["results"])["wishes"]
        assert (wishes.answered, wishes.text_total) == (25, 25)
        assert [(t.text, t.company) for t in wishes.texts] == [(f"Wish {n:02}", f"Firm {n:02} Oy") for n in range(20)]
        content = response.content.decode()
        assert "Wish 19" in content and "Wish 20" not in content
        assert "Showing the first 20 of 25." in content
        assert "texts=all" in content

    def test_the_link_shows_every_text(self, viewer_en, many):
        response = viewer_en.get(reverse("surveys:results", args=[many.slug]), {"texts": "all"})
        wishes = by_code(response.context["results"])["wishes"]
        assert [t.text for t in wishes.texts] == [f"Wish {n:02}" for n in range(25)]
        assert "Wish 24" in response.content.decode()
        assert "Showing the first" not in response.content.decode()

    def test_a_new_answer_shows_at_once_although_the_figures_are_cached(self, viewer_en, many):
        url = reverse("surveys:results", args=[many.slug])
        before = by_code(viewer_en.get(url).context["results"])
        assert (before["size"].numbers.count, before["size"].numbers.maximum) == (25, 24)
        answer(many, CompanyFactory(name="Late Oy"), {many.sections.get(): {"wishes": "Late", "size": "99"}})
        after = viewer_en.get(url).context["results"]
        assert after.responses == 26
        assert (by_code(after)["size"].numbers.count, by_code(after)["size"].numbers.maximum) == (26, 99)
        assert by_code(after)["wishes"].text_total == 26
