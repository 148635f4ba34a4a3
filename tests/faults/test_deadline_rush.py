"""The deadline rush: 200 companies press the final submit at the same moment, against the production web stack.

gunicorn with the project's gunicorn.conf.py, DEBUG off, static files collected, the pytest test database; each
company's browser opens its link and loads the summary first, then all 200 submits leave together.
"""

import asyncio
import datetime
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.models import Count
from django.utils import timezone, translation

from bench import stack
from bench.load import Session, csrf_token
from surveys import services
from surveys.invitations import invitation_create
from surveys.models import Answer, Response
from teknokyla.celery import app

from ..factories import CompanyFactory
from ..surveys.conftest import PAGE_1, PAGE_2, PAGE_3, build_survey
from .conftest import child_env

COMPANIES = 200
REQUEST_TIMEOUT = 180  # seconds; a reply slower than this counts as lost


def complete_drafts(count: int):
    """`count` companies, each with its invitation and a complete draft saved through the page service."""
    survey = build_survey()
    sections = list(survey.sections.order_by("order"))
    tokens = []
    for number in range(count):
        company = CompanyFactory(name=f"Kiirus {number:03d} Oy")
        invitation, token = invitation_create(survey=survey, company=company)
        for section, page in zip(sections, (PAGE_1, PAGE_2, PAGE_3), strict=True):
            with translation.override("fi"):  # the pages are typed the Finnish way (decimal comma)
                result = services.page_save(
                    response=invitation.response, section=section, data={**page, "version": "0"}
                )
            assert result.saved, result.form.errors
        tokens.append(token)
    return survey, tokens


async def rush(port: int, tokens: list[str]) -> dict:
    """Open every link and load its summary (in groups, not measured), then send every submit at once."""
    browsers = [Session("127.0.0.1", port) for _ in tokens]

    async def prepare(browser: Session, token: str) -> str:
        opened = await browser.request("GET", f"/s/{token}/")
        assert opened.status == 302 and "sessionid" in browser.cookies, opened.status
        summary = await browser.request("GET", "/survey/summary/")
        assert summary.status == 200, summary.status
        return csrf_token(summary.body)

    csrf = []
    for start in range(0, len(tokens), 20):
        group = zip(browsers[start : start + 20], tokens[start : start + 20], strict=True)
        csrf += await asyncio.gather(*(prepare(browser, token) for browser, token in group))

    go = asyncio.Event()

    async def submit(browser: Session, token: str):
        await go.wait()  # the barrier: every browser is ready before any submit leaves
        try:
            reply = await asyncio.wait_for(
                browser.request("POST", "/survey/submit/", [["csrfmiddlewaretoken", token]]), REQUEST_TIMEOUT
            )
        except (OSError, TimeoutError) as error:
            return None, repr(error)
        return reply.status, reply.header("location")

    tasks = [asyncio.create_task(submit(browser, token)) for browser, token in zip(browsers, csrf, strict=True)]
    await asyncio.sleep(0.2)  # every task is waiting at the barrier
    started = time.monotonic()
    go.set()
    replies = await asyncio.gather(*tasks)
    return {"replies": replies, "seconds": time.monotonic() - started}


def answers_per_response(survey) -> dict[int, int]:
    rows = Answer.objects.filter(response__survey=survey).values("response_id").annotate(answers=Count("id"))
    return {row["response_id"]: row["answers"] for row in rows}


@pytest.mark.trust("200 companies press the final submit at the same moment, just before the deadline", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_final_submits_are_all_stored(processes, tmp_path, trust_figure):
    app.control.purge()
    survey, tokens = complete_drafts(COMPANIES)
    drafts = answers_per_response(survey)
    assert len(drafts) == COMPANIES

    env = child_env(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="False",
        SECURE_SSL_REDIRECT="False",
        BENCH_STATIC_ROOT=str(tmp_path / "static"),
        BENCH_CACHE_PREFIX=f"deadline-rush-{secrets.token_hex(4)}",
        GUNICORN_LOG_LEVEL="warning",
    )
    stack.run_child([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env, timeout=600)
    port = stack.free_port()
    server = processes.start("gunicorn", stack.gunicorn_command(port), env)
    stack.wait_http(port, "/healthz", server)
    # The deadline is near: the last companies submit in the final minutes.
    survey.closes_at = timezone.now() + datetime.timedelta(minutes=10)
    survey.save(update_fields=["closes_at"])

    # A loop of its own in a thread: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as runner:
        result = runner.submit(asyncio.run, rush(port, tokens)).result()

    statuses = [status for status, _location in result["replies"]]
    server_errors = sum(1 for status in statuses if status is None or status >= 500)
    assert server_errors == 0, processes.log_tail("gunicorn")
    assert result["replies"] == [(302, "/survey/thanks/")] * COMPANIES
    responses = Response.objects.filter(survey=survey)
    stored = responses.filter(submitted_at__isnull=False).count()
    assert responses.count() == stored == COMPANIES
    after = answers_per_response(survey)
    assert after == drafts  # every answer of every draft, nothing lost, nothing doubled
    # Submitted once each: one history record per response sets submitted_at (a second submit writes nothing).
    submit_records = Response.history.filter(survey=survey, submitted_at__isnull=False).count()
    assert submit_records == COMPANIES
    app.control.purge()  # the confirmation mails queued for a worker that this test does not run

    trust_figure("submits", len(statuses))
    trust_figure("stored", stored)
    trust_figure("server errors", server_errors)
    trust_figure("duplicates", submit_records - stored)
    trust_figure("wall seconds", round(result["seconds"], 1))
