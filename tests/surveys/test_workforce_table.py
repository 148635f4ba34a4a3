"""The workforce needs table question: drawn, filled row by row, validated per row, saved as a draft, read back."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from surveys import exports, results
from surveys.forms import SectionForm
from surveys.invitations import invitation_create
from surveys.models import Answer, PageState, Question, Response
from workforce.models import SkillArea, WorkforceNeed
from workforce.question import MAX_TABLE_ROWS

from ..factories import CompanyFactory, QuestionFactory, SectionFactory, SurveyFactory
from .conftest import opened, page_url, post_page

pytestmark = pytest.mark.django_db

T = Question.Type
SUMMARY = reverse("surveys:summary")
SUBMIT = reverse("surveys:submit")


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings; the fi catalogue may translate them any day.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def areas():
    """Two skill areas in use and a retired one, after the seeded ones."""

    def area(slug, name, order, **fields):
        return SkillArea.objects.create(slug=slug, name_fi=name, name_sv=name, name_en=name, order=order, **fields)

    return {
        "welding": area("tt-welding", "Welding work", 901),
        "software": area("tt-software", "Software work", 902),
        "typing": area("tt-typing", "Typewriter repair", 903, retired=True),
    }


def build_table_survey():
    """Page 1: a name and the table; page 2: a free text. The table is not required."""
    survey = SurveyFactory(title="Needs survey")
    first = SectionFactory(survey=survey, order=1, title="Your needs")
    second = SectionFactory(survey=survey, order=2, title="Anything else")
    QuestionFactory(section=first, order=1, code="contact_name", type=T.SHORT_TEXT, text="Your name?")
    QuestionFactory(
        section=first,
        order=2,
        code="needs",
        type=T.WORKFORCE_TABLE,
        text="Which people do you need?",
        help_text="One row for each need.",
    )
    QuestionFactory(section=second, order=1, code="wish", type=T.LONG_TEXT, text="Anything else?")
    return survey


@pytest.fixture
def table_survey(areas):
    return build_table_survey()


@pytest.fixture
def company():
    return CompanyFactory(name="Hitsaamo Oy")


@pytest.fixture
def table_token(table_survey, company):
    _invitation, raw = invitation_create(survey=table_survey, company=company)
    return raw


@pytest.fixture
def table_response(table_token, table_survey, company):
    return Response.objects.get(survey=table_survey, company=company)


@pytest.fixture
def client(table_token):
    return opened(table_token)


def row(skill_area="tt-welding", role="Welder", count="3", window="0-6", level="vocational", kind="permanent") -> dict:
    return {"skill_area": skill_area, "role": role, "count": count, "window": window, "level": level, "kind": kind}


def table(*rows: dict, code: str = "needs") -> dict:
    """The posted cells of a table, as the browser sends them."""
    data = {f"{code}-rows": str(len(rows))}
    for index, cells in enumerate(rows):
        data.update({f"{code}-{index}-{column}": value for column, value in cells.items()})
    return data


def stored_rows(survey_response) -> list | None:
    answer = Answer.objects.filter(response=survey_response, question__code="needs").first()
    return answer.value if answer else None


def saved(area, role, count, window, level="vocational", kind="permanent") -> dict:
    return {"skill_area": area, "role": role, "count": count, "window": window, "level": level, "kind": kind}


def cell_value(content: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', content)
    return match.group(1) if match else None


def selected(content: str, name: str) -> str | None:
    """The selected option of a select, or None."""
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', content, re.S)
    if not match:
        return None
    option = re.search(r'<option value="([^"]*)" selected>', match.group(1))
    return option.group(1) if option else None


def rows_count(content: str) -> str | None:
    match = re.search(r'name="needs-rows" value="(\d+)"', content)
    return match.group(1) if match else None


class TestDrawing:
    def test_an_empty_table_has_one_blank_row_and_the_parts_a_screen_reader_needs(self, client):
        reply = client.get(page_url(1))
        assert reply.status_code == 200
        content = reply.content.decode()
        assert rows_count(content) == "1"
        assert "<caption" in content and "Which people do you need?" in content
        assert content.count('<th scope="col">') == 7
        for column in ("Skill area", "Role or job title", "Number of people", "When", "Education level", "Kind of job"):
            assert re.search(
                rf'<label class="visually-hidden" for="[^"]+">{column}, row <span data-row-number="">1</span>', content
            ), column
        assert 'Remove row <span data-row-number="">1</span>' in content
        assert 'name="action" value="add_row:needs"' in content
        # The row that JavaScript copies, with placeholders it fills in.
        assert "<template data-row-template>" in content and 'name="needs-__index__-count"' in content
        # The help text describes the table; the first cell carries the question's own id.
        assert re.search(r'<table[^>]*aria-describedby="id_needs_help"', content)
        assert 'id="id_needs_help"' in content and 'name="needs-0-skill_area" id="id_needs"' in content

    def test_offers_the_skill_areas_in_use_but_not_the_retired_ones(self, client):
        content = client.get(page_url(1)).content.decode()
        assert '<option value="tt-welding">Welding work</option>' in content
        assert "tt-typing" not in content
        # A blank row starts with the defaults of level and kind.
        assert selected(content, "needs-0-level") == "any"
        assert selected(content, "needs-0-kind") == "permanent"
        assert selected(content, "needs-0-window") is None


class TestSaving:
    def test_saves_the_rows_as_a_draft_answer(self, client, table_response):
        data = {
            "contact_name": "Aino",
            **table(row(), row("tt-software", " Coder ", "12", "6-12", "bachelor", "trainee")),
        }
        reply = post_page(client, 1, data)
        assert reply.status_code == 302
        assert stored_rows(table_response) == [
            saved("tt-welding", "Welder", 3, "0-6"),
            saved("tt-software", "Coder", 12, "6-12", "bachelor", "trainee"),
        ]
        table_response.refresh_from_db()
        assert table_response.last_saved_at is not None and not table_response.is_submitted
        assert not WorkforceNeed.objects.exists()  # a draft makes no needs

    def test_blank_rows_are_left_out_and_an_empty_table_is_no_answer(self, client, table_response):
        blank = row("", "", "", "", "any", "permanent")
        post_page(client, 1, table(row(), blank, row(count="1 000")))
        assert stored_rows(table_response) == [
            saved("tt-welding", "Welder", 3, "0-6"),
            saved("tt-welding", "Welder", 1000, "0-6"),
        ]

        post_page(client, 1, table(blank, row("", "", "", "", "", "")))
        assert stored_rows(table_response) is None

    def test_the_stored_rows_come_back_into_the_form_with_a_blank_row_after_them(self, client):
        post_page(client, 1, table(row(), row("tt-software", "Coder", "12", "12-36", "master", "thesis")))
        content = client.get(page_url(1)).content.decode()
        assert rows_count(content) == "3"
        assert selected(content, "needs-0-skill_area") == "tt-welding"
        assert cell_value(content, "needs-0-role") == "Welder"
        assert cell_value(content, "needs-0-count") == "3"
        assert selected(content, "needs-1-skill_area") == "tt-software"
        assert selected(content, "needs-1-window") == "12-36"
        assert selected(content, "needs-1-level") == "master"
        assert selected(content, "needs-1-kind") == "thesis"
        assert cell_value(content, "needs-2-role") == "" and selected(content, "needs-2-skill_area") is None

    def test_add_a_row_without_javascript_saves_and_comes_back_with_a_new_blank_row(self, client, table_response):
        reply = post_page(client, 1, table(row()), action="add_row:needs")
        assert reply.status_code == 302
        assert reply.url == page_url(1)
        assert stored_rows(table_response) == [saved("tt-welding", "Welder", 3, "0-6")]
        content = client.get(page_url(1)).content.decode()
        assert rows_count(content) == "2"
        assert selected(content, "needs-1-skill_area") is None

    def test_a_removed_row_is_gone_after_saving(self, client, table_response):
        post_page(client, 1, table(row(role="A"), row(role="B"), row(role="C")))
        # The script removed the middle row and renumbered the rest.
        post_page(client, 1, table(row(role="A"), row(role="C")))
        assert [r["role"] for r in stored_rows(table_response)] == ["A", "C"]
        # Without the script, emptying a row removes it.
        post_page(client, 1, table(row("", "", "", "", "any", "permanent"), row(role="C")))
        assert [r["role"] for r in stored_rows(table_response)] == ["C"]

    def test_posting_the_page_without_the_table_clears_it_like_any_other_field(self, client, table_response):
        post_page(client, 1, table(row()))
        post_page(client, 1, {"contact_name": "Aino"})
        assert stored_rows(table_response) is None

    def test_a_colleagues_newer_rows_are_not_overwritten_silently(self, client, table_token, table_response):
        colleague = opened(table_token)
        version = client.get(page_url(1)).context["form"]["version"].value()
        assert post_page(colleague, 1, table(row(count="5"))).status_code == 302
        reply = post_page(client, 1, table(row(count="7")), version=str(version))
        assert reply.status_code == 409
        assert stored_rows(table_response)[0]["count"] == 5
        content = reply.content.decode()
        assert cell_value(content, "needs-0-count") == "7"
        assert "Welding work: 5 (within 6 months)" in content and "Welding work: 7 (within 6 months)" in content


class TestValidation:
    @pytest.mark.parametrize(
        ("cells", "column", "problem"),
        [
            ({"skill_area": ""}, "skill_area", "Choose a skill area."),
            ({"skill_area": "tt-typing"}, "skill_area", "This skill area is no longer in use; choose another."),
            ({"skill_area": "no-such-area"}, "skill_area", "Choose a skill area from the list."),
            ({"count": "0"}, "count", "Give the number of people as a whole number from 1 to 10000."),
            ({"count": "20000"}, "count", "Give the number of people as a whole number from 1 to 10000."),
            ({"count": "-2"}, "count", "Give the number of people as a whole number from 1 to 10000."),
            ({"count": "two"}, "count", "Give the number of people as a whole number from 1 to 10000."),
            ({"count": ""}, "count", "Give the number of people."),
            ({"window": ""}, "window", "Choose when the people are needed."),
            ({"window": "tomorrow"}, "window", "Choose when the people are needed."),
            ({"level": "doctor"}, "level", "Choose an education level from the list."),
            ({"kind": "volunteer"}, "kind", "Choose a kind of job from the list."),
            ({"role": "x" * 201}, "role", "The role can be at most 200 characters."),
        ],
    )
    def test_an_invalid_row_is_refused_with_its_number_next_to_the_cell(
        self, client, table_response, cells, column, problem
    ):
        post_page(client, 1, table(row(role="Kept")))
        before = PageState.objects.get(response=table_response).version
        bad = row(**{"role": "Typed role", "count": "4", **cells})
        reply = post_page(client, 1, {"contact_name": "Aino", **table(row(role="Kept"), bad)})

        assert reply.status_code == 400
        content = reply.content.decode()
        # Next to the cell, with the row number, and the cell marked invalid and described by it.
        message = f'Row <span data-row-number="">2</span>: {problem}'
        assert re.search(
            rf'<div class="invalid-feedback d-block" id="(id_needs)_problem">{re.escape(message)}</div>', content
        )
        assert re.search(
            rf'name="needs-1-{column}" id="id_needs"[^>]*aria-invalid="true" aria-describedby="id_needs_problem"',
            content,
        )
        # In the summary at the top, which links to that cell.
        assert f'<a href="#id_needs" class="alert-link">Which people do you need?: Row 2: {problem}</a>' in content
        # Nothing saved; what was typed is still there.
        assert stored_rows(table_response) == [saved("tt-welding", "Kept", 3, "0-6")]
        assert PageState.objects.get(response=table_response).version == before
        assert not Answer.objects.filter(response=table_response, question__code="contact_name").exists()
        assert cell_value(content, "needs-0-role") == "Kept"
        if column != "role":
            assert cell_value(content, "needs-1-role") == "Typed role"
        if column not in ("count",):
            assert cell_value(content, "needs-1-count") == "4"
        assert cell_value(content, "contact_name") == "Aino"

    def test_every_bad_row_is_named_and_the_first_bad_cell_takes_the_summary_link(self, client, table_response):
        reply = post_page(client, 1, table(row(), row(skill_area="", count="0"), row(window="")))
        assert reply.status_code == 400
        errors = [message for _target, message in reply.context["errors"]]
        assert errors == [
            "Which people do you need?: Row 2: Choose a skill area.",
            "Which people do you need?: Row 2: Give the number of people as a whole number from 1 to 10000.",
            "Which people do you need?: Row 3: Choose when the people are needed.",
        ]
        content = reply.content.decode()
        assert 'name="needs-1-skill_area" id="id_needs"' in content
        assert 'name="needs-1-count" id="id_needs-1-count"' in content
        assert 'id="id_needs-2-window_problem"' in content
        assert stored_rows(table_response) is None

    def test_a_stored_row_whose_skill_area_was_retired_shows_it_and_asks_for_another(
        self, client, table_response, areas
    ):
        post_page(client, 1, table(row(skill_area="tt-software")))
        SkillArea.objects.filter(pk=areas["software"].pk).update(retired=True)
        content = client.get(page_url(1)).content.decode()
        assert '<option value="tt-software" selected>Software work (no longer in use)</option>' in content
        for language, note in (("fi", "ei enää käytössä"), ("sv", "används inte längre")):
            shown = client.get(page_url(1), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert f'<option value="tt-software" selected>Software work ({note})</option>' in shown
        reply = post_page(client, 1, table(row(skill_area="tt-software")))
        assert reply.status_code == 400
        assert "Row 1: This skill area is no longer in use; choose another." in str(reply.context["errors"])

    def test_too_many_rows_is_refused(self, client, table_response):
        reply = post_page(client, 1, table(*[row() for _n in range(MAX_TABLE_ROWS + 1)]))
        assert reply.status_code == 400
        assert f"The table can have at most {MAX_TABLE_ROWS} rows." in reply.content.decode()
        assert stored_rows(table_response) is None

    def test_a_required_table_must_have_a_row_to_move_on(self, client, table_response):
        Question.objects.filter(code="needs").update(required=True)
        reply = post_page(client, 1, table(row("", "", "", "", "any", "permanent")), action="next")
        assert reply.status_code == 400
        assert "Which people do you need?: This question is required." in str(reply.context["errors"])
        assert post_page(client, 1, table(row()), action="next").url == page_url(2)


class TestSubmitting:
    def test_submitted_rows_become_needs_and_later_edits_update_them(self, client, table_response, company, areas):
        post_page(client, 1, table(row(), row("tt-software", "Coder", "2", "6-12")), action="next")
        assert not WorkforceNeed.objects.exists()
        assert client.post(SUBMIT).status_code == 302

        needs = list(WorkforceNeed.objects.filter(company=company).order_by("survey_row"))
        assert [(n.skill_area_id, n.count, n.window, n.survey_row) for n in needs] == [
            (areas["welding"].pk, 3, "0-6", 0),
            (areas["software"].pk, 2, "6-12", 1),
        ]
        assert {(n.source, n.survey_response_id) for n in needs} == {("survey", table_response.pk)}

        def current():
            return list(WorkforceNeed.objects.filter(company=company).order_by("survey_row").values_list("pk", "count"))

        # The count of the first row changes: its need is updated in place.
        post_page(client, 1, table(row(count="8"), row("tt-software", "Coder", "2", "6-12")))
        assert current() == [(needs[0].pk, 8), (needs[1].pk, 2)]
        # The second row is removed: its need is deleted.
        post_page(client, 1, table(row(count="8")))
        assert current() == [(needs[0].pk, 8)]
        # A row is added: a need is created for it.
        post_page(client, 1, table(row(count="8"), row("tt-software", "Tester", "1", "12-36")))
        after = current()
        assert len(after) == 2 and after[0] == (needs[0].pk, 8) and after[1][0] not in {n.pk for n in needs}
        assert WorkforceNeed.objects.get(pk=after[1][0]).role == "Tester"

        # Submitting again, or saving the same rows again, duplicates nothing.
        client.post(SUBMIT)
        post_page(client, 1, table(row(count="8"), row("tt-software", "Tester", "1", "12-36")))
        assert current() == after

    def test_an_invalid_edit_after_submitting_leaves_the_needs_alone(self, client, company):
        post_page(client, 1, table(row()), action="next")
        client.post(SUBMIT)
        reply = post_page(client, 1, table(row(count="0")))
        assert reply.status_code == 400
        assert list(WorkforceNeed.objects.values_list("count", flat=True)) == [3]

    def test_the_summary_shows_the_rows_in_a_line(self, client):
        post_page(client, 1, table(row(), row("tt-software", "Coder", "2", "6-12")))
        content = client.get(SUMMARY).content.decode()
        assert "Welding work: 3 (within 6 months); Software work: 2 (6–12 months)" in content


class TestAccess:
    def test_needs_a_survey_session(self, table_response):
        assert Client().get(page_url(1)).status_code == 404
        assert Client().post(page_url(1), table(row())).status_code == 404
        assert stored_rows(table_response) is None

    def test_another_company_writes_only_its_own_rows(self, client, table_survey, table_response):
        other = CompanyFactory(name="Other Oy")
        _invitation, raw = invitation_create(survey=table_survey, company=other)
        post_page(client, 1, table(row(role="Ours")))
        post_page(opened(raw), 1, table(row(role="Theirs")))
        theirs = Response.objects.get(survey=table_survey, company=other)
        assert stored_rows(table_response)[0]["role"] == "Ours"
        assert stored_rows(theirs)[0]["role"] == "Theirs"

    def test_refuses_the_wrong_method(self, client):
        assert client.put(page_url(1)).status_code == 405

    def test_each_company_sees_its_own_rows_and_a_renamed_skill_area_at_once(
        self, client, table_survey, table_response, areas
    ):
        # A worker keeps the table's markup it drew (surveys.markup): per answer and per list of skill areas.
        other = CompanyFactory(name="Other Oy")
        _invitation, raw = invitation_create(survey=table_survey, company=other)
        theirs = opened(raw)
        post_page(client, 1, table(row(role="Ours")))
        post_page(theirs, 1, table(row(role="Theirs", skill_area="tt-software")))
        for _round in range(2):
            mine, their_page = client.get(page_url(1)).content.decode(), theirs.get(page_url(1)).content.decode()
            assert cell_value(mine, "needs-0-role") == "Ours" and "Theirs" not in mine
            assert selected(mine, "needs-0-skill_area") == "tt-welding"
            assert cell_value(their_page, "needs-0-role") == "Theirs" and "Ours" not in their_page
            assert selected(their_page, "needs-0-skill_area") == "tt-software"
        welding = areas["welding"]
        welding.name_en = "Welding and cutting"
        welding.save()  # the registry of skill areas is not survey content: no content version moves
        again = client.get(page_url(1)).content.decode()
        assert '<option value="tt-welding" selected>Welding and cutting</option>' in again
        assert ">Welding work<" not in again


@pytest.mark.parametrize("row_count", [1, 10])
def test_the_page_query_count_does_not_grow_with_the_rows(client, table_response, django_assert_num_queries, row_count):
    post_page(client, 1, table(*[row(role=f"Role {n}") for n in range(row_count)]))
    assert len(stored_rows(table_response)) == row_count
    # session, the response with survey and company, the skill areas, the response's answers, the page's version
    # (the pages, the page's questions and choices were read by the save just before: kept by this worker)
    with django_assert_num_queries(5):
        reply = client.get(page_url(1))
    assert reply.status_code == 200
    assert rows_count(reply.content.decode()) == str(row_count + 1)


class TestForm:
    def test_a_page_without_a_table_reads_no_skill_areas(self, django_assert_num_queries, table_survey):
        questions = list(table_survey.sections.get(order=2).questions.prefetch_related("choices"))
        with django_assert_num_queries(0):
            SectionForm(initial={}, questions=questions)

    def test_two_tables_on_a_page_read_the_skill_areas_once(self, django_assert_num_queries, table_survey):
        section = table_survey.sections.get(order=1)
        QuestionFactory(section=section, order=3, code="more_needs", type=T.WORKFORCE_TABLE)
        questions = list(section.questions.prefetch_related("choices"))
        with django_assert_num_queries(1):
            form = SectionForm(
                table(row()) | table(row(count="2"), code="more_needs") | {"version": "0"}, questions=questions
            )
            assert form.is_valid(), form.errors
        assert form.cleaned_data["more_needs"][0]["count"] == 2


class TestReading:
    def test_results_count_rows_and_people_per_skill_area(self, client, table_survey, table_response):
        post_page(client, 1, table(row(count="3"), row("tt-software", "Coder", "1", "6-12"), row(count="4")))
        Response.objects.filter(pk=table_response.pk).update(submitted_at=table_response.survey.opens_at)
        result = next(
            r
            for r in results.survey_results(survey=table_survey, with_names=True).questions
            if r.question.code == "needs"
        )
        assert result.answered == 1
        assert [(n.label, n.rows, n.people) for n in result.needs] == [("Welding work", 2, 7), ("Software work", 1, 1)]
        assert [t.text for t in result.texts] == [
            "Welding work: 7 people (2 rows)",
            "Software work: 1 person (1 row)",
        ]

    def test_the_results_page_shows_the_table_question(self, staff_client, client, table_survey, table_response):
        post_page(client, 1, table(row()))
        Response.objects.filter(pk=table_response.pk).update(submitted_at=table_response.survey.opens_at)
        reply = staff_client.get(reverse("surveys:results", args=[table_survey.slug]))
        assert reply.status_code == 200
        assert "Welding work: 3 people (1 row)" in reply.content.decode()

    def test_the_export_has_the_rows_in_one_compact_cell(self, client, table_survey, table_response, areas):
        SkillArea.objects.filter(pk=areas["software"].pk).update(name_en="=cmd()", name_fi="=cmd()")
        post_page(client, 1, table(row("tt-software", "Coder", "2", "6-12"), row(count="3")))
        header, line = list(exports.export_rows(table_survey))
        assert line[header.index("needs")] == "=cmd(): 2 (6-12); Welding work: 3 (0-6)"
        # The file neutralises it where it is written: the cell starts like a formula.
        stream = io.StringIO(newline="")
        exports.write_csv(table_survey, stream, exports.ExportOptions(codes=True))
        header, line = list(csv.reader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))
        assert line[header.index("needs")] == "'=cmd(): 2 (6-12); Welding work: 3 (0-6)"
