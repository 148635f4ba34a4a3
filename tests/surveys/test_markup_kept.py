"""A worker keeps each question's markup it drew (surveys.markup): never another organisation's answers, never a
page as it was before a save, an edit of the survey, another language or an error."""

import re

import pytest
from django.utils import translation

from surveys import markup

from .conftest import PAGE_1, PAGE_2, page_url, post_page

pytestmark = pytest.mark.django_db

THEIRS_1 = {**PAGE_1, "contact_name": "Bertta Berg", "employees": "77", "description": "We weld the bridges."}
THEIRS_2 = {**PAGE_2, "growth": "no", "satisfaction": "2", "services": ["training"], "services__other": ""}


@pytest.fixture(autouse=True)
def _language_restored():
    language = translation.get_language()
    yield
    translation.activate(language)


def checked(html: str, name: str) -> list[str]:
    """The values of the checked options of a question, as the browser shows them ticked."""
    return re.findall(rf'name="{name}" id="[^"]+" value="([^"]*)" checked', html)


def question(html: str, code: str) -> str:
    """One question's markup on the page."""
    start = html.index(f'id="question-{code}"')
    end = html.find('<div class="survey-question', start)
    return html[start : end if end > 0 else html.index("</form>", start)]


def page(client, number: int, **headers) -> str:
    reply = client.get(page_url(number), **headers)
    assert reply.status_code == 200
    return reply.content.decode()


@pytest.fixture
def answered(company_client, other_client):
    """Two organisations that answered the first two pages differently."""
    for client, first, second in ((company_client, PAGE_1, PAGE_2), (other_client, THEIRS_1, THEIRS_2)):
        assert post_page(client, 1, first).status_code == 302
        assert post_page(client, 2, second).status_code == 302
    return company_client, other_client


def test_each_organisation_sees_its_own_answers_only(answered):
    mine, theirs = answered
    for _round in range(2):  # the second round is drawn from what the first kept
        first, second = page(mine, 1), page(theirs, 1)
        assert 'value="Aino Aalto"' in first and 'value="12"' in first and "We write software" in first
        assert "Bertta" not in first and 'value="77"' not in first and "bridges" not in first
        assert 'value="Bertta Berg"' in second and 'value="77"' in second and "We weld the bridges." in second
        assert "Aino" not in second and "We write software" not in second
        first, second = page(mine, 2), page(theirs, 2)
        assert checked(first, "satisfaction") == ["4"] and checked(second, "satisfaction") == ["2"]
        assert checked(first, "services") == ["coworking", "__other__"] and checked(second, "services") == ["training"]
        assert 'value="Sauna evenings"' in first and "Sauna" not in second
        assert checked(first, "growth") == ["yes"] and checked(second, "growth") == ["no"]
        # The question that "yes" shows: open on one page, hidden on the other.
        assert " hidden>" not in question(first, "growth_how").split(">", 1)[0] + ">"
        assert question(second, "growth_how").split(">", 1)[0].endswith(" hidden")


def test_a_save_shows_at_once(answered):
    mine, _theirs = answered
    assert checked(page(mine, 2), "satisfaction") == ["4"]
    assert post_page(mine, 2, {**PAGE_2, "satisfaction": "5", "services__other": "Ice swimming"}).status_code == 302
    again = page(mine, 2)
    assert checked(again, "satisfaction") == ["5"]
    assert 'value="Ice swimming"' in again and "Sauna evenings" not in again


def test_another_language_draws_its_own_markup(answered):
    mine, _theirs = answered
    finnish = page(mine, 1, HTTP_ACCEPT_LANGUAGE="fi")
    swedish = page(mine, 1, HTTP_ACCEPT_LANGUAGE="sv")
    assert "(pakollinen)" in question(finnish, "contact_name") and "obligatorisk" not in finnish
    assert "(obligatorisk)" in question(swedish, "contact_name") and "pakollinen" not in swedish
    # Numbers are written in the page's language too.
    assert 'value="1234,5"' in question(finnish, "revenue")


def test_a_question_with_an_error_is_drawn_anew_and_never_kept(answered):
    mine, _theirs = answered
    page(mine, 1)
    reply = post_page(mine, 1, {**PAGE_1, "employees": "many"})
    assert reply.status_code == 400
    assert 'aria-invalid="true"' in question(reply.content.decode(), "employees")
    assert 'value="many"' in question(reply.content.decode(), "employees")
    shown = question(page(mine, 1), "employees")
    assert 'value="12"' in shown and "invalid" not in shown and "many" not in shown


def test_the_kept_markup_is_the_markup_drawn_anew(answered):
    mine, _theirs = answered
    kept_first = page(mine, 2)
    kept = len(markup._kept)
    assert kept > 0
    again = page(mine, 2)
    assert len(markup._kept) == kept  # nothing new was drawn
    markup._kept.clear()
    drawn = page(mine, 2)
    for code in ("growth", "growth_how", "services", "satisfaction", "recommend"):
        assert question(kept_first, code) == question(again, code) == question(drawn, code)
