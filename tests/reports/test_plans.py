"""The plan pages: the editions, one edition, editing with goals, the Markdown preview, the report in the browser."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reports.forms import MAX_PREVIEW_BYTES
from reports.models import DevelopmentPlan
from workshops.models import Goal, Measure

from ..factories import MeasureFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def make_plan(**fields) -> DevelopmentPlan:
    values = {
        "title_fi": "Kehittämissuunnitelma 2024–2027",
        "period_start": datetime.date(2024, 6, 1),
        "period_end": datetime.date(2027, 12, 31),
        "summary_fi": "Kylä **kasvaa**.",
        "starting_point_fi": "## Lähtötilanne\n\nNoin 50 yritystä.",
        "vision_fi": "- Osaajat löytyvät läheltä",
    }
    return DevelopmentPlan.objects.create(**{**values, **fields})


@pytest.fixture
def plan():
    plan = make_plan()
    Goal.objects.create(plan=plan, order=1, title_fi="Yritysten kasvu", description_fi="Uusia *palveluja*.")
    Goal.objects.create(plan=plan, order=2, title_fi="Osaavan työvoiman kohtaanto")
    return plan


def edit_url(plan) -> str:
    return reverse("reports:plan_edit", args=[plan.pk])


def form_data(page) -> dict:
    """What the browser would post from the edit page as rendered: the plan, the goal rows, the management form."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value.isoformat() if isinstance(value, datetime.date) else value

    add(page.context["form"])
    data["version"] = page.context["form"].version_to_submit
    goals = page.context["goals"]
    add(goals.management_form)
    for goal_form in goals.forms:
        add(goal_form)
    return data


def measures_have_goals() -> bool:
    return any(field.name == "goal" for field in Measure._meta.get_fields())


class TestPlanList:
    url = reverse("reports:plans")

    def test_lists_the_editions_for_viewers_and_staff(self, viewer_client, staff_client, plan):
        make_plan(title_fi="Vanha suunnitelma", period_start=datetime.date(2022, 6, 1), status="approved")
        for client in (viewer_client, staff_client):
            response = client.get(self.url)
            content = response.content.decode()
            assert response.status_code == 200
            assert "Kehittämissuunnitelma 2024–2027" in content and "Vanha suunnitelma" in content
            assert [p.title for p in response.context["plans"]] == [
                "Kehittämissuunnitelma 2024–2027",
                "Vanha suunnitelma",
            ]
            assert response.context["plans"][0].goal_count == 2

    def test_needs_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(self.url).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(self.url).status_code == 405

    @pytest.mark.parametrize("size", [1, 8])
    def test_query_count_does_not_grow_with_the_editions(self, viewer_client, django_assert_num_queries, size):
        for year in range(size):
            plan = make_plan(title_fi=f"Suunnitelma {year}", period_start=datetime.date(2000 + year, 1, 1))
            Goal.objects.create(plan=plan, title_fi="Tavoite")
        # session, user, the user's groups, the editions with their goal counts
        with django_assert_num_queries(4):
            response = viewer_client.get(self.url)
        assert len(response.context["plans"]) == size


class TestPlanDetail:
    def test_shows_the_written_parts_as_html_and_the_goals(self, viewer_client, plan):
        response = viewer_client.get(plan.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert "Kylä <strong>kasvaa</strong>." in content
        # The text's own headings sit one level below the section's heading.
        assert '<h3 class="h5">Lähtötilanne</h3>' in content
        assert "<li>Osaajat löytyvät läheltä</li>" in content
        assert "Uusia <em>palveluja</em>." in content
        assert [row["goal"].title for row in response.context["goals"]] == [
            "Yritysten kasvu",
            "Osaavan työvoiman kohtaanto",
        ]

    def test_markdown_cannot_carry_a_script(self, viewer_client):
        plan = make_plan(summary_fi='<script>alert("x")</script>[klikkaa](javascript:alert(1))')
        content = viewer_client.get(plan.get_absolute_url()).content.decode()
        assert "<script>alert" not in content
        assert "javascript:alert" not in content

    def test_measures_sit_under_their_goal_or_among_the_untied(self, viewer_client, plan):
        goal = plan.goals.get(order=1)
        tied = MeasureFactory(title="Osaajatori")
        loose = MeasureFactory(title="Kiertotalouslaboratorio")
        # Measures gain their goal link in a later change; until then every measure counts as untied.
        if measures_have_goals():
            tied.goal = goal
            tied.save()
        response = viewer_client.get(plan.get_absolute_url())
        first_goal = response.context["goals"][0]
        assert first_goal["measures"] == ([tied] if measures_have_goals() else [])
        assert loose in response.context["untied_measures"]
        assert "Kiertotalouslaboratorio" in response.content.decode()

    def test_staff_see_the_edit_link_and_viewers_do_not(self, viewer_client, staff_client, plan):
        assert edit_url(plan) in staff_client.get(plan.get_absolute_url()).content.decode()
        assert edit_url(plan) not in viewer_client.get(plan.get_absolute_url()).content.decode()

    def test_swedish_falls_back_to_the_finnish_text(self, viewer_client, plan):
        plan.summary_sv = ""
        plan.vision_sv = "Visionen på svenska."
        plan.save()
        viewer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
        content = viewer_client.get(plan.get_absolute_url()).content.decode()
        assert "Kylä <strong>kasvaa</strong>." in content
        assert "Visionen på svenska." in content
        with translation.override("sv"):
            assert DevelopmentPlan.objects.get(pk=plan.pk).summary == "Kylä **kasvaa**."
            assert DevelopmentPlan.objects.get(pk=plan.pk).vision == "Visionen på svenska."
        with translation.override("en"):
            assert Goal.objects.get(plan=plan, order=1).title == "Yritysten kasvu"

    def test_needs_login_refuses_outsiders_and_post(self, client, outsider_client, staff_client, plan):
        assert client.get(plan.get_absolute_url()).status_code == 302
        assert outsider_client.get(plan.get_absolute_url()).status_code == 403
        assert staff_client.post(plan.get_absolute_url()).status_code == 405

    def test_unknown_plan_is_404(self, viewer_client):
        assert viewer_client.get(reverse("reports:plan", args=[987654])).status_code == 404


class TestPlanEdit:
    def test_form_shows_the_texts_in_three_language_tabs(self, staff_client, plan):
        response = staff_client.get(edit_url(plan))
        content = response.content.decode()
        assert response.status_code == 200
        for code in ("fi", "sv", "en"):
            assert f'id="pane-{code}"' in content
            assert f'name="summary_{code}"' in content
            assert f'id="id_vision_{code}_preview"' in content
        assert 'name="goals-TOTAL_FORMS"' in content and 'id="goal-template"' in content
        assert "plan_preview.js" in content
        assert "<script>" not in content.replace('<script src="', "")

    def test_saves_the_plan_and_its_texts(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data.update(
            {
                "title_sv": "Utvecklingsplan",
                "summary_en": "The village **grows**.",
                "status": "approved",
                "approved_on": "2024-09-15",
            }
        )
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 302 and response.url == plan.get_absolute_url()
        plan.refresh_from_db()
        assert plan.title_sv == "Utvecklingsplan"
        assert plan.summary_en == "The village **grows**."
        assert plan.status == "approved" and plan.approved_on == datetime.date(2024, 9, 15)
        assert plan.history.count() == 2

    def test_end_before_start_is_an_error_next_to_the_end(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data.update({"period_start": "2025-01-01", "period_end": "2024-12-31", "summary_fi": "Muutettu"})
        response = staff_client.post(edit_url(plan), data)
        content = response.content.decode()
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["period_end"]
        assert 'id="id_period_end_error"' in content and 'role="alert"' in content
        assert 'aria-invalid="true"' in content
        plan.refresh_from_db()
        assert plan.period_end == datetime.date(2027, 12, 31) and plan.summary_fi == "Kylä **kasvaa**."

    def test_approved_needs_its_date(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data.update({"status": "approved", "approved_on": ""})
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["approved_on"]
        assert 'id="id_approved_on_error"' in response.content.decode()
        plan.refresh_from_db()
        assert plan.status == "draft" and plan.approved_on is None

    def test_finnish_title_is_required(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data.update({"title_fi": "", "title_sv": "Bara på svenska"})
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 400
        assert "title_fi" in response.context["form"].errors
        plan.refresh_from_db()
        assert plan.title_fi == "Kehittämissuunnitelma 2024–2027" and not plan.title_sv

    def test_goals_can_be_added_removed_and_reordered(self, staff_client, plan):
        first, second = plan.goals.order_by("order")
        data = form_data(staff_client.get(edit_url(plan)))
        # The rows: the two goals, then the empty row the page offers for a new one.
        assert data["goals-TOTAL_FORMS"] == 3
        data.update(
            {
                "goals-0-DELETE": "on",
                "goals-1-order": "5",
                "goals-2-order": "1",
                "goals-2-title_fi": "Kylän vetovoima",
                "goals-2-title_en": "The village's appeal",
            }
        )
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 302
        assert not Goal.objects.filter(pk=first.pk).exists()
        assert [(goal.title_fi, goal.title_en, goal.order) for goal in plan.goals.order_by("order")] == [
            ("Kylän vetovoima", "The village's appeal", 1),
            ("Osaavan työvoiman kohtaanto", None, 5),
        ]

    def test_a_goal_without_a_finnish_title_saves_nothing(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data.update({"goals-2-title_sv": "Bara svenska", "summary_fi": "Muutettu"})
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 400
        assert "title_fi" in response.context["goals"].forms[2].errors
        assert 'id="id_goals-2-title_fi_error"' in response.content.decode()
        assert plan.goals.count() == 2
        plan.refresh_from_db()
        assert plan.summary_fi == "Kylä **kasvaa**."

    def test_a_save_made_meanwhile_is_not_overwritten_silently(self, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        # A colleague saves first.
        plan.refresh_from_db()
        plan.vision_fi = "Kollegan visio"
        plan.save()
        data["vision_fi"] = "Minun visioni"
        response = staff_client.post(edit_url(plan), data)
        assert response.status_code == 400
        assert response.context["form"].has_error("__all__", "conflict")
        plan.refresh_from_db()
        assert plan.vision_fi == "Kollegan visio"
        # Seen the warning, saving again keeps this version.
        data["version"] = response.context["form"].version_to_submit
        assert staff_client.post(edit_url(plan), data).status_code == 302
        plan.refresh_from_db()
        assert plan.vision_fi == "Minun visioni"

    def test_needs_login(self, client, plan):
        response = client.get(edit_url(plan))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_viewers_may_read_but_not_edit(self, viewer_client, staff_client, plan):
        data = form_data(staff_client.get(edit_url(plan)))
        data["title_fi"] = "Katsojan otsikko"
        assert viewer_client.get(edit_url(plan)).status_code == 403
        assert viewer_client.post(edit_url(plan), data).status_code == 403
        plan.refresh_from_db()
        assert plan.title_fi == "Kehittämissuunnitelma 2024–2027"

    def test_refuses_outsiders_and_other_methods(self, outsider_client, staff_client, plan):
        assert outsider_client.get(edit_url(plan)).status_code == 403
        assert staff_client.put(edit_url(plan)).status_code == 405
        assert staff_client.delete(edit_url(plan)).status_code == 405
        assert DevelopmentPlan.objects.filter(pk=plan.pk).exists()

    def test_unknown_plan_is_404(self, staff_client):
        assert staff_client.get(reverse("reports:plan_edit", args=[987654])).status_code == 404


class TestMarkdownPreview:
    url = reverse("reports:markdown_preview")

    def test_returns_sanitised_html(self, staff_client):
        text = "Kylä **kasvaa**\n\n<script>alert(1)</script>\n\n[klikkaa](javascript:alert(2)) [Digipolis](https://digipolis.fi)"
        response = staff_client.post(self.url, {"text": text})
        assert response.status_code == 200
        html = response.json()["html"]
        assert "<strong>kasvaa</strong>" in html
        assert "<script" not in html and "alert(1)" not in html
        assert "javascript:" not in html
        assert 'href="https://digipolis.fi"' in html

    def test_empty_text_gives_empty_html(self, staff_client):
        response = staff_client.post(self.url, {"text": ""})
        assert response.status_code == 200 and response.json() == {"html": ""}

    def test_refuses_oversized_text(self, staff_client):
        response = staff_client.post(self.url, {"text": "ä" * (MAX_PREVIEW_BYTES // 2 + 1)})
        assert response.status_code == 400
        assert "text" in response.json()["errors"]

    def test_refuses_get(self, staff_client):
        assert staff_client.get(self.url, {"text": "x"}).status_code == 405

    def test_refuses_viewers_outsiders_and_anonymous(self, viewer_client, outsider_client, client):
        assert viewer_client.post(self.url, {"text": "x"}).status_code == 403
        assert outsider_client.post(self.url, {"text": "x"}).status_code == 403
        assert client.post(self.url, {"text": "x"}).status_code == 302

    def test_needs_the_csrf_token(self, staff):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff)
        assert client.post(self.url, {"text": "x"}).status_code == 403


class TestReportPreview:
    def url(self, plan) -> str:
        return reverse("reports:report_preview", args=[plan.pk])

    def test_renders_the_report_in_the_chosen_language(self, viewer_client, plan):
        plan.title_sv = "Utvecklingsplan för teknologibyn"
        plan.save()
        SurveyFactory(title="Toimijakysely", slug="toimijakysely")
        response = viewer_client.get(self.url(plan), {"language": "sv", "survey": "toimijakysely"})
        content = response.content.decode()
        assert response.status_code == 200
        assert "Utvecklingsplan för teknologibyn" in content
        assert 'lang="sv"' in content

    def test_defaults_to_the_latest_survey_and_the_active_language(self, staff_client, plan):
        response = staff_client.get(self.url(plan))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Kehittämissuunnitelma 2024–2027" in content and 'lang="fi"' in content

    def test_refuses_unknown_language_and_survey(self, viewer_client, plan):
        assert viewer_client.get(self.url(plan), {"language": "de"}).status_code == 400
        assert viewer_client.get(self.url(plan), {"survey": "no-such-survey"}).status_code == 404

    def test_needs_login_refuses_outsiders_and_post(self, client, outsider_client, viewer_client, plan):
        assert client.get(self.url(plan)).status_code == 302
        assert outsider_client.get(self.url(plan)).status_code == 403
        assert viewer_client.post(self.url(plan)).status_code == 405
