"""Shared fixtures: the people of the conventions (staff, viewer, outsider) and logged-in clients."""

import os
import uuid

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from teknokyla.core.groups import STAFF_GROUP, VIEWER_GROUP

from . import trust
from .factories import UserFactory

# Hypothesis: `make test` runs a few examples of each property, the same ones every time (derandomized, so a failure
# reproduces); `make fuzz` (HYPOTHESIS_PROFILE=fuzz) searches with many more, newly drawn on each run, and keeps the
# failing ones in .hypothesis/ to try first next time. The tests post to a real server stack: no per-example deadline.
_SLOW_EXAMPLES = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
hypothesis_settings.register_profile(
    "default", max_examples=10, derandomize=True, database=None, deadline=None, suppress_health_check=_SLOW_EXAMPLES
)
hypothesis_settings.register_profile(
    "fuzz", max_examples=400, derandomize=False, deadline=None, suppress_health_check=_SLOW_EXAMPLES
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
