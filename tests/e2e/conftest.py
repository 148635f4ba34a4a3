"""Browser tests: Debian's Chromium driven by pytest-playwright against Django's live server.

Playwright's sync API runs an event loop in the test thread; Django's ORM
refuses to run there unless told it is safe, which it is for these tests.
"""

import importlib
import io
import os
import shutil
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command

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


# The levels the portal promises: WCAG 2.1 A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def _readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


class AxeAudit:
    """Runs axe-core in each page it is shown and keeps the violations, to report them all at once."""

    def __init__(self):
        self.script = Axe().axe_script  # axe-core as the wheel carries it: no npm, no download
        self.checked: list[str] = []
        self.failures: list[str] = []

    def check(self, page, label: str = "") -> None:
        name = f"{label or page.url} ({page.viewport_size['width']}px): {page.title()!r}"
        # Injected once per document: the same page is checked again at another width.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.script)
        violations = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)["violations"]
        self.checked.append(name)
        if violations:
            self.failures.append(f"{name} at {page.url}\n{_readable(violations)}")

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.failures, f"axe found violations in {len(self.failures)} of {len(self.checked)} pages:\n\n" + (
            "\n\n".join(self.failures)
        )


@pytest.fixture
def axe_audit():
    """Collects axe-core violations (WCAG 2.1 A and AA) of the pages checked; call assert_clean() at the end."""
    return AxeAudit()


def _seed_reference_rows() -> None:
    # A transactional test empties every table after it, the rows that migrations seeded included (skill
    # areas, themes): seed them again, through the migrations' own functions, before the demo looks them up.
    for module, seed in (
        ("workforce.migrations.0002_seed_skill_areas", "seed_skill_areas"),
        ("workshops.migrations.0002_seed_themes", "seed_themes"),
    ):
        getattr(importlib.import_module(module), seed)(apps, None)


@pytest.fixture
def demo_data(settings, tmp_path, staff):
    """The whole demo of the portal (registry, survey and answers, workshops, findings, plan, workforce)."""
    from reports.models import DevelopmentPlan
    from surveys.demo import SLUG
    from surveys.models import Survey
    from workforce.demo import load_workforce

    settings.VAR_DIR = tmp_path
    _seed_reference_rows()
    call_command("load_demo", stdout=io.StringIO())
    load_workforce()
    return SimpleNamespace(survey=Survey.objects.get(slug=SLUG), plan=DevelopmentPlan.objects.order_by("pk").first())


@pytest.fixture
def invited_company(settings, tmp_path):
    """The demo registry and survey, and a fresh invitation of one demo company: its response and raw token."""
    from companies.demo import load_registry
    from companies.models import Company
    from surveys.demo import load_survey
    from surveys.invitations import invitation_create

    settings.VAR_DIR = tmp_path
    _seed_reference_rows()
    load_registry()
    survey = load_survey()
    company = Company.objects.filter(name__endswith="(demo)").order_by("name").first()
    invitation, token = invitation_create(survey=survey, company=company, contacts=company.contacts.all())
    return SimpleNamespace(survey=survey, company=company, response=invitation.response, token=token)
