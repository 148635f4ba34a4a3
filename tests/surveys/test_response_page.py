"""One organisation's response for staff: reading, correcting a page, reopening, submitting on its behalf."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Question, Response, Survey

from ..factories import QuestionFactory, SurveyFactory
from ..workforce.helpers import make_area
from .conftest import PAGE_1, PAGE_2, PAGE_3, post_page

pytestmark = pytest.mark.django_db

REASON = "Korjattu puhelimessa 3.11."


def detail_url(survey_response: Response) -> str:
    return reverse("surveys:response", args=[survey_response.survey.slug, survey_response.pk])


def correct_url(survey_response: Response, number: int) -> str:
    return reverse("surveys:response_correct", args=[survey_response.survey.slug, survey_response.pk, number])


def status_url(name: str, survey_response: Response) -> str:
    return reverse(f"surveys:{name}", args=[survey_response.survey.slug, survey_response.pk])


PAGES = {1: PAGE_1, 2: PAGE_2, 3: PAGE_3}


@pytest.fixture
def answered(company_client, survey_response):
    """The company answered every page and submitted."""
    for number, data in PAGES.items():
        assert post_page(company_client, number, data, action="next").status_code == 302
    assert company_client.post(reverse("surveys:submit")).status_code == 302
    survey_response.refresh_from_db()
    assert survey_response.is_submitted
    return survey_response


def correct(client, survey_response: Response, number: int, changes: dict, reason: str = REASON, version=None):
    """Post a correction of one page as the staff page's form does: the page's answers with the changes."""
    url = correct_url(survey_response, number)
    if version is None:
        page = client.get(url)
        assert page.status_code == 200
        version = page.context["form"]["version"].value()
    data = {**PAGES[number], **changes, "version": version, "action": "save", "correction-reason": reason}
    return client.post(url, {name: value for name, value in data.items() if value is not None})


def stored(survey_response: Response, code: str):
    answer = Answer.objects.filter(response=survey_response, question__code=code).first()
    return answer.value if answer else None


class TestReading:
    def test_staff_read_every_answer_as_the_company_saw_it(self, staff_client, answered):
        staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        reply = staff_client.get(detail_url(answered))
        assert reply.status_code == 200
        content = reply.content.decode()
        for shown in ("Koodari Oy", "Growth is planned", "Coworking space, Other: Sauna evenings", "More parking"):
            assert shown in content, shown
        assert "17/05/2001" in content or "05/17/2001" in content or "2001" in content
        assert "__other__" not in content and ">coworking<" not in content
        assert reply["Cache-Control"].startswith("max-age=0")

    def test_questions_hidden_by_a_condition_are_marked(self, staff_client, company_client, survey_response):
        post_page(company_client, 2, {**PAGE_2, "growth": "no"})
        reply = staff_client.get(detail_url(survey_response))
        pages = reply.context["record"].pages
        hidden = {row.question.code for page in pages for row in page.rows if row.hidden}
        assert hidden == {"growth_how", "growth_area", "digital_detail", "partners"}
        assert reply.content.decode().count('class="badge text-bg-light border">') == 4

    def test_the_workforce_table_is_shown_as_a_table(self, staff_client, survey, company_client, survey_response):
        section = survey.sections.get(order=3)
        QuestionFactory(section=section, code="needs", type=Question.Type.WORKFORCE_TABLE, text="Needs?")
        area = make_area("Hitsaus")
        rows = {"needs-rows": "1", "needs-0-skill_area": area.slug, "needs-0-role": "Hitsaaja", "needs-0-count": "3"}
        rows["needs-0-window"] = "0-6"
        assert post_page(company_client, 3, {**PAGE_3, **rows}).status_code == 302
        reply = staff_client.get(detail_url(survey_response))
        (table_row,) = [row for page in reply.context["record"].pages for row in page.rows if row.table]
        assert [(line.skill_area, line.role, line.count) for line in table_row.table] == [("Hitsaus", "Hitsaaja", 3)]
        assert "<td>Hitsaaja</td>" in reply.content.decode()

    def test_links_and_mails_and_times_are_shown(self, staff_client, answered):
        record = staff_client.get(detail_url(answered)).context["record"]
        assert len(record.invitations) == 1
        assert [mail.kind for mail in record.mails] == ["confirmation"]
        assert all(page.state and page.state.version == 1 for page in record.pages)

    def test_the_query_count_does_not_grow_with_the_answers_and_history(self, staff_client, company_client, answered):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert staff_client.get(detail_url(answered)).status_code == 200
            return len(captured)

        staff_client.get(detail_url(answered))  # the first request of a worker reads the current survey once
        before = queries()
        for text in ("First", "Second", "Third"):
            assert correct(staff_client, answered, 3, {"wish": text}).status_code == 302
        staff_client.get(detail_url(answered))  # reads the message of the last correction
        assert queries() == before
        # The session, the user and the groups; the response; questions, choices, page states, sections, answers;
        # the answers' and the response's history; invitations and their contacts; mails.
        assert before == 14

    def test_the_correction_page_reads_in_a_fixed_number_of_queries(
        self, staff_client, answered, django_assert_num_queries
    ):
        url = correct_url(answered, 2)
        staff_client.get(url)  # the page's questions and fields are then kept by the worker (surveys.content)
        # The session, the user and the groups; the response; the sections; the answers and the page's version.
        with django_assert_num_queries(7):
            assert staff_client.get(url).status_code == 200


class TestAccess:
    def test_anonymous_visitors_are_sent_to_the_login(self, client, answered):
        for url in (detail_url(answered), correct_url(answered, 1)):
            reply = client.get(url)
            assert reply.status_code == 302 and reply["Location"].startswith(reverse("login")), url

    def test_viewers_never_see_or_change_an_identified_response(self, viewer_client, answered):
        for url in (detail_url(answered), correct_url(answered, 1)):
            assert viewer_client.get(url).status_code == 403, url
        assert (
            viewer_client.post(status_url("response_reopen", answered), {"correction-reason": "x"}).status_code == 403
        )
        assert correct(viewer_client, answered, 3, {"wish": "Viewer"}, version=1).status_code == 403
        answered.refresh_from_db()
        assert answered.is_submitted and stored(answered, "wish") == "More parking"

    def test_a_response_of_another_survey_or_an_unknown_one_is_not_found(self, staff_client, answered):
        other = SurveyFactory(slug="another")
        assert staff_client.get(reverse("surveys:response", args=[other.slug, answered.pk])).status_code == 404
        assert staff_client.get(reverse("surveys:response", args=[answered.survey.slug, 999999])).status_code == 404
        assert staff_client.get(correct_url(answered, 4)).status_code == 404
        assert staff_client.get(correct_url(answered, 0)).status_code == 404

    def test_wrong_methods_are_refused(self, staff_client, answered):
        assert staff_client.post(detail_url(answered)).status_code == 405
        for name in ("response_reopen", "response_submit"):
            assert staff_client.get(status_url(name, answered)).status_code == 405


class TestCorrecting:
    def test_a_correction_is_saved_with_its_reason_and_shown(self, staff_client, staff, answered):
        reply = correct(staff_client, answered, 3, {"wish": "A sauna"})
        assert reply.status_code == 302
        assert stored(answered, "wish") == "A sauna"
        latest = Answer.history.filter(response_id=answered.pk, question__code="wish").latest("history_date")
        assert (latest.history_user, latest.history_change_reason) == (staff, REASON)
        page = staff_client.get(detail_url(answered))
        (change,) = [c for c in page.context["record"].history if c.reason == REASON]
        assert (change.old, change.new, change.who) == ("More parking", "A sauna", staff)
        assert REASON in page.content.decode()
        answered.refresh_from_db()
        assert answered.is_submitted  # still submitted

    def test_results_and_the_export_show_the_correction_at_once(self, staff_client, answered):
        results = reverse("surveys:results", args=[answered.survey.slug])
        assert "More parking" in staff_client.get(results).content.decode()  # now in the cache
        assert correct(staff_client, answered, 3, {"wish": "A sauna"}).status_code == 302
        content = staff_client.get(results).content.decode()
        assert "A sauna" in content and "More parking" not in content
        export = staff_client.get(reverse("surveys:export", args=[answered.survey.slug, "csv"]))
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert "A sauna" in text and "More parking" not in text

    @pytest.mark.parametrize(
        ("number", "changes", "code"),
        [
            (1, {"contact_name": ""}, "contact_name"),  # required (the response is submitted)
            (2, {"growth": "maybe"}, "growth"),  # not one of the choices
            (2, {"services": ["coworking", "nope"]}, "services"),
            (2, {"services": ["__other__"], "services__other": ""}, "services__other"),
            (1, {"employees": "many"}, "employees"),  # not a number
            (1, {"employees": "20000"}, "employees"),  # over the question's limit
            (1, {"revenue": "1,234,5"}, "revenue"),
            (1, {"founded": "2001-13-45"}, "founded"),  # not a date
        ],
    )
    def test_a_correction_the_company_form_would_refuse_is_refused(self, staff_client, answered, number, changes, code):
        before = sorted(Answer.objects.filter(response=answered).values_list("question_id", "value", "other_text"))
        reply = correct(staff_client, answered, number, changes)
        assert reply.status_code == 400
        assert reply.context["form"].errors[code]
        # What was typed stays in the form, with the reason.
        assert reply.context["reason_form"]["reason"].value() == REASON
        after = sorted(Answer.objects.filter(response=answered).values_list("question_id", "value", "other_text"))
        assert after == before
        assert not Answer.history.filter(history_change_reason=REASON).exists()

    def test_a_table_row_the_company_form_would_refuse_is_refused(self, staff_client, survey, answered):
        QuestionFactory(section=survey.sections.get(order=3), code="needs", type=Question.Type.WORKFORCE_TABLE)
        area = make_area("Hitsaus")
        url = correct_url(answered, 3)
        version = staff_client.get(url).context["form"]["version"].value()
        row = {"needs-rows": "1", "needs-0-skill_area": area.slug, "needs-0-count": "0", "needs-0-window": "0-6"}
        data = {**PAGE_3, **row, "version": version, "correction-reason": REASON}
        reply = staff_client.post(url, data)
        assert reply.status_code == 400 and reply.context["form"].errors["needs"]
        assert stored(answered, "needs") is None

    def test_a_correction_needs_a_reason_and_keeps_what_was_typed(self, staff_client, answered):
        reply = correct(staff_client, answered, 3, {"wish": "A sauna"}, reason="  ")
        assert reply.status_code == 400
        assert reply.context["reason_form"].errors["reason"]
        assert reply.context["form"]["wish"].value() == "A sauna"
        assert 'aria-invalid="true"' in reply.content.decode()
        assert stored(answered, "wish") == "More parking"

    def test_a_reason_too_long_for_the_history_is_refused(self, staff_client, answered):
        reply = correct(staff_client, answered, 3, {"wish": "A sauna"}, reason="x" * 101)
        assert reply.status_code == 400 and reply.context["reason_form"].errors["reason"]

    def test_a_correction_based_on_an_older_page_is_refused_with_what_changed(
        self, staff_client, company_client, answered
    ):
        old_version = staff_client.get(correct_url(answered, 3)).context["form"]["version"].value()
        assert post_page(company_client, 3, {**PAGE_3, "wish": "Company's own"}).status_code == 302
        reply = correct(staff_client, answered, 3, {"wish": "Staff's"}, version=old_version)
        assert reply.status_code == 409
        assert [(q.code, theirs, yours) for q, theirs, yours in reply.context["changes"]] == [
            ("wish", "Company's own", "Staff's")
        ]
        assert stored(answered, "wish") == "Company's own"

    def test_a_correction_that_changes_nothing_records_nothing(self, staff_client, answered):
        reply = correct(staff_client, answered, 3, {})
        assert reply.status_code == 302
        assert not Answer.history.filter(history_change_reason=REASON).exists()

    def test_staff_correct_after_the_deadline(self, staff_client, answered):
        Survey.objects.filter(pk=answered.survey_id).update(
            opens_at=timezone.now() - datetime.timedelta(days=30), closes_at=timezone.now() - datetime.timedelta(days=1)
        )
        assert correct(staff_client, answered, 3, {"wish": "After the deadline"}).status_code == 302
        assert stored(answered, "wish") == "After the deadline"

    def test_adding_a_table_row_without_javascript_saves_nothing(self, staff_client, answered):
        url = correct_url(answered, 3)
        version = staff_client.get(url).context["form"]["version"].value()
        data = {**PAGE_3, "wish": "Typed", "version": version, "action": "add_row:needs", "correction-reason": "r"}
        reply = staff_client.post(url, data)
        assert reply.status_code == 200
        assert reply.context["reason_form"]["reason"].value() == "r"
        assert stored(answered, "wish") == "More parking"


class TestStatus:
    def test_reopen_with_a_reason(self, staff_client, staff, answered):
        reply = staff_client.post(status_url("response_reopen", answered), {"correction-reason": REASON})
        assert reply.status_code == 302
        answered.refresh_from_db()
        assert not answered.is_submitted
        latest = answered.history.latest("history_date")
        assert (latest.history_user, latest.history_change_reason) == (staff, REASON)
        history = staff_client.get(detail_url(answered)).context["record"].history
        assert [(c.what, c.reason) for c in history if c.what != "answer"][:2] == [
            ("reopened", REASON),
            ("submitted", ""),
        ]

    def test_reopen_needs_a_reason(self, staff_client, answered):
        reply = staff_client.post(status_url("response_reopen", answered), {"correction-reason": ""})
        assert reply.status_code == 400 and reply.context["reason_form"].errors["reason"]
        answered.refresh_from_db()
        assert answered.is_submitted

    def test_submit_on_behalf(self, staff_client, staff, company_client, survey_response):
        for number, data in PAGES.items():
            post_page(company_client, number, data, action="next")
        reply = staff_client.post(status_url("response_submit", survey_response), {"correction-reason": REASON})
        assert reply.status_code == 302
        survey_response.refresh_from_db()
        assert survey_response.is_submitted
        latest = survey_response.history.latest("history_date")
        assert (latest.history_user, latest.history_change_reason) == (staff, REASON)
        history = staff_client.get(detail_url(survey_response)).context["record"].history
        assert ("submitted", staff, REASON) in [(c.what, c.who, c.reason) for c in history]

    def test_an_incomplete_response_is_not_submitted_on_behalf(self, staff_client, survey_response):
        reply = staff_client.post(status_url("response_submit", survey_response), {"correction-reason": REASON})
        assert reply.status_code == 302 and reply["Location"].endswith("#page-1")
        survey_response.refresh_from_db()
        assert not survey_response.is_submitted


class TestLinks:
    def test_the_dashboard_links_each_organisation_to_its_response_for_staff_only(
        self, staff_client, viewer_client, answered
    ):
        dashboard = reverse("surveys:dashboard", args=[answered.survey.slug])
        # Submitted: listed when every invited organisation is shown.
        assert detail_url(answered) not in staff_client.get(dashboard).content.decode()
        assert detail_url(answered) in staff_client.get(dashboard, {"show": "all"}).content.decode()
        assert detail_url(answered) not in viewer_client.get(dashboard, {"show": "all"}).content.decode()

    def test_the_registry_page_lists_the_surveys_with_their_status(self, staff_client, viewer_client, answered):
        url = reverse("companies:detail", args=[answered.company.pk])
        staff_page = staff_client.get(url).content.decode()
        assert answered.survey.title in staff_page and detail_url(answered) in staff_page
        viewer_page = viewer_client.get(url).content.decode()
        assert answered.survey.title in viewer_page and detail_url(answered) not in viewer_page


def test_a_reopening_shows_even_when_the_submission_left_no_history(staff_client, staff, survey_response):
    # As the demo data does: the submission time set without a history row.
    Response.objects.filter(pk=survey_response.pk).update(submitted_at=timezone.now())
    reply = staff_client.post(status_url("response_reopen", survey_response), {"correction-reason": REASON})
    assert reply.status_code == 302
    history = staff_client.get(detail_url(survey_response)).context["record"].history
    assert [(c.what, c.who, c.reason) for c in history] == [("reopened", staff, REASON)]
