"""The database restarts while a company is saving: a clear 503, no server error, and nothing lost afterwards.

The portal runs in Django's live server (its own threads and connections), and once on its production stack
(gunicorn, DEBUG off, persistent connections with health checks); the test speaks HTTP to it like a browser
without JavaScript and takes the test database away as a restart does (see outage.py).
"""

import logging
import re

import pytest
import requests
from django.utils import translation

from bench import stack
from surveys.invitations import invitation_create
from surveys.models import Answer, Response
from teknokyla.core.faults import database_unavailable

from ..factories import CompanyFactory, ContactFactory
from ..surveys.conftest import PAGE_1, PAGE_2, build_survey
from .conftest import child_env
from .outage import database_down

pytestmark = pytest.mark.django_db(transaction=True)

FINNISH_MESSAGE = "Palvelu ei juuri nyt saa yhteyttä tietokantaansa"


@pytest.fixture
def invited(transactional_db):
    survey = build_survey()
    company = CompanyFactory(name="Koodari Oy")
    contact = ContactFactory(company=company, name="Aino Aalto", email="aino@koodari.example", is_primary=True)
    _invitation, token = invitation_create(survey=survey, company=company, contacts=[contact])
    return Response.objects.get(survey=survey, company=company), token


class Browser:
    """An HTTP client with cookies that posts a page's form as a browser without JavaScript does.

    It keeps its cookies itself: production marks them Secure, and this loopback client sends them over plain HTTP.
    """

    def __init__(self, base_url: str, language: str = "fi"):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        self.language = language
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        self.http.cookies.clear()
        headers = {"Accept-Language": self.language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        reply = self.http.request(
            method, self.base_url + path, data=data, headers=headers, allow_redirects=False, timeout=30
        )
        self.cookies.update({cookie.name: cookie.value for cookie in reply.cookies})
        return reply

    def get(self, path: str) -> requests.Response:
        """GET, following redirects as a browser does."""
        reply = self._send("GET", path)
        for _hop in range(5):
            if reply.status_code not in (301, 302, 303):
                break
            reply = self._send("GET", reply.headers["Location"])
        return reply

    def hidden_fields(self, path: str) -> dict:
        reply = self.get(path)
        assert reply.status_code == 200, reply.status_code
        return dict(
            re.findall(r'<input type="hidden" name="(csrfmiddlewaretoken|version|owner)" value="([^"]*)"', reply.text)
        )

    def save(self, path: str, data: dict, hidden: dict) -> requests.Response:
        return self._send("POST", path, {**data, **hidden, "action": "save"})


def stored(survey_response) -> dict:
    return {
        a.question.code: a.value for a in Answer.objects.filter(response=survey_response).select_related("question")
    }


@pytest.mark.trust("The database restarts while companies are saving survey pages", area="Faults")
def test_a_save_during_a_database_restart_gets_a_503_and_the_next_save_stores_everything(
    live_server, invited, caplog, trust_figure
):
    survey_response, token = invited
    browser = Browser(live_server.url)
    assert browser.get(f"/s/{token}/").status_code == 200  # followed to the start page

    # Page 1 saves as usual.
    assert browser.save("/survey/page/1/", PAGE_1, browser.hidden_fields("/survey/page/1/")).status_code == 302

    # Page 2 is loaded and typed; then the database restarts under the web process.
    page_2 = browser.hidden_fields("/survey/page/2/")
    statuses = []
    caplog.set_level(logging.WARNING, logger="teknokyla.core.faults")
    with database_down():
        for _attempt in range(3):  # an impatient user presses Save again and again
            reply = browser.save("/survey/page/2/", PAGE_2, page_2)
            statuses.append(reply.status_code)
        assert reply.status_code == 503
        assert FINNISH_MESSAGE in reply.text
        assert "Vastauksia ei tallennettu" in reply.text
        assert "ovat tallessa tässä selaimessa" in reply.text
        assert 'href="/survey/page/2/"' in reply.text, "the way back is the page itself"
        assert "Traceback" not in reply.text
        assert token not in reply.text
        assert int(reply.headers["Retry-After"]) > 0
        # Opening a page during the outage says the same, with no error page either.
        during = browser.get("/survey/page/1/")
        statuses.append(during.status_code)
        assert during.status_code == 503
        assert FINNISH_MESSAGE in during.text

    assert statuses == [503] * 4
    assert any("database unavailable" in record.getMessage() for record in caplog.records)
    # A warning, once: not also Django's "Service Unavailable" server error for the same request.
    assert [record for record in caplog.records if record.name == "django.request"] == []

    # The database is back: the same page, posted again with the version it was loaded with, is saved.
    again = browser.save("/survey/page/2/", PAGE_2, browser.hidden_fields("/survey/page/2/"))
    assert again.status_code == 302
    assert again.headers["Location"] == "/survey/page/2/"
    assert browser.get("/survey/").status_code == 200, "the web process keeps serving"

    saved = stored(survey_response)
    expected = {code for code, value in {**PAGE_1, **PAGE_2}.items() if value and not code.endswith("__other")}
    assert expected <= set(saved)
    assert saved["contact_name"] == "Aino Aalto"
    assert saved["growth_how"] == "Hire two coders"
    assert saved["services"] == ["coworking", "__other__"]
    trust_figure("saves tried during the outage", len(statuses))
    trust_figure("server errors (500)", statuses.count(500))
    trust_figure("answers lost", len(expected - set(saved)))


def test_the_outage_page_keeps_the_invitation_token_out_of_its_link(live_server, invited):
    survey_response, token = invited
    browser = Browser(live_server.url)
    swedish = Browser(live_server.url, language="sv")
    with database_down():
        reply = browser.get(f"/s/{token}/")
        in_swedish = swedish.get(f"/s/{token}/")
    assert in_swedish.status_code == 503
    assert "Tjänsten når inte sin databas just nu" in in_swedish.text
    assert reply.status_code == 503
    assert token not in reply.text
    assert 'href="/"' in reply.text
    # Afterwards the link opens as usual.
    assert browser.get(f"/s/{token}/").status_code == 200


def test_the_outage_page_cannot_fail_in_turn(rf, settings, tmp_path):
    """Even without its template (a broken deploy), the outage answer is a 503 that says what happened."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]
    with translation.override("fi"):
        reply = database_unavailable(rf.post("/survey/page/2/"))
    assert reply.status_code == 503
    assert reply["Content-Type"].startswith("text/plain")
    text = reply.content.decode()
    assert "Vastauksia ei tallennettu" in text
    assert FINNISH_MESSAGE in text
    assert "/survey/page/2/" in text
    assert int(reply["Retry-After"]) > 0


@pytest.fixture
def production_server(processes, tmp_path):
    """gunicorn with one sync worker, DEBUG off and the production static files: its connection persists."""
    env = child_env(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="False",
        SECURE_SSL_REDIRECT="False",
        BENCH_STATIC_ROOT=str(tmp_path / "static"),
        GUNICORN_WORKERS="1",
    )
    stack.run_child([stack.sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env, timeout=300)
    port = stack.free_port()
    server = processes.start("gunicorn", stack.gunicorn_command(port), env)
    stack.wait_http(port, "/healthz", server)
    return f"http://127.0.0.1:{port}", processes


@pytest.mark.trust(
    "The database restarts under the production web server (gunicorn, persistent connections)", area="Faults"
)
def test_the_production_server_answers_503_during_a_restart_and_serves_at_once_after(
    invited, production_server, trust_figure
):
    survey_response, token = invited
    base_url, processes = production_server
    browser = Browser(base_url)
    assert browser.get(f"/s/{token}/").status_code == 200
    assert browser.save("/survey/page/1/", PAGE_1, browser.hidden_fields("/survey/page/1/")).status_code == 302
    page_2 = browser.hidden_fields("/survey/page/2/")

    # A restart between two requests: the worker's kept connection is dead, and the health check replaces it.
    with database_down():
        pass
    assert browser.get("/survey/page/2/").status_code == 200

    statuses = []
    with database_down():
        for _attempt in range(3):
            reply = browser.save("/survey/page/2/", PAGE_2, page_2)
            statuses.append(reply.status_code)
            assert FINNISH_MESSAGE in reply.text
            assert reply.headers["Content-Type"].startswith("text/html"), "the page itself, not the fallback"
    # The first save after the restart goes through: no stale connection is left to fail it.
    after = browser.save("/survey/page/2/", PAGE_2, page_2)
    statuses_after = [after.status_code]
    assert after.status_code == 302
    assert browser.get("/survey/summary/").status_code == 200

    log = processes.log_tail("gunicorn", 200)
    assert "database unavailable: POST /survey/page/2/ answered 503" in log
    assert "Traceback" not in log
    assert statuses == [503] * 3
    saved = stored(survey_response)
    expected = {code for code, value in {**PAGE_1, **PAGE_2}.items() if value and not code.endswith("__other")}
    trust_figure("saves tried during the outage", len(statuses))
    trust_figure("server errors (500)", (statuses + statuses_after).count(500))
    trust_figure("answers lost", len(expected - set(saved)))
    assert expected <= set(saved)
