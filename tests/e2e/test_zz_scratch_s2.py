import importlib, time, datetime
import pytest
from django.apps import apps
from django.utils import timezone
from django.core.management import call_command
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)
OPTS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}

def test_scratch(live_server, browser, staff, settings, tmp_path):
    t = time.time()
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    print("demo", time.time() - t)
    from companies.models import Company
    from surveys.models import Survey
    from surveys.invitations import invitation_create
    survey = Survey.objects.get()
    company = Company.objects.filter(name__endswith="(demo)", survey_responses__isnull=True).order_by("name").first()
    inv, token = invitation_create(survey=survey, company=company, contacts=company.contacts.all())
    axe = Axe()
    out = []
    for size in ({"width": 1280, "height": 720}, {"width": 375, "height": 740}):
        ctx = browser.new_context(locale="fi-FI", viewport=size)
        page = ctx.new_page()
        def check(label):
            res = axe.run(page, options=OPTS)
            out.append(f"##### {size['width']} {label} {page.url} {page.title()}\n{res.generate_report() if res.violations_count else 'OK'}")
        page.goto(live_server.url + "/s/nonexistent-token/"); check("notfound")
        page.goto(live_server.url + "/survey/"); check("nosession")
        page.goto(live_server.url + f"/s/{token}/"); check("start")
        for n in range(1, 6):
            page.goto(live_server.url + f"/survey/page/{n}/"); check(f"page{n}")
            with page.expect_navigation():
                page.locator("button[name=action][value=next]").click()
            check(f"page{n}-errors")
        page.goto(live_server.url + "/survey/summary/"); check("summary")
        page.goto(live_server.url + "/survey/thanks/"); check("thanks")
        page.goto(live_server.url + "/accounts/login/"); check("login")
        page.goto(live_server.url + "/accessibility/"); check("a11y")
        ctx.close()
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    ctx = browser.new_context(locale="fi-FI"); page = ctx.new_page()
    page.goto(live_server.url + f"/s/{token}/"); 
    res = axe.run(page, options=OPTS)
    out.append(f"##### closed {page.url} {page.title()}\n{res.generate_report() if res.violations_count else 'OK'}")
    open("/tmp/s2/company.txt", "w").write("\n".join(out))
    print("total", time.time() - t)
