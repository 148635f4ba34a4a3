"""A company contact answers the demo survey in a real browser from their link.

They leave half way, come back in a new browser session, find every answer,
submit once (a second submit changes nothing), and after the deadline the
link shows the answers read-only.
"""

import datetime

import pytest
from django.utils import timezone

from companies.demo import load_registry
from companies.models import Company
from surveys.demo import load_survey
from surveys.invitations import invitation_create
from surveys.models import Answer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invited(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_registry()
    survey = load_survey()
    company = Company.objects.filter(name__endswith="(demo)").order_by("name").first()
    invitation, token = invitation_create(survey=survey, company=company, contacts=company.contacts.all())
    return {"survey": survey, "company": company, "response": invitation.response, "token": token}


def _next(page):
    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()


@pytest.mark.trust(
    "A company cannot answer from its link, leave, come back, submit once and see its answers after the deadline",
    area="Real browser",
)
def test_company_answers_leaves_comes_back_and_submits_once(live_server, browser, invited, trust_figure):
    link = f"{live_server.url}/s/{invited['token']}/"
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()

    page.goto(link)
    assert invited["token"] not in page.url
    assert invited["company"].name in page.content()
    page.locator("main a.btn-primary").first.click()

    # Page 1: a conditional question appears only after "grow" is chosen.
    assert "1 / 5" in page.title()
    page.locator("input[name=org_employees]").first.check()
    needed = page.locator("input[name=premises_needed]").first
    assert not needed.is_visible()
    page.locator("input[name=premises_plan][value=grow]").check()
    assert needed.is_visible()
    needed.check()
    _next(page)

    # Page 2: answer, save, and leave the browser.
    assert "2 / 5" in page.title()
    page.locator("input[name=growth_turnover_outlook][value='4']").check()
    page.locator("input[name=growth_staff]").fill("3")
    with page.expect_navigation():
        page.locator("button[name=action][value=save]").click()
    context.close()

    # Days later, in a new browser session, everything is where it was.
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(link)
    page.goto(f"{live_server.url}/survey/page/1/")
    assert page.locator("input[name=premises_plan][value=grow]").is_checked()
    assert page.locator("input[name=premises_needed]").first.is_checked()
    page.goto(f"{live_server.url}/survey/page/2/")
    assert page.locator("input[name=growth_staff]").input_value() == "3"
    assert page.locator("input[name=growth_turnover_outlook][value='4']").is_checked()

    # A required question left empty is told next to the field, and what was typed stays.
    page.goto(f"{live_server.url}/survey/page/3/")
    page.locator("textarea[name=services_ideas]").fill("Yhteinen testilaboratorio")
    _next(page)
    assert "3 / 5" in page.title()
    assert page.locator("[role=alert]").first.is_visible()
    assert page.locator("textarea[name=services_ideas]").input_value() == "Yhteinen testilaboratorio"
    page.locator("input[name=services_satisfaction][value='4']").check()
    _next(page)
    page.locator("input[name=circular_side_streams][value=no]").check()
    _next(page)
    page.locator("input[name=work_recruitment_need]").fill("2")
    _next(page)

    # The summary, then submit with an impatient double click; going back offers no second submit.
    assert "Yhteinen testilaboratorio" in page.content()
    page.locator("form[action$='/survey/submit/'] button[type=submit]").dblclick()
    # The second click may cancel the first navigation; whichever request wins, the browser ends on the thanks page.
    page.wait_for_url("**/survey/thanks/")
    response = invited["response"]
    response.refresh_from_db()
    assert response.submitted_at is not None
    assert response.history.filter(submitted_at__isnull=False).count() == 1
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("form[action$='/survey/submit/']").count() == 0
    assert page.locator("[role=status]").first.is_visible()

    # After the deadline the link shows the answers read-only.
    survey = invited["survey"]
    survey.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    survey.save(update_fields=["closes_at"])
    page.goto(link)
    assert page.locator("main input[type=radio], main textarea").count() == 0
    assert "Yhteinen testilaboratorio" in page.content()
    assert Answer.objects.filter(response=response, question__code="growth_staff").get().value == 3
    context.close()
    trust_figure("journeys completed in Chromium", int(response.submitted_at is not None))
    trust_figure("submits stored after a double click", response.history.filter(submitted_at__isnull=False).count())
    trust_figure("answers stored", Answer.objects.filter(response=response).count())
