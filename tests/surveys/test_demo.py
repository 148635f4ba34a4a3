"""The demo survey and its demo answers: complete in three languages, valid, and loaded only once."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from companies.models import Company
from surveys import demo
from surveys.models import OTHER_VALUE, Answer, Choice, Invitation, PageState, Question, Response, Section, Survey
from surveys.services import (
    display_value,
    first_incomplete_section,
    page_save,
    response_submit,
    section_questions,
    stored_values,
)
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
LANGUAGES = ("fi", "sv", "en")


@pytest.fixture
def loaded(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    return Survey.objects.get(slug=demo.SLUG)


def _counts():
    models = (Survey, Section, Question, Choice, Invitation, Response, Answer, PageState)
    return [model.objects.count() for model in models] + [Response.objects.filter(submitted_at__isnull=False).count()]


def _texts(obj, field):
    return [getattr(obj, f"{field}_{language}") or "" for language in LANGUAGES]


def test_load_demo_builds_the_survey_in_three_languages(loaded):
    sections = list(loaded.sections.order_by("order"))
    questions = list(Question.objects.filter(section__survey=loaded).select_related("section"))
    assert [s.order for s in sections] == [1, 2, 3, 4, 5]
    assert 22 <= len(questions) <= 28
    assert {q.type for q in questions} == set(Question.Type.values)
    assert 3 <= sum(q.required for q in questions) <= 8
    assert len({q.code for q in questions}) == len(questions)

    for field in ("title", "introduction", "thank_you_text"):
        assert all(_texts(loaded, field)), field
    for section in sections:
        assert all(_texts(section, "title")) and all(_texts(section, "description"))
    for question in questions:
        question.full_clean()
        assert all(_texts(question, "text")), question.code
        for field in ("help_text", "scale_min_label", "scale_max_label"):
            filled = [bool(text) for text in _texts(question, field)]
            assert all(filled) or not any(filled), (question.code, field)
        if question.type == Question.Type.SCALE:
            assert all(_texts(question, "scale_min_label")) and all(_texts(question, "scale_max_label"))
        assert (question.choices.count() >= 2) == question.is_choice, question.code
    for choice in Choice.objects.filter(question__section__survey=loaded):
        assert all(_texts(choice, "label")), choice.value

    satisfaction = Question.objects.get(section__survey=loaded, code="services_satisfaction")
    assert (satisfaction.scale_min_label_en, satisfaction.scale_max_label_en) == ("Very dissatisfied", "Very satisfied")
    with translation.override("sv"):
        assert loaded.title == loaded.title_sv
        assert satisfaction.text == satisfaction.text_sv


def test_load_demo_prints_the_survey_counts(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    survey = Survey.objects.get(slug=demo.SLUG)
    submitted = survey.responses.filter(submitted_at__isnull=False).count()
    drafts = survey.responses.filter(submitted_at__isnull=True, last_saved_at__isnull=False).count()
    invited = survey.responses.count()
    assert f"Demo survey: 28 questions, {invited} invited, {submitted} submitted, {drafts} drafts." in out.getvalue()
    assert "Demo registry: " in out.getvalue()


def test_conditional_questions_follow_earlier_single_choice_questions():
    loaded = demo.load_survey()
    dependent = Question.objects.filter(section__survey=loaded, shown_if_choice__isnull=False).select_related(
        "section", "shown_if_choice__question__section"
    )
    conditions = {q.code: (q.shown_if_choice.question.code, q.shown_if_choice.value) for q in dependent}
    assert conditions == {
        "premises_needed": ("premises_plan", "grow"),
        "circular_side_streams_kind": ("circular_side_streams", "yes"),
    }
    for question in dependent:
        trigger = question.shown_if_choice.question
        assert trigger.type == Question.Type.SINGLE_CHOICE
        assert (trigger.section.order, trigger.order) < (question.section.order, question.order)
    side_streams = Question.objects.get(section__survey=loaded, code="circular_side_streams")
    assert list(side_streams.choices.values_list("value", flat=True)) == ["yes", "no"]


def test_demo_survey_is_open_now_and_closes_on_31_october_at_23_59_in_helsinki(loaded):
    assert loaded.is_open(timezone.now())
    closes = timezone.localtime(loaded.closes_at, HELSINKI)
    assert (closes.month, closes.day, closes.hour, closes.minute) == (10, 31, 23, 59)
    today = timezone.localdate(timezone.now(), HELSINKI)
    assert closes.date() - today <= datetime.timedelta(days=366)
    assert loaded.reminder_days == [7, 2]


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (datetime.datetime(2024, 3, 1, 12, 0, tzinfo=HELSINKI), 2024),
        (datetime.datetime(2024, 10, 30, 23, 59, tzinfo=HELSINKI), 2024),
        (datetime.datetime(2024, 10, 31, 0, 30, tzinfo=HELSINKI), 2025),
        # 22:30 UTC on 30 October is already 31 October in Helsinki.
        (datetime.datetime(2024, 10, 30, 22, 30, tzinfo=datetime.UTC), 2025),
        (datetime.datetime(2024, 12, 15, 9, 0, tzinfo=HELSINKI), 2025),
    ],
)
def test_deadline_is_the_next_31_october(now, year):
    assert demo.deadline_after(now) == datetime.datetime(year, 10, 31, 23, 59, tzinfo=HELSINKI)


def test_load_survey_opens_at_now_and_keeps_its_dates_when_run_later():
    now = datetime.datetime(2024, 9, 2, 8, 0, tzinfo=HELSINKI)
    survey = demo.load_survey(now=now)
    assert survey.opens_at == now
    assert survey.closes_at == datetime.datetime(2024, 10, 31, 23, 59, tzinfo=HELSINKI)

    demo.load_survey(now=now + datetime.timedelta(days=100))
    survey.refresh_from_db()
    assert (survey.opens_at, survey.closes_at) == (now, datetime.datetime(2024, 10, 31, 23, 59, tzinfo=HELSINKI))


def test_running_load_demo_twice_changes_nothing(loaded):
    first = _counts()
    closes_at = loaded.closes_at
    call_command("load_demo")
    assert _counts() == first
    assert Survey.objects.get(slug=demo.SLUG).closes_at == closes_at


def test_load_survey_keeps_staff_edits_and_only_adds_what_is_missing():
    survey = demo.load_survey()
    question = Question.objects.get(section__survey=survey, code="premises_plan")
    question.text_fi = "Muuttuuko tilatarpeenne?"
    question.save()
    Survey.objects.filter(pk=survey.pk).update(title_fi="Oma otsikko")
    question.choices.filter(value="dont_know").delete()
    Question.objects.filter(section__survey=survey, code="final_comment").delete()
    questions = Question.objects.filter(section__survey=survey).count()

    demo.load_survey()

    question.refresh_from_db()
    assert question.text_fi == "Muuttuuko tilatarpeenne?"
    assert Survey.objects.get(pk=survey.pk).title_fi == "Oma otsikko"
    assert question.choices.filter(value="dont_know", label_sv="Kan inte säga").exists()
    assert Question.objects.filter(section__survey=survey).count() == questions + 1
    assert Survey.objects.count() == 1


def test_demo_invites_about_60_percent_of_the_companies_but_not_the_organiser(loaded):
    companies = Company.objects.filter(kind=Company.Kind.COMPANY).exclude(name=demo.ORGANISER_NAME)
    invited = Response.objects.filter(survey=loaded, invitations__isnull=False).distinct()
    assert invited.count() == round(companies.count() * 0.6)
    assert not Response.objects.filter(company__name=demo.ORGANISER_NAME).exists()
    assert not invited.exclude(company__kind=Company.Kind.COMPANY).exists()
    assert not Invitation.objects.filter(survey=loaded, sent_at__isnull=True).exists()

    answered = invited.filter(last_saved_at__isnull=False)
    assert answered.count() == invited.count() // 2
    submitted = invited.filter(submitted_at__isnull=False)
    assert 0 < submitted.count() < answered.count()
    assert not invited.filter(last_saved_at__isnull=True, answers__isnull=False).exists()


def test_demo_answers_are_complete_when_submitted_and_valid_everywhere(loaded):
    submitted = Response.objects.filter(survey=loaded, submitted_at__isnull=False)
    drafts = Response.objects.filter(survey=loaded, submitted_at__isnull=True, last_saved_at__isnull=False)
    assert submitted.exists() and drafts.exists()
    for response in submitted:
        assert first_incomplete_section(response) is None
    for response in drafts:
        assert first_incomplete_section(response) is not None

    for answer in Answer.objects.filter(response__survey=loaded).select_related("question"):
        question = answer.question
        if question.is_choice:
            values = answer.value if isinstance(answer.value, list) else [answer.value]
            allowed = set(question.choices.values_list("value", flat=True)) | {OTHER_VALUE}
            assert set(values) <= allowed, (question.code, values)
            assert bool(answer.other_text) == (OTHER_VALUE in values)
        elif question.type == Question.Type.SCALE:
            assert answer.value in range(1, 6)
        elif question.type in Question.NUMBER_TYPES:
            assert question.min_value <= answer.number <= question.max_value
        elif question.type == Question.Type.DATE:
            assert datetime.date.fromisoformat(answer.value) > timezone.localdate()

    # Conditional questions are answered only when their condition holds.
    for code, trigger_code, value in [
        ("premises_needed", "premises_plan", "grow"),
        ("circular_side_streams_kind", "circular_side_streams", "yes"),
    ]:
        for answer in Answer.objects.filter(response__survey=loaded, question__code=code):
            trigger = Answer.objects.get(response=answer.response, question__code=trigger_code)
            assert trigger.value == value


def test_a_demo_draft_can_be_continued_and_submitted(loaded):
    response = Response.objects.filter(survey=loaded, submitted_at__isnull=True, last_saved_at__isnull=False).first()
    sections = {s.order: s for s in loaded.sections.all()}
    assert response_submit(response=response).status == "incomplete"
    fill = {
        2: {"growth_turnover_outlook": "4"},
        3: {"services_satisfaction": "3"},
        4: {"circular_side_streams": "yes", "circular_side_streams_kind": "Purua"},
        5: {"work_recruitment_need": "2"},
    }
    for order, data in fill.items():
        state = PageState.objects.filter(response=response, section=sections[order]).first()
        version = state.version if state else 0
        result = page_save(response=response, section=sections[order], data={**data, "version": str(version)})
        assert result.status == "saved", result.form.errors

    assert first_incomplete_section(response) is None
    assert response_submit(response=response).status == "submitted"
    response.refresh_from_db()
    assert response.is_submitted


def test_demo_answers_read_in_the_respondents_language(loaded):
    answer = (
        Answer.objects.filter(response__survey=loaded, question__code="org_employees")
        .select_related("question")
        .first()
    )
    question = next(q for q in section_questions(answer.question.section) if q.pk == answer.question_id)
    assert stored_values(answer.response)[question.pk] == answer.value
    with translation.override("sv"):
        assert display_value(question, answer.value) == question.choices.get(value=answer.value).label_sv
    with translation.override("fi"):
        assert display_value(question, answer.value).endswith("henkilöä")


def test_demo_responses_skip_companies_that_already_have_a_response(loaded):
    kept, removed = Response.objects.filter(survey=loaded, answers__isnull=True).select_related("company")[:2]
    Invitation.objects.filter(response__in=[kept, removed]).delete()
    removed.delete()
    answers = Answer.objects.count()

    demo.load_demo_responses(loaded)

    # A company that has a response (here one without an invitation) is left alone; the other is invited again.
    assert not Invitation.objects.filter(company=kept.company).exists()
    assert Invitation.objects.filter(company=removed.company).count() == 1
    assert Response.objects.filter(survey=loaded).count() == round(
        Company.objects.filter(kind=Company.Kind.COMPANY).exclude(name=demo.ORGANISER_NAME).count() * 0.6
    )
    assert Answer.objects.count() >= answers


def test_demo_responses_are_not_made_for_a_closed_survey():
    CompanyFactory.create_batch(5, kind=Company.Kind.COMPANY)
    survey = demo.load_survey(now=timezone.now() - datetime.timedelta(days=400))
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(days=1))
    survey.refresh_from_db()
    counts = demo.load_demo_responses(survey)
    assert counts["invited"] == counts["submitted"] == 0
    assert not Response.objects.exists()


def test_demo_responses_are_made_for_companies_of_the_village_only():
    CompanyFactory.create_batch(10, kind=Company.Kind.COMPANY)
    CompanyFactory.create_batch(3, kind=Company.Kind.EDUCATION)
    CompanyFactory(name=demo.ORGANISER_NAME, kind=Company.Kind.COMPANY)
    survey = demo.load_survey()
    counts = demo.load_demo_responses(survey)
    assert counts["invited"] == 6
    assert counts["submitted"] == 2
    assert counts["drafts"] == 1
    assert not Response.objects.exclude(company__kind=Company.Kind.COMPANY).exists()
    assert not Response.objects.filter(company__name=demo.ORGANISER_NAME).exists()
