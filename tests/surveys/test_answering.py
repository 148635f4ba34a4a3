"""Company-facing answering pages: the link, the session, the pages, the summary, submitting, the deadline."""

import datetime
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from surveys.invitations import invitation_create
from surveys.models import Answer, Choice, Invitation, OutgoingMail, PageState, Question, Response, Survey
from surveys.views.answering import INVITATION_KEY, MISS_LIMIT, SESSION_KEY
from teknokyla.celery import app

from ..factories import CompanyFactory, QuestionFactory, ResponseFactory, SectionFactory, SurveyFactory
from .conftest import PAGE_1, PAGE_2, PAGE_3, loaded_version, opened, page_url, post_page

pytestmark = pytest.mark.django_db

START = reverse("surveys:start")
SUMMARY = reverse("surveys:summary")
SUBMIT = reverse("surveys:submit")
THANKS = reverse("surveys:thanks")


def open_url(token: str) -> str:
    return reverse("surveys:open", args=[token])


def stored(survey_response) -> dict:
    return {
        a.question.code: a.value for a in Answer.objects.filter(response=survey_response).select_related("question")
    }


def checked(content: str, name: str, value: str) -> bool:
    """True when the radio button or checkbox of that name and value is checked."""
    return bool(re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}" checked', content))


def text_value(content: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', content)
    return match.group(1) if match else None


def answer_everything(client):
    for number, data in enumerate([PAGE_1, PAGE_2, PAGE_3], start=1):
        assert post_page(client, number, data, "next").status_code == 302


class TestOpenLink:
    def test_exchanges_the_token_for_a_session_and_a_url_without_it(self, token, survey_response):
        client = Client()
        reply = client.get(open_url(token))
        assert reply.status_code == 302
        assert reply.url == START
        assert token not in reply.url
        assert reply["Referrer-Policy"] == "no-referrer"
        assert set(client.session.keys()) == {SESSION_KEY, INVITATION_KEY}
        assert client.session[SESSION_KEY] == survey_response.pk
        page = client.get(reply.url)
        assert page.status_code == 200
        assert token not in page.content.decode()
        survey_response.refresh_from_db()
        assert survey_response.first_opened_at is not None

    def test_rotates_the_session_key(self, token, other_token, other_response):
        client = opened(token)
        before = client.session.session_key
        client.get(open_url(other_token))
        assert client.session.session_key != before
        # The session now belongs to the other response only.
        assert set(client.session.keys()) == {SESSION_KEY, INVITATION_KEY}
        assert client.session[SESSION_KEY] == other_response.pk

    def test_revoking_the_invitation_closes_an_open_session(self, token, survey_response):
        client = opened(token)
        assert client.get(START).status_code == 200
        survey_response.invitations.update(revoked=True)
        assert client.get(START).status_code == 404

    @pytest.mark.parametrize("bad", ["unknown-token", "x", "A" * 101, "%00%27--", "ääää"])
    def test_unknown_malformed_and_overlong_tokens_get_a_plain_404(self, token, bad):
        client = Client()
        reply = client.get(f"/s/{bad}/")
        assert reply.status_code == 404
        assert reply["Referrer-Policy"] == "no-referrer"
        assert SESSION_KEY not in client.session
        assert [t.name for t in reply.templates][0] == "surveys/answer/link_not_found.html"

    def test_a_revoked_token_gets_the_same_404(self, token):
        Invitation.objects.update(revoked=True)
        client = Client()
        reply = client.get(open_url(token))
        assert reply.status_code == 404
        assert SESSION_KEY not in client.session
        # The same page as for an unknown token: nothing tells a revoked link from a wrong one.
        assert [t.name for t in reply.templates][0] == "surveys/answer/link_not_found.html"
        assert "revoked" not in reply.content.decode().lower()

    def test_refuses_post(self, token):
        assert Client().post(open_url(token)).status_code == 405

    def test_repeated_misses_from_one_address_are_rate_limited(self, token):
        guesser = Client(REMOTE_ADDR="203.0.113.7")
        for attempt in range(MISS_LIMIT):
            assert guesser.get(open_url(f"guess-{attempt}")).status_code == 404
        blocked = guesser.get(open_url("guess-more"))
        assert blocked.status_code == 429
        assert blocked["Referrer-Policy"] == "no-referrer"
        assert "Retry-After" in blocked
        # While blocked, even a valid token from that address waits, and no session is made.
        valid = guesser.get(open_url(token))
        assert valid.status_code == 429
        assert SESSION_KEY not in guesser.session
        # Another address is not affected.
        assert Client(REMOTE_ADDR="198.51.100.1").get(open_url(token)).status_code == 302

    def test_links_still_open_when_the_cache_does_not_answer(self, token):
        # A real Redis client pointed at a port where nothing listens.
        unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
        with override_settings(CACHES={"default": unreachable}):
            assert Client().get(open_url(token)).status_code == 302
            assert Client().get(open_url("wrong")).status_code == 404

    def test_fewer_misses_than_the_limit_do_not_block(self, token):
        client = Client(REMOTE_ADDR="203.0.113.8")
        for attempt in range(MISS_LIMIT - 1):
            client.get(open_url(f"typo-{attempt}"))
        assert client.get(open_url(token)).status_code == 302


class TestSession:
    @pytest.mark.parametrize("url", [START, page_url(1), SUMMARY, THANKS])
    def test_without_a_session_a_page_asks_to_open_the_link_again(self, client, survey, url):
        reply = client.get(url)
        assert reply.status_code == 404
        assert "surveys/answer/no_session.html" in [t.name for t in reply.templates]

    def test_submit_without_a_session_writes_nothing(self, client, survey_response):
        assert client.post(SUBMIT).status_code == 404
        assert client.post(page_url(1), {**PAGE_1, "version": "0", "action": "save"}).status_code == 404
        assert not Answer.objects.exists()
        survey_response.refresh_from_db()
        assert survey_response.submitted_at is None

    def test_a_session_of_a_deleted_response_is_no_session(self, company_client, survey_response):
        session = company_client.session
        session[SESSION_KEY] = 10**9
        session.save()
        assert company_client.get(START).status_code == 404

    def test_company_a_never_sees_company_b_answers(
        self, company_client, other_client, survey_response, other_response
    ):
        assert post_page(other_client, 1, {**PAGE_1, "contact_name": "Bertta Konepaja"}).status_code == 302
        assert post_page(company_client, 1, PAGE_1).status_code == 302
        for url in (page_url(1), SUMMARY):
            content = company_client.get(url).content.decode()
            assert "Bertta Konepaja" not in content
            assert "Aino Aalto" in content
        assert stored(survey_response)["contact_name"] == "Aino Aalto"
        assert stored(other_response)["contact_name"] == "Bertta Konepaja"

    def test_drafts_survive_a_brand_new_session(self, token, company_client, survey_response):
        assert post_page(company_client, 1, PAGE_1).status_code == 302
        fresh = opened(token)
        content = fresh.get(page_url(1)).content.decode()
        assert text_value(content, "contact_name") == "Aino Aalto"
        assert "We write software for the mills." in content


class TestStart:
    def test_introduces_the_survey(self, company_client, survey, survey_response):
        post_page(company_client, 2, PAGE_2)
        reply = company_client.get(START)
        content = reply.content.decode()
        assert reply.status_code == 200
        assert "Teknologiakylä survey" in content and "Tell us what your organisation needs." in content
        assert "Koodari Oy" in content
        with translation.override("fi"):
            deadline = formats.date_format(timezone.localtime(survey.closes_at), "DATETIME_FORMAT")
        assert deadline in content
        assert reply.context["answered_count"] == 1
        assert reply.context["continue_number"] == 1
        assert 'href="/survey/page/1/"' in content

    def test_refuses_post(self, company_client):
        assert company_client.post(START).status_code == 405

    def test_before_opening_says_when_it_opens(self, company_client, survey):
        Survey.objects.filter(pk=survey.pk).update(
            opens_at=datetime.datetime(2030, 1, 15, 8, 0, tzinfo=datetime.UTC),
            closes_at=datetime.datetime(2030, 2, 1, 8, 0, tzinfo=datetime.UTC),
        )
        reply = company_client.get(START)
        assert reply.status_code == 200
        assert "surveys/answer/not_open.html" in [t.name for t in reply.templates]
        # 08:00 UTC is 10:00 in Helsinki in winter.
        assert "15. tammikuuta 2030 kello 10.00" in reply.content.decode()
        assert company_client.get(page_url(1)).url == START

    def test_a_post_before_opening_writes_nothing(self, company_client, survey, survey_response):
        version = loaded_version(company_client, 1)
        Survey.objects.filter(pk=survey.pk).update(opens_at=timezone.now() + datetime.timedelta(days=1))
        reply = post_page(company_client, 1, PAGE_1, version=version)
        assert reply.status_code == 403
        assert stored(survey_response) == {}

    def test_after_the_deadline_shows_the_answers_read_only(self, company_client, survey, survey_response):
        answer_everything(company_client)
        closes = datetime.datetime(2022, 10, 31, 21, 59, tzinfo=datetime.UTC)
        Survey.objects.filter(pk=survey.pk).update(opens_at=closes - datetime.timedelta(days=30), closes_at=closes)
        reply = company_client.get(START)
        content = reply.content.decode()
        assert reply.status_code == 200
        assert "31. lokakuuta 2022 kello 23.59" in content
        assert "Machine vision" in content and "1234,5" in content and "17.5.2001" in content
        assert "<form" not in content.split('id="main"')[1]
        assert 'href="/survey/page/' not in content
        # Every answering page now leads to this read-only page.
        assert company_client.get(page_url(2)).url == START
        assert company_client.get(SUMMARY).url == START


class TestPage:
    def test_shows_progress_questions_and_buttons(self, company_client):
        reply = company_client.get(page_url(2))
        content = reply.content.decode()
        assert reply.status_code == 200
        assert "<title>Sivu 2 / 3: Needs" in content or "<title>Page 2 / 3: Needs" in content
        assert 'role="progressbar"' in content
        assert 'aria-valuenow="2"' in content and 'aria-valuemax="3"' in content
        assert "<fieldset" in content and "<legend" in content
        assert "1 = Poor, 5 = Excellent" in content
        for action in ("previous", "save", "next"):
            assert f'name="action" value="{action}"' in content
        assert "js/survey.js" in content and "css/survey.css" in content

    def test_shows_help_text_linked_to_its_field(self, company_client):
        content = company_client.get(page_url(1)).content.decode()
        assert 'id="id_contact_name_help"' in content
        assert 'aria-describedby="id_contact_name_help"' in content

    def test_conditional_questions_carry_their_condition_and_start_hidden(self, company_client):
        content = company_client.get(page_url(2)).content.decode()
        assert re.search(r'data-question="growth_how" data-shown-if="growth" data-shown-if-value="yes" hidden', content)
        assert re.search(
            r'data-question="digital_detail" data-shown-if="growth_area" data-shown-if-value="digital" hidden', content
        )

    def test_a_condition_met_on_an_earlier_page_shows_the_question(self, company_client):
        assert 'name="partners"' not in company_client.get(page_url(3)).content.decode()
        post_page(company_client, 2, PAGE_2)
        content = company_client.get(page_url(3)).content.decode()
        assert 'name="partners"' in content
        assert 'data-question="partners" hidden' not in content

    @pytest.mark.parametrize("number", [0, 4, 99])
    def test_a_page_outside_the_survey_is_404(self, company_client, number):
        assert company_client.get(page_url(number)).status_code == 404

    def test_refuses_other_methods(self, company_client):
        assert company_client.put(page_url(1)).status_code == 405
        assert company_client.delete(page_url(1)).status_code == 405

    def test_every_question_type_saves_and_renders_back(self, company_client, survey_response):
        assert post_page(company_client, 1, PAGE_1).status_code == 302
        assert post_page(company_client, 2, PAGE_2).status_code == 302
        assert stored(survey_response) == {
            "contact_name": "Aino Aalto",
            "description": "We write software for the mills.",
            "employees": 12,
            "revenue": "1234.5",
            "founded": "2001-05-17",
            "growth": "yes",
            "growth_how": "Hire two coders",
            "growth_area": "digital",
            "digital_detail": "Machine vision",
            "services": ["coworking", "__other__"],
            "satisfaction": 4,
            "recommend": "yes",
        }
        first = company_client.get(page_url(1)).content.decode()
        assert text_value(first, "contact_name") == "Aino Aalto"
        assert text_value(first, "employees") == "12"
        assert text_value(first, "revenue") == "1234,5"
        assert text_value(first, "founded") == "2001-05-17"
        assert ">\nWe write software for the mills.</textarea>" in first
        second = company_client.get(page_url(2)).content.decode()
        assert checked(second, "growth", "yes") and not checked(second, "growth", "no")
        assert checked(second, "growth_area", "digital")
        assert checked(second, "services", "coworking") and checked(second, "services", "__other__")
        assert not checked(second, "services", "training")
        assert text_value(second, "services__other") == "Sauna evenings"
        assert checked(second, "satisfaction", "4")
        assert checked(second, "recommend", "yes")
        assert text_value(second, "digital_detail") == "Machine vision"
        assert re.search(r'data-question="growth_how" data-shown-if="growth" data-shown-if-value="yes">', second)

    @pytest.mark.parametrize(
        ("action", "target"),
        [("save", page_url(2)), ("next", page_url(3)), ("previous", page_url(1))],
    )
    def test_a_saved_page_redirects_by_the_button_pressed(self, company_client, action, target):
        reply = post_page(company_client, 2, PAGE_2, action)
        assert reply.status_code == 302
        assert reply.url == target
        follow = company_client.get(reply.url)
        assert [str(m) for m in follow.context["messages"]]

    def test_next_on_the_last_page_goes_to_the_summary_and_previous_on_the_first_to_the_start(self, company_client):
        assert post_page(company_client, 3, PAGE_3, "next").url == SUMMARY
        assert post_page(company_client, 1, {}, "previous").url == START

    def test_required_questions_are_checked_on_next_only(self, company_client, survey_response):
        typed = {"description": "Half done", "revenue": "77,25"}
        reply = post_page(company_client, 1, typed, "next")
        content = reply.content.decode()
        assert reply.status_code == 400
        assert set(reply.context["form"].errors) == {"contact_name", "employees"}
        assert 'role="alert"' in content and 'href="#id_contact_name"' in content
        assert re.search(
            r'name="contact_name" id="id_contact_name"[^>]*aria-describedby="[^"]*id_contact_name_error"', content
        )
        assert 'aria-invalid="true"' in content
        # What was typed is still there, and nothing was written.
        assert "Half done" in content and text_value(content, "revenue") == "77,25"
        assert stored(survey_response) == {}
        # The same half-done page saves as a draft.
        assert post_page(company_client, 1, typed, "save").status_code == 302
        assert stored(survey_response) == {"description": "Half done", "revenue": "77.25"}

    @pytest.mark.parametrize("employees", ["-3", "10001", "lots"])
    def test_number_out_of_range_is_refused_next_to_the_field(self, company_client, survey_response, employees):
        reply = post_page(company_client, 1, {**PAGE_1, "employees": employees})
        assert reply.status_code == 400
        assert "employees" in reply.context["form"].errors
        content = reply.content.decode()
        assert 'id="id_employees_error"' in content
        assert text_value(content, "employees") == employees
        assert stored(survey_response) == {}

    def test_other_text_is_required_when_other_is_picked(self, company_client, survey_response):
        reply = post_page(company_client, 2, {**PAGE_2, "services__other": ""})
        assert reply.status_code == 400
        assert "services__other" in reply.context["form"].errors
        content = reply.content.decode()
        assert 'href="#id_services__other"' in content
        assert checked(content, "services", "__other__")
        assert stored(survey_response) == {}

    def test_a_hidden_conditional_question_is_not_required_and_its_answer_removed(
        self, company_client, survey_response
    ):
        assert post_page(company_client, 2, PAGE_2).status_code == 302
        assert stored(survey_response)["growth_how"] == "Hire two coders"
        # The browser hid the question but still posts what was typed in it.
        reply = post_page(company_client, 2, {**PAGE_2, "growth": "no", "growth_how": ""}, "next")
        assert reply.status_code == 302
        answers = stored(survey_response)
        assert answers["growth"] == "no"
        assert {"growth_how", "growth_area", "digital_detail"}.isdisjoint(answers)

    def test_a_shown_conditional_question_is_required_on_next(self, company_client):
        reply = post_page(company_client, 2, {**PAGE_2, "growth_how": ""}, "next")
        assert reply.status_code == 400
        assert "growth_how" in reply.context["form"].errors
        assert (
            'data-shown-if-value="yes" hidden' not in reply.content.decode().split('data-question="growth_how"')[1][:80]
        )

    def test_a_stale_save_gets_409_with_the_changes_then_saving_again_overwrites(
        self, company_client, colleague_client, survey_response
    ):
        mine = loaded_version(company_client, 1)
        theirs = loaded_version(colleague_client, 1)
        assert post_page(colleague_client, 1, PAGE_1, version=theirs).status_code == 302

        typed = {**PAGE_1, "employees": "40", "contact_name": "Aino A."}
        reply = post_page(company_client, 1, typed, version=mine)
        content = reply.content.decode()
        assert reply.status_code == 409
        changes = {(q.code, saved, yours) for q, saved, yours in reply.context["changes"]}
        assert changes == {("employees", "12", "40"), ("contact_name", "Aino Aalto", "Aino A.")}
        assert '<th scope="col">' in content and "Aino A." in content
        assert text_value(content, "employees") == "40"
        # The database still holds the colleague's answers.
        assert stored(survey_response)["employees"] == 12
        assert stored(survey_response)["contact_name"] == "Aino Aalto"

        again = company_client.post(
            page_url(1), {**typed, "version": reply.context["form"]["version"].value(), "action": "save"}
        )
        assert again.status_code == 302
        assert stored(survey_response)["employees"] == 40
        assert stored(survey_response)["contact_name"] == "Aino A."

    def test_two_people_on_different_pages_both_stand(self, company_client, colleague_client, survey_response):
        first = loaded_version(company_client, 1)
        second = loaded_version(colleague_client, 2)
        assert post_page(company_client, 1, PAGE_1, version=first).status_code == 302
        assert post_page(colleague_client, 2, PAGE_2, version=second).status_code == 302
        answers = stored(survey_response)
        assert answers["contact_name"] == "Aino Aalto" and answers["growth"] == "yes"

    def test_a_page_loaded_before_the_deadline_and_posted_after_is_refused(
        self, company_client, survey, survey_response
    ):
        post_page(company_client, 1, PAGE_1)
        version = loaded_version(company_client, 1)
        closed_at = timezone.now() - datetime.timedelta(seconds=1)
        Survey.objects.filter(pk=survey.pk).update(closes_at=closed_at)
        reply = post_page(company_client, 1, {**PAGE_1, "employees": "99"}, version=version)
        content = reply.content.decode()
        assert reply.status_code == 403
        assert "surveys/answer/page.html" in [t.name for t in reply.templates]
        assert reply.context["status"] == "closed"
        assert text_value(content, "employees") == "99"
        assert "disabled" in content
        assert stored(survey_response)["employees"] == 12
        assert PageState.objects.get(response=survey_response, section__order=1).version == 1


class TestSummary:
    def test_lists_every_page_with_answers_and_edit_links(self, company_client):
        post_page(company_client, 1, PAGE_1)
        post_page(company_client, 2, PAGE_2)
        reply = company_client.get(SUMMARY)
        content = reply.content.decode()
        assert reply.status_code == 200
        for number, title in [(1, "Your organisation"), (2, "Needs"), (3, "Future")]:
            assert title in content
            assert f'href="{page_url(number)}"' in content
        assert "Coworking space" in content and "Sauna evenings" in content and "Growth is planned" in content
        assert f'action="{SUBMIT}"' in content

    def test_after_submitting_says_so_with_the_time(self, company_client, survey_response):
        answer_everything(company_client)
        company_client.post(SUBMIT)
        survey_response.refresh_from_db()
        reply = company_client.get(SUMMARY)
        when = timezone.localtime(survey_response.submitted_at)
        assert f"{when.hour}.{when.minute:02d}" in reply.content.decode()
        assert f'action="{SUBMIT}"' not in reply.content.decode()

    def test_refuses_post(self, company_client):
        assert company_client.post(SUMMARY).status_code == 405


class TestSubmit:
    def test_submitting_twice_makes_one_submission_and_one_confirmation(
        self, company_client, survey_response, django_capture_on_commit_callbacks
    ):
        from surveys import tasks

        answer_everything(company_client)
        with django_capture_on_commit_callbacks() as callbacks:
            first = company_client.post(SUBMIT)
            survey_response.refresh_from_db()
            submitted_at = survey_response.submitted_at
            second = company_client.post(SUBMIT)
        assert first.status_code == second.status_code == 302
        assert first.url == second.url == THANKS
        survey_response.refresh_from_db()
        assert survey_response.submitted_at == submitted_at is not None
        assert len(callbacks) == 1
        tasks.deliver_mail.apply(args=[OutgoingMail.objects.get(kind="confirmation").pk])
        assert len(mail.outbox) == 1

    def test_an_incomplete_response_goes_to_the_page_to_finish(self, company_client, survey_response):
        post_page(company_client, 1, PAGE_1)
        reply = company_client.post(SUBMIT)
        assert reply.status_code == 302
        assert reply.url == page_url(2)
        follow = company_client.get(reply.url)
        assert [str(m) for m in follow.context["messages"]]
        survey_response.refresh_from_db()
        assert survey_response.submitted_at is None

    def test_after_the_deadline_the_closed_page_answers(self, company_client, survey, survey_response):
        answer_everything(company_client)
        Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
        reply = company_client.post(SUBMIT)
        assert reply.status_code == 403
        assert "surveys/answer/closed.html" in [t.name for t in reply.templates]
        survey_response.refresh_from_db()
        assert survey_response.submitted_at is None

    def test_refuses_get(self, company_client):
        assert company_client.get(SUBMIT).status_code == 405

    def test_the_closed_page_of_a_company_that_never_answered_says_so(self, company_client, survey):
        Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
        reply = company_client.get(page_url(1), follow=True)
        assert "surveys/answer/closed.html" in [t.name for t in reply.templates]
        html = reply.content.decode()
        assert 'id="no-answers"' in html
        # No list of every question with an empty answer.
        assert "<dl" not in html and "–</dd>" not in html


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_exactly_one_confirmation_for_a_double_submit(company_client, survey_response):
    answer_everything(company_client)
    app.control.purge()  # tasks left in this test run's broker database by earlier tests
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert company_client.post(SUBMIT).url == THANKS
        assert company_client.post(SUBMIT).url == THANKS
        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # room for a second mail, if one were wrongly enqueued
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aino@koodari.example"]
    assert Response.objects.filter(pk=survey_response.pk, submitted_at__isnull=False).count() == 1


class TestThanks:
    def test_shows_the_thank_you_text(self, company_client):
        answer_everything(company_client)
        company_client.post(SUBMIT)
        reply = company_client.get(THANKS)
        assert reply.status_code == 200
        assert "Kiitos vastauksistanne!" in reply.content.decode()

    def test_before_submitting_leads_to_the_summary(self, company_client):
        assert company_client.get(THANKS).url == SUMMARY

    def test_refuses_post(self, company_client):
        assert company_client.post(THANKS).status_code == 405


def build_big_survey(question_count: int, company_count: int):
    """A survey of five pages and many questions, answered by many companies."""
    survey = SurveyFactory()
    sections = [SectionFactory(survey=survey, order=n) for n in range(5)]
    kinds = list(Question.Type)
    triggers = {}
    questions = []
    for n in range(question_count):
        section = sections[n % 5]
        kind = kinds[n % len(kinds)]
        condition = triggers.get(section.pk) if n % 4 == 3 else None
        question = QuestionFactory(section=section, type=kind, required=n % 3 == 0, shown_if_choice=condition)
        if kind in Question.CHOICE_TYPES:
            choices = Choice.objects.bulk_create(
                [Choice(question=question, order=i, value=f"v{i}", label=f"Option {i}") for i in range(4)]
            )
            if kind == Question.Type.SINGLE_CHOICE:
                triggers.setdefault(section.pk, choices[0])
        questions.append(question)
    companies = CompanyFactory.create_batch(company_count)
    responses = [ResponseFactory(survey=survey, company=company) for company in companies]
    text_questions = [q for q in questions if q.type == Question.Type.SHORT_TEXT]
    Answer.objects.bulk_create(
        [Answer(response=r, question=q, value=f"answer {r.pk}") for r in responses for q in text_questions[:5]]
    )
    return survey, responses[0]


@pytest.mark.parametrize(("question_count", "company_count"), [(25, 50), (250, 50), (25, 500), (250, 500)])
def test_the_page_query_count_does_not_grow_with_the_survey_or_the_village(
    django_assert_num_queries, question_count, company_count
):
    survey, survey_response = build_big_survey(question_count, company_count)
    _invitation, token = invitation_create(survey=survey, company=survey_response.company)
    client = opened(token)
    # session, the response with survey and company, the pages, the page's questions with their
    # conditions, their choices, the response's answers, the page's version
    with django_assert_num_queries(7):
        reply = client.get(page_url(2))
    assert reply.status_code == 200
    assert len(reply.context["form"].questions) == question_count // 5


@pytest.mark.parametrize(("question_count", "company_count"), [(25, 50), (250, 500)])
def test_the_summary_query_count_does_not_grow_with_the_survey_or_the_village(
    django_assert_num_queries, question_count, company_count
):
    survey, survey_response = build_big_survey(question_count, company_count)
    _invitation, token = invitation_create(survey=survey, company=survey_response.company)
    client = opened(token)
    # session, the response with survey and company, the pages, all questions with their conditions,
    # their choices, the response's answers
    with django_assert_num_queries(6):
        reply = client.get(SUMMARY)
    assert reply.status_code == 200
    assert sum(len(page.rows) for page in reply.context["pages"]) > question_count // 2
