"""The language switcher in every page's header: Finnish, Swedish and English change `<html lang>` and the texts.

A company contact switches on the survey (the questions follow, through their translated fields); a staff member
switches on the staff pages; the choice stays as they move on.
"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# Interface texts of the header and footer, as the catalogues give them.
INTERFACE = {
    "fi": {"statement": "Saavutettavuusseloste", "change": "Vaihda"},
    "sv": {"statement": "Tillgänglighetsutlåtande", "change": "Byt"},
    "en": {"statement": "Accessibility statement", "change": "Change"},
}
NAV_ORGANISATIONS = {"fi": "Organisaatiot", "sv": "Organisationer", "en": "Organisations"}


def switch_to(page, language: str, current: str) -> None:
    """Choose the language in the header and press its button, labelled in the current language."""
    page.locator("#language-select").select_option(language)
    with page.expect_navigation():
        page.get_by_role("button", name=INTERFACE[current]["change"], exact=True).click()


def assert_language(page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    footer = page.locator("footer").inner_text()
    assert INTERFACE[language]["statement"] in footer, footer
    assert page.locator("#language-select").input_value() == language


@pytest.mark.trust("A company cannot read the survey in Finnish, Swedish or English", area="Real browser")
def test_a_company_reads_the_survey_in_finnish_swedish_and_english(live_server, page, invited_company, trust_figure):
    survey = invited_company.survey
    first = survey.sections.order_by("order", "pk").first()
    question = first.questions.order_by("order", "pk").first()

    page.goto(f"{live_server.url}/s/{invited_company.token}/")
    assert_language(page, "fi")
    assert page.get_by_role("heading", level=1).inner_text() == survey.title_fi

    current, switched = "fi", 0
    for language in ("sv", "en", "fi"):
        switch_to(page, language, current)
        current = language
        # The same page, now in the chosen language: the interface and the survey's own texts.
        assert page.url.endswith("/survey/")
        assert_language(page, language)
        assert page.get_by_role("heading", level=1).inner_text() == getattr(survey, f"title_{language}")
        assert getattr(first, f"title_{language}") in page.locator("main").inner_text()
        # The choice stays on the next page.
        with page.expect_navigation():
            page.locator("main ol a").first.click()
        assert_language(page, language)
        assert getattr(first, f"title_{language}") in page.title()
        assert getattr(question, f"text_{language}") in page.locator("main").inner_text()
        page.go_back(wait_until="load")
        switched += 1
    trust_figure("language switches completed in Chromium", switched)


@pytest.mark.trust("Staff cannot switch the staff pages' language", area="Real browser")
def test_staff_switch_the_language_of_the_staff_pages(live_server, page, login, staff, trust_figure):
    login(staff.username)
    assert_language(page, "fi")
    assert page.locator("header").get_by_role("link", name=NAV_ORGANISATIONS["fi"], exact=True).is_visible()

    current, switched = "fi", 0
    for language in ("en", "sv"):
        switch_to(page, language, current)
        current = language
        assert_language(page, language)
        organisations = page.locator("header").get_by_role("link", name=NAV_ORGANISATIONS[language], exact=True)
        assert organisations.is_visible()
        with page.expect_navigation():
            organisations.click()
        assert page.url.endswith("/companies/")
        assert_language(page, language)
        switched += 1
    trust_figure("language switches completed in Chromium", switched)
