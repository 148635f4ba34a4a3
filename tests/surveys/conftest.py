"""Fixtures of the survey tests: a survey with every question type, invited companies and their sessions."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from surveys.invitations import invitation_create
from surveys.models import Question, Response

from ..factories import ChoiceFactory, CompanyFactory, ContactFactory, QuestionFactory, SectionFactory, SurveyFactory

T = Question.Type

# Valid answers to each page of the survey below, as a browser posts them (Finnish decimal comma included).
PAGE_1 = {
    "contact_name": "Aino Aalto",
    "description": "We write software for the mills.",
    "employees": "12",
    "revenue": "1234,5",
    "founded": "2001-05-17",
}
PAGE_2 = {
    "growth": "yes",
    "growth_how": "Hire two coders",
    "growth_area": "digital",
    "digital_detail": "Machine vision",
    "services": ["coworking", "__other__"],
    "services__other": "Sauna evenings",
    "satisfaction": "4",
    "recommend": "yes",
}
PAGE_3 = {"wish": "More parking", "partners": "Lapin AMK"}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the (real) Redis cache: every test starts without them."""
    cache.clear()
    yield
    cache.clear()


def build_survey(**fields):
    """Three pages holding every question type, "other" options and conditions on the same and a later page."""
    survey = SurveyFactory(
        title="Teknologiakylä survey",
        introduction="Tell us what your organisation needs.",
        thank_you_text="Kiitos vastauksistanne!",
        **fields,
    )
    basics = SectionFactory(survey=survey, order=1, title="Your organisation")
    needs = SectionFactory(survey=survey, order=2, title="Needs")
    future = SectionFactory(survey=survey, order=3, title="Future")

    def ask(section, code, kind, **extra):
        return QuestionFactory(section=section, code=code, type=kind, text=f"Question {code}?", **extra)

    ask(basics, "contact_name", T.SHORT_TEXT, required=True, help_text="Your own name.")
    ask(basics, "description", T.LONG_TEXT)
    ask(basics, "employees", T.INTEGER, required=True, min_value=0, max_value=10000)
    ask(basics, "revenue", T.DECIMAL, min_value=0, max_value=1000000)
    ask(basics, "founded", T.DATE)

    growth = ask(needs, "growth", T.SINGLE_CHOICE, required=True, has_other=True)
    plans = ChoiceFactory(question=growth, value="yes", label="Growth is planned")
    ChoiceFactory(question=growth, value="no", label="No growth planned")
    ask(needs, "growth_how", T.LONG_TEXT, required=True, shown_if_choice=plans)
    area = ask(needs, "growth_area", T.SINGLE_CHOICE, shown_if_choice=plans)
    digital = ChoiceFactory(question=area, value="digital", label="Digitalisation")
    ChoiceFactory(question=area, value="circular", label="Circular economy")
    ask(needs, "digital_detail", T.SHORT_TEXT, shown_if_choice=digital)
    services = ask(needs, "services", T.MULTIPLE_CHOICE, has_other=True)
    ChoiceFactory(question=services, value="coworking", label="Coworking space")
    ChoiceFactory(question=services, value="training", label="Training")
    ask(needs, "satisfaction", T.SCALE, scale_min_label="Poor", scale_max_label="Excellent")
    ask(needs, "recommend", T.YES_NO, required=True)

    ask(future, "wish", T.LONG_TEXT)
    ask(future, "partners", T.SHORT_TEXT, shown_if_choice=plans)
    return survey


@pytest.fixture
def survey(db):
    return build_survey()


@pytest.fixture
def questions(survey):
    """{code: Question} of the survey."""
    return {q.code: q for q in Question.objects.filter(section__survey=survey)}


@pytest.fixture
def company(db):
    return CompanyFactory(name="Koodari Oy")


@pytest.fixture
def contact(company):
    return ContactFactory(company=company, name="Aino Aalto", email="aino@koodari.example", is_primary=True)


@pytest.fixture
def token(survey, company, contact):
    """The raw token of the company's invitation link."""
    _invitation, raw = invitation_create(survey=survey, company=company, contacts=[contact])
    return raw


@pytest.fixture
def survey_response(token, survey, company):
    return Response.objects.get(survey=survey, company=company)


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Konepaja Oy")


@pytest.fixture
def other_token(survey, other_company):
    _invitation, raw = invitation_create(survey=survey, company=other_company)
    return raw


@pytest.fixture
def other_response(other_token, survey, other_company):
    return Response.objects.get(survey=survey, company=other_company)


def opened(token: str) -> Client:
    """A fresh browser that has opened the invitation link."""
    client = Client()
    reply = client.get(reverse("surveys:open", args=[token]))
    assert reply.status_code == 302, reply.status_code
    return client


@pytest.fixture
def company_client(token):
    """The company's contact, with a survey session."""
    return opened(token)


@pytest.fixture
def colleague_client(token):
    """A colleague at the same company who opened the same link in another browser."""
    return opened(token)


@pytest.fixture
def other_client(other_token):
    """The other company's contact, with its own survey session."""
    return opened(other_token)


def page_url(number: int) -> str:
    return reverse("surveys:page", args=[number])


def loaded_version(client: Client, number: int) -> str:
    """The version a browser gets when it loads the page."""
    reply = client.get(page_url(number))
    assert reply.status_code == 200
    return str(reply.context["form"]["version"].value())


def post_page(client: Client, number: int, data: dict, action: str = "save", version: str | None = None):
    """Post one page as the browser does: with the version it loaded and the pressed button."""
    version = loaded_version(client, number) if version is None else version
    return client.post(page_url(number), {**data, "version": version, "action": action})
