"""A session that ends in the middle of a page: the posted answers are kept and saved when the link is opened again.

No JavaScript here: what a browser without scripts gets. The draft kept by survey.js is in tests/e2e.
"""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys import drafts
from surveys.models import Answer
from surveys.views.answering import INVITATION_KEY, SESSION_KEY

from .conftest import PAGE_1, opened, page_url, post_page

pytestmark = pytest.mark.django_db


def open_url(token: str) -> str:
    return reverse("surveys:open", args=[token])


def stored(survey_response) -> dict:
    return {
        a.question.code: a.value for a in Answer.objects.filter(response=survey_response).select_related("question")
    }


def loaded_form(client: Client, number: int) -> dict:
    """The hidden fields a browser got with the page: its version and its owner marker."""
    reply = client.get(page_url(number))
    assert reply.status_code == 200
    content = reply.content.decode()
    owner = re.search(r'<input type="hidden" name="owner" value="([^"]+)"', content).group(1)
    return {"version": str(reply.context["form"]["version"].value()), "owner": owner}


def end_session(client: Client) -> None:
    """The session ends on the server (expired and cleared, or deleted), as it does after a long pause."""
    deleted, _ = Session.objects.filter(session_key=client.cookies["sessionid"].value).delete()
    assert deleted == 1


def post_after_session_ended(client: Client, number: int, data: dict, loaded: dict):
    end_session(client)
    # A Finnish browser, as the survey's users have: "1234,5" is a number there.
    return client.post(page_url(number), {**data, **loaded, "action": "save"})


def kept_entries(client: Client) -> list:
    return client.session.get(drafts.KEPT_KEY, [])


@pytest.mark.trust("A company's session ends in the middle of a long page (no JavaScript)", area="Faults")
def test_answers_posted_after_the_session_ended_are_saved_when_the_link_is_opened_again(
    token, company_client, survey_response, trust_figure
):
    loaded = loaded_form(company_client, 1)
    reply = post_after_session_ended(company_client, 1, PAGE_1, loaded)

    assert reply.status_code == 403
    content = reply.content.decode()
    assert "Istuntosi päättyi ennen kuin nämä vastaukset ehdittiin tallentaa" in content
    assert "Avaa kutsusähköpostisi linkki uudelleen tässä selaimessa" in content
    assert token not in content
    assert stored(survey_response) == {}, "nothing is written without a session"

    reply = company_client.get(open_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code == 302
    assert reply.url == page_url(1)
    page = company_client.get(reply.url, HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()
    assert "Your earlier answers were saved." in content
    assert 'value="Aino Aalto"' in content
    saved = stored(survey_response)
    assert saved["contact_name"] == "Aino Aalto"
    assert saved["employees"] == 12
    assert saved["description"] == PAGE_1["description"]
    # Saved once: the session holds the response again and nothing waits any more.
    assert set(company_client.session.keys()) == {SESSION_KEY, INVITATION_KEY}
    typed = sum(1 for value in PAGE_1.values() if value)
    trust_figure("answers typed on the page", typed)
    trust_figure("answers lost", typed - len(saved))


def test_the_page_carries_a_signed_owner_marker_and_never_the_token(token, company_client, survey_response):
    loaded = loaded_form(company_client, 1)
    assert drafts.marker_response_id(marker=loaded["owner"]) == survey_response.pk
    assert token not in company_client.get(page_url(1)).content.decode()


def test_kept_answers_are_not_applied_to_another_companys_link(
    token, other_token, company_client, survey_response, other_response
):
    loaded = loaded_form(company_client, 1)
    assert post_after_session_ended(company_client, 1, PAGE_1, loaded).status_code == 403

    # The same browser opens another company's link first: its answers stay untouched.
    reply = company_client.get(open_url(other_token))
    assert reply.status_code == 302
    assert reply.url == reverse("surveys:start")
    assert stored(other_response) == {}
    assert stored(survey_response) == {}
    assert (
        "Your earlier answers were saved."
        not in company_client.get(reply.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    # The kept page still waits for its own company's link.
    assert company_client.get(open_url(token)).status_code == 302
    assert stored(survey_response)["contact_name"] == "Aino Aalto"
    assert stored(other_response) == {}


@pytest.mark.trust("A tab of company A saves after company B's link was opened in the same browser", area="Faults")
def test_a_page_of_another_response_is_never_saved_into_the_sessions_response(
    token, other_token, company_client, survey_response, other_response, trust_figure
):
    loaded = loaded_form(company_client, 1)
    # The same browser opens company B's link in another tab; the tab of A's page is still open.
    assert company_client.get(open_url(other_token)).status_code == 302
    reply = company_client.post(page_url(1), {**PAGE_1, **loaded, "action": "save"})
    assert reply.status_code == 403
    assert stored(other_response) == {}, "A's answers must never land in B's response"
    assert company_client.get(open_url(token)).status_code == 302
    assert stored(survey_response)["contact_name"] == "Aino Aalto"
    trust_figure("answers written to the wrong company", len(stored(other_response)))


@pytest.mark.trust("A colleague saves the page while the kept answers wait for the link", area="Faults")
def test_a_colleagues_newer_save_shows_the_conflict_with_the_kept_answers_in_the_fields(
    token, company_client, colleague_client, survey_response, trust_figure
):
    loaded = loaded_form(company_client, 1)
    assert post_after_session_ended(company_client, 1, PAGE_1, loaded).status_code == 403
    colleague = {**PAGE_1, "contact_name": "Bertta Kollega"}
    assert post_page(colleague_client, 1, colleague).status_code == 302

    reply = company_client.get(open_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code == 409
    content = reply.content.decode()
    assert "A colleague saved this page while you were answering" in content
    assert "The answers you typed before your session ended" in content
    assert re.search(r'name="contact_name"[^>]*value="Aino Aalto"', content)
    assert token not in content, "the token is only in the address bar"
    assert stored(survey_response)["contact_name"] == "Bertta Kollega", "nothing was overwritten"
    # Saving the shown form means choosing the kept answers knowingly.
    version = re.search(r'name="version" value="(\d+)"', content).group(1)
    data = {**PAGE_1, "version": version, "owner": loaded["owner"], "action": "save"}
    assert company_client.post(page_url(1), data).status_code == 302
    saved = stored(survey_response)
    assert saved["contact_name"] == "Aino Aalto"
    trust_figure("answers typed on the page", len(PAGE_1))
    trust_figure("answers lost", len(PAGE_1) - len(saved))


def test_invalid_kept_answers_come_back_with_their_errors(token, company_client, survey_response):
    loaded = loaded_form(company_client, 1)
    typed = {**PAGE_1, "employees": "many"}
    assert post_after_session_ended(company_client, 1, typed, loaded).status_code == 403

    reply = company_client.get(open_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code == 400
    content = reply.content.decode()
    assert "There is a problem: the page was not saved" in content
    assert re.search(r'name="employees"[^>]*value="many"', content)
    assert re.search(r'name="contact_name"[^>]*value="Aino Aalto"', content)
    assert stored(survey_response) == {}
    # Shown once: it now lives in the form, not in the session.
    assert drafts.KEPT_KEY not in company_client.session


@pytest.mark.parametrize(
    "owner",
    [
        "",
        "12345",
        "1:forged-signature",
        # A genuine signature of another purpose never passes for a page's owner marker.
        "{signed_elsewhere}",
    ],
)
def test_a_missing_or_forged_marker_keeps_nothing(token, company_client, survey_response, owner):
    from django.core import signing

    loaded = loaded_form(company_client, 1)
    if owner == "{signed_elsewhere}":
        owner = signing.Signer(salt="something.else").sign(str(survey_response.pk))
    reply = post_after_session_ended(company_client, 1, PAGE_1, {**loaded, "owner": owner})
    assert reply.status_code == 404
    assert "surveys/answer/no_session.html" in [t.name for t in reply.templates]
    assert kept_entries(company_client) == []
    assert company_client.get(open_url(token)).status_code == 302
    assert stored(survey_response) == {}


def test_a_tampered_kept_entry_in_the_session_is_ignored(token, company_client, survey_response, other_response):
    session = company_client.session
    session[drafts.KEPT_KEY] = [
        {"owner": "1:bad", "number": 1, "data": {"contact_name": ["X"]}, "kept_at": timezone.now().isoformat()},
        {"owner": None, "number": "x", "data": None, "kept_at": "yesterday"},
    ]
    session.save()
    assert company_client.get(open_url(token)).status_code == 302
    assert stored(survey_response) == {}


def test_kept_answers_expire_after_a_week(token, company_client, survey_response):
    loaded = loaded_form(company_client, 1)
    assert post_after_session_ended(company_client, 1, PAGE_1, loaded).status_code == 403
    session = company_client.session
    entries = session[drafts.KEPT_KEY]
    entries[0]["kept_at"] = (timezone.now() - drafts.KEEP_FOR - datetime.timedelta(minutes=1)).isoformat()
    session[drafts.KEPT_KEY] = entries
    session.save()

    assert company_client.get(open_url(token)).url == reverse("surveys:start")
    assert stored(survey_response) == {}


def test_a_later_save_of_the_page_replaces_the_kept_copy(token, company_client, survey_response):
    loaded = loaded_form(company_client, 1)
    assert post_after_session_ended(company_client, 1, PAGE_1, loaded).status_code == 403
    # The user opens the link in another browser and saves the page there with newer answers; then opens the link
    # again in the first browser: the kept copy is older than what is stored and must not win silently.
    other_browser = opened(token)
    assert post_page(other_browser, 1, {**PAGE_1, "contact_name": "Newer Name"}).status_code == 302
    reply = company_client.get(open_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code == 409
    assert stored(survey_response)["contact_name"] == "Newer Name"


def test_a_successful_save_drops_an_older_kept_copy_of_that_page(token, company_client, survey_response):
    loaded = loaded_form(company_client, 1)
    assert post_after_session_ended(company_client, 1, PAGE_1, loaded).status_code == 403
    # In this same browser the link is opened through another route (a fresh session key keeps the data) and
    # the page is saved: the kept copy is done with.
    session = company_client.session
    session[SESSION_KEY] = survey_response.pk
    session[INVITATION_KEY] = survey_response.invitations.get().pk
    session.save()
    assert post_page(company_client, 1, {**PAGE_1, "contact_name": "Saved Directly"}).status_code == 302
    assert drafts.KEPT_KEY not in company_client.session
    assert company_client.get(open_url(token)).url == reverse("surveys:start")
    assert stored(survey_response)["contact_name"] == "Saved Directly"
