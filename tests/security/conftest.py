"""Fixtures of the security tests: a world with one record of every kind, and a client for each kind of visitor."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from companies.models import Building, Company
from reports.models import DevelopmentPlan, ReportBuild
from surveys.invitations import invitation_create
from surveys.models import Invitation, Response, Survey
from workforce.models import EducationProgramme, SkillArea, WorkforceNeed
from workshops.models import Attachment, Finding, Goal, Interview, Measure, Theme, Workshop

from ..factories import (
    BuildingFactory,
    CompanyFactory,
    ContactFactory,
    FindingFactory,
    InterviewFactory,
    MeasureFactory,
    PremisesFactory,
    TenancyFactory,
    ThemeFactory,
    WorkshopFactory,
)
from ..surveys.conftest import build_survey
from ..workforce.helpers import make_area, make_school, need, programme

ROLES = ("anonymous", "outsider", "viewer", "staff", "company")


@dataclass
class World:
    building: Building
    company: Company
    other_company: Company
    survey: Survey
    response: Response
    other_response: Response
    invitation: Invitation
    token: str
    other_token: str
    theme: Theme
    interview: Interview
    workshop: Workshop
    attachment: Attachment
    finding: Finding
    measure: Measure
    plan: DevelopmentPlan
    goal: Goal
    build: ReportBuild
    skill_area: SkillArea
    need: WorkforceNeed
    programme: EducationProgramme


def make_world(staff) -> World:
    building = BuildingFactory(name="Kosmos", slug="kosmos")
    company = CompanyFactory(name="Koodari Oy")
    TenancyFactory(company=company, premises=PremisesFactory(building=building))
    contact = ContactFactory(company=company, name="Aino Aalto", email="aino@koodari.example", is_primary=True)
    other_company = CompanyFactory(name="Konepaja Oy")
    survey = build_survey(slug="toimijakysely")
    invitation, token = invitation_create(survey=survey, company=company, contacts=[contact])
    _other_invitation, other_token = invitation_create(survey=survey, company=other_company)
    theme = ThemeFactory(name="Digitalisaatio", slug="digitalisaatio")
    interview = InterviewFactory(building=building, room="A101")
    interview.companies.add(company)
    workshop = WorkshopFactory(title="Kiertotalouden työpaja")
    workshop.invited_companies.add(company)
    attachment = Attachment.objects.create(
        interview=interview,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="muistio.pdf"),
        original_name="muistio.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=staff,
    )
    finding = FindingFactory(text="Yritykset tarvitsevat koodareita.")
    finding.themes.add(theme)
    finding.interviews.add(interview)
    plan = DevelopmentPlan.objects.create(
        title="Teknologiakylän kehittämissuunnitelma",
        period_start=datetime.date(2022, 6, 1),
        period_end=datetime.date(2024, 5, 31),
        summary="Kylä kasvaa.",
    )
    goal = Goal.objects.create(plan=plan, order=1, title="Osaajia kylään")
    measure = MeasureFactory(title="Rekrytointimessut", goal=goal, responsible_organisation=company)
    measure.findings.add(finding)
    build = ReportBuild.objects.create(
        plan=plan,
        survey=survey,
        language="fi",
        requested_by=staff,
        status=ReportBuild.Status.DONE,
        pdf=ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf"),
        docx=ContentFile(b"PK\x05\x06" + bytes(18), name="plan.docx"),
        docx_size=22,
        size=15,
        page_count=1,
    )
    area = make_area("Ohjelmistokehitys")
    school = make_school("Lapin AMK")
    return World(
        building=building,
        company=company,
        other_company=other_company,
        survey=survey,
        response=Response.objects.get(survey=survey, company=company),
        other_response=Response.objects.get(survey=survey, company=other_company),
        invitation=invitation,
        token=token,
        other_token=other_token,
        theme=theme,
        interview=interview,
        workshop=workshop,
        attachment=attachment,
        finding=finding,
        measure=measure,
        plan=plan,
        goal=goal,
        build=build,
        skill_area=area,
        need=need(company, area, 2),
        programme=programme(school, "Tieto- ja viestintätekniikka", "bachelor", [area], 30),
    )


@pytest.fixture
def world(staff) -> World:
    return make_world(staff)


def opened(token: str) -> Client:
    """A fresh browser that has opened the invitation link: it holds a survey session and no login."""
    client = Client()
    reply = client.get(reverse("surveys:open", args=[token]))
    assert reply.status_code == 302, reply.status_code
    return client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(world, outsider, viewer, staff) -> dict[str, Client]:
    """One browser per kind of visitor."""
    return {
        "anonymous": Client(),
        "outsider": logged_in(outsider),
        "viewer": logged_in(viewer),
        "staff": logged_in(staff),
        "company": opened(world.token),
    }
