"""Staff login lockout (django-axes): five wrong passwords lock one username at one address for 15 minutes."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from teknokyla.core.groups import STAFF_GROUP
from teknokyla.core.security import client_ip

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings, which the fi catalogue may translate any day.
    settings.LANGUAGE_CODE = "en"


def browser(address: str = "203.0.113.10") -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, url: str | None = None) -> list[int]:
    """Wrong passwords, `times` times; the status of each answer."""
    statuses = [log_in(client, username, "wrong password", url).status_code for _ in range(times)]
    assert not is_logged_in(client)
    return statuses


@pytest.mark.trust("Someone guesses a staff password by trying many", area="Security")
def test_the_sixth_attempt_after_five_wrong_passwords_is_refused_even_with_the_right_password(staff, trust_figure):
    client = browser()
    # The form again with its error, four times; the fifth failure already answers with the lockout.
    statuses = fail(client, staff.username, settings.AXES_FAILURE_LIMIT)
    assert statuses == [200, 200, 200, 200, 429]
    reply = log_in(client, staff.username, PASSWORD)
    assert reply.status_code == 429
    assert not is_logged_in(client)
    content = reply.content.decode()
    assert "Login locked" in content
    assert "locked for 15 minutes" in content
    assert "5 times in a row" in content
    assert PASSWORD not in content
    trust_figure("locked out after wrong passwords", statuses.index(429) + 1)
    trust_figure("logins with the right password while locked", int(is_logged_in(client)))
    trust_figure("lock (minutes)", int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def test_four_wrong_passwords_do_not_lock_and_a_right_one_clears_the_count(staff):
    client = browser()
    assert fail(client, staff.username, settings.AXES_FAILURE_LIMIT - 1) == [200] * 4
    assert log_in(client, staff.username, PASSWORD).status_code == 302
    assert is_logged_in(client)
    # The success wiped the failures: four more wrong ones still leave the door open.
    client = browser()
    fail(client, staff.username, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_another_user_and_another_address_are_not_affected(staff, viewer):
    fail(browser(), staff.username, settings.AXES_FAILURE_LIMIT)
    # Another user from the same address
    colleague = browser()
    assert log_in(colleague, viewer.username, PASSWORD).status_code == 302
    assert is_logged_in(colleague)
    # The same user from another address: the lock is on the pair of username and address
    elsewhere = browser("198.51.100.20")
    assert log_in(elsewhere, staff.username, PASSWORD).status_code == 302
    assert is_logged_in(elsewhere)
    # ... while the locked pair stays locked
    assert log_in(browser(), staff.username, PASSWORD).status_code == 429


@pytest.mark.trust("The admin login is a way round the staff login's lockout", area="Security")
def test_the_admin_login_counts_and_is_locked_too(staff, trust_figure):
    admin_login = reverse("admin:login")
    client = browser()
    assert fail(client, staff.username, 3, admin_login) == [200, 200, 200]
    assert fail(client, staff.username, 2) == [200, 429]  # the two forms share one count
    assert log_in(client, staff.username, PASSWORD, admin_login).status_code == 429
    assert not is_logged_in(client)
    trust_figure("wrong passwords across both forms before lockout", AccessAttempt.objects.get().failures_since_start)


def test_the_lock_lifts_after_fifteen_minutes(staff):
    client = browser()
    fail(client, staff.username, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, staff.username, PASSWORD).status_code == 429
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    # Sixteen minutes pass
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16))
    assert log_in(client, staff.username, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_lockout_is_recorded_for_the_administrators(staff):
    fail(browser(), staff.username, settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        staff.username,
        "203.0.113.10",
        settings.AXES_FAILURE_LIMIT,
    )
    assert "wrong password" not in attempt.post_data


def test_logins_the_tests_make_with_force_login_are_not_counted():
    user = UserFactory(username="forced", groups=[STAFF_GROUP])
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("companies:directory")).status_code == 200
    assert not AccessAttempt.objects.exists()


# Behind a reverse proxy --------------------------------------------------------------------------------------------

PROXY = "10.0.0.2"


def via_proxy(client_address: str, forwarded_by_client: str = "") -> Client:
    """A browser behind our proxy: the proxy appends the address it saw to whatever the client sent."""
    chain = ", ".join(part for part in (forwarded_by_client, client_address) if part)
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


def test_behind_the_trusted_proxy_each_client_is_locked_by_its_own_address(settings, staff):
    settings.TRUSTED_PROXIES = [PROXY]
    assert fail(via_proxy("203.0.113.10"), staff.username, settings.AXES_FAILURE_LIMIT)[-1] == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.10"
    # The colleague behind the same proxy, at another address, still logs in.
    colleague = via_proxy("203.0.113.11")
    assert log_in(colleague, staff.username, PASSWORD).status_code == 302


@pytest.mark.trust("A guesser dodges the lockout with a made-up X-Forwarded-For", area="Security")
def test_an_address_the_client_wrote_itself_is_not_believed(settings, staff, trust_figure):
    settings.TRUSTED_PROXIES = [PROXY]
    # The attacker sends a new made-up X-Forwarded-For with every try; the proxy appends the real address.
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(via_proxy("203.0.113.66", forwarded_by_client=f"192.0.2.{number}"), staff.username, "wrong")
    assert log_in(via_proxy("203.0.113.66", "192.0.2.99"), staff.username, PASSWORD).status_code == 429
    # Without a trusted proxy the header counts for nothing at all.
    settings.TRUSTED_PROXIES = []
    direct = Client(REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert log_in(direct, staff.username, PASSWORD).status_code == 302
    trust_figure("made-up addresses tried", settings.AXES_FAILURE_LIMIT)
    trust_figure("addresses the lock was keyed by", len({a.ip_address for a in AccessAttempt.objects.all()}))


def test_client_ip_believes_only_the_trusted_proxy(settings, rf):
    settings.TRUSTED_PROXIES = [PROXY]

    def ip(remote, forwarded=None):
        meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
        return client_ip(rf.get("/", **meta))

    assert ip("198.51.100.1") == "198.51.100.1"
    assert ip("198.51.100.1", "203.0.113.5") == "198.51.100.1"  # not from our proxy: the header is ignored
    assert ip(PROXY, "203.0.113.5") == "203.0.113.5"
    assert ip(PROXY, "192.0.2.1, 203.0.113.5") == "203.0.113.5"  # the client's own entry is to the left
    assert ip(PROXY, "not-an-address") == PROXY
    assert ip(PROXY) == PROXY
