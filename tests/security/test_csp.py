"""Content-Security-Policy: the header on every kind of page, and no inline script, handler or style for it to block."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.views.answering import MISS_LIMIT

from ..factories import UserFactory
from .conftest import opened
from .markup import inline_parts
from .test_access import RULES

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The report's HTML preview alone draws inline SVG charts (style attributes) and a print <style>.
INLINE_STYLE_ALLOWED = {"reports:report_preview"}


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_nothing_inline(html: str, where: str, *, styles_allowed: bool = False) -> None:
    found = inline_parts(html)
    assert not found.scripts, f"{where}: inline <script>: {found.scripts}"
    assert not found.handlers, f"{where}: inline event handlers: {found.handlers}"
    assert not found.javascript_urls, f"{where}: javascript: URLs: {found.javascript_urls}"
    if not styles_allowed:
        assert not found.style_attributes, f"{where}: style attributes: {found.style_attributes}"
        assert not found.style_elements, f"{where}: <style> elements"


def test_the_policy_allows_no_inline_script_anywhere():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-eval'" not in str(directives)


@pytest.mark.django_db
@pytest.mark.trust("A page goes out without the Content-Security-Policy header", area="Security")
def test_the_header_is_on_public_staff_company_admin_and_error_pages(world, clients, trust_figure):
    pages = [
        (clients["anonymous"], reverse("home")),
        (clients["anonymous"], reverse("login")),
        (clients["anonymous"], reverse("accessibility")),
        (clients["anonymous"], reverse("surveys:open", args=["no-such-token"])),  # 404 page of a bad link
        (clients["anonymous"], reverse("surveys:start")),  # 404: no survey session
        (clients["anonymous"], "/no/such/page/"),
        (clients["company"], reverse("surveys:start")),
        (clients["company"], reverse("surveys:page", args=[1])),
        (clients["viewer"], reverse("companies:directory")),
        (clients["outsider"], reverse("companies:directory")),  # 403
        (clients["staff"], reverse("workshops:interview", args=[world.interview.pk])),
        (clients["staff"], reverse("admin:index")),
    ]
    checked = 0
    for client, url in pages:
        reply = client.get(url)
        assert _directives(reply["Content-Security-Policy"]) == POLICY, url
        checked += 1
    trust_figure("pages with the CSP header checked", checked)
    trust_figure("'unsafe-inline' scripts allowed", sum("'unsafe-inline'" in d for d in POLICY["script-src"]))


@pytest.mark.django_db
def test_the_report_preview_alone_allows_inline_styles_and_still_no_inline_script(world, clients):
    reply = clients["viewer"].get(reverse("reports:report_preview", args=[world.plan.pk]))
    assert reply.status_code == 200
    directives = _directives(reply["Content-Security-Policy"])
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    _assert_nothing_inline(reply.content.decode(), "report preview", styles_allowed=True)


def _page_role(name: str) -> str | None:
    """Who sees the page itself (200): staff for staff pages, the company for its own, anyone for public ones."""
    expect = RULES[name].expect
    return next((role for role in ("staff", "company", "anonymous") if expect[role] == 200), None)


PAGES = sorted(name for name, rule in RULES.items() if rule.method == "get" and _page_role(name))


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_page_of_the_access_table_has_an_inline_script_handler_or_style(name, world, clients):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world)) + (f"?{rule.query}" if rule.query else "")
    reply = clients[_page_role(name)].get(url)
    assert reply.status_code == 200
    if not reply["Content-Type"].startswith("text/html"):
        return  # a download or JSON: no markup to run
    assert reply["Content-Security-Policy"]
    _assert_nothing_inline(reply.content.decode(), url, styles_allowed=name in INLINE_STYLE_ALLOWED)


@pytest.mark.django_db
def test_no_inline_script_in_the_other_states_of_the_company_pages(world, clients, settings):
    """The pages a company meets besides the happy path: errors, a bad link, the rate limit, closed, submitted."""
    company = clients["company"]
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    states = {
        "page with errors": company.post(reverse("surveys:page", args=[1]), {"version": "0", "action": "next"}),
        "link not found": Client().get(reverse("surveys:open", args=["no-such-token"])),
        "no session": Client().get(reverse("surveys:summary")),
    }
    for _ in range(MISS_LIMIT):
        stranger.get(reverse("surveys:open", args=["guess"]))
    states["rate limited"] = stranger.get(reverse("surveys:open", args=["guess"]))
    world.survey.closes_at = timezone.now() - timezone.timedelta(days=1)
    world.survey.save(update_fields=["closes_at"])
    states["closed"] = company.get(reverse("surveys:start"))
    world.survey.opens_at = timezone.now() + timezone.timedelta(days=1)
    world.survey.closes_at = timezone.now() + timezone.timedelta(days=30)
    world.survey.save(update_fields=["opens_at", "closes_at"])
    states["not open yet"] = opened(world.token).get(reverse("surveys:start"))
    assert [reply.status_code for reply in states.values()] == [400, 404, 404, 429, 200, 200]
    for state, reply in states.items():
        assert _directives(reply["Content-Security-Policy"]) == POLICY, state
        _assert_nothing_inline(reply.content.decode(), state)


TEMPLATE_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.IGNORECASE)
# The report's own template is printed by WeasyPrint; in the browser it is the preview page that allows styles.
# Documents that leave the portal (the report PDF, the access request's HTML in its ZIP): never served under the CSP.
TEMPLATES_WITH_STYLES = ("reports/report/", "privacy/export.html")


@pytest.mark.trust("A template holds an inline script, handler or style the CSP would have to allow", area="Security")
def test_no_template_source_holds_an_inline_script_handler_or_style(trust_figure):
    offenders = []
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        relative = path.relative_to(settings.BASE_DIR / "templates").as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in TEMPLATE_INLINE.finditer(line):
                if match[0].strip().lower().startswith(("style", "<style")) and relative.startswith(
                    TEMPLATES_WITH_STYLES
                ):
                    continue
                if "json" in match[0].lower():
                    continue  # a data block (json_script), never run
                offenders.append(f"{relative}:{number}: {match[0].strip()}")
    assert offenders == []
    trust_figure("templates scanned", len(templates))
    trust_figure("inline scripts, handlers or styles found", len(offenders))


# The admin -------------------------------------------------------------------------------------------------------

# Left in third-party admin templates and blocked by the policy; what they did is done by static/js/admin_csp.js
# (the export page's "select all") or is cosmetic (a border, a padding, a bold label).
ADMIN_KNOWN_HANDLERS = {"export": ["input onchange"]}
ADMIN_KNOWN_STYLES = {
    "export": ["p: padding: 0;", "label: font-weight: bold;"],
    "history": ["p: border-top: 0"],
}


def _admin_urls() -> list[tuple[str, str]]:
    """(kind, URL) of the admin's index and every registered model's list, add, change, history and export pages."""
    urls = [("index", reverse("admin:index"))]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [("changelist", reverse(f"{info}_changelist")), ("add", reverse(f"{info}_add"))]
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            urls += [
                ("change", reverse(f"{info}_change", args=[record.pk])),
                ("history", reverse(f"{info}_history", args=[record.pk])),
            ]
        try:
            urls.append(("export", reverse(f"{info}_export")))
        except Exception:  # noqa: S112 - only models with django-import-export have an export page
            continue
    return urls


@pytest.mark.django_db
@pytest.mark.trust("An admin page runs an inline script or goes out without the CSP header", area="Security")
def test_admin_pages_render_under_the_policy_without_inline_scripts(world, client, trust_figure):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    # A periodic task on a crontab: its change form is the one django-celery-beat wrote an inline script for.
    PeriodicTask.objects.create(
        name="reminders", task="surveys.tasks.send_reminders", crontab=CrontabSchedule.objects.create(hour="7")
    )
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    pages = _admin_urls()
    assert len(pages) > 60
    for kind, url in pages:
        reply = client.get(url)
        # Some records are made only by the portal itself: their add page is refused.
        assert reply.status_code in ((200, 403) if kind == "add" else (200,)), url
        assert _directives(reply["Content-Security-Policy"]) == POLICY, url
        found = inline_parts(reply.content.decode())
        assert not found.scripts, f"{url}: {found.scripts}"
        assert not found.javascript_urls, f"{url}: {found.javascript_urls}"
        assert found.handlers == ADMIN_KNOWN_HANDLERS.get(kind, []), url
        assert found.style_attributes in ([], ADMIN_KNOWN_STYLES.get(kind, [])), url
        assert not found.style_elements, url
        if reply.status_code == 200:
            assert "admin_csp.js" in reply.content.decode(), f"{url}: the admin's script shim is missing"
    trust_figure("admin pages with the CSP header checked", len(pages))
