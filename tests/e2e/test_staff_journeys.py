"""A staff member's working day in a real browser, with a real Celery worker for the report.

Log in, find a company by name, read the survey dashboard, record a workshop and upload a photo of its flip chart,
then build the development plan: the builds page follows the worker without a reload, and the PDF downloads.
(Filtering the directory and importing a file are in test_registry_journey.py.)
"""

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from companies.demo import load_registry
from companies.models import Company
from reports.demo import load_plan
from reports.models import ReportBuild
from surveys.demo import load_demo_responses, load_survey
from surveys.models import Response
from teknokyla.celery import app
from workshops.demo import demo_png
from workshops.models import Attachment, Workshop

pytestmark = pytest.mark.django_db(transaction=True)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def village(settings, tmp_path):
    """The demo registry, the demo survey with its answers, and the demo plan edition; no workshops yet."""
    settings.VAR_DIR = tmp_path
    load_registry()
    survey = load_survey()
    load_demo_responses(survey)
    return {"survey": survey, "plan": load_plan()}


def _overall(page, column: int) -> int:
    """A key figure of the dashboard: invited, opened, drafts, submitted."""
    return int(page.locator("#overall dd").nth(column).inner_text())


@pytest.mark.trust(
    "Staff cannot log in, find a company, read the dashboard, record a workshop with a photo and get the plan's PDF",
    area="Real browser",
)
def test_staff_find_a_company_read_the_dashboard_record_a_workshop_and_build_the_plan(
    live_server, page, login, staff, village, tmp_path, axe_audit, trust_figure
):
    survey, plan = village["survey"], village["plan"]
    company = Company.objects.filter(name__endswith="(demo)", survey_responses__survey=survey).order_by("name").first()
    login(staff.username)
    assert page.locator("header").get_by_text(staff.get_full_name() or staff.username).is_visible()

    # Find the company by a part of its name.
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Organisaatiot", exact=True).click()
    page.locator("#id_q").fill(company.name.split()[0])
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name=company.name, exact=True).click()
    assert page.get_by_role("heading", level=1, name=company.name).is_visible()

    # The survey dashboard shows the figures the database holds.
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Kyselyt", exact=True).click()
    page.locator("main").get_by_role("link", name=survey.title).first.click()
    page.wait_for_url(f"**{reverse('surveys:dashboard', args=[survey.slug])}")
    responses = Response.objects.filter(survey=survey)
    invited = responses.filter(invitations__isnull=False).distinct().count()
    submitted = responses.filter(submitted_at__isnull=False).count()
    assert invited > submitted > 0
    assert _overall(page, 0) == invited
    assert _overall(page, 3) == submitted
    assert page.locator("#pending tbody tr").count() == invited - submitted

    # Record a workshop, then add the photo of its flip chart.
    page.goto(f"{live_server.url}{reverse('workshops:workshop_create')}")
    page.locator("#id_title").fill("Kiertotalouden työpaja Kosmoksessa")
    page.locator("#id_held_at").fill("2023-02-14T13:00")
    page.locator("#id_building").select_option(label="Kosmos")
    page.locator("#id_purpose").fill("Sivuvirrat ja yhteiset palvelut")
    page.locator("#id_invited_companies").select_option(str(company.pk))
    page.locator("#id_notes").fill("Yritykset toivoivat yhteistä materiaalipankkia.")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    workshop = Workshop.objects.get(title="Kiertotalouden työpaja Kosmoksessa")
    assert page.url.endswith(workshop.get_absolute_url())
    assert list(workshop.invited_companies.all()) == [company]

    photo = tmp_path / "fläppitaulu.png"
    photo.write_bytes(demo_png())
    upload = page.locator("#attachments form")
    upload.locator("input[type=file]").set_input_files(str(photo))
    upload.locator("input[name=description]").fill("Fläppitaulu työpajan lopussa")
    with page.expect_navigation():
        upload.locator("button[type=submit]").click()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "fläppitaulu.png"
    link = page.locator("#attachments").get_by_role("link", name="fläppitaulu.png")
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes() == photo.read_bytes()
    assert photo.read_bytes().startswith(PNG_SIGNATURE)

    # Build the development plan with a real worker; the page follows the build without a reload.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.locator("header").get_by_role("link", name="Kehittämissuunnitelma", exact=True).click()
        page.wait_for_url(f"**{reverse('reports:builds')}")
        page.locator("#id_plan").select_option(str(plan.pk))
        page.locator("#id_survey").select_option(str(survey.pk))
        page.locator("#id_language").select_option("fi")
        with page.expect_navigation():
            page.locator("main form[action$='/build/'] button[type=submit]").click()
        build = ReportBuild.objects.get()
        row = page.locator(f"tr[data-build-id='{build.pk}']")
        assert row.get_attribute("data-build-status") in {"queued", "running", "done"}
        page.evaluate("() => { window.notReloaded = true; }")
        download_link = row.locator("a[data-field=download]")
        download_link.wait_for(state="visible", timeout=90_000)
        assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
        assert row.get_attribute("data-build-status") == "done"
        assert page.locator("#build-announcer").inner_text()  # the change was told to screen readers
        axe_audit.check(page, "builds page with a finished build")
        axe_audit.assert_clean()

    build.refresh_from_db()
    assert build.status == ReportBuild.Status.DONE
    with page.expect_download() as download:
        download_link.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    assert len(pdf) == build.size
    trust_figure("journeys completed in Chromium", int(pdf.startswith(b"%PDF") and attachment.pk is not None))
    trust_figure("photo bytes uploaded and downloaded back", len(photo.read_bytes()))
    trust_figure("PDF bytes downloaded", len(pdf))
