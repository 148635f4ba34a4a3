"""Results that answer questions: the filter by an answer, the cross-table of two choice questions, and the rule that
hides groups of fewer than five organisations from viewers."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from surveys.crosstab import cross_table
from surveys.models import Question
from surveys.results import filtered_responses, survey_questions, survey_results

from ..factories import ChoiceFactory, CompanyFactory, QuestionFactory, SectionFactory, SurveyFactory
from .test_results import answer

pytestmark = pytest.mark.django_db
T = Question.Type


@pytest.fixture(autouse=True)
def english():
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


# (size, plan, needs) of each organisation, by hand: six small, three large and one small that skipped the plan.
ANSWERS = {
    "A1": ("small", "grow", ["space", "staff"]),
    "A2": ("small", "grow", ["space", "staff"]),
    "A3": ("small", "grow", ["space"]),
    "A4": ("small", "same", ["space", "staff"]),
    "A5": ("small", "same", ["network"]),
    "A6": ("small", "shrink", ["network"]),
    "B1": ("large", "grow", ["space"]),
    "B2": ("large", "grow", ["network"]),
    "B3": ("large", "same", None),
    "C1": ("small", None, None),
}


@pytest.fixture
def village():
    survey = SurveyFactory(slug="village-2022")
    section = SectionFactory(survey=survey, order=1, title="Business")
    size = QuestionFactory(section=section, order=1, code="size", type=T.SINGLE_CHOICE, text="Size?")
    ChoiceFactory(question=size, order=1, value="small", label="Small")
    ChoiceFactory(question=size, order=2, value="large", label="Large")
    plan = QuestionFactory(section=section, order=2, code="plan", type=T.SINGLE_CHOICE, text="Premises plan?")
    for order, (value, label) in enumerate([("grow", "Need more space"), ("same", "Same"), ("shrink", "Less")]):
        ChoiceFactory(question=plan, order=order, value=value, label=label)
    needs = QuestionFactory(
        section=section, order=3, code="needs", type=T.MULTIPLE_CHOICE, text="Needs?", has_other=True
    )
    for order, (value, label) in enumerate([("space", "Space"), ("staff", "Staff"), ("network", "Network")]):
        ChoiceFactory(question=needs, order=order, value=value, label=label)
    wish = QuestionFactory(section=section, order=4, code="wish", type=T.SHORT_TEXT, text="Wish?")
    for name, (size_value, plan_value, needs_value) in ANSWERS.items():
        page = {"size": size_value, "wish": f"Wish of {name}"}
        if plan_value:
            page["plan"] = plan_value
        if needs_value:
            page["needs"] = needs_value
        answer(survey, CompanyFactory(name=f"{name} Oy"), {section: page})
    return {"survey": survey, "size": size, "plan": plan, "needs": needs, "wish": wish}


def figures(row) -> list:
    return [(cell.count, round(cell.share, 1)) for cell in row.cells]


class TestCrossTable:
    def test_counts_and_row_percentages_on_hand_made_data(self, village):
        responses = filtered_responses(survey=village["survey"])
        table = cross_table(responses=responses, rows=village["size"], columns=village["plan"], hide_small=False)
        assert table.columns == ["Need more space", "Same", "Less"]
        assert [(row.label, row.total) for row in table.rows] == [("Small", 6), ("Large", 3)]
        assert figures(table.rows[0]) == [(3, 50.0), (2, 33.3), (1, 16.7)]
        assert figures(table.rows[1]) == [(2, 66.7), (1, 33.3), (0, 0.0)]
        assert (table.total.total, figures(table.total)) == (9, [(5, 55.6), (3, 33.3), (1, 11.1)])
        assert table.answered_both == 9  # C1 skipped the plan

    def test_a_multiple_choice_row_counts_each_option_it_holds(self, village):
        responses = filtered_responses(survey=village["survey"])
        table = cross_table(responses=responses, rows=village["needs"], columns=village["size"], hide_small=False)
        rows = {row.label: (row.total, figures(row)) for row in table.rows}
        assert rows == {
            "Space": (5, [(4, 80.0), (1, 20.0)]),
            "Staff": (3, [(3, 100.0), (0, 0.0)]),
            "Network": (3, [(2, 66.7), (1, 33.3)]),
            "Other": (0, [(0, 0.0), (0, 0.0)]),
        }
        assert table.total.total == 8

    def test_rows_of_fewer_than_five_are_hidden_when_asked(self, village):
        responses = filtered_responses(survey=village["survey"])
        table = cross_table(responses=responses, rows=village["needs"], columns=village["size"], hide_small=True)
        assert [(row.label, row.hidden, row.cells != []) for row in table.rows] == [
            ("Space", False, True), ("Staff", True, False), ("Network", True, False), ("Other", False, True),
        ]  # fmt: skip

    def test_one_query_given_the_questions_as_the_page_reads_them(self, village, django_assert_num_queries):
        questions = {question.code: question for question in survey_questions(village["survey"])}
        responses = filtered_responses(survey=village["survey"])
        with django_assert_num_queries(1):
            cross_table(responses=responses, rows=questions["size"], columns=questions["needs"], hide_small=False)


class TestFilterByAnswer:
    def test_a_multiple_choice_option(self, village):
        results = survey_results(survey=village["survey"], with_names=True, answer=(village["needs"], "space"))
        assert results.responses == 5
        size = next(r for r in results.questions if r.question.code == "size")
        assert [(c.label, c.count) for c in size.counts] == [("Small", 4), ("Large", 1)]

    def test_a_single_choice_option(self, village):
        results = survey_results(survey=village["survey"], with_names=True, answer=(village["plan"], "grow"))
        assert results.responses == 5

    def test_with_a_cross_table_on_the_page(self, staff_en, village):
        url = reverse("surveys:results", args=["village-2022"])
        query = {"question": village["needs"].pk, "option": "space", "rows": village["size"].pk}
        response = staff_en.get(url, {**query, "columns": village["plan"].pk})
        content = response.content.decode()
        assert response.status_code == 200
        assert "Among those who answered “Space” to needs Needs?" in content
        assert "Based on 5 submitted responses." in content
        assert 'id="cross-table"' in content
        # Small: A1–A4 (grow, grow, grow, same); large: B1 (grow).
        assert '3 <span class="text-muted">(75 %)</span>' in content
        assert '1 <span class="text-muted">(100 %)</span>' in content
        assert "portal-chart" in content  # the plan is a single choice: its shares are drawn too
        assert f'<option value="{village["needs"].pk}" selected>' in content


class TestSmallGroupsForViewers:
    url = staticmethod(lambda: reverse("surveys:results", args=["village-2022"]))

    def test_a_filter_that_leaves_fewer_than_five_shows_no_figures_to_viewers(self, viewer_en, village):
        response = viewer_en.get(self.url(), {"question": village["needs"].pk, "option": "staff"})
        content = response.content.decode()
        assert "Fewer than 5 organisations match these filters" in content
        assert "Wish of A1" not in content and "Small" not in content.split('id="response-count"')[1]

    def test_staff_see_the_same_small_group(self, staff_en, village):
        response = staff_en.get(self.url(), {"question": village["needs"].pk, "option": "staff"})
        content = response.content.decode()
        assert "Based on 3 submitted responses." in content
        assert "Wish of A1" in content

    def test_viewers_see_a_group_of_five(self, viewer_en, village):
        response = viewer_en.get(self.url(), {"question": village["needs"].pk, "option": "space"})
        assert "Based on 5 submitted responses." in response.content.decode()

    def test_cross_table_rows_under_five_hidden_from_viewers_not_from_staff(self, viewer_en, staff_en, village):
        query = {"rows": village["size"].pk, "columns": village["plan"].pk}
        seen = viewer_en.get(self.url(), query).content.decode()
        assert seen.count("fewer than 5 organisations: not shown") == 1  # the large ones
        assert '2 <span class="text-muted">(67 %)</span>' not in seen
        assert '3 <span class="text-muted">(50 %)</span>' in seen
        cache.clear()
        staff = staff_en.get(self.url(), query).content.decode()
        assert "fewer than 5 organisations" not in staff
        assert '2 <span class="text-muted">(67 %)</span>' in staff


class TestBadFilters:
    url = staticmethod(lambda: reverse("surveys:results", args=["village-2022"]))

    def cases(self, village):
        other = QuestionFactory(section=SectionFactory(), type=T.SINGLE_CHOICE)
        return [
            ({"question": "999999", "option": "space"}, "question"),
            ({"question": other.pk, "option": "space"}, "question"),  # of another survey
            ({"question": village["wish"].pk, "option": "x"}, "question"),  # a text question
            ({"question": "abc"}, "question"),
            ({"question": village["needs"].pk, "option": "grow"}, "option"),  # an option of another question
            ({"question": village["needs"].pk}, "option"),
            ({"option": "space"}, "question"),
            ({"rows": village["size"].pk}, "columns"),
            ({"columns": village["size"].pk}, "rows"),
            ({"rows": village["size"].pk, "columns": village["size"].pk}, "columns"),
            ({"rows": village["wish"].pk, "columns": village["size"].pk}, "rows"),
        ]

    def test_each_is_reported_next_to_its_field(self, viewer_en, village):
        for query, field in self.cases(village):
            response = viewer_en.get(self.url(), query)
            assert response.status_code == 200, query
            assert list(response.context["form"].errors) == [field], query
            content = response.content.decode()
            assert f'id="id_{field}_error"' in content, query
            assert 'id="response-count"' not in content, query

    def test_new_filters_have_cache_entries_of_their_own_and_junk_none(self, viewer_en, village):
        query = {"question": village["needs"].pk, "option": "space"}
        viewer_en.get(self.url(), query)
        keys = set(cache.keys("*survey-results*"))
        viewer_en.get(self.url(), {**query, "junk": "x", "option__x": "1"})
        assert set(cache.keys("*survey-results*")) == keys
        viewer_en.get(self.url(), {**query, "rows": village["size"].pk, "columns": village["plan"].pk})
        assert len(set(cache.keys("*survey-results*")) - keys) == 1
