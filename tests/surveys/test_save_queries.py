"""Saving a page costs the same number of queries whatever the number of its questions, and keeps every history row.

A company's first save of a page writes all of its answers; they are written together, with their history rows,
so a page of 25 questions saves in the queries of a page of 5 (issue 8: 24 queries on the village's page and 64 on
the region's before).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import services
from surveys.invitations import invitation_create
from surveys.models import Answer, Question, Response

from ..factories import ChoiceFactory, CompanyFactory, ContactFactory, QuestionFactory, SectionFactory, SurveyFactory
from .conftest import loaded_version, opened, page_url

pytestmark = pytest.mark.django_db

T = Question.Type
# The kinds of question a page mixes, with a valid posted value for each, cycled over the page.
KINDS = [T.SHORT_TEXT, T.INTEGER, T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.YES_NO]


def posted_values(kind, round_: int) -> object:
    """A valid answer of the kind; `round_` 1 and 2 give different answers, with "other" texts for the choices."""
    return {
        T.SHORT_TEXT: f"Answer {round_}",
        T.INTEGER: str(10 + round_),
        T.SINGLE_CHOICE: "__other__" if round_ == 1 else "a",
        T.MULTIPLE_CHOICE: ["a", "__other__"] if round_ == 1 else ["b", "__other__"],
        T.YES_NO: "yes" if round_ == 1 else "no",
    }[kind]


def add_page(survey, order: int, size: int) -> list[Question]:
    section = SectionFactory(survey=survey, order=order)
    questions = []
    for index in range(size):
        kind = KINDS[index % len(KINDS)]
        question = QuestionFactory(
            section=section, order=index, code=f"p{order}q{index}", type=kind, has_other=kind in Question.CHOICE_TYPES
        )
        if kind in Question.CHOICE_TYPES:
            ChoiceFactory(question=question, value="a", label="A")
            ChoiceFactory(question=question, value="b", label="B")
        questions.append(question)
    return questions


def page_data(questions, round_: int) -> dict:
    data = {}
    for question in questions:
        data[question.code] = posted_values(question.type, round_)
        if question.type in Question.CHOICE_TYPES:
            data[question.code + "__other"] = f"Other {round_}"
    return data


@pytest.fixture
def pages(db):
    """A survey of a page of 5 questions and a page of 25, and a browser of an invited company."""
    survey = SurveyFactory()
    small, large = add_page(survey, 1, 5), add_page(survey, 2, 25)
    company = CompanyFactory()
    _invitation, token = invitation_create(
        survey=survey, company=company, contacts=[ContactFactory(company=company, is_primary=True)]
    )
    return {1: small, 2: large}, opened(token), Response.objects.get(survey=survey, company=company)


def save_counted(client, number: int, data: dict) -> int:
    """The queries of one save POST of the page, loaded (GET, untimed) just before as a browser does."""
    version = loaded_version(client, number)
    with CaptureQueriesContext(connection) as queries:
        reply = client.post(page_url(number), {**data, "version": version, "action": "save"})
    assert reply.status_code == 302, reply.status_code
    return len(queries)


def stored(response, questions) -> dict:
    answers = {a.question_id: a for a in Answer.objects.filter(response=response, question__in=questions)}
    return {q.code: (answers[q.pk].value, answers[q.pk].other_text) if q.pk in answers else None for q in questions}


def history_types(response, questions) -> dict[str, list[str]]:
    """{question code: its answer's history types in order}."""
    codes = {q.pk: q.code for q in questions}
    types = {q.code: [] for q in questions}
    rows = Answer.history.filter(response=response, question__in=questions).order_by("history_date", "history_id")
    for row in rows:
        types[codes[row.question_id]].append(row.history_type)
    return types


def test_a_first_save_costs_the_same_queries_on_a_page_of_5_and_of_25_questions(pages):
    questions, client, response = pages
    # The survey's conditions are read by a worker's first save and kept: as they are for every save after it.
    services.conditional_questions(response.survey_id)
    first = {number: save_counted(client, number, page_data(questions[number], 1)) for number in (1, 2)}
    assert first[1] == first[2], first
    for number in (1, 2):
        expected = {
            q.code: (
                11 if q.type == T.INTEGER else posted_values(q.type, 1),
                "Other 1" if q.type in Question.CHOICE_TYPES else "",
            )
            for q in questions[number]
        }
        assert stored(response, questions[number]) == expected
        # One "created" history row per answer, as a one-by-one save writes, by nobody logged in.
        assert history_types(response, questions[number]) == {q.code: ["+"] for q in questions[number]}
    assert not Answer.history.filter(response=response).exclude(history_user=None).exists()


def test_a_second_save_that_changes_every_answer_costs_the_same_on_both_pages(pages):
    questions, client, response = pages
    for number in (1, 2):
        save_counted(client, number, page_data(questions[number], 1))
    before = {a.pk: a.updated_at for a in Answer.objects.filter(response=response)}
    second = {number: save_counted(client, number, page_data(questions[number], 2)) for number in (1, 2)}
    assert second[1] == second[2], second
    for number in (1, 2):
        assert stored(response, questions[number]) == {
            q.code: (
                12 if q.type == T.INTEGER else posted_values(q.type, 2),
                "Other 2" if q.type == T.MULTIPLE_CHOICE else "",
            )
            for q in questions[number]
        }
        assert history_types(response, questions[number]) == {q.code: ["+", "~"] for q in questions[number]}
    # The changed answers carry the time of their change, as a save() with auto_now gives them.
    assert all(a.updated_at > before[a.pk] for a in Answer.objects.filter(response=response))
    # The history rows hold the new values.
    latest = Answer.history.filter(response=response, history_type="~", question__code="p2q1").get()
    assert latest.value == 12


def test_a_save_that_empties_every_answer_costs_the_same_on_both_pages_and_keeps_their_deletion(pages):
    questions, client, response = pages
    for number in (1, 2):
        save_counted(client, number, page_data(questions[number], 1))
    emptied = {number: save_counted(client, number, {}) for number in (1, 2)}
    assert emptied[1] == emptied[2], emptied
    assert not Answer.objects.filter(response=response).exists()
    for number in (1, 2):
        assert history_types(response, questions[number]) == {q.code: ["+", "-"] for q in questions[number]}
    # A deletion's history row keeps the values deleted.
    deleted = Answer.history.filter(response=response, history_type="-", question__code="p2q0").get()
    assert (deleted.value, deleted.other_text) == ("Answer 1", "")


def test_an_unchanged_save_writes_no_answer_and_no_history(pages):
    questions, client, response = pages
    save_counted(client, 2, page_data(questions[2], 1))
    rows = Answer.history.filter(response=response).count()
    save_counted(client, 2, page_data(questions[2], 1))
    assert Answer.history.filter(response=response).count() == rows == 25


def test_a_saved_page_gives_its_form_filled_from_what_is_stored_when_asked(pages):
    questions, _client, response = pages
    section = questions[1][0].section
    data = {**page_data(questions[1], 1), "version": "0"}
    result = services.page_save(response=response, section=section, data=data)
    assert result.saved
    # Built when read (the view redirects without it): the stored answers, based on the new version.
    assert result.form["version"].value() == 1
    assert result.form["p1q0"].value() == "Answer 1"
    assert result.form["p1q2__other"].value() == "Other 1"
    assert not result.form.is_bound
