"""The plan admin: editions with goals and history; report builds read-only, linked only via the download view."""

import datetime

import pytest
from django.urls import reverse

from reports.models import DevelopmentPlan, ReportBuild
from workshops.models import Goal

pytestmark = pytest.mark.django_db


def changelist(model: str, app: str = "reports") -> str:
    return reverse(f"admin:{app}_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(page) -> dict:
    """The POST data of an admin change page as rendered: main form, inline forms, management forms."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value.isoformat() if isinstance(value, datetime.date) else value

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def plan():
    plan = DevelopmentPlan.objects.create(
        title_fi="Kehittämissuunnitelma",
        title_sv="Utvecklingsplan",
        period_start=datetime.date(2024, 6, 1),
        period_end=datetime.date(2027, 12, 31),
        summary_fi="Tiivistelmä",
    )
    Goal.objects.create(plan=plan, order=1, title_fi="Yritysten kasvu", title_en="Business growth")
    return plan


@pytest.fixture
def done_build(plan, staff):
    return ReportBuild.objects.create(
        plan=plan,
        language="fi",
        requested_by=staff,
        status=ReportBuild.Status.DONE,
        pdf="reports/0123456789abcdef.pdf",
        size=123_456,
        page_count=24,
    )


class TestPages:
    def test_staff_and_viewers_open_the_changelists(self, staff_client, viewer_client, plan, done_build):
        for url in (changelist("developmentplan"), changelist("goal", app="workshops"), changelist("reportbuild")):
            assert staff_client.get(url).status_code == 200, url
            assert viewer_client.get(url).status_code == 200, url

    def test_staff_open_the_change_add_and_history_pages(self, staff_client, plan):
        assert staff_client.get(change(plan)).status_code == 200
        assert staff_client.get(change(plan.goals.get())).status_code == 200
        assert staff_client.get(reverse("admin:reports_developmentplan_add")).status_code == 200
        assert staff_client.get(reverse("admin:workshops_goal_add")).status_code == 200
        assert staff_client.get(reverse("admin:reports_developmentplan_history", args=[plan.pk])).status_code == 200

    def test_the_plan_page_offers_every_language_and_the_goals(self, staff_client, plan):
        content = staff_client.get(change(plan)).content.decode()
        for name in ("title_fi", "title_sv", "title_en", "summary_sv", "vision_en", "goals-0-title_en"):
            assert f'name="{name}"' in content, name


class TestEditing:
    def test_staff_save_a_plan_and_its_goals(self, staff_client, plan):
        data = form_data(staff_client.get(change(plan)))
        data.update({"vision_en": "A hub of the green transition.", "goals-0-title_sv": "Företagens tillväxt"})
        response = staff_client.post(change(plan), data)
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.vision_en == "A hub of the green transition."
        assert plan.goals.get().title_sv == "Företagens tillväxt"
        assert plan.history.count() == 2

    def test_approved_without_a_date_and_a_backwards_period_are_refused(self, staff_client, plan):
        data = form_data(staff_client.get(change(plan)))
        data.update({"status": "approved", "approved_on": "", "period_end": "2023-01-01"})
        response = staff_client.post(change(plan), data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "approved_on" in errors and "period_end" in errors
        plan.refresh_from_db()
        assert plan.status == "draft" and plan.period_end == datetime.date(2027, 12, 31)

    def test_viewers_see_but_cannot_change(self, staff_client, viewer_client, plan):
        data = form_data(staff_client.get(change(plan)))
        page = viewer_client.get(change(plan))
        assert page.status_code == 200
        assert page.context["has_change_permission"] is False
        data["title_fi"] = "Katsojan otsikko"
        assert viewer_client.post(change(plan), data).status_code == 403
        assert viewer_client.get(reverse("admin:reports_developmentplan_add")).status_code == 403
        plan.refresh_from_db()
        assert plan.title_fi == "Kehittämissuunnitelma"

    def test_outsiders_are_sent_to_the_admin_login(self, outsider_client, plan):
        response = outsider_client.get(changelist("developmentplan"))
        assert response.status_code == 302 and reverse("admin:login") in response.url


class TestReportBuilds:
    def test_listed_with_a_protected_download_link_and_no_file_url(self, staff_client, done_build):
        download = reverse("reports:build_download", args=[done_build.pk])
        for url in (changelist("reportbuild"), change(done_build)):
            content = staff_client.get(url).content.decode()
            assert download in content, url
            assert "0123456789abcdef" not in content, url
            assert "/private-files/" not in content, url

    def test_are_read_only_with_no_add_and_no_delete(self, staff_client, done_build):
        page = staff_client.get(change(done_build))
        assert page.status_code == 200 and page.context["has_change_permission"] is False
        assert staff_client.get(reverse("admin:reports_reportbuild_add")).status_code == 403
        delete = reverse("admin:reports_reportbuild_delete", args=[done_build.pk])
        assert staff_client.post(delete, {"post": "yes"}).status_code == 403
        assert ReportBuild.objects.filter(pk=done_build.pk).exists()

    def test_a_build_not_done_has_no_download_link(self, staff_client, plan):
        queued = ReportBuild.objects.create(plan=plan, language="sv")
        content = staff_client.get(changelist("reportbuild")).content.decode()
        assert reverse("reports:build_download", args=[queued.pk]) not in content
