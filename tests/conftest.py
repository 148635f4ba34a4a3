"""Shared fixtures: the people of the conventions (staff, viewer, outsider) and logged-in clients."""

import uuid

import pytest
from django.test import Client
from django.utils import translation

from teknokyla.core.groups import STAFF_GROUP, VIEWER_GROUP

from . import trust
from .factories import UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(username="staff-member", is_staff=True, groups=[STAFF_GROUP])


@pytest.fixture
def viewer(db):
    return UserFactory(username="board-viewer", is_staff=True, groups=[VIEWER_GROUP])


@pytest.fixture
def outsider(db):
    """A logged-in user with no group: may not see staff pages."""
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Test users need no slow key stretching; the real hashers stay in production.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    # Uploaded and built files of a test never reach the developer's var/private.
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    # The cache is the real Redis; each test gets its own key prefix so counters never leak between tests.
    default = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def _language_restored():
    # A test that activates a language (directly or through a view run in this thread) must not leave it
    # active for the tests after it.
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


# The figures of docs/trust.md (see tests/trust.py).
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    trust.record_outcome(item, outcome.get_result())


def pytest_sessionfinish(session, exitstatus):
    trust.write_records()


@pytest.fixture
def trust_figure(request):
    """Record a figure of this test for docs/trust.md: trust_figure("tokens tried", 1000)."""

    def _record(name: str, value) -> None:
        trust.record_figure(request.node.nodeid, name, value)

    return _record
