"""The survey admin: read-only type and choice values once answered, revoking links, no bulk delete of answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys import invitations, services
from surveys.models import Answer, Choice, Invitation, Question, Response, Survey

from ..factories import ChoiceFactory, CompanyFactory, ContactFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

MODELS = ["survey", "section", "question", "response", "answer", "invitation"]
IDENTIFIED = {"response", "answer"}  # what one named company answered: staff only


def changelist(model: str) -> str:
    return reverse(f"admin:surveys_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:surveys_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(page) -> dict:
    """The POST data of an admin change page as rendered: main form, inline forms, management forms."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None:
                continue
            data[field.html_name] = value

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def action_names(page) -> set[str]:
    """The actions a changelist offers (none at all: no action form)."""
    form = page.context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


@pytest.fixture
def answered():
    """A single-choice question with two choices, answered by one company."""
    question = QuestionFactory(type=Question.Type.SINGLE_CHOICE, text_fi="Kasvaako yritys?")
    yes = ChoiceFactory(question=question, value="yes", label_fi="Kyllä")
    ChoiceFactory(question=question, value="no", label_fi="Ei")
    company = CompanyFactory()
    invitations.invitation_create(survey=question.section.survey, company=company)
    Answer.objects.create(response=Response.objects.get(company=company), question=question, value="yes")
    return {"question": question, "yes": yes}


class TestPages:
    def test_staff_and_viewers_open_the_changelists(self, staff_client, viewer_client, answered):
        for model in MODELS:
            assert staff_client.get(changelist(model)).status_code == 200, model
            expected = 403 if model in IDENTIFIED else 200
            assert viewer_client.get(changelist(model)).status_code == expected, model

    def test_viewers_never_read_an_identified_companys_answers(self, viewer_client, answered):
        """Viewers see aggregated results only: no response, answer or their history in the admin."""
        response = Response.objects.get()
        answer = Answer.objects.get()
        pages = [
            change(response),
            change(answer),
            reverse("admin:surveys_response_history", args=[response.pk]),
            reverse("admin:surveys_answer_history", args=[answer.pk]),
        ]
        for url in pages:
            assert viewer_client.get(url).status_code == 403, url
        index = viewer_client.get(reverse("admin:index")).content.decode()
        assert changelist("invitation") in index
        assert changelist("response") not in index and changelist("answer") not in index

    def test_change_pages_open_and_never_show_the_token_hash(self, staff_client, answered):
        invitation = Invitation.objects.get()
        survey = answered["question"].section.survey
        for obj in [survey, answered["question"].section, answered["question"], Response.objects.get(), invitation]:
            assert staff_client.get(change(obj)).status_code == 200
        page = staff_client.get(change(invitation))
        assert invitation.token_hash not in page.content.decode()
        assert invitation.token_hash not in staff_client.get(changelist("invitation")).content.decode()
        history = reverse("admin:surveys_response_history", args=[Response.objects.get().pk])
        assert staff_client.get(history).status_code == 200

    def test_the_modeltranslation_fields_are_edited(self, staff_client, answered):
        content = staff_client.get(change(answered["question"])).content.decode()
        for name in ("text_fi", "text_sv", "text_en"):
            assert f'name="{name}"' in content
        assert 'name="choices-0-label_sv"' in content

    def test_viewers_may_look_but_not_change(self, viewer_client, answered):
        invitation = Invitation.objects.get()
        assert viewer_client.get(change(invitation)).status_code == 200
        assert viewer_client.post(change(invitation), {"revoked": "on"}).status_code == 403
        response = viewer_client.post(
            changelist("invitation"), {"action": "revoke", "_selected_action": [invitation.pk]}
        )
        assert response.status_code == 200  # the changelist again, with no action run
        assert Invitation.objects.filter(revoked=True).count() == 0
        assert action_names(viewer_client.get(changelist("invitation"))) == set()

    def test_responses_filter_by_status(self, staff_client):
        survey = SurveyFactory()
        for name in ("Kutsuttu Oy", "Luonnos Oy", "Valmis Oy"):
            invitations.invitation_create(survey=survey, company=CompanyFactory(name=name))
        Response.objects.filter(company__name="Luonnos Oy").update(last_saved_at=timezone.now())
        Response.objects.filter(company__name="Valmis Oy").update(submitted_at=timezone.now())
        for status, names in [("invited", ["Kutsuttu Oy"]), ("draft", ["Luonnos Oy"]), ("submitted", ["Valmis Oy"])]:
            page = staff_client.get(changelist("response"), {"status": status})
            assert [response.company.name for response in page.context["cl"].result_list] == names
            assert status in page.content.decode()

    def test_outsiders_are_sent_to_the_admin_login(self, outsider_client, client):
        for user_client in (outsider_client, client):
            response = user_client.get(changelist("response"))
            assert response.status_code == 302 and "/admin/login/" in response.url


class TestAnswersAreReadOnly:
    """No admin path stores an answer: corrections go through the company's form on the response page."""

    def test_the_answer_change_page_is_read_only_and_links_to_the_response_page(self, staff_client, answered):
        answer = Answer.objects.get()
        page = staff_client.get(change(answer))
        assert page.status_code == 200
        assert not page.context["adminform"].form.fields  # every field is read-only
        response = answer.response
        assert reverse("surveys:response", args=[response.survey.slug, response.pk]) in page.content.decode()
        reply = staff_client.post(change(answer), {"value": '"10–49 henkilöä"', "other_text": ""})
        assert reply.status_code == 403
        answer.refresh_from_db()
        assert answer.value == "yes"

    def test_the_response_change_page_edits_no_answer(self, staff_client, answered):
        response = Response.objects.get()
        page = staff_client.get(change(response))
        assert reverse("surveys:response", args=[response.survey.slug, response.pk]) in page.content.decode()
        inline = page.context["inline_admin_formsets"][0]
        assert not inline.has_change_permission
        data = form_data(page) | {"answers-0-value": '"no"', "answers-0-id": str(Answer.objects.get().pk)}
        assert staff_client.post(change(response), data).status_code == 403
        assert Answer.objects.get().value == "yes"
        assert response.history.count() == 1  # no save of the page left a row

    @pytest.mark.parametrize("model", ["answer", "response"])
    def test_the_history_is_never_reverted(self, staff_client, answered, model):
        answer = Answer.objects.get()
        answer.value = "no"
        answer.save()
        obj = answer if model == "answer" else answer.response
        if model == "response":
            obj.submitted_at = timezone.now()
            obj.save()
        oldest = obj.history.earliest("history_date")
        url = reverse(f"admin:surveys_{model}_simple_history", args=[obj.pk, oldest.history_id])
        assert staff_client.get(url).status_code == 200
        assert staff_client.post(url, {}).status_code == 403
        answer.refresh_from_db()
        obj.refresh_from_db()
        assert answer.value == "no"
        if model == "response":
            assert obj.submitted_at is not None


class TestAnsweredSurveysKeepTheirMeaning:
    def test_type_and_choice_values_are_editable_before_any_answer(self, staff_client):
        question = QuestionFactory(type=Question.Type.SINGLE_CHOICE)
        choice = ChoiceFactory(question=question, value="yes")
        page = staff_client.get(change(question))
        data = form_data(page) | {"type": Question.Type.MULTIPLE_CHOICE, "choices-0-value": "kylla"}

        response = staff_client.post(change(question), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        question.refresh_from_db()
        choice.refresh_from_db()
        assert question.type == Question.Type.MULTIPLE_CHOICE and choice.value == "kylla"

    def test_type_and_existing_choice_values_are_read_only_once_answered(self, staff_client, answered):
        question = answered["question"]
        page = staff_client.get(change(question))
        assert "type" in page.context["adminform"].readonly_fields
        data = form_data(page) | {
            "type": Question.Type.SHORT_TEXT,
            "choices-0-value": "kylla",
            "text_fi": "Kasvaako yrityksenne?",
            # A new choice may still be added.
            "choices-TOTAL_FORMS": "3",
            "choices-2-order": "3",
            "choices-2-value": "maybe",
            "choices-2-label_fi": "Ehkä",
            "choices-2-question": str(question.pk),
        }

        response = staff_client.post(change(question), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        question.refresh_from_db()
        assert question.text_fi == "Kasvaako yrityksenne?"  # the save went through
        assert question.type == Question.Type.SINGLE_CHOICE
        assert set(Choice.objects.filter(question=question).values_list("value", flat=True)) == {
            "yes",
            "no",
            "maybe",
        }

    def test_question_types_in_the_section_inline_are_locked_once_answered(self, staff_client, answered):
        section = answered["question"].section
        page = staff_client.get(change(section))
        form = page.context["inline_admin_formsets"][0].formset.forms[0]
        assert form.fields["type"].disabled
        other_section = QuestionFactory().section
        page = staff_client.get(change(other_section))
        assert not page.context["inline_admin_formsets"][0].formset.forms[0].fields["type"].disabled


class TestActions:
    @pytest.fixture(autouse=True)
    def _english(self, settings):
        # The messages are checked as written in English.
        settings.LANGUAGE_CODE = "en"

    def test_the_offered_actions(self, staff_client):
        assert action_names(staff_client.get(changelist("invitation"))) == {"revoke", "delete_selected"}
        assert action_names(staff_client.get(changelist("response"))) == {"send_reminders", "send_new_links"}
        assert action_names(staff_client.get(changelist("survey"))) == {"send_invitations", "delete_selected"}

    def test_revoke_makes_the_link_stop_working(self, staff_client):
        survey = SurveyFactory()
        company = CompanyFactory()
        revoked, revoked_token = invitations.invitation_create(survey=survey, company=company)
        _kept, kept_token = invitations.invitation_create(survey=survey, company=company)

        response = staff_client.post(changelist("invitation"), {"action": "revoke", "_selected_action": [revoked.pk]})

        assert response.status_code == 302
        assert list(Invitation.objects.filter(revoked=True)) == [revoked]
        assert services.invitation_open(token=revoked_token) is None
        assert services.invitation_open(token=kept_token) is not None

    @pytest.mark.parametrize("model", ["response", "answer"])
    def test_responses_and_answers_cannot_be_deleted_in_bulk(self, staff_client, answered, model):
        assert "delete_selected" not in action_names(staff_client.get(changelist(model)))
        pk = (Response if model == "response" else Answer).objects.get().pk
        staff_client.post(changelist(model), {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
        assert Response.objects.count() == 1 and Answer.objects.count() == 1

    def test_send_invitations_to_all_active_organisations(self, staff_client, django_capture_on_commit_callbacks):
        survey = SurveyFactory()
        ContactFactory(company=CompanyFactory(name="Aalto Oy"))
        CompanyFactory(name="Hiljainen Oy")
        ContactFactory(company=CompanyFactory(name="Lopettanut Oy", active=False))
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_client.post(
                changelist("survey"), {"action": "send_invitations", "_selected_action": [survey.pk]}, follow=True
            )
        assert len(callbacks) == 1
        shown = [str(message) for message in response.context["messages"]]
        assert any("1 organisation" in text for text in shown)
        assert any("Hiljainen Oy" in text for text in shown)

    def test_send_invitations_refuses_a_closed_survey(self, staff_client, django_capture_on_commit_callbacks):
        survey = SurveyFactory()
        Survey.objects.filter(pk=survey.pk).update(opens_at="2020-01-01T00:00Z", closes_at="2020-02-01T00:00Z")
        ContactFactory(company=CompanyFactory())
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_client.post(
                changelist("survey"), {"action": "send_invitations", "_selected_action": [survey.pk]}, follow=True
            )
        assert callbacks == []
        assert any("closed" in str(message) for message in response.context["messages"])

    def test_remind_selected_responses_only_reaches_non_submitters(
        self, staff_client, django_capture_on_commit_callbacks
    ):
        survey = SurveyFactory()
        late, done = CompanyFactory(), CompanyFactory()
        for company in (late, done):
            ContactFactory(company=company)
            invitations.invitation_create(survey=survey, company=company)
        Response.objects.filter(company=done).update(submitted_at="2020-01-01T00:00Z")
        selected = list(Response.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks() as callbacks:
            staff_client.post(changelist("response"), {"action": "send_reminders", "_selected_action": selected})
        assert len(callbacks) == 1


def test_the_changelists_make_the_same_queries_for_more_rows(staff_client):
    survey = SurveyFactory()
    question = QuestionFactory(section__survey=survey)

    def queries_for(count: int) -> int:
        for _ in range(count):
            invitation, _token = invitations.invitation_create(survey=survey, company=CompanyFactory())
            Answer.objects.create(response=invitation.response, question=question, value="text")
        with CaptureQueriesContext(connection) as captured:
            for model in ("response", "invitation", "answer"):
                assert staff_client.get(changelist(model)).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(5)
