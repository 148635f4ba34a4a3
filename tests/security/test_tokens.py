"""Invitation tokens: guessing finds nothing, and a real token never leaks into later URLs, a Referer or a log.

tests/surveys/test_answering.py covers the link's basics (a redirect without the token, the 404 page, the rate limit
of one address); this file adds the figures and the leaks.
"""

import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.views.answering import MISS_LIMIT, MISS_WINDOW, SESSION_KEY
from teknokyla.core import dburl
from teknokyla.core.security import RedactSurveyTokens, redact_tokens
from teknokyla.devservices import free_port

from ..surveys.conftest import PAGE_1, PAGE_2, PAGE_3

pytestmark = pytest.mark.django_db

TOKENS_TRIED = 1000
TRIES_PER_ADDRESS = 10  # well under the limit, so the rate limit cannot be what refuses them


def open_url(token: str) -> str:
    return reverse("surveys:open", args=[token])


@pytest.mark.trust("A guessed invitation token opens a company's answers", area="Security")
def test_a_thousand_random_tokens_are_all_refused_with_404(world, trust_figure):
    statuses = {}
    for number in range(TOKENS_TRIED):
        address = f"10.{number // TRIES_PER_ADDRESS // 256}.{number // TRIES_PER_ADDRESS % 256}.1"
        client = Client(REMOTE_ADDR=address)
        reply = client.get(open_url(secrets.token_urlsafe(32)))
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert SESSION_KEY not in client.session
    assert statuses == {404: TOKENS_TRIED}
    trust_figure("random tokens tried", sum(statuses.values()))
    trust_figure("refused with 404", statuses.get(404, 0))
    trust_figure("survey sessions opened", sum(statuses.values()) - statuses.get(404, 0))


@pytest.mark.trust("One address keeps guessing tokens without limit", area="Security")
def test_one_address_gets_its_limit_of_misses_and_then_only_429_with_retry_after(world, trust_figure):
    guesser = Client(REMOTE_ADDR="203.0.113.99")
    replies = [guesser.get(open_url(secrets.token_urlsafe(32))) for _ in range(100)]
    assert [reply.status_code for reply in replies] == [404] * MISS_LIMIT + [429] * (100 - MISS_LIMIT)
    assert {reply["Retry-After"] for reply in replies[MISS_LIMIT:]} == {str(MISS_WINDOW)}
    # The real token from the blocked address waits too; the company's own address is not affected.
    assert guesser.get(open_url(world.token)).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.50").get(open_url(world.token)).status_code == 302
    statuses = [reply.status_code for reply in replies]
    trust_figure("guesses from one address", len(statuses))
    trust_figure("rate-limited after misses", statuses.index(429))
    trust_figure("answered 429", statuses.count(429))


class _Urls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src", "action", "formaction") and value]


def urls_in(html: str) -> list[str]:
    parser = _Urls()
    parser.feed(html)
    return parser.urls


@pytest.mark.trust("The invitation token leaks into a later URL, page or the session", area="Security")
def test_the_token_never_appears_in_a_later_url_page_or_session(world, trust_figure):
    client = Client()
    seen = []

    def visit(reply):
        seen.append(reply)
        return reply

    opened = visit(client.get(open_url(world.token)))
    assert opened.status_code == 302 and opened["Location"] == reverse("surveys:start")
    visit(client.get(reverse("surveys:start")))
    for number, data in enumerate([PAGE_1, PAGE_2, PAGE_3], start=1):
        page = visit(client.get(reverse("surveys:page", args=[number])))
        version = page.context["form"]["version"].value()
        visit(client.post(reverse("surveys:page", args=[number]), {**data, "version": version, "action": "next"}))
    visit(client.get(reverse("surveys:summary")))
    visit(client.post(reverse("surveys:submit")))
    visit(client.get(reverse("surveys:thanks")))
    assert seen[-1].status_code == 200, "the journey reached the thanks page"

    for reply in seen:
        assert world.token not in reply.get("Location", "")
        body = reply.content.decode()
        assert world.token not in body
        assert not [url for url in urls_in(body) if "/s/" in url]
    # The session holds the response, never the token.
    assert world.token not in str(dict(client.session.items()))
    trust_figure("responses of a whole journey checked", len(seen))
    trust_figure(
        "responses holding the token",
        sum(world.token in reply.get("Location", "") + reply.content.decode() for reply in seen),
    )


@pytest.mark.trust("The invitation link leaks to other sites in the Referer header", area="Security")
def test_no_referer_leaves_the_link_and_company_pages_send_it_to_this_site_only(world, clients, trust_figure):
    checked = 0
    for reply in (
        Client().get(open_url(world.token)),  # the redirect
        Client().get(open_url("wrong-token")),  # the 404 page
    ):
        assert reply["Referrer-Policy"] == "no-referrer"
        checked += 1
    company = clients["company"]
    for url in (reverse("surveys:start"), reverse("surveys:page", args=[1]), reverse("surveys:summary")):
        assert company.get(url)["Referrer-Policy"] in ("same-origin", "no-referrer"), url
        checked += 1
    trust_figure("responses with a Referrer-Policy checked", checked)


# Logs ------------------------------------------------------------------------------------------------------------


def test_the_filter_redacts_a_token_wherever_it_sits():
    token = secrets.token_urlsafe(32)
    for text in (
        f"GET /s/{token}/ HTTP/1.1",
        f"Not Found: /s/{token}/",
        f"http://127.0.0.1:8000/s/{token}/?utm=mail",
        f"GET /s/{token} HTTP/1.1",  # without its slash, before APPEND_SLASH redirects it
        f'"GET /fi/s/{token}/ HTTP/1.1" 404 1234',
    ):
        redacted = redact_tokens(text)
        assert token not in redacted
        assert "/s/<redacted>/" in redacted
    assert redact_tokens("GET /survey/page/2/ HTTP/1.1") == "GET /survey/page/2/ HTTP/1.1"
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (f"GET /s/{token}/", 404, 9), None
    )
    assert RedactSurveyTokens().filter(record) is True
    assert (record.getMessage(), record.args) == ('"GET /s/<redacted>/" 404 9', ())


@pytest.mark.trust("A token is written into Django's request log", area="Security")
def test_django_request_log_of_a_missed_or_limited_link_holds_no_token(world, caplog, trust_figure):
    wrong = secrets.token_urlsafe(32)
    with caplog.at_level(logging.INFO):
        Client().get(open_url(wrong))  # 404: Django logs "Not Found: <path>"
        guesser = Client(REMOTE_ADDR="203.0.113.77")
        for _ in range(MISS_LIMIT + 1):
            guesser.get(open_url(wrong))  # ... then 429: "Too Many Requests: <path>"
        Client().get(open_url(world.token))
    request_records = [record for record in caplog.records if record.name == "django.request"]
    assert {record.getMessage() for record in request_records} == {
        "Not Found: /s/<redacted>/",
        "Too Many Requests: /s/<redacted>/",
    }
    assert wrong not in caplog.text and world.token not in caplog.text
    trust_figure("log records checked", len(caplog.records))
    trust_figure(
        "records holding a token", sum(wrong in r.getMessage() or world.token in r.getMessage() for r in caplog.records)
    )


def test_the_loggers_and_handlers_of_the_settings_carry_the_filter():
    for name in ("django.request", "django.server", "gunicorn.access", "gunicorn.error"):
        assert any(isinstance(f, RedactSurveyTokens) for f in logging.getLogger(name).filters), name
    handlers = logging.getLogger().handlers + logging.getLogger("django.server").handlers
    configured = [handler for handler in handlers if any(isinstance(f, RedactSurveyTokens) for f in handler.filters)]
    assert len(configured) >= 2  # the console and django.server's own


# Real servers: runserver's request lines and gunicorn's access log ----------------------------------------------


@contextmanager
def _server(command: list[str], port: int):
    """A server of this project in a subprocess, on the test database, until the block ends."""
    env = {
        **os.environ,
        "DATABASE_URL": dburl.database_url(connection.settings_dict),
        "DEBUG": "True",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _ask(port: int, path: str, referer: str) -> int:
    request = Request(f"http://127.0.0.1:{port}{path}", headers={"Referer": referer})  # noqa: S310 - our own server
    try:
        with urlopen(request, timeout=30) as reply:  # noqa: S310
            return reply.status
    except OSError as error:  # an HTTPError is an answer too
        return getattr(error, "code", 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", ["runserver", "gunicorn"])
@pytest.mark.trust("A token is written into a real server's access log", area="Security")
def test_a_real_servers_log_holds_no_token(server, trust_figure):
    port = free_port()
    token = secrets.token_urlsafe(32)
    if server == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    else:
        # gunicorn.conf.py in the project folder is read as is; the access log goes to the output here.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "teknokyla.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
        ]
    with _server(command, port) as process:
        assert _ask(port, open_url(token), referer=f"http://mail.example/s/{token}/") == 404
        assert _ask(port, f"/s/{token}", referer="-") in (301, 404)  # without the slash
        time.sleep(0.5)
        process.terminate()
        output = process.communicate(timeout=20)[0]
    request_lines = [line for line in output.splitlines() if "/s/" in line]
    assert len(request_lines) >= 2, output
    assert token not in output
    assert all("/s/<redacted>/" in line for line in request_lines), request_lines
    if server == "gunicorn":
        assert re.search(r'"GET /s/<redacted>/ HTTP/1\.1" 404', output), output
    trust_figure("request lines checked", len(request_lines))
    trust_figure("lines holding the token", sum(token in line for line in output.splitlines()))
