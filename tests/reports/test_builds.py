"""The build pages: the list with its form, building, retrying, the live status JSON, the PDF and Word downloads."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportBuild
from reports.services import builds
from reports.views.builds import EDITIONS
from tests.factories import SurveyFactory

from .builds_support import (  # noqa: F401 - private_root is an autouse fixture
    broker_down,
    make_plan,
    make_survey,
    private_root,
    tiny_render,
    use_renderer,
)

S = ReportBuild.Status
LIST = reverse("reports:builds")
CREATE = reverse("reports:build_create")
STATUS = reverse("reports:build_status")


def retry_url(build) -> str:
    return reverse("reports:build_retry", args=[build.pk])


def download_url(build) -> str:
    return reverse("reports:build_download", args=[build.pk])


def docx_url(build) -> str:
    return reverse("reports:build_download_docx", args=[build.pk])


def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff_en(staff_client):
    return in_english(staff_client)


@pytest.fixture
def viewer_en(viewer_client):
    return in_english(viewer_client)


@pytest.fixture
def plan(db):
    return make_plan()


@pytest.fixture
def survey(db):
    return make_survey()


@pytest.fixture
def queued(plan, survey, staff):
    return builds.build_request(plan=plan, survey=survey, language="fi", user=staff)


@pytest.fixture
def done(plan, survey, staff, monkeypatch):
    use_renderer(monkeypatch, tiny_render)
    build = builds.build_request(plan=plan, survey=survey, language="sv", user=staff)
    return builds.build_run(build_id=build.pk)


@pytest.fixture
def failed(plan, survey, monkeypatch):
    def broken(**kwargs):
        raise ValueError("Kuvaaja ei mahtunut sivulle")

    use_renderer(monkeypatch, broken)
    build = builds.build_request(plan=plan, survey=survey, language="en", user=None)
    return builds.build_run(build_id=build.pk)


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


class TestBuildList:
    def test_viewers_see_the_builds_with_their_state_but_no_form(self, viewer_en, queued, done, failed):
        response = viewer_en.get(LIST)
        content = response.content.decode()

        assert response.status_code == 200
        assert [build.pk for build in response.context["page"]] == [failed.pk, done.pk, queued.pk]
        assert f'data-build-id="{queued.pk}" data-build-status="queued"' in content
        assert f'href="{download_url(done)}">Download PDF' in content
        assert f'href="{docx_url(done)}">Download Word' in content
        assert "ValueError: Kuvaaja ei mahtunut sivulle" in content
        assert "Teknologiakylän kehittämissuunnitelma" in content
        assert CREATE not in content
        assert retry_url(failed) not in content
        assert 'aria-live="polite"' in content
        assert "js/builds.js" in content
        assert "<script>" not in content  # no inline scripts: the page's script is a static file

    def test_staff_see_the_form_with_the_latest_edition_and_finnish_chosen(self, staff_en, plan, survey, failed):
        newer = make_plan(title="Toinen painos", period_start=plan.period_start.replace(year=2023))
        response = staff_en.get(LIST)
        content = response.content.decode()

        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.fields["plan"].queryset) == [newer, plan]
        assert form["language"].value() == "fi"
        assert f'action="{CREATE}"' in content
        assert "Build the development plan" in content
        assert f'action="{retry_url(failed)}"' in content

    def test_staff_are_told_what_is_missing_before_a_build_is_possible(self, staff_en, survey):
        content = staff_en.get(LIST).content.decode()
        assert "A build needs a plan edition and a survey" in content
        assert f'action="{CREATE}"' not in content

    def test_needs_login(self, client):
        response = client.get(LIST)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(LIST).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(LIST).status_code == 405

    @pytest.mark.parametrize("size", [2, 10])
    def test_query_count_does_not_grow_with_the_builds(
        self, staff_client, plan, survey, staff, size, monkeypatch, django_assert_num_queries
    ):
        use_renderer(monkeypatch, tiny_render)
        for number in range(size):
            build = builds.build_request(plan=plan, survey=survey, language="fi", user=staff)
            if number % 2:
                builds.build_run(build_id=build.pk)
        # session, user, the user's groups, count of builds, one page of builds (with plan, survey, requester),
        # the editions and the surveys of the form's choices, the default edition and survey again, and for each of
        # sv and en the texts that would show in Finnish (nine queries, reports.services.fallbacks)
        with django_assert_num_queries(7 + 2 + 2 * 9):
            response = staff_client.get(LIST)
        assert response.context["page"].paginator.count == size


class TestBuildCreate:
    def test_staff_queue_a_build_sent_after_the_commit(
        self, staff_en, staff, plan, survey, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_en.post(CREATE, {"plan": plan.pk, "survey": survey.pk, "language": "sv"})

        assert response.status_code == 302
        assert response.url == LIST
        build = ReportBuild.objects.get()
        assert (build.plan, build.survey, build.language) == (plan, survey, "sv")
        assert (build.status, build.requested_by, build.attempts) == (S.QUEUED, staff, 0)
        assert len(callbacks) == 1
        # Queued, and told that the plan's Swedish texts are missing (it shows them in Finnish, marked so).
        assert message_levels(response) == ["success", "warning"]

    def test_refuses_viewers(self, viewer_client, plan, survey):
        response = viewer_client.post(CREATE, {"plan": plan.pk, "survey": survey.pk, "language": "fi"})
        assert response.status_code == 403
        assert not ReportBuild.objects.exists()

    def test_needs_login(self, client, plan, survey):
        response = client.post(CREATE, {"plan": plan.pk, "survey": survey.pk, "language": "fi"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert not ReportBuild.objects.exists()

    def test_refuses_get(self, staff_client):
        assert staff_client.get(CREATE).status_code == 405

    def test_validates_its_input(self, staff_en, plan, survey):
        response = staff_en.post(CREATE, {"plan": plan.pk + 1000, "survey": survey.pk, "language": "de"})

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"plan", "language"}
        content = response.content.decode()
        assert 'role="alert"' in content
        assert 'aria-invalid="true"' in content
        assert 'aria-describedby="id_language_error"' in content
        assert not ReportBuild.objects.exists()

    @pytest.mark.django_db(transaction=True)
    def test_with_the_broker_down_the_build_is_saved_and_waits_for_the_sweep(self, staff_en, settings):
        plan, survey = make_plan(), make_survey()
        with broker_down(settings):
            response = staff_en.post(CREATE, {"plan": plan.pk, "survey": survey.pk, "language": "fi"}, follow=True)

        assert response.status_code == 200
        assert response.redirect_chain == [(LIST, 302)]
        assert "It will start when the worker is reachable." in response.content.decode()
        build = ReportBuild.objects.get()
        assert (build.status, build.attempts, build.started_at) == (S.QUEUED, 0, None)
        # Once the broker is back, the sweep sends it after its grace time.
        result = builds.builds_sweep(now=timezone.now() + builds.QUEUED_TIMEOUT * 2)
        assert result.requeued == [build.pk]


class TestBuildRetry:
    def test_staff_queue_a_failed_build_again(self, staff_en, failed, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_en.post(retry_url(failed))

        assert response.status_code == 302
        assert response.url == LIST
        failed.refresh_from_db()
        assert (failed.status, failed.error, failed.attempts, failed.finished_at) == (S.QUEUED, "", 0, None)
        assert len(callbacks) == 1
        # Queued, and told that the plan's Swedish texts are missing (it shows them in Finnish, marked so).
        assert message_levels(response) == ["success", "warning"]

    def test_a_build_that_has_not_failed_is_left_alone(self, staff_en, done, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_en.post(retry_url(done))

        assert response.status_code == 302
        done.refresh_from_db()
        assert done.status == S.DONE
        assert callbacks == []
        assert message_levels(response) == ["error"]

    def test_refuses_viewers(self, viewer_client, failed):
        assert viewer_client.post(retry_url(failed)).status_code == 403
        failed.refresh_from_db()
        assert failed.status == S.FAILED

    def test_refuses_get(self, staff_client, failed):
        assert staff_client.get(retry_url(failed)).status_code == 405

    def test_unknown_build_is_404(self, staff_client, db):
        assert staff_client.post(reverse("reports:build_retry", args=[987654])).status_code == 404


class TestBuildStatus:
    def test_tells_each_asked_build_its_state(self, viewer_en, queued, done, failed):
        response = viewer_en.get(STATUS, {"id": [queued.pk, done.pk, failed.pk, 987654]})

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        rows = {row["id"]: row for row in json.loads(response.content)["builds"]}
        assert set(rows) == {queued.pk, done.pk, failed.pk}
        assert rows[queued.pk] == {
            "id": queued.pk,
            "status": "queued",
            "status_label": "queued",
            "download_url": None,
            "docx_url": None,
            "error": "",
            "pages": None,
            "size": None,
            "size_label": "",
            "duration_label": "",
        }
        assert rows[done.pk]["status"] == "done"
        assert rows[done.pk]["download_url"] == download_url(done)
        assert rows[done.pk]["docx_url"] == docx_url(done)
        assert rows[done.pk]["pages"] == done.page_count == 1
        assert rows[done.pk]["size"] == done.size > 0
        assert rows[done.pk]["size_label"].endswith("KB")
        assert rows[done.pk]["duration_label"].endswith(" s")
        assert rows[failed.pk]["error"] == "ValueError: Kuvaaja ei mahtunut sivulle"
        assert rows[failed.pk]["download_url"] is None

    @pytest.mark.parametrize("value", ["abc", "-3", "0", str(2**63)])
    def test_rejects_ids_that_are_not_positive_numbers(self, viewer_client, db, value):
        assert viewer_client.get(STATUS, {"id": value}).status_code == 400

    def test_needs_login(self, client, queued):
        response = client.get(STATUS, {"id": queued.pk})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client, queued):
        assert outsider_client.get(STATUS, {"id": queued.pk}).status_code == 403

    def test_refuses_post(self, viewer_client, queued):
        assert viewer_client.post(STATUS, {"id": queued.pk}).status_code == 405

    @pytest.mark.parametrize("size", [2, 10])
    def test_query_count_does_not_grow_with_the_builds(
        self, viewer_client, plan, survey, size, django_assert_num_queries
    ):
        ids = [builds.build_request(plan=plan, survey=survey, language="fi", user=None).pk for _ in range(size)]
        # session, user, the user's groups, the asked builds
        with django_assert_num_queries(4):
            response = viewer_client.get(STATUS, {"id": ids})
        assert len(json.loads(response.content)["builds"]) == size


class TestBuildDownload:
    @pytest.mark.parametrize("who", ["staff_client", "viewer_client"])
    def test_staff_and_viewers_download_the_pdf(self, request, who, done):
        response = request.getfixturevalue(who).get(download_url(done))

        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        response.close()
        assert body.startswith(b"%PDF")
        assert body == (Path(settings.MEDIA_ROOT) / done.pdf.name).read_bytes()
        day = timezone.localdate(done.finished_at)
        assert response["Content-Disposition"] == f'attachment; filename="kehittamissuunnitelma-{day:%Y-%m-%d}-sv.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"

    @pytest.mark.parametrize("who", ["staff_client", "viewer_client"])
    def test_staff_and_viewers_download_the_word_edition_beside_it(self, request, who, done):
        title = done.plan.title  # read before the download: closing a streamed response closes the connection
        response = request.getfixturevalue(who).get(docx_url(done))

        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        response.close()
        assert body == (Path(settings.MEDIA_ROOT) / done.docx.name).read_bytes() != b""
        assert [p.text for p in docx.Document(io.BytesIO(body)).paragraphs] == [title]
        assert done.docx_size == len(body)
        day = timezone.localdate(done.finished_at)
        assert response["Content-Disposition"] == f'attachment; filename="kehittamissuunnitelma-{day:%Y-%m-%d}-sv.docx"'
        assert response["Content-Type"] == EDITIONS["docx"][1]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"

    @pytest.mark.parametrize("url", [download_url, docx_url])
    def test_needs_login(self, client, done, url):
        response = client.get(url(done))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("url", [download_url, docx_url])
    def test_refuses_outsiders(self, outsider_client, done, url):
        assert outsider_client.get(url(done)).status_code == 403

    @pytest.mark.parametrize("url", [download_url, docx_url])
    def test_a_build_not_done_has_nothing_to_download(self, viewer_client, queued, failed, url):
        assert viewer_client.get(url(queued)).status_code == 404
        assert viewer_client.get(url(failed)).status_code == 404

    def test_a_missing_file_is_404(self, viewer_client, done):
        (Path(settings.MEDIA_ROOT) / done.pdf.name).unlink()
        (Path(settings.MEDIA_ROOT) / done.docx.name).unlink()
        assert viewer_client.get(download_url(done)).status_code == 404
        assert viewer_client.get(docx_url(done)).status_code == 404

    def test_a_build_from_before_the_word_edition_offers_the_pdf_only(self, viewer_en, done):
        ReportBuild.objects.filter(pk=done.pk).update(docx="", docx_size=None)
        assert viewer_en.get(docx_url(done)).status_code == 404
        content = viewer_en.get(LIST).content.decode()
        assert f'href="{download_url(done)}">Download PDF' in content
        assert 'data-field="download-docx" class="ms-2" href="" hidden' in content

    @pytest.mark.parametrize("url", [download_url, docx_url])
    def test_refuses_post(self, viewer_client, done, url):
        assert viewer_client.post(url(done)).status_code == 405


def test_a_survey_title_with_nordic_letters_shows_in_the_table(viewer_en, plan):
    survey = SurveyFactory(title="Enkät för aktörerna – Åbo/Kemi")
    builds.build_request(plan=plan, survey=survey, language="sv", user=None)
    assert "Enkät för aktörerna – Åbo/Kemi" in viewer_en.get(LIST).content.decode()
