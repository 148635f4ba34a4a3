"""The health check answers for the database and the broker."""

import json

import pytest
from django.urls import reverse

from teknokyla.devservices import free_port

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "search_analyser": "loaded",
    }
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "unavailable", "database": "ok", "broker": "down", "search_analyser": "loaded"}


def test_healthz_needs_no_login_and_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_reports_the_reduced_search_without_the_analyser(client, settings):
    settings.SEARCH_VOIKKO_ENABLED = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content)["search_analyser"] == "missing"
