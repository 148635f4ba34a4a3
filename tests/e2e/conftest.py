"""Browser tests: Debian's Chromium driven by pytest-playwright against Django's live server.

Playwright's sync API runs an event loop in the test thread; Django's ORM
refuses to run there unless told it is safe, which it is for these tests.
"""

import os
import shutil

import pytest

# Set at import: the session-wide Playwright loop is running before any test fixture does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    # Missing Chromium is a broken machine, not a reason to skip: say so loudly.
    if any("e2e" in item.nodeid for item in items) and not shutil.which(CHROMIUM):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Finnish browser, as most of the portal's users have.
    return {**browser_context_args, "locale": "fi-FI"}


@pytest.fixture
def login(live_server, page):
    """Log a user in through the real login form."""

    def _login(username: str, password: str = "correct horse battery staple"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Käyttäjätunnus").fill(username)
        page.get_by_label("Salasana").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

    return _login
