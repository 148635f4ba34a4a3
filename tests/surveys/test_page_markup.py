"""The survey's pages render the same HTML, byte for byte, as the reviewed markup kept in `markup/`.

Every question type is drawn empty, filled, with errors and in a conflict, in Finnish and Swedish, on the company's
page and on the staff's correction page. The texts carry characters that must be escaped (&, <, ", '), so a change
of template engine or of escaping shows here. What differs per request (the CSRF token, the CSP nonce, the signed
owner marker, clock times) is masked before the comparison.

After a deliberate change of the markup: `UPDATE_MARKUP=1 pytest tests/surveys/test_page_markup.py`, then read the
diff of `markup/` before committing it.
"""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from surveys.invitations import invitation_create
from surveys.models import Question, Response
from workforce.models import SkillArea

from ..factories import ChoiceFactory, CompanyFactory, QuestionFactory, SectionFactory
from .conftest import PAGE_1, PAGE_2, PAGE_3, build_survey, opened, page_url

pytestmark = pytest.mark.django_db

MARKUP = Path(__file__).parent / "markup"
UPDATE = os.environ.get("UPDATE_MARKUP") == "1"
T = Question.Type
TRICKY = "Tom's & \"Jerry's\" <b>café</b>"

PAGE_4 = {
    "tricky": "odd",
    "tricky_scale": "5",
    "tricky_text": TRICKY + " 'quoted' & done",
    "needs-rows": "2",
    "needs-0-skill_area": "mk-welding",
    "needs-0-role": 'Hitsaaja <senior> & "lead"',
    "needs-0-count": "3",
    "needs-0-window": "0-6",
    "needs-0-level": "any",
    "needs-0-kind": "permanent",
    "needs-1-skill_area": "mk-welding",
    "needs-1-role": "",
    "needs-1-count": "1",
    "needs-1-window": "12-36",
    "needs-1-level": "bachelor",
    "needs-1-kind": "trainee",
}
VALID = {1: PAGE_1, 2: PAGE_2, 3: PAGE_3, 4: PAGE_4}
INVALID = {
    1: {**PAGE_1, "contact_name": "", "employees": "many", "revenue": "1,2,3", "founded": "2001-02-30"},
    2: {**PAGE_2, "growth": "", "services": ["__other__"], "services__other": "", "satisfaction": "9"},
    3: {**PAGE_3, "wish": "x" * 5001},
    4: {**PAGE_4, "tricky": "", "tricky_scale": "0", "needs-0-count": "lots", "needs-1-skill_area": "nope"},
}
# Other valid answers, which a colleague's earlier save turns into a conflict.
CHANGED = {
    1: {**PAGE_1, "employees": "40", "contact_name": "Aino A. & 'co'"},
    2: {**PAGE_2, "satisfaction": "2", "services": ["training"], "services__other": ""},
    3: {**PAGE_3, "wish": "Less <parking> & \"more\" 'space'"},
    4: {**PAGE_4, "tricky": "even", "tricky_text": "Other", "needs-0-count": "5"},
}


@pytest.fixture
def markup_survey():
    """The survey of the other tests plus a page of a workforce table and texts that need escaping."""
    survey = build_survey()
    last = SectionFactory(survey=survey, order=4, title=f"Work & people {TRICKY}", description="One\n\nTwo & <three>")
    tricky = QuestionFactory(
        section=last, code="tricky", type=T.SINGLE_CHOICE, required=True, text=f"Which {TRICKY}?", help_text=TRICKY
    )
    ChoiceFactory(question=tricky, value="odd", label=f"Odd {TRICKY}")
    ChoiceFactory(question=tricky, value="even", label="Even")
    QuestionFactory(
        section=last,
        code="tricky_scale",
        type=T.SCALE,
        text="How 'good'?",
        scale_min_label="<bad>",
        scale_max_label="\"good\" & 'fine'",
    )
    QuestionFactory(section=last, code="tricky_text", type=T.SHORT_TEXT, text="Say 'it'", help_text="<i>&amp;</i>")
    QuestionFactory(section=last, code="needs", type=T.WORKFORCE_TABLE, text="Whom do you need?", help_text=TRICKY)
    for order, (slug, name, retired) in enumerate(
        (("mk-welding", "Welding & cutting", False), ("mk-typing", "Typewriters 'old'", True)), start=901
    ):
        SkillArea.objects.create(
            slug=slug, name_fi=name, name_sv=f"{name} (sv)", name_en=name, order=order, retired=retired
        )
    return survey


@pytest.fixture
def markup_response(markup_survey):
    company = CompanyFactory(name="Koodari & <Poika> Oy")
    _invitation, raw = invitation_create(survey=markup_survey, company=company)
    return raw, Response.objects.get(survey=markup_survey, company=company)


def masked(html: str) -> str:
    """The page without what differs per request or per run."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="…"', html)
    html = re.sub(r'nonce="[^"]*"', 'nonce="…"', html)
    html = re.sub(r'name="owner" value="[^"]*"', 'name="owner" value="…"', html)
    html = re.sub(r'(data-draft-key="[^"|]*)\|[^"]*"', r'\1|…"', html)
    html = re.sub(r"\b\d{1,2}[.:]\d{2}\b", "hh.mm", html)
    html = re.sub(r"/surveys/[\w-]+/responses/\d+/", "/surveys/…/responses/…/", html)
    return html


def main_part(html: str) -> str:
    start, end = html.index("<main"), html.index("</main>") + len("</main>")
    return masked(html[start:end])


def form_part(html: str) -> str:
    start = html.index("<form", html.index("<main"))
    return masked(html[start : html.index("</form>", start) + len("</form>")])


def check(name: str, html: str) -> None:
    path = MARKUP / f"{name}.html"
    if UPDATE:
        MARKUP.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert html == expected, f"{path.name} differs from the reviewed markup"


def client_in(language: str, token: str) -> Client:
    client = opened(token)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def version_of(client: Client, number: int) -> str:
    reply = client.get(page_url(number))
    assert reply.status_code == 200
    return str(reply.context["form"]["version"].value())


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_company_pages_render_the_reviewed_markup(language, markup_response):
    token, _survey_response = markup_response
    client = client_in(language, token)
    for number in VALID:
        reply = client.get(page_url(number))
        assert reply.status_code == 200
        check(f"{language}-page{number}-empty", main_part(reply.content.decode()))

    for number, data in INVALID.items():
        version = version_of(client, number)
        reply = client.post(page_url(number), {**data, "version": version, "action": "next"})
        assert reply.status_code == 400
        check(f"{language}-page{number}-errors", main_part(reply.content.decode()))

    for number, data in VALID.items():
        version = version_of(client, number)
        assert client.post(page_url(number), {**data, "version": version, "action": "save"}).status_code == 302
        reply = client.get(page_url(number))
        check(f"{language}-page{number}-filled", main_part(reply.content.decode()))

    colleague = client_in(language, token)
    for number, data in VALID.items():
        mine = version_of(client, number)
        theirs = version_of(colleague, number)
        assert colleague.post(page_url(number), {**data, "version": theirs, "action": "save"}).status_code == 302
        reply = client.post(page_url(number), {**CHANGED[number], "version": mine, "action": "save"})
        assert reply.status_code == 409
        check(f"{language}-page{number}-conflict", main_part(reply.content.decode()))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_staff_correction_page_renders_the_reviewed_markup(language, markup_response, staff_client):
    token, survey_response = markup_response
    company = client_in(language, token)
    for number, data in VALID.items():
        version = version_of(company, number)
        assert company.post(page_url(number), {**data, "version": version, "action": "save"}).status_code == 302
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    slug = survey_response.survey.slug
    for number in VALID:
        url = reverse("surveys:response_correct", args=[slug, survey_response.pk, number])
        reply = staff_client.get(url)
        assert reply.status_code == 200
        check(f"{language}-correct{number}-filled", form_part(reply.content.decode()))
        version = str(reply.context["form"]["version"].value())
        reply = staff_client.post(
            url, {**INVALID[number], "version": version, "action": "save", "correction-reason": "Typo"}
        )
        assert reply.status_code == 400
        check(f"{language}-correct{number}-errors", form_part(reply.content.decode()))
