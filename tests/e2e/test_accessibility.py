"""WCAG 2.1 AA in a real browser: axe-core finds nothing on the company journey and the main staff pages.

Company pages are checked at a laptop's width and a phone's (companies answer on both), staff pages at a
laptop's; every violation of every page is printed at the end.
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from companies.models import Company, Contact, Tenancy
from surveys.invitations import invitation_create
from surveys.models import Response
from workforce.models import WorkforceNeed
from workshops.models import Finding, Interview, Measure, Workshop

from ..factories import CompanyFactory, QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
# Resize observers of the page's scripts run before the second frame after a resize.
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _audit(page, axe_audit, label: str) -> None:
    """Check the page as it is, then again as a phone would lay it out."""
    laptop = page.viewport_size
    axe_audit.check(page, label)
    page.set_viewport_size(PHONE)
    page.evaluate(NEXT_FRAMES)
    axe_audit.check(page, label)
    page.set_viewport_size(laptop)
    page.evaluate(NEXT_FRAMES)


def _next(page):
    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()


# The required questions of the demo survey, page by page, and how the test answers them.
REQUIRED = {
    1: lambda page: (
        page.locator("input[name=org_employees]").first.check(),
        page.locator("input[name=premises_plan][value=grow]").check(),
    ),
    2: lambda page: page.locator("input[name=growth_turnover_outlook][value='3']").check(),
    3: lambda page: page.locator("input[name=services_satisfaction][value='4']").check(),
    4: lambda page: page.locator("input[name=circular_side_streams][value=yes]").check(),
    5: lambda page: page.locator("input[name=work_recruitment_need]").fill("2"),
}


@pytest.mark.trust("A page of the company journey fails WCAG 2.1 AA (axe-core)", area="Accessibility")
def test_company_journey_has_no_axe_violations(live_server, page, invited_company, axe_audit, trust_figure):
    survey, company, token = invited_company.survey, invited_company.company, invited_company.token

    page.goto(f"{live_server.url}/s/not-a-real-invitation-token/")
    assert page.locator("h1").is_visible()
    _audit(page, axe_audit, "link not found")
    page.goto(f"{live_server.url}{reverse('surveys:start')}")
    _audit(page, axe_audit, "no survey session")
    page.goto(f"{live_server.url}/no-such-page/")
    _audit(page, axe_audit, "page not found")

    page.goto(f"{live_server.url}/s/{token}/")
    assert company.name in page.content()
    _audit(page, axe_audit, "start")
    sections = survey.sections.count()
    for number in range(1, sections + 1):
        page.goto(f"{live_server.url}{reverse('surveys:page', args=[number])}")
        _audit(page, axe_audit, f"page {number}")
        _next(page)  # nothing answered: every page has a required question
        assert page.locator("#error-summary[role=alert]").is_visible()
        _audit(page, axe_audit, f"page {number} with errors")
        REQUIRED[number](page)
        _next(page)
    assert page.url.endswith(reverse("surveys:summary"))
    _audit(page, axe_audit, "summary")
    with page.expect_navigation(url=f"**{reverse('surveys:thanks')}"):
        page.locator(f"form[action$='{reverse('surveys:submit')}'] button[type=submit]").click()
    _audit(page, axe_audit, "thanks")
    assert Response.objects.get(survey=survey, company=company).submitted_at is not None

    survey.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    survey.save(update_fields=["closes_at"])
    page.goto(f"{live_server.url}/s/{token}/")
    assert page.locator("main input[type=radio]").count() == 0
    _audit(page, axe_audit, "closed, read-only")

    trust_figure("page states scanned (laptop and phone)", len(axe_audit.checked))
    trust_figure("with violations", len(axe_audit.failures))
    axe_audit.assert_clean()


def survey_question(survey, code: str):
    return survey.sections.get(questions__code=code).questions.get(code=code)


@pytest.mark.trust("A main staff page fails WCAG 2.1 AA (axe-core)", area="Accessibility")
def test_staff_pages_have_no_axe_violations(live_server, page, login, staff, demo_data, axe_audit, trust_figure):
    survey, plan = demo_data.survey, demo_data.plan
    page.goto(f"{live_server.url}/accounts/login/")
    axe_audit.check(page, "login")
    page.get_by_label("Käyttäjätunnus").fill(staff.username)
    page.get_by_label("Salasana").fill("not the password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main .alert-danger, main .invalid-feedback").count() > 0
    axe_audit.check(page, "login with an error")
    login(staff.username)

    company = Company.objects.filter(survey_responses__survey=survey).order_by("name").first()
    urls = {
        "front page": reverse("home"),
        "directory": reverse("companies:directory"),
        "company": reverse("companies:detail", args=[company.pk]),
        "buildings": reverse("companies:buildings"),
        "building": reverse("companies:building", args=["kosmos"]),
        "import": reverse("companies:import"),
        "survey list": reverse("surveys:list"),
        "survey dashboard": reverse("surveys:dashboard", args=[survey.slug]),
        "survey results": reverse("surveys:results", args=[survey.slug]),
        "invite organisations": reverse("surveys:invite", args=[survey.slug]) + "?scope=all&resend=on",
        "survey results by an answer, with a cross-table": reverse("surveys:results", args=[survey.slug])
        + "?drafts=on&question={}&option=office&rows={}&columns={}".format(
            *(survey_question(survey, code).pk for code in ("org_premises", "org_employees", "premises_plan"))
        ),
        "survey results with a bad filter": reverse("surveys:results", args=[survey.slug]) + "?question=0",
        "survey export": reverse("surveys:export_page", args=[survey.slug]),
        "interviews": reverse("workshops:interviews"),
        "interview": reverse("workshops:interview", args=[Interview.objects.order_by("pk").first().pk]),
        "workshops": reverse("workshops:workshops"),
        "workshop": reverse("workshops:workshop", args=[Workshop.objects.order_by("pk").first().pk]),
        "findings board": reverse("workshops:board"),
        "findings": reverse("workshops:findings"),
        "finding": reverse("workshops:finding", args=[Finding.objects.order_by("pk").first().pk]),
        "measures": reverse("workshops:measures"),
        "measure": reverse("workshops:measure", args=[Measure.objects.order_by("pk").first().pk]),
        "search with results": reverse("search:search") + "?q=kiertotalous",
        "workforce matching": reverse("workforce:matching"),
        "workforce need": reverse("workforce:need", args=[WorkforceNeed.objects.order_by("pk").first().pk]),
        "plans": reverse("reports:plans"),
        "plan": reverse("reports:plan", args=[plan.pk]),
        "plan edit": reverse("reports:plan_edit", args=[plan.pk]),
        "report builds": reverse("reports:builds"),
        "accessibility statement": reverse("accessibility"),
        "privacy notice": reverse("privacy:notice"),
        "erase a contact": reverse("privacy:contact_erase", args=[Contact.objects.order_by("pk").first().pk]),
    }
    for label, url in urls.items():
        reply = page.goto(f"{live_server.url}{url}")
        assert reply.status == 200, f"{label}: {url} answered {reply.status}"
        if label == "search with results":
            assert page.locator("main .search-hit").count() > 0
        axe_audit.check(page, label)

    # The import's preview of a file that lets premises already let to another organisation: rows and warnings.
    tenancy = Tenancy.objects.select_related("premises__building").order_by("pk").first()
    page.goto(f"{live_server.url}{reverse('companies:import')}")
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "yritykset.csv",
                "mimeType": "text/csv",
                "buffer": (
                    f"Nimi;Y-tunnus;Rakennus;Toimitila;Puhelin\nSaavutettava Oy;;{tenancy.premises.building.name};"
                    f"{tenancy.premises.code};040 123 4567\n{company.name};{company.business_id};;;\n"
                ).encode(),
            }
        ]
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#import-warnings").count() == 1
    axe_audit.check(page, "import preview")

    # The invitation's confirmation step, reached by its POST form; and the choosing page with an error.
    page.goto(f"{live_server.url}{reverse('surveys:invite', args=[survey.slug])}?scope=all&resend=on")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main input[name=confirm]").count() == 1
    axe_audit.check(page, "invitation confirmation")
    page.goto(f"{live_server.url}{reverse('surveys:invite', args=[survey.slug])}?scope=selected")
    assert page.locator("main [role=alert]").count() > 0
    axe_audit.check(page, "invite organisations with an error")

    # A staff form sent empty shows its errors.
    page.goto(f"{live_server.url}{reverse('workshops:workshop_create')}")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("main [role=alert]").count() > 0
    axe_audit.check(page, "new workshop with errors")

    trust_figure("pages scanned", len(axe_audit.checked))
    trust_figure("with violations", len(axe_audit.failures))
    axe_audit.assert_clean()


@pytest.fixture
def open_survey():
    survey = SurveyFactory(
        opens_at=timezone.now() - datetime.timedelta(days=1), closes_at=timezone.now() + datetime.timedelta(days=30)
    )
    QuestionFactory(section=SectionFactory(survey=survey))
    _invitation, token = invitation_create(survey=survey, company=CompanyFactory(), contacts=[])
    return token


@pytest.mark.trust("A page has no link to the accessibility statement and its feedback channel", area="Accessibility")
def test_every_footer_links_the_accessibility_statement(
    live_server, page, login, staff, outsider, open_survey, axe_audit, trust_figure
):
    statement = reverse("accessibility")
    notice = reverse("privacy:notice")
    pages = [
        (reverse("home"), 200),
        (reverse("login"), 200),
        (reverse("surveys:open", args=["not-a-real-invitation-token"]), 404),
        ("/no-such-page/", 404),
        (reverse("surveys:open", args=[open_survey]), 200),  # the survey's start page
        (reverse("surveys:page", args=[1]), 200),
    ]
    for url, status in pages:
        reply = page.goto(f"{live_server.url}{url}")
        assert reply.status == status, url
        assert page.locator(f"footer a[href='{statement}']").count() == 1, f"no statement link in the footer of {url}"
        assert page.locator(f"footer a[href='{notice}']").count() == 1, f"no privacy notice link in the footer of {url}"
    # The server error page stands alone (base.html may be what failed): shown in place of a page of the site.
    page.set_content(render_to_string("500.html"))
    assert page.locator(f"footer a[href='{statement}']").count() == 1, "no statement link in the footer of 500.html"
    assert page.locator(f"footer a[href='{notice}']").count() == 1, "no privacy notice link in the footer of 500.html"
    _audit(page, axe_audit, "server error")

    # A logged-in user without a staff group is refused the staff pages, on a page of the site.
    login(outsider.username)
    reply = page.goto(f"{live_server.url}{reverse('companies:directory')}")
    assert reply.status == 403
    assert page.locator(f"footer a[href='{statement}']").count() == 1, "no statement link in the footer of 403.html"
    _audit(page, axe_audit, "no access")
    trust_figure("error pages scanned by axe", len(axe_audit.checked))
    trust_figure("with violations", len(axe_audit.failures))
    axe_audit.assert_clean()

    login(staff.username)
    staff_urls = (reverse("companies:directory"), reverse("reports:builds"), reverse("workshops:board"))
    for url in staff_urls:
        page.goto(f"{live_server.url}{url}")
        assert page.locator(f"footer a[href='{statement}']").count() == 1, f"no statement link in the footer of {url}"
        assert page.locator(f"footer a[href='{notice}']").count() == 1, f"no privacy notice link in the footer of {url}"
    trust_figure("pages with the statement link in the footer", len(pages) + 2 + len(staff_urls))

    page.locator("footer").get_by_role("link", name="Saavutettavuusseloste").click()
    page.wait_for_url(f"**{statement}")
    assert page.get_by_role("heading", level=1, name="Saavutettavuusseloste").is_visible()
    assert page.locator("main a[href^='mailto:']").count() >= 1  # the feedback channel the law asks for
    assert "306/2019" in page.locator("main").inner_text()
