"""A staff member corrects a company's answer in a real browser and finds the new figure on the results page at once."""

import pytest
from django.urls import reverse

from companies.demo import load_registry
from surveys.demo import load_demo_responses, load_survey
from surveys.models import Answer, Question, Response

pytestmark = pytest.mark.django_db(transaction=True)

BIGGEST = "250-or-more"
BIGGEST_LABEL = "250 henkilöä tai enemmän"
REASON = "Yritys soitti ja korjasi henkilömäärän"


@pytest.fixture
def village(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_registry()
    survey = load_survey()
    load_demo_responses(survey)
    return survey


def _count(page, question: Question, label: str) -> int:
    card = page.locator(f"section[aria-labelledby='question-{question.pk}']")
    return int(card.locator("tr", has_text=label).locator("td").first.inner_text())


def test_staff_correct_an_answer_and_see_the_new_figure_in_the_results(
    live_server, page, login, staff, village, axe_audit
):
    survey = village
    question = Question.objects.get(section__survey=survey, code="org_employees")
    # The first submitted organisation by name whose answer is another band: on the first page of the dashboard.
    answer = (
        Answer.objects.filter(question=question, response__submitted_at__isnull=False)
        .exclude(value=BIGGEST)
        .select_related("response__company")
        .order_by("response__company__name")
        .first()
    )
    survey_response = answer.response
    login(staff.username)

    results = f"{live_server.url}{reverse('surveys:results', args=[survey.slug])}"
    page.goto(results)
    before = _count(page, question, BIGGEST_LABEL)

    # From the dashboard's list of every invited organisation to the company's response.
    page.goto(f"{live_server.url}{reverse('surveys:dashboard', args=[survey.slug])}?show=all")
    name = survey_response.company.name
    with page.expect_navigation():
        page.locator("#pending").get_by_role("link", name=f"Vastaukset – {name}").click()
    assert page.get_by_role("heading", level=1, name=name).is_visible()
    axe_audit.check(page, "response page")

    # The first page in the company's own form; a reason is required.
    with page.expect_navigation():
        page.locator("#page-1-section").get_by_role("link", name="Korjaa").click()
    axe_audit.check(page, "correction page")
    page.get_by_label(BIGGEST_LABEL).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tallenna korjaus").click()
    assert page.locator("#id_correction-reason_error").is_visible()
    assert page.get_by_label(BIGGEST_LABEL).is_checked()  # what was chosen is kept
    axe_audit.check(page, "correction page with an error")
    page.get_by_label("Muutoksen syy").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Tallenna korjaus").click()

    # Back on the response page: the history shows who, why, before and after.
    history = page.locator("#history tbody tr", has_text=REASON)
    assert history.count() == 1
    assert BIGGEST_LABEL in history.inner_text()
    assert Response.objects.get(pk=survey_response.pk).answers.get(question=question).value == BIGGEST

    page.goto(results)
    assert _count(page, question, BIGGEST_LABEL) == before + 1
    axe_audit.assert_clean()
