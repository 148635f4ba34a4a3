"""A worker keeps a page's questions and form fields between requests, and drops them when staff change the survey."""

import threading
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from surveys import content
from surveys.models import Choice, Question
from teknokyla.devservices import free_port

from ..factories import ChoiceFactory, QuestionFactory
from ..faults.outage import PrivateRedis
from .conftest import PAGE_2, loaded_version

pytestmark = pytest.mark.django_db

NEEDS = reverse("surveys:page", args=[2])


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in Swedish leaves Swedish active in this thread; the next test must not start in it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def test_the_second_view_of_a_page_reads_its_questions_from_the_worker(company_client, django_assert_num_queries):
    # session, the response with survey and company, the pages, the page's questions with their conditions,
    # their choices, the response's answers, the page's version
    with django_assert_num_queries(7):
        first = company_client.get(NEEDS)
    # the same but the pages, the questions and their choices, kept by this worker since the first view
    with django_assert_num_queries(4):
        second = company_client.get(NEEDS)
    assert first.status_code == second.status_code == 200
    assert [q.code for q in second.context["form"].questions] == [q.code for q in first.context["form"].questions]


def test_an_edited_question_and_choice_show_on_the_next_view(company_client, questions):
    assert "Question growth?" in company_client.get(NEEDS).content.decode()
    growth = questions["growth"]
    growth.text = "Do you plan to grow?"
    growth.save()
    choice = Choice.objects.get(question=growth, value="no")
    choice.label = "We stay as we are"
    choice.save()
    content = company_client.get(NEEDS).content.decode()
    assert "Do you plan to grow?" in content and "Question growth?" not in content
    assert "We stay as we are" in content


def test_added_and_removed_questions_show_on_the_next_view(company_client, questions):
    company_client.get(NEEDS)
    added = QuestionFactory(section=questions["growth"].section, order=99, code="budget", type="single_choice")
    ChoiceFactory(question=added, value="small", label="A small budget")
    Question.objects.get(pk=questions["recommend"].pk).delete()
    reply = company_client.get(NEEDS)
    codes = [q.code for q in reply.context["form"].questions]
    assert "budget" in codes and "recommend" not in codes
    assert "A small budget" in reply.content.decode()


def test_a_page_in_another_language_gets_its_own_labels(company_client, questions):
    growth = questions["growth"]
    growth.text_sv = "Planerar ni att växa?"
    growth.text_en = "Do you plan to grow?"
    growth.save()
    company_client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="en")
    english = company_client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="en")
    swedish = company_client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Do you plan to grow?" in english.content.decode()
    assert "Planerar ni att växa?" in swedish.content.decode()
    assert english.context["form"].fields["growth"].label == "Do you plan to grow?"
    assert swedish.context["form"].fields["growth"].label == "Planerar ni att växa?"


# How often a worker asks Redis for the version -------------------------------------------------------------


@pytest.fixture
def private_cache(settings):
    """A redis-server of this test alone as the Django cache, so that every command sent to it can be watched."""
    server = PrivateRedis(free_port())
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url(1)}}
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def version_commands(server: PrivateRedis):
    """The commands on the version key that reach the server meanwhile, as Redis's MONITOR shows them."""
    seen, ready = [], threading.Event()
    stop = "watch-stop"

    def watch():
        with redis.Redis(port=server.port).monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                if stop in command["command"]:
                    return
                if content.VERSION_KEY in command["command"]:
                    seen.append(command["command"].split()[0].upper())

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    assert ready.wait(10), "MONITOR did not start"
    yield seen
    redis.Redis(port=server.port).get(stop)
    thread.join(10)
    assert not thread.is_alive(), "MONITOR did not stop"


def test_a_page_view_and_a_save_ask_redis_for_the_version_once_each(private_cache, company_client):
    loaded_version(company_client, 2)  # the version token exists and this worker holds the page
    with version_commands(private_cache) as viewing:
        version = loaded_version(company_client, 2)
    with version_commands(private_cache) as saving:
        reply = company_client.post(NEEDS, {**PAGE_2, "version": version, "action": "save"})
    assert reply.status_code == 302
    # Before: two reads on a view (the questions, the fields), three on a save (and the form shown after it).
    assert viewing == ["GET"]
    assert saving == ["GET"]


def test_a_change_made_by_another_worker_shows_on_the_next_request(company_client, questions):
    assert "Question growth?" in company_client.get(NEEDS).content.decode()
    # Another worker saved the question: the row changed, and so did the token, but no signal ran in this process.
    Question.objects.filter(pk=questions["growth"].pk).update(
        text_fi="Kasvatteko?", text_sv="Växer ni?", text_en="Do you grow?"
    )
    cache.set(content.VERSION_KEY, "set-by-another-worker", timeout=None)
    page = company_client.get(NEEDS).content.decode()
    assert "Question growth?" not in page
    assert "Kasvatteko?" in page


def test_after_a_failed_read_a_worker_reads_the_database_without_asking_redis(
    private_cache, company_client, questions, monkeypatch
):
    monkeypatch.setattr(content, "_unreachable_until", 0.0)
    monkeypatch.setattr(content, "UNREACHABLE_SECONDS", 600.0)  # the whole test, however slow the machine
    loaded_version(company_client, 2)
    private_cache.kill()
    # Redis is gone: the page still shows, its questions read from PostgreSQL.
    assert "Question growth?" in company_client.get(NEEDS).content.decode()
    private_cache.start()  # empty, on the same port
    Question.objects.filter(pk=questions["growth"].pk).update(text_fi="Kasvatteko?")
    with version_commands(private_cache) as meanwhile:
        page = company_client.get(NEEDS).content.decode()
    # Not asked again during the period, and nothing out of date shown: what PostgreSQL holds now.
    assert meanwhile == []
    assert "Kasvatteko?" in page
    # The period is over: the worker asks again (and, the token being gone with the old server, names a new one).
    monkeypatch.setattr(content, "_unreachable_until", 0.0)
    with version_commands(private_cache) as after:
        assert "Kasvatteko?" in company_client.get(NEEDS).content.decode()
    assert after == ["GET", "SET"]  # SET NX: the cache's add
