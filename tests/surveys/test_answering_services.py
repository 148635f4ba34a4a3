"""Services of answering: opening a link, saving a page, conditions, conflicts, the deadline, submitting."""

import datetime

import pytest
from django.core import mail
from django.http import QueryDict
from django.utils import timezone, translation

from surveys import services, tasks
from surveys.models import Answer, Invitation, OutgoingMail, PageState

from .conftest import PAGE_1, PAGE_2, PAGE_3

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def posted(data: dict, version: int = 0) -> QueryDict:
    """Data as a browser posts it."""
    query = QueryDict(mutable=True)
    for key, value in {**data, "version": str(version)}.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


def save(survey_response, number: int, data: dict, *, version=None, require_complete=False, now=None):
    section = survey_response.survey.sections.all()[number - 1]
    if version is None:
        version = (
            PageState.objects.filter(response=survey_response, section=section)
            .values_list("version", flat=True)
            .first()
            or 0
        )
    return services.page_save(
        response=survey_response,
        section=section,
        data=posted(data, version),
        require_complete=require_complete,
        now=now,
    )


def stored(survey_response) -> dict:
    return {a.question.code: (a.value, a.other_text) for a in survey_response.answers.select_related("question")}


class TestInvitationOpen:
    def test_a_live_token_opens_its_invitation_and_marks_it_opened(self, token, survey_response):
        invitation = services.invitation_open(token=token)
        assert invitation.response_id == survey_response.pk
        survey_response.refresh_from_db()
        assert survey_response.first_opened_at is not None
        assert Invitation.objects.get().last_opened_at is not None

    def test_the_first_opening_time_is_kept(self, token, survey_response):
        first = timezone.now() - datetime.timedelta(days=2)
        services.invitation_open(token=token, now=first)
        services.invitation_open(token=token)
        survey_response.refresh_from_db()
        assert survey_response.first_opened_at == first

    @pytest.mark.parametrize("bad", ["", "x", "A" * 43, "A" * 101, "../../etc/passwd", "ä" * 20])
    def test_unknown_and_malformed_tokens_open_nothing(self, token, bad):
        assert services.invitation_open(token=bad) is None

    def test_a_revoked_token_opens_nothing(self, token):
        Invitation.objects.update(revoked=True)
        assert services.invitation_open(token=token) is None


class TestPageSave:
    def test_saves_every_question_type_as_a_draft(self, survey_response):
        with translation.override("fi"):
            assert save(survey_response, 1, PAGE_1).status == "saved"
        assert save(survey_response, 2, PAGE_2).status == "saved"
        assert stored(survey_response) == {
            "contact_name": ("Aino Aalto", ""),
            "description": ("We write software for the mills.", ""),
            "employees": (12, ""),
            "revenue": ("1234.5", ""),
            "founded": ("2001-05-17", ""),
            "growth": ("yes", ""),
            "growth_how": ("Hire two coders", ""),
            "growth_area": ("digital", ""),
            "digital_detail": ("Machine vision", ""),
            "services": (["coworking", "__other__"], "Sauna evenings"),
            "satisfaction": (4, ""),
            "recommend": ("yes", ""),
        }
        survey_response.refresh_from_db()
        assert survey_response.last_saved_at is not None
        assert survey_response.status == "draft"

    def test_each_save_raises_the_page_version(self, survey_response):
        save(survey_response, 1, PAGE_1)
        save(survey_response, 1, {**PAGE_1, "employees": "13"})
        assert PageState.objects.get(response=survey_response, section__order=1).version == 2

    def test_an_emptied_answer_is_removed(self, survey_response):
        save(survey_response, 1, PAGE_1)
        save(survey_response, 1, {**PAGE_1, "description": ""})
        assert "description" not in stored(survey_response)

    def test_required_is_checked_only_when_moving_on(self, survey_response):
        assert save(survey_response, 1, {"description": "half"}).status == "saved"
        result = save(survey_response, 1, {"description": "half"}, require_complete=True)
        assert result.status == "invalid"
        assert set(result.form.errors) == {"contact_name", "employees"}

    def test_a_submitted_response_stays_complete(self, survey_response):
        survey_response.submitted_at = timezone.now()
        result = save(survey_response, 1, {**PAGE_1, "contact_name": ""})
        assert result.status == "invalid"
        assert "contact_name" in result.form.errors

    @pytest.mark.parametrize("employees", ["-1", "10001", "many", "1.5"])
    def test_numbers_out_of_range_or_not_numbers_are_invalid(self, survey_response, employees):
        result = save(survey_response, 1, {**PAGE_1, "employees": employees})
        assert result.status == "invalid"
        assert "employees" in result.form.errors
        assert stored(survey_response) == {}

    def test_other_text_is_required_when_other_is_picked(self, survey_response):
        result = save(survey_response, 2, {**PAGE_2, "services__other": " "})
        assert result.status == "invalid"
        assert "services__other" in result.form.errors

    def test_other_text_is_dropped_when_other_is_not_picked(self, survey_response):
        save(survey_response, 2, {**PAGE_2, "services": ["training"]})
        assert stored(survey_response)["services"] == (["training"], "")


class TestConditions:
    def test_a_hidden_question_is_not_required_and_not_kept(self, survey_response):
        data = {**PAGE_2, "growth": "no", "growth_how": "", "digital_detail": "typed before hiding"}
        result = save(survey_response, 2, data, require_complete=True)
        assert result.status == "saved"
        answers = stored(survey_response)
        assert answers["growth"] == ("no", "")
        assert {"growth_how", "growth_area", "digital_detail"}.isdisjoint(answers)

    def test_hiding_removes_answers_stored_earlier(self, survey_response):
        save(survey_response, 2, PAGE_2)
        save(survey_response, 2, {**PAGE_2, "growth": "no"})
        assert {"growth_how", "growth_area", "digital_detail"}.isdisjoint(stored(survey_response))

    def test_a_hidden_trigger_hides_its_own_dependants(self, survey_response):
        save(survey_response, 2, {**PAGE_2, "growth": "no", "growth_area": "digital", "digital_detail": "AI"})
        assert "digital_detail" not in stored(survey_response)

    def test_errors_of_a_hidden_question_do_not_block(self, survey_response):
        # The browser hid the question after something was typed in it.
        result = save(survey_response, 2, {**PAGE_2, "growth": "no", "growth_area": "no-such-choice"})
        assert result.status == "saved"

    def test_a_condition_on_an_earlier_page_hides_and_clears_a_later_answer(self, survey_response, questions):
        save(survey_response, 2, PAGE_2)
        save(survey_response, 3, PAGE_3)
        assert stored(survey_response)["partners"] == ("Lapin AMK", "")
        save(survey_response, 2, {**PAGE_2, "growth": "no"})
        assert "partners" not in stored(survey_response)
        assert Answer.history.filter(question=questions["partners"], history_type="-").exists()

    def test_a_later_question_counts_as_hidden_from_stored_answers(self, survey_response):
        save(survey_response, 2, {**PAGE_2, "growth": "no"})
        assert save(survey_response, 3, PAGE_3).status == "saved"
        assert "partners" not in stored(survey_response)


class TestConflicts:
    def test_a_stale_save_is_refused_with_what_differs(self, survey_response, questions):
        save(survey_response, 1, PAGE_1, version=0)
        mine = {**PAGE_1, "employees": "40", "description": "Ours"}
        result = save(survey_response, 1, mine, version=0)
        assert result.status == "conflict"
        assert {(q.code, theirs, yours) for q, theirs, yours in result.changes} == {
            ("employees", "12", "40"),
            ("description", "We write software for the mills.", "Ours"),
        }
        assert stored(survey_response)["employees"] == (12, "")
        # The returned form keeps the typed answers and is based on the current version.
        assert result.form["employees"].value() == "40"
        assert result.form["version"].value() == "1"

    def test_saving_again_after_a_conflict_overwrites_knowingly(self, survey_response):
        save(survey_response, 1, PAGE_1, version=0)
        mine = {**PAGE_1, "employees": "40"}
        conflict = save(survey_response, 1, mine, version=0)
        result = save(survey_response, 1, mine, version=int(conflict.form["version"].value()))
        assert result.status == "saved"
        assert stored(survey_response)["employees"] == (40, "")

    def test_a_stale_save_of_the_same_answers_is_no_conflict(self, survey_response):
        # A double click on Save posts the same page twice with the same version.
        assert save(survey_response, 1, PAGE_1, version=0).status == "saved"
        assert save(survey_response, 1, PAGE_1, version=0).status == "saved"

    def test_different_pages_never_conflict(self, survey_response):
        assert save(survey_response, 1, PAGE_1, version=0).status == "saved"
        assert save(survey_response, 2, PAGE_2, version=0).status == "saved"
        assert {"contact_name", "growth"} <= set(stored(survey_response))


class TestDeadline:
    def test_a_save_one_second_before_the_deadline_works(self, survey, survey_response):
        result = save(survey_response, 1, PAGE_1, now=survey.closes_at - SECOND)
        assert result.status == "saved"
        assert stored(survey_response)["employees"] == (12, "")

    def test_a_save_at_the_deadline_itself_still_works(self, survey, survey_response):
        assert save(survey_response, 1, PAGE_1, now=survey.closes_at).status == "saved"

    def test_a_save_one_second_after_the_deadline_is_refused_and_the_draft_unchanged(self, survey, survey_response):
        save(survey_response, 1, PAGE_1, now=survey.closes_at - SECOND)
        result = save(survey_response, 1, {**PAGE_1, "employees": "99"}, now=survey.closes_at + SECOND)
        assert result.status == "closed"
        assert stored(survey_response)["employees"] == (12, "")
        assert PageState.objects.get(response=survey_response, section__order=1).version == 1

    def test_nothing_is_saved_before_the_survey_opens(self, survey, survey_response):
        result = save(survey_response, 1, PAGE_1, now=survey.opens_at - SECOND)
        assert result.status == "not_open"
        assert stored(survey_response) == {}


class TestReading:
    def test_display_values_read_as_the_respondent_wrote_them(self, survey_response, questions):
        save(survey_response, 1, PAGE_1)
        save(survey_response, 2, PAGE_2)
        with translation.override("fi"):
            pages = services.answers_by_section(survey_response)
        shown = {row.question.code: row.display for page in pages for row in page.rows}
        assert shown["revenue"] == "1234,5"
        assert shown["founded"] == "17.5.2001"
        assert shown["services"].startswith("Coworking space, ")
        assert shown["services"].endswith("Sauna evenings")
        assert shown["growth"] == "Growth is planned"
        assert shown["satisfaction"] == "4"
        assert shown["partners"] == "–"
        assert [page.number for page in pages] == [1, 2, 3]

    def test_scale_ends_show_their_label(self, questions):
        assert services.display_value(questions["satisfaction"], 5) == "5 – Excellent"

    def test_hidden_questions_are_left_out_of_the_answers(self, survey_response):
        save(survey_response, 2, {**PAGE_2, "growth": "no"})
        codes = {row.question.code for page in services.answers_by_section(survey_response) for row in page.rows}
        assert "growth_how" not in codes and "partners" not in codes and "recommend" in codes

    def test_answered_sections(self, survey, survey_response):
        save(survey_response, 2, PAGE_2)
        assert services.answered_section_ids(survey_response) == {survey.sections.get(order=2).pk}

    def test_the_first_incomplete_section_skips_hidden_required_questions(self, survey, survey_response):
        assert services.first_incomplete_section(survey_response) == survey.sections.get(order=1)
        save(survey_response, 1, PAGE_1)
        save(survey_response, 2, {**PAGE_2, "growth": "yes", "growth_how": ""})
        assert services.first_incomplete_section(survey_response) == survey.sections.get(order=2)
        save(survey_response, 2, {**PAGE_2, "growth": "no", "growth_how": ""})
        assert services.first_incomplete_section(survey_response) is None


class TestSubmit:
    def test_submits_once_and_enqueues_one_confirmation(self, survey_response, django_capture_on_commit_callbacks):
        save(survey_response, 1, PAGE_1)
        save(survey_response, 2, PAGE_2)
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.response_submit(response=survey_response).status == "submitted"
            first = survey_response.submitted_at
            assert services.response_submit(response=survey_response).status == "already"
        assert len(callbacks) == 1
        survey_response.refresh_from_db()
        assert survey_response.submitted_at == first
        assert survey_response.history.filter(submitted_at__isnull=False).count() == 1
        # The confirmation is owed in the submit's own transaction, once.
        owed = OutgoingMail.objects.get()
        assert (owed.kind, owed.company, owed.done_at) == ("confirmation", survey_response.company, None)

    def test_the_confirmation_task_mails_the_invited_contact(self, survey_response, contact):
        survey_response.submitted_at = timezone.now()
        survey_response.save()
        owed = OutgoingMail.objects.create(kind="confirmation", survey=survey_response.survey, company=contact.company)
        tasks.deliver_mail.apply(args=[owed.pk])
        assert [m.to for m in mail.outbox] == [["aino@koodari.example"]]
        owed.refresh_from_db()
        assert owed.done_at is not None

    def test_an_incomplete_response_names_the_page(self, survey, survey_response):
        save(survey_response, 1, PAGE_1)
        result = services.response_submit(response=survey_response)
        assert result.status == "incomplete"
        assert result.section == survey.sections.get(order=2)
        survey_response.refresh_from_db()
        assert survey_response.submitted_at is None

    def test_nothing_is_submitted_after_the_deadline(self, survey, survey_response):
        save(survey_response, 1, PAGE_1)
        save(survey_response, 2, PAGE_2)
        result = services.response_submit(response=survey_response, now=survey.closes_at + SECOND)
        assert result.status == "closed"
        survey_response.refresh_from_db()
        assert survey_response.submitted_at is None

    def test_nothing_is_submitted_before_the_survey_opens(self, survey, survey_response):
        result = services.response_submit(response=survey_response, now=survey.opens_at - SECOND)
        assert result.status == "not_open"
