"""Survey table rows becoming workforce needs: on submit, on every edit after it, never twice, never from a draft."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from surveys.models import Answer, PageState, Question, Response
from surveys.services import page_save, response_submit
from workforce.models import SkillArea, WorkforceNeed
from workforce.services import need_create
from workforce.survey import needs_sync_from_response, rows_text, skill_area_names

from ..factories import ChoiceFactory, CompanyFactory, QuestionFactory, ResponseFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db
T = Question.Type


def make_area(slug: str, name: str, order: int, **fields) -> SkillArea:
    return SkillArea.objects.create(slug=slug, name_fi=name, name_sv=name, name_en=name, order=order, **fields)


@pytest.fixture
def areas():
    return {
        "welding": make_area("tt-welding", "Welding work", 901),
        "software": make_area("tt-software", "Software work", 902),
    }


@pytest.fixture
def survey(areas):
    """One page with a trigger question and the table, shown only when the company is recruiting."""
    survey = SurveyFactory()
    page = SectionFactory(survey=survey, order=1)
    recruiting = QuestionFactory(section=page, order=1, code="recruiting", type=T.SINGLE_CHOICE)
    yes = ChoiceFactory(question=recruiting, value="yes")
    ChoiceFactory(question=recruiting, value="no")
    QuestionFactory(section=page, order=2, code="needs", type=T.WORKFORCE_TABLE, shown_if_choice=yes)
    return survey


@pytest.fixture
def company():
    return CompanyFactory(name="Hitsaamo Oy")


@pytest.fixture
def response(survey, company):
    return ResponseFactory(survey=survey, company=company)


def row(skill_area="tt-welding", count="3", window="0-6", role="Welder", level="any", kind="permanent") -> dict:
    return {"skill_area": skill_area, "role": role, "count": count, "window": window, "level": level, "kind": kind}


def posted(*rows: dict, code: str = "needs", **extra) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({"recruiting": "yes", f"{code}-rows": str(len(rows)), **extra})
    for index, cells in enumerate(rows):
        data.update({f"{code}-{index}-{column}": value for column, value in cells.items()})
    return data


def save(response: Response, *rows: dict, **extra):
    """Save the page as the respondent's browser does, based on the version stored now."""
    section = response.survey.sections.get()
    version = PageState.objects.filter(response=response, section=section).values_list("version", flat=True).first()
    data = posted(*rows, **extra)
    data["version"] = str(version or 0)
    return page_save(response=response, section=section, data=data)


def needs(response: Response) -> list[tuple]:
    return list(
        WorkforceNeed.objects.filter(survey_response=response)
        .order_by("survey_row")
        .values_list("survey_row", "skill_area__slug", "count", "window", "role")
    )


class TestOnSubmit:
    def test_a_draft_makes_no_needs(self, response):
        assert save(response, row(), row("tt-software", "2")).saved
        assert not WorkforceNeed.objects.exists()

    def test_submitting_turns_every_row_into_a_need_of_the_company(self, response, company, areas):
        save(response, row(), row("tt-software", "2", "12-36", "Coder", "bachelor", "trainee"))
        assert response_submit(response=response).status == "submitted"
        made = list(WorkforceNeed.objects.order_by("survey_row"))
        assert [(n.company, n.skill_area, n.count, n.window, n.role, n.level, n.kind) for n in made] == [
            (company, areas["welding"], 3, "0-6", "Welder", "any", "permanent"),
            (company, areas["software"], 2, "12-36", "Coder", "bachelor", "trainee"),
        ]
        assert {(n.source, n.survey_response_id) for n in made} == {("survey", response.pk)}
        assert [n.survey_row for n in made] == [0, 1]
        assert all(n.history.count() == 1 for n in made)

    def test_submitting_twice_makes_them_once(self, response):
        save(response, row())
        response_submit(response=response)
        assert response_submit(response=response).status == "already"
        assert needs(response) == [(0, "tt-welding", 3, "0-6", "Welder")]

    def test_an_incomplete_response_is_not_submitted_and_makes_no_needs(self, response, survey):
        QuestionFactory(section=survey.sections.get(), order=3, code="name", type=T.SHORT_TEXT, required=True)
        save(response, row())
        assert response_submit(response=response).status == "incomplete"
        assert not WorkforceNeed.objects.exists()

    def test_a_response_without_a_table_answer_makes_none(self, response):
        save(response, recruiting="no")
        response_submit(response=response)
        assert not WorkforceNeed.objects.exists()


class TestEditsAfterSubmit:
    @pytest.fixture
    def submitted(self, response):
        save(response, row(), row("tt-software", "2", "6-12", "Coder"))
        response_submit(response=response)
        return {n.survey_row: n.pk for n in WorkforceNeed.objects.all()}

    def test_a_changed_count_updates_the_need_in_place(self, response, submitted):
        assert save(response, row(count="9"), row("tt-software", "2", "6-12", "Coder")).saved
        assert needs(response) == [(0, "tt-welding", 9, "0-6", "Welder"), (1, "tt-software", 2, "6-12", "Coder")]
        assert {n.survey_row: n.pk for n in WorkforceNeed.objects.all()} == submitted
        assert WorkforceNeed.objects.get(pk=submitted[0]).history.count() == 2
        assert WorkforceNeed.objects.get(pk=submitted[1]).history.count() == 1  # untouched rows are not saved

    def test_a_removed_row_deletes_its_need(self, response, submitted):
        save(response, row())
        assert needs(response) == [(0, "tt-welding", 3, "0-6", "Welder")]
        assert WorkforceNeed.history.filter(id=submitted[1], history_type="-").exists()

    def test_an_added_row_creates_a_need(self, response, submitted):
        save(response, row(), row("tt-software", "2", "6-12", "Coder"), row("tt-welding", "1", "12-36", "Trainee"))
        assert [n[0] for n in needs(response)] == [0, 1, 2]
        assert WorkforceNeed.objects.get(survey_row=2).pk not in submitted.values()

    def test_an_emptied_table_deletes_every_need(self, response, submitted):
        save(response)
        assert not Answer.objects.filter(response=response, question__code="needs").exists()
        assert not WorkforceNeed.objects.exists()

    def test_hiding_the_table_deletes_its_needs(self, response, submitted):
        save(response, row(), recruiting="no")
        assert not WorkforceNeed.objects.exists()

    def test_saving_the_same_rows_again_changes_nothing(self, response, submitted):
        before = list(WorkforceNeed.objects.order_by("pk").values_list("pk", "updated_at"))
        save(response, row(), row("tt-software", "2", "6-12", "Coder"))
        assert list(WorkforceNeed.objects.order_by("pk").values_list("pk", "updated_at")) == before

    def test_a_refused_save_leaves_the_needs_alone(self, response, submitted):
        result = save(response, row(count="20000"))
        assert result.status == "invalid"
        assert len(needs(response)) == 2

    def test_a_save_after_the_deadline_leaves_the_needs_alone(self, response, survey, submitted):
        survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        survey.save()
        response.refresh_from_db()
        assert save(response, row(count="9")).status == "closed"
        assert [n[2] for n in needs(response)] == [3, 2]


class TestSync:
    def test_is_idempotent(self, response):
        save(response, row(), row("tt-software"))
        Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
        first = needs_sync_from_response(response=response)
        second = needs_sync_from_response(response=response)
        assert (first.created, first.updated, first.deleted) == (2, 0, 0)
        assert (second.created, second.updated, second.deleted, second.skipped) == (0, 0, 0, 0)
        assert WorkforceNeed.objects.count() == 2

    def test_leaves_staff_needs_and_other_responses_alone(self, response, survey, areas):
        staff_need = need_create(company=response.company, skill_area=areas["welding"], count=5, window="0-6")
        other = ResponseFactory(survey=survey, company=CompanyFactory())
        save(other, row(count="4"))
        needs_sync_from_response(response=other)
        save(response)  # no rows
        needs_sync_from_response(response=response)
        assert WorkforceNeed.objects.filter(pk=staff_need.pk, count=5, source="staff").exists()
        assert needs(other) == [(0, "tt-welding", 4, "0-6", "Welder")]

    def test_a_row_whose_skill_area_is_gone_is_skipped_and_its_need_kept(self, response, areas):
        save(response, row(), row("tt-software", "2"))
        needs_sync_from_response(response=response)
        answer = Answer.objects.get(response=response, question__code="needs")
        answer.value[1]["skill_area"] = "renamed-meanwhile"
        answer.value[0]["count"] = 6
        answer.save()
        result = needs_sync_from_response(response=response)
        assert (result.updated, result.skipped, result.deleted) == (1, 1, 0)
        assert needs(response) == [(0, "tt-welding", 6, "0-6", "Welder"), (1, "tt-software", 2, "0-6", "Welder")]

    def test_a_damaged_row_is_skipped_not_saved(self, response):
        save(response, row())
        answer = Answer.objects.get(response=response, question__code="needs")
        answer.value = [{**answer.value[0], "count": 20000}, {**answer.value[0], "window": "someday"}, "junk"]
        answer.save()
        result = needs_sync_from_response(response=response)
        assert (result.created, result.skipped) == (0, 2)
        assert not WorkforceNeed.objects.exists()

    def test_two_tables_number_their_rows_in_one_sequence(self, response, survey):
        page = survey.sections.get()
        QuestionFactory(section=page, order=3, code="more_needs", type=T.WORKFORCE_TABLE)
        data = posted(row(), row("tt-software", "2"))
        data.update(posted(row("tt-software", "7"), code="more_needs"))
        data["version"] = "0"
        assert page_save(response=response, section=page, data=data).saved
        needs_sync_from_response(response=response)
        assert [(n[0], n[2]) for n in needs(response)] == [(0, 3), (1, 2), (2, 7)]

    def test_the_database_refuses_a_second_need_for_the_same_row(self, response, areas):
        save(response, row())
        needs_sync_from_response(response=response)
        duplicate = WorkforceNeed(
            company=response.company,
            skill_area=areas["welding"],
            count=1,
            window="0-6",
            source="survey",
            survey_response=response,
            survey_row=0,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()


class TestReading:
    def test_rows_text_names_areas_and_windows(self, areas):
        value = [row(), row("tt-software", "2", "12-36"), row("unknown", "1")]
        names = skill_area_names()
        assert names["tt-welding"] == "Welding work"
        assert (
            rows_text(value, names)
            == "Welding work: 3 (within 6 months); Software work: 2 (1–3 years); unknown: 1 (within 6 months)"
        )
        assert rows_text(value, names, window_labels=False).startswith("Welding work: 3 (0-6); ")
        assert rows_text("not a list", names) == ""
