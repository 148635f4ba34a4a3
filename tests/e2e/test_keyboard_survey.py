"""A company answers the whole demo survey with the keyboard only: Tab, Shift, Space, Enter and the arrow keys.

No clicks and no form filling by the test driver: every answer is typed or chosen as a keyboard user would.
Every element the Tab key reaches shows a visible focus indicator, the error summary is announced (role="alert")
and takes the focus, and each page's title names the step.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from surveys.models import Answer

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName, id: element.id, name: element.getAttribute("name") || "", value: element.value || "",
    text: (element.textContent || "").trim().slice(0, 40), role: element.getAttribute("role") || "",
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_visible_focus(page) -> dict:
    element = focused(page)
    assert element["outline"] or element["shadow"], f"no visible focus on {element}"
    return element


def tab_to(page, selector: str, limit: int = 60) -> dict:
    """Press Tab until the element matching the selector has the focus; each stop on the way must show it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = assert_visible_focus(page)
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return element
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, name: str, value: str, key: str = "ArrowDown") -> None:
    """Tab into a radio group, take the first option with Space, then arrow to the wanted one."""
    tab_to(page, f"input[type=radio][name={name}]")
    page.keyboard.press("Space")
    for _ in range(10):
        if focused(page)["value"] == value:
            break
        page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.checked")
    assert focused(page)["value"] == value


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def next_page(page) -> None:
    tab_to(page, "button[name=action][value=next]")
    press_and_wait(page)


def assert_title_names_page(page, number: int, total: int, section_title: str) -> None:
    title = page.title()
    assert f"{number} / {total}" in title and section_title in title, title


@pytest.mark.trust("A keyboard-only user cannot complete the survey, or loses the visible focus", area="Accessibility")
def test_the_survey_can_be_answered_and_submitted_with_the_keyboard_only(
    live_server, page, invited_company, trust_figure
):
    survey = invited_company.survey
    sections = list(survey.sections.order_by("order", "pk"))
    total = len(sections)
    with translation.override("fi"):
        summary_title = gettext("Check and submit: %(title)s") % {"title": survey.title}
        thanks_title = gettext("Thank you: %(title)s") % {"title": survey.title}

    page.goto(f"{live_server.url}/s/{invited_company.token}/")
    assert survey.title in page.title()

    # The first Tab reaches the skip link; Enter takes the focus past the header.
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("() => document.activeElement.className")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    assert focused(page)["tag"] == "MAIN"
    tab_to(page, "main a.btn-primary")  # Start
    press_and_wait(page)

    # Page 1, sent empty: the error summary is announced and has the focus; its link leads to the question.
    assert_title_names_page(page, 1, total, sections[0].title)
    next_page(page)
    summary = focused(page)
    assert summary["id"] == "error-summary" and summary["role"] == "alert", summary
    assert_visible_focus(page)
    assert_title_names_page(page, 1, total, sections[0].title)
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "A"
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "org_employees"
    page.keyboard.press("Space")
    choose(page, "premises_plan", "grow")
    # The follow-up question appears after "grow" and is the next stop of the Tab key.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "premises_needed"
    page.keyboard.press("Space")
    next_page(page)

    assert_title_names_page(page, 2, total, sections[1].title)
    choose(page, "growth_turnover_outlook", "3", key="ArrowRight")
    tab_to(page, "input[name=growth_staff]")
    page.keyboard.type("4")
    next_page(page)

    assert_title_names_page(page, 3, total, sections[2].title)
    choose(page, "services_satisfaction", "4", key="ArrowRight")
    tab_to(page, "textarea[name=services_ideas]")
    page.keyboard.type("Yhteinen testilaboratorio")
    next_page(page)

    assert_title_names_page(page, 4, total, sections[3].title)
    choose(page, "circular_side_streams", "no")
    next_page(page)

    assert_title_names_page(page, 5, total, sections[4].title)
    tab_to(page, "input[name=work_recruitment_need]")
    page.keyboard.type("2")
    next_page(page)

    assert page.title().startswith(summary_title)
    assert "Yhteinen testilaboratorio" in page.locator("main").inner_text()
    tab_to(page, "form[action$='/survey/submit/'] button[type=submit]")
    press_and_wait(page)
    assert page.title().startswith(thanks_title)

    response = invited_company.response
    response.refresh_from_db()
    assert response.submitted_at is not None
    stored = {a.question.code: a.value for a in Answer.objects.filter(response=response).select_related("question")}
    assert stored["premises_plan"] == "grow"
    assert stored["premises_needed"]
    assert stored["growth_turnover_outlook"] == 3
    assert stored["growth_staff"] == 4
    assert stored["services_satisfaction"] == 4
    assert stored["services_ideas"] == "Yhteinen testilaboratorio"
    assert stored["circular_side_streams"] == "no"
    assert stored["work_recruitment_need"] == 2
    trust_figure("survey pages completed with the keyboard only", total)
    trust_figure("answers stored", len(stored))
