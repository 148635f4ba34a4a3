"""`manage.py build_report`: queue a build from the command line, or wait for the worker and write the PDF."""

import datetime
from io import BytesIO, StringIO

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.models import ReportBuild

from .builds_support import (  # noqa: F401 - private_root is an autouse fixture
    broker_down,
    make_plan,
    make_survey,
    private_root,
    running_worker,
    tiny_render,
    use_renderer,
)

S = ReportBuild.Status


def run(*args) -> str:
    out = StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_wait_writes_the_pdf_built_by_the_worker(tmp_path):
    plan, survey = make_plan(), make_survey()
    target = tmp_path / "plan.pdf"

    with running_worker():
        output = run("--wait", "-o", str(target), "--timeout", "120")

    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    build = ReportBuild.objects.get()
    assert (build.plan, build.survey, build.language, build.status) == (plan, survey, "fi", S.DONE)
    assert len(PdfReader(BytesIO(content)).pages) == build.page_count
    assert f"Wrote {target} ({build.page_count} pages" in output


@pytest.mark.django_db(transaction=True)
def test_format_docx_writes_the_word_edition_of_the_same_build(tmp_path, monkeypatch):
    plan, _survey = make_plan(), make_survey()
    use_renderer(monkeypatch, tiny_render)
    target = tmp_path / "suunnitelma.docx"

    with running_worker():
        output = run("--format", "docx", "--language", "sv", "-o", str(target), "--timeout", "120")

    build = ReportBuild.objects.get()
    assert build.language == "sv"
    assert target.read_bytes() == build.docx.open("rb").read()
    assert docx.Document(target).paragraphs[0].text == plan.title
    assert f"Wrote {target} (Word document, {build.docx_size} bytes)." in output
    assert build.pdf  # one build, both editions


def test_an_unknown_format_is_refused_before_anything_is_queued(db):
    with pytest.raises(CommandError, match="invalid choice: 'odt'"):
        run("--format", "odt")
    assert not ReportBuild.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_wait_reports_a_failed_build_with_its_reason(tmp_path, monkeypatch):
    make_plan()
    make_survey()

    def broken(**kwargs):
        raise RuntimeError("Fontti puuttuu")

    use_renderer(monkeypatch, broken)
    with running_worker(), pytest.raises(CommandError, match="failed: RuntimeError: Fontti puuttuu"):
        run("--wait", "-o", str(tmp_path / "plan.pdf"))
    assert not (tmp_path / "plan.pdf").exists()


@pytest.mark.django_db(transaction=True)
def test_wait_with_the_broker_down_says_the_build_waits_for_the_worker(settings):
    make_plan()
    make_survey()
    with broker_down(settings), pytest.raises(CommandError, match="broker cannot be reached"):
        run("--wait")
    assert ReportBuild.objects.get().status == S.QUEUED


@pytest.mark.django_db
def test_wait_gives_up_after_the_timeout_when_no_worker_runs():
    make_plan()
    make_survey()
    with pytest.raises(CommandError, match="still queued after 0.3 s"):
        run("--wait", "--timeout", "0.3")
    assert ReportBuild.objects.get().status == S.QUEUED


@pytest.mark.django_db
def test_without_wait_it_queues_the_latest_edition_and_survey_in_finnish():
    make_plan(title="Vanha painos", period_start=datetime.date(2021, 1, 1))
    latest = make_plan(title="Uusi painos", period_start=datetime.date(2023, 1, 1))
    make_survey(slug="old", opens_at=datetime.datetime(2021, 9, 1, tzinfo=datetime.UTC))
    newest = make_survey(slug="new")

    output = run()

    build = ReportBuild.objects.get()
    assert (build.plan, build.survey, build.language, build.requested_by) == (latest, newest, "fi", None)
    assert build.status == S.QUEUED
    assert f"Build {build.pk} is queued" in output


@pytest.mark.django_db
def test_the_edition_survey_and_language_can_be_chosen():
    chosen = make_plan(title="Vanha painos", period_start=datetime.date(2021, 1, 1))
    make_plan(title="Uusi painos", period_start=datetime.date(2023, 1, 1))
    survey = make_survey(slug="kysely-2022")
    make_survey(slug="kysely-2023")

    run("--plan", str(chosen.pk), "--survey", "kysely-2022", "--language", "sv")

    build = ReportBuild.objects.get()
    assert (build.plan, build.survey, build.language) == (chosen, survey, "sv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "987654"], "No plan edition with the id 987654"),
        (["--survey", "missing"], "No survey with the slug “missing”"),
        (["--language", "de"], "invalid choice: 'de'"),
    ],
)
def test_refuses_unknown_choices(args, message):
    make_plan()
    make_survey()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ReportBuild.objects.exists()


@pytest.mark.django_db
def test_needs_a_plan_edition_and_a_survey():
    with pytest.raises(CommandError, match="no plan edition yet"):
        run()
    make_plan()
    with pytest.raises(CommandError, match="no survey yet"):
        run()
    assert not ReportBuild.objects.exists()
