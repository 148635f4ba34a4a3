"""Redis stopped while companies answer: answering and saving go on, mail is deferred (not lost), report builds wait.

The test starts its own redis-server (the machine's shared one is never touched), points the Django cache and the
Celery app at it, and kills it with SIGKILL in the middle of the companies' work. Once it is started again on the
same port (empty, as after a crash without persistence), Celery beat's sweeps, run by a real worker, send what
waited: each owed mail exactly once, and the queued report build to one PDF.
"""

import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse
from kombu import pools

from reports.models import ReportBuild
from reports.services import builds as build_services
from reports.tasks import sweep_report_builds
from surveys import outbox, tasks
from surveys.invitations import invitation_create
from surveys.models import Answer, OutgoingMail, Response
from surveys.views.answering import MISS_LIMIT
from teknokyla.celery import app
from teknokyla.devservices import free_port

from ..factories import CompanyFactory, ContactFactory
from ..reports.builds_support import make_plan, stored_pdfs, tiny_render, use_renderer
from ..surveys.conftest import PAGE_1, PAGE_2, PAGE_3, build_survey, page_url
from .outage import PrivateRedis

SUBMIT = reverse("surveys:submit")
THANKS = reverse("surveys:thanks")
SUMMARY = reverse("surveys:summary")
PAGES = [PAGE_1, PAGE_2, PAGE_3]
COMPANIES = 5  # each submits during the outage
S = ReportBuild.Status


def _point_celery_at(broker_url: str, backend_url: str) -> None:
    app.conf.broker_url = broker_url
    app.conf.result_backend = backend_url
    # Connections are pooled per broker URL across the process, and the result backend per thread: drop them all.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def private_redis(settings):
    """A private Redis that the Django cache and the Celery app use during the test; killed at the end."""
    # Read before the settings change: Celery loads its configuration from the settings lazily, on first use.
    previous = (app.conf.broker_url, app.conf.result_backend)
    server = PrivateRedis(free_port())
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url(1)}}  # KEY_PREFIX kept
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = server.url(0)
    _point_celery_at(server.url(0), server.url(0))
    try:
        yield server
    finally:
        server.kill()
        _point_celery_at(*previous)


@contextmanager
def worker():
    """A real Celery worker in a thread, taking tasks from the private Redis."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.1)


def drained() -> None:
    """Wait until the worker has taken everything queued before this call (one solo worker takes tasks in order)."""
    assert app.send_task("teknokyla.ping").get(timeout=30) == "pong"


def minutes_pass(delta: timedelta) -> None:
    """Make the owed mails and the queued builds older, as if `delta` had passed since they were saved."""
    OutgoingMail.objects.update(queued_at=F("queued_at") - delta)
    ReportBuild.objects.update(requested_at=F("requested_at") - delta)


class Village:
    """Companies invited to one survey (every question type, three pages), each with a contact and its link."""

    def __init__(self, count: int):
        self.survey = build_survey()
        self.companies = []
        self.tokens = {}
        for number in range(count):
            company = CompanyFactory(name=f"Yritys {number} Oy")
            contact = ContactFactory(company=company, email=f"contact{number}@yritys.example", language="fi")
            _invitation, token = invitation_create(survey=self.survey, company=company, contacts=[contact])
            self.companies.append(company)
            self.tokens[company.pk] = token


@pytest.mark.trust(
    "Redis (broker and cache) is killed while companies answer and staff build the report", area="Faults"
)
@pytest.mark.django_db(transaction=True)
def test_with_redis_killed_answers_are_kept_mail_waits_and_goes_once_and_the_build_resumes(
    private_redis, staff_client, monkeypatch, mailoutbox, trust_figure
):
    use_renderer(monkeypatch, tiny_render)  # a real but small PDF: the pipeline is what is tested here
    village = Village(COMPANIES + 1)
    submitters, drafter = village.companies[:COMPANIES], village.companies[COMPANIES]
    browsers = {}
    for company in village.companies:
        browsers[company.pk] = Client(raise_request_exception=False)
        assert browsers[company.pk].get(reverse("surveys:open", args=[village.tokens[company.pk]])).status_code == 302
    plan = make_plan()
    replies = []

    def request(client: Client, method: str, url: str, data=None):
        started = time.monotonic()
        reply = getattr(client, method)(url, data or {})
        replies.append((reply.status_code, time.monotonic() - started))
        return reply

    private_redis.kill()
    assert not private_redis.is_up()

    # Every company answers page by page (a save on each page), and all but one submit.
    saves = submits = 0
    for company in village.companies:
        browser = browsers[company.pk]
        for number, data in enumerate(PAGES, start=1):
            form = request(browser, "get", page_url(number))
            assert form.status_code == 200
            version = str(form.context["form"]["version"].value())
            reply = request(browser, "post", page_url(number), {**data, "version": version, "action": "next"})
            assert reply.status_code == 302, reply.status_code
            saves += 1
        assert request(browser, "get", SUMMARY).status_code == 200
        if company in submitters:
            reply = request(browser, "post", SUBMIT)
            assert (reply.status_code, reply.url) == (302, THANKS)
            assert request(browser, "get", THANKS).status_code == 200
            submits += 1

    # The invitation link still opens (the rate limit cannot count, and lets it through); a wrong one is a plain 404.
    returning = Client(raise_request_exception=False)
    assert request(returning, "get", reverse("surveys:open", args=[village.tokens[drafter.pk]])).status_code == 302
    assert request(returning, "get", page_url(1)).status_code == 200
    assert (
        request(Client(raise_request_exception=False), "get", reverse("surveys:open", args=["x" * 43])).status_code
        == 404
    )

    # Staff remind the company that has not submitted, and ask for the development plan.
    staff_client.raise_request_exception = False
    remind = reverse("surveys:remind", args=[village.survey.slug, drafter.pk])
    assert request(staff_client, "post", remind).status_code == 302
    build_reply = request(
        staff_client,
        "post",
        reverse("reports:build_create"),
        {"plan": plan.pk, "survey": village.survey.pk, "language": "fi"},
    )
    assert build_reply.status_code == 302

    server_errors = sum(status >= 500 for status, _seconds in replies)
    assert server_errors == 0
    # Nothing typed was lost: every answer is in PostgreSQL, every submit recorded.
    responses = Response.objects.filter(survey=village.survey)
    assert responses.filter(submitted_at__isnull=False).count() == COMPANIES
    assert set(responses.filter(submitted_at__isnull=True).values_list("company", flat=True)) == {drafter.pk}
    answers = Counter(Answer.objects.filter(response__survey=village.survey).values_list("response", flat=True))
    assert len(answers) == COMPANIES + 1 and set(answers.values()) == {answers[responses.first().pk]}
    # The mail is owed, none sent; the build waits in the queue.
    owed = OutgoingMail.objects.filter(done_at__isnull=True)
    assert sorted(owed.values_list("kind", flat=True)) == ["confirmation"] * COMPANIES + ["reminder"]
    assert not OutgoingMail.objects.filter(attempts__gt=0).exists()
    assert mailoutbox == []
    build = ReportBuild.objects.get()
    assert (build.status, build.attempts) == (S.QUEUED, 0)
    mails_deferred = owed.count()

    # Redis comes back, empty, on the same port; a few minutes later beat's sweeps run on a real worker.
    private_redis.start()
    minutes_pass(max(outbox.SWEEP_AFTER, build_services.QUEUED_TIMEOUT) + timedelta(seconds=1))
    with worker():
        # As beat sends them: apply_async() of the registered task, through the broker.
        tasks.sweep_outgoing_mail.apply_async()
        sweep_report_builds.apply_async()
        wait_until(lambda: not OutgoingMail.objects.filter(done_at__isnull=True).exists())
        wait_until(lambda: ReportBuild.objects.filter(status__in=[S.DONE, S.FAILED]).exists())
        drained()
        sent_after_recovery = len(mailoutbox)
        # Another sweep, and every mail's message delivered again (a late original, say): nothing goes twice.
        tasks.sweep_outgoing_mail.apply_async()
        for mail_id in OutgoingMail.objects.values_list("pk", flat=True):
            tasks.deliver_mail.delay(mail_id)
        drained()

    addresses = sorted(message.to[0] for message in mailoutbox)
    assert len(addresses) == len(set(addresses)) == mails_deferred == sent_after_recovery
    expected = {contact.email for company in village.companies for contact in company.contacts.all()}
    assert set(addresses) == expected
    reminder = next(message for message in mailoutbox if message.to == [drafter.contacts.get().email])
    assert "/s/" in reminder.body  # a fresh link, made when the mail went out
    build.refresh_from_db()
    assert (build.status, build.attempts) == (S.DONE, 1)
    assert [str(path) for path in stored_pdfs()] == [build.pdf.name]

    # The cache is back too: the rate limit counts again.
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [guesser.get(reverse("surveys:open", args=[f"guess-{n}"])).status_code for n in range(MISS_LIMIT + 1)]
    assert statuses[-1] == 429

    trust_figure("saves during the outage", saves)
    trust_figure("submits during the outage", submits)
    trust_figure("requests during the outage", len(replies))
    trust_figure("server errors", server_errors)
    trust_figure("slowest request during the outage (ms)", round(max(seconds for _status, seconds in replies) * 1000))
    trust_figure("mails deferred", mails_deferred)
    trust_figure("mails sent after recovery", sent_after_recovery)
    trust_figure("duplicate mails", len(mailoutbox) - len(set(addresses)))
    trust_figure("builds resumed", ReportBuild.objects.filter(status=S.DONE).count())
    trust_figure("PDFs stored", len(stored_pdfs()))


def answered_in_time(call, limit: float = 60):
    """Run one request in a thread; give its reply and seconds. Still waiting after `limit` seconds fails the test.

    Without timeouts on the Redis connections a request would wait on a frozen Redis for ever.
    """
    outcome = {}

    def run():
        try:
            outcome["reply"] = call()
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), "a request hung on the frozen Redis"
    return outcome["reply"], time.monotonic() - started


@pytest.mark.trust("Redis hangs (no reply, connections left open) while companies answer", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_with_redis_frozen_pages_still_answer_and_each_mail_goes_once_when_it_wakes(
    private_redis, mailoutbox, trust_figure
):
    village = Village(2)
    browsers = {}
    for company in village.companies:
        browsers[company.pk] = Client(raise_request_exception=False)
        assert browsers[company.pk].get(reverse("surveys:open", args=[village.tokens[company.pk]])).status_code == 302

    private_redis.freeze()
    replies = []
    for company in village.companies:
        browser = browsers[company.pk]
        for number, data in enumerate(PAGES, start=1):
            version = str(browser.get(page_url(number)).context["form"]["version"].value())
            post = {**data, "version": version, "action": "next"}
            replies.append(answered_in_time(partial(browser.post, page_url(number), post)))
        replies.append(answered_in_time(partial(browser.post, SUBMIT)))
    link = reverse("surveys:open", args=[village.tokens[village.companies[0].pk]])
    replies.append(answered_in_time(partial(Client(raise_request_exception=False).get, link)))

    statuses = [reply.status_code for reply, _seconds in replies]
    assert statuses == [302] * len(replies)
    assert Response.objects.filter(survey=village.survey, submitted_at__isnull=False).count() == 2
    assert OutgoingMail.objects.filter(kind="confirmation", done_at__isnull=True).count() == 2
    assert mailoutbox == []

    # Redis wakes up. Commands written before it froze may still run now: a publish that timed out can arrive late,
    # beside the sweep's copy. Either way each mail goes once.
    private_redis.thaw()
    minutes_pass(outbox.SWEEP_AFTER + timedelta(seconds=1))
    with worker():
        tasks.sweep_outgoing_mail.apply_async()
        wait_until(lambda: not OutgoingMail.objects.filter(done_at__isnull=True).exists())
        drained()
    addresses = [message.to[0] for message in mailoutbox]
    assert sorted(addresses) == sorted(c.email for company in village.companies for c in company.contacts.all())

    trust_figure("requests while Redis was frozen", len(replies))
    trust_figure("server errors", sum(status >= 500 for status in statuses))
    trust_figure("slowest request while frozen (ms)", round(max(seconds for _reply, seconds in replies) * 1000))
    trust_figure("mails sent after it woke", len(addresses))
    trust_figure("duplicate mails", len(addresses) - len(set(addresses)))
