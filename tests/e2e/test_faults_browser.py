"""Faults met in a real browser: nothing a company typed is lost.

1. The database restarts as the company presses Save: the page says the answers were not saved and are kept in
   the browser; back on the page, survey.js puts every typed answer back, and the next Save stores them.
2. The company's session ends while the page is open: Save keeps the page on the server, and opening the
   invitation link again saves it.
"""

import pytest
from django.contrib.sessions.models import Session

from surveys.invitations import invitation_create
from surveys.models import Answer, Question, Response
from workforce.models import SkillArea

from ..factories import ChoiceFactory, CompanyFactory, ContactFactory, QuestionFactory, SectionFactory, SurveyFactory
from ..faults.outage import database_down
from .conftest import _seed_reference_rows

pytestmark = pytest.mark.django_db(transaction=True)

T = Question.Type
# The questions type_answers() answers: every one of them on the first page.
TYPED = ["name", "story", "staff", "founded", "plan", "services", "happy", "hiring", "needs"]


@pytest.fixture
def invited(transactional_db):
    """A survey whose first page holds every kind of field a page can have, and one invited company."""
    _seed_reference_rows()
    survey = SurveyFactory(title="Teknologiakylä survey")
    first = SectionFactory(survey=survey, order=1, title="Everything")
    SectionFactory(survey=survey, order=2, title="More")

    def ask(code, kind, **extra):
        return QuestionFactory(section=first, code=code, type=kind, text=f"Question {code}?", **extra)

    ask("name", T.SHORT_TEXT, required=True)
    ask("story", T.LONG_TEXT)
    ask("staff", T.INTEGER, min_value=0, max_value=10000)
    ask("founded", T.DATE)
    plan = ask("plan", T.SINGLE_CHOICE)
    ChoiceFactory(question=plan, value="grow", label="Grow")
    ChoiceFactory(question=plan, value="stay", label="Stay")
    services = ask("services", T.MULTIPLE_CHOICE, has_other=True)
    ChoiceFactory(question=services, value="coworking", label="Coworking space")
    ChoiceFactory(question=services, value="training", label="Training")
    ask("happy", T.SCALE)
    ask("hiring", T.YES_NO)
    ask("needs", T.WORKFORCE_TABLE)
    company = CompanyFactory(name="Koodari Oy")
    contact = ContactFactory(company=company, name="Aino Aalto", email="aino@koodari.example", is_primary=True)
    _invitation, token = invitation_create(survey=survey, company=company, contacts=[contact])
    return Response.objects.get(survey=survey, company=company), token


def type_answers(page, areas: list[SkillArea]) -> None:
    page.locator("input[name=name]").fill("Aino Aalto")
    page.locator("textarea[name=story]").fill("Ohjelmistoja tehtaille.\nToinen rivi.")
    page.locator("input[name=staff]").fill("12")
    page.locator("input[name=founded]").fill("2001-05-17")
    page.locator("input[name=plan][value=grow]").check()
    page.locator("input[name=services][value=training]").check()
    page.locator("input[name=services][value=__other__]").check()
    page.locator("input[name=services__other]").fill("Saunaillat")
    page.locator("input[name=happy][value='4']").check()
    page.locator("input[name=hiring][value=yes]").check()
    # Two rows of the table: the second one added with the table's own button.
    page.locator("select[name=needs-0-skill_area]").select_option(areas[0].slug)
    page.locator("input[name=needs-0-role]").fill("Koodari")
    page.locator("input[name=needs-0-count]").fill("2")
    page.locator("select[name=needs-0-window]").select_option("0-6")
    page.locator("[data-add-row]").click()
    page.locator("select[name=needs-1-skill_area]").select_option(areas[1].slug)
    page.locator("input[name=needs-1-count]").fill("1")
    page.locator("select[name=needs-1-window]").select_option("12-36")


def assert_answers_shown(page, areas: list[SkillArea]) -> None:
    assert page.locator("input[name=name]").input_value() == "Aino Aalto"
    assert page.locator("textarea[name=story]").input_value() == "Ohjelmistoja tehtaille.\nToinen rivi."
    assert page.locator("input[name=staff]").input_value() == "12"
    assert page.locator("input[name=founded]").input_value() == "2001-05-17"
    assert page.locator("input[name=plan][value=grow]").is_checked()
    assert not page.locator("input[name=services][value=coworking]").is_checked()
    assert page.locator("input[name=services][value=training]").is_checked()
    assert page.locator("input[name=services][value=__other__]").is_checked()
    assert page.locator("input[name=services__other]").input_value() == "Saunaillat"
    assert page.locator("input[name=happy][value='4']").is_checked()
    assert page.locator("input[name=hiring][value=yes]").is_checked()
    assert page.locator("select[name=needs-0-skill_area]").input_value() == areas[0].slug
    assert page.locator("input[name=needs-0-role]").input_value() == "Koodari"
    assert page.locator("input[name=needs-0-count]").input_value() == "2"
    assert page.locator("select[name=needs-0-window]").input_value() == "0-6"
    assert page.locator("select[name=needs-1-skill_area]").input_value() == areas[1].slug
    assert page.locator("input[name=needs-1-count]").input_value() == "1"
    assert page.locator("select[name=needs-1-window]").input_value() == "12-36"


def stored(survey_response) -> dict:
    return {
        a.question.code: (a.value, a.other_text)
        for a in Answer.objects.filter(response=survey_response).select_related("question")
    }


def assert_answers_stored(survey_response, areas: list[SkillArea]) -> dict:
    saved = stored(survey_response)
    assert saved["name"] == ("Aino Aalto", "")
    assert saved["story"][0].replace("\r\n", "\n") == "Ohjelmistoja tehtaille.\nToinen rivi."  # browsers post CRLF
    assert saved["staff"][0] == 12
    assert saved["founded"][0] == "2001-05-17"
    assert saved["plan"][0] == "grow"
    assert saved["services"] == (["training", "__other__"], "Saunaillat")
    assert saved["happy"][0] == 4
    assert saved["hiring"][0] == "yes"
    rows = saved["needs"][0]
    assert [(row["skill_area"], row["count"]) for row in rows] == [(areas[0].slug, 2), (areas[1].slug, 1)]
    assert rows[0]["role"] == "Koodari"
    return saved


def save(page) -> None:
    with page.expect_navigation():
        page.locator("button[name=action][value=save]").click()


@pytest.mark.trust("The database restarts as a company presses Save in the browser", area="Faults")
def test_typed_answers_survive_a_database_restart_at_save(live_server, browser, invited, axe_audit, trust_figure):
    survey_response, token = invited
    areas = list(SkillArea.objects.filter(retired=False).order_by("order")[:2])
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}/")
    page.goto(f"{live_server.url}/survey/page/1/")
    type_answers(page, areas)

    with database_down():
        save(page)
        assert "Vastauksia ei tallennettu" in page.locator("h1").inner_text()
        message = page.locator("main [role=alert]").inner_text()
        assert "Palvelu ei juuri nyt saa yhteyttä tietokantaansa" in message
        assert "ovat tallessa tässä selaimessa" in message
        axe_audit.check(page, "the database outage page")
    assert stored(survey_response) == {}, "nothing was saved during the outage"

    # The database is back; the company follows the page's link back to the survey page.
    with page.expect_navigation():
        page.get_by_role("link", name="Takaisin sivulle").click()
    assert page.url == f"{live_server.url}/survey/page/1/"
    notice = page.locator("[data-draft-notice]")
    notice.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('[data-draft-notice]').textContent.length > 0")
    assert notice.get_attribute("role") == "status"
    assert "palautettiin" in notice.inner_text()
    assert "paina Tallenna" in notice.inner_text()
    assert_answers_shown(page, areas)
    axe_audit.check(page, "a page with restored answers")

    save(page)
    assert "Vastauksesi tallennettiin." in page.content(), page.locator("main").inner_text()
    saved = assert_answers_stored(survey_response, areas)
    # Saved: the draft is history, so a reload shows the stored answers without the notice.
    page.reload()
    assert page.locator("[data-draft-notice]").is_hidden()
    assert page.locator("input[name=needs-1-count]").input_value() == "1"
    context.close()
    axe_audit.assert_clean()
    trust_figure("answers typed", len(TYPED))
    trust_figure("answers lost", len([code for code in TYPED if code not in saved]))


@pytest.mark.trust("A company's session ends while a survey page is open in the browser", area="Faults")
def test_typed_answers_survive_the_session_ending_before_save(live_server, browser, invited, axe_audit, trust_figure):
    survey_response, token = invited
    areas = list(SkillArea.objects.filter(retired=False).order_by("order")[:2])
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}/")
    page.goto(f"{live_server.url}/survey/page/1/")
    type_answers(page, areas)

    # The session ends on the server while the page is open (expired and cleared, or deleted).
    session_key = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "sessionid")
    assert Session.objects.filter(session_key=session_key).delete()[0] == 1
    save(page)
    assert "Istuntosi päättyi ennen kuin nämä vastaukset ehdittiin tallentaa" in page.locator("h1").inner_text()
    assert "Avaa kutsusähköpostisi linkki uudelleen" in page.locator("main [role=alert]").inner_text()
    assert stored(survey_response) == {}
    axe_audit.check(page, "the page kept after the session ended")

    # The company opens the link of the invitation e-mail again, in the same browser.
    page.goto(f"{live_server.url}/s/{token}/")
    assert page.url == f"{live_server.url}/survey/page/1/"
    assert "Aiemmin kirjoittamasi vastaukset tallennettiin." in page.locator("main").inner_text()
    assert_answers_shown(page, areas)
    assert page.locator("[data-draft-notice]").is_hidden(), "saved on the server: nothing to restore"
    saved = assert_answers_stored(survey_response, areas)
    context.close()
    axe_audit.assert_clean()
    trust_figure("answers typed", len(TYPED))
    trust_figure("answers lost", len([code for code in TYPED if code not in saved]))
