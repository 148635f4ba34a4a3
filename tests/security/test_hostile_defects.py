"""The defects of issue 14, each tried the way a user met it: they end in a message or are ignored, never a 500."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from surveys.models import Answer, Question
from workshops.models import Interview

from ..factories import QuestionFactory
from ..surveys.conftest import PAGE_1
from .conftest import World, opened


@pytest.mark.django_db
def test_a_year_one_interview_is_refused_next_to_the_field(world: World, staff_client):
    url = reverse("workshops:interview_edit", args=[world.interview.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"held_at": "0001-01-01T00:00", "companies": [world.company.pk], "themes": []})
    reply = staff_client.post(url, {k: v for k, v in data.items() if v is not None})
    assert reply.status_code in (200, 400)
    assert "held_at" in reply.context["form"].errors
    world.interview.refresh_from_db()
    assert world.interview.held_at.year > 1900


@pytest.mark.django_db
def test_pages_that_list_a_stored_year_one_moment_still_answer(world: World, staff_client):
    # Stored before the forms refused it: 0001-01-01 00:00 Helsinki time is a BC moment in UTC.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workshops_interview SET held_at = '0001-01-01 00:00+01:39:49' WHERE id = %s", [world.interview.pk]
        )
        cursor.execute(
            "UPDATE reports_developmentplan SET period_start = '0002-01-01 BC', period_end = '0001-01-01 BC' "
            "WHERE id = %s",
            [world.plan.pk],
        )
    interview = Interview.objects.get(pk=world.interview.pk)
    assert interview.held_at.year == 1  # read, clamped to the earliest date Python holds
    for url in (
        reverse("workshops:interviews"),
        reverse("workshops:interview", args=[world.interview.pk]),
        reverse("workshops:interview_edit", args=[world.interview.pk]),
        reverse("search:search") + "?q=koodari",
        reverse("workshops:finding_create") + f"?interview={world.interview.pk}",
        reverse("reports:report_preview", args=[world.plan.pk]),
        reverse("reports:plans"),
        reverse("admin:workshops_interview_changelist"),
    ):
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_nul_in_the_query_is_ignored_where_it_used_to_fail(world: World, staff_client):
    for url in (
        reverse("reports:report_preview", args=[world.plan.pk]) + "?survey=%00",
        reverse("admin:companies_company_changelist") + "?kind=%00&q=%00",
        reverse("admin:autocomplete") + "?app_label=companies&model_name=contact&field_name=company&term=%00",
        reverse("workshops:finding_create") + "?interview=%C2%B2",  # ² passes isdigit()
        reverse("workshops:measure_create") + "?finding=%D9%A3",  # Arabic-Indic three
        reverse("reports:build_status") + "?id=%C2%B2",
    ):
        assert staff_client.get(url).status_code in (200, 400), url


@pytest.mark.django_db
def test_nul_in_a_workforce_table_role_is_refused_with_the_row(world: World):
    question = QuestionFactory(
        section=world.survey.sections.order_by("order").first(), code="needs", type=Question.Type.WORKFORCE_TABLE
    )
    company = opened(world.token)
    url = reverse("surveys:page", args=[1])
    version = company.get(url).context["form"]["version"].value()
    row = {"needs-0-skill_area": world.skill_area.slug, "needs-0-role": "Hitsaaja\x00", "needs-0-count": "2"}
    reply = company.post(url, {**PAGE_1, "version": version, "needs-rows": "1", **row, "action": "save"})
    assert reply.status_code in (200, 400)
    assert not Answer.objects.filter(response=world.response, question=question).exists()


@pytest.mark.django_db
def test_the_admin_answer_value_cannot_be_posted_at_all(world: World, staff_client):
    # Answers are corrected only through the company's form on the response page: no raw JSON reaches the database.
    question = Question.objects.get(section__survey=world.survey, code="employees")
    answer = Answer.objects.create(response=world.response, question=question, value=5)
    url = reverse("admin:surveys_answer_change", args=[answer.pk])
    for value in ("1e999999", "[" * 5000 + "]" * 5000):
        reply = staff_client.post(url, {"value": value, "other_text": ""})
        assert reply.status_code == 403
    answer.refresh_from_db()
    assert answer.value == 5


@pytest.mark.django_db
def test_unknown_query_parameters_make_no_new_results_cache_entries(world: World, viewer_client):
    url = reverse("surveys:results", args=[world.survey.slug])
    viewer_client.get(url)
    keys = set(cache.keys("*survey-results*"))
    assert keys
    for number in range(5):
        assert viewer_client.get(url, {f"junk{number}": "x" * 1000, "building": ""}).status_code == 200
    assert set(cache.keys("*survey-results*")) == keys


@pytest.mark.django_db
def test_headers_permissions_policy_everywhere_and_no_store_on_the_private_pages(world: World, staff_client, client):
    assert "camera=()" in client.get(reverse("home"))["Permissions-Policy"]
    assert "camera=()" in staff_client.get(reverse("admin:index"))["Permissions-Policy"]
    for url in (
        reverse("surveys:export", args=[world.survey.slug, "csv"]),
        reverse("surveys:export", args=[world.survey.slug, "xlsx"]),
        reverse("reports:report_preview", args=[world.plan.pk]),
    ):
        reply = staff_client.get(url)
        assert reply.status_code == 200, url
        assert reply["Cache-Control"] == "private, no-store", url
        assert "Permissions-Policy" in reply, url
