"""Reflow (WCAG 1.4.10): no page of the portal scrolls sideways, from a 320 px phone to a 1440 px wide screen.

Every page of the access test's URL table is opened as the visitor who may see it, with the demo's data, and laid
out at each width; a page wider than its window fails, with its widest element named. The header is also tried in
Swedish and English (the longest words) from 320 to 1920 px, and no page may log an error in the browser's console.
"""

import pytest
from django.urls import reverse

from reports.models import DevelopmentPlan
from surveys.invitations import invitation_create
from surveys.models import Response
from workforce.models import EducationProgramme, WorkforceNeed
from workshops.models import Attachment, Finding, Interview, Measure, Workshop

from ..security.test_access import COMPANY, PUBLIC, RULES

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (320, 768, 1024, 1280, 1440)
HEADER_WIDTHS = (320, 375, 576, 768, 992, 1024, 1200, 1280, 1366, 1440, 1600, 1920)
# Files and JSON, not pages: nothing to lay out.
NOT_PAGES = {
    "healthz",
    "surveys:export",
    "workshops:attachment",
    "reports:build_status",
    "reports:build_download",
    "reports:build_download_docx",
    "privacy:contact_export",
    "privacy:company_export",
    "workforce:export",
    "companies:import_template",
    "companies:export",
}
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# The page's width against the window's, and the element reaching furthest right outside any scrolling region (the
# smallest of those that reach as far, which is the one to blame rather than its ancestors).
MEASURE = """() => {
  const root = document.documentElement;
  const result = {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, widest: ""};
  if (root.scrollWidth <= window.innerWidth) return result;
  let best = null, bestRight = -1, bestWidth = Infinity;
  const clips = element => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right <= window.innerWidth || clips(element)) continue;
    if (box.width === 0 && box.height === 0) continue;
    const right = Math.round(box.right + window.scrollX);
    if (right > bestRight || (right === bestRight && box.width < bestWidth)) {
      best = element; bestRight = right; bestWidth = box.width;
    }
  }
  if (best) {
    const name = best.tagName.toLowerCase() + (best.id ? "#" + best.id : "") +
      Array.from(best.classList).map(c => "." + c).join("");
    const parent = best.parentElement;
    const within = parent ? " in " + parent.tagName.toLowerCase() +
      Array.from(parent.classList).map(c => "." + c).join("") : "";
    const text = (best.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 40);
    result.widest = `${name}${within} (right edge ${bestRight}px${text ? `, "${text}"` : ""})`;
  }
  return result;
}"""


def _demo_world(survey):
    """The access table's world, taken from the demo: one record of each kind, and a company's fresh link."""
    response = Response.objects.filter(survey=survey, submitted_at__isnull=False).order_by("pk").first()
    _invitation, token = invitation_create(survey=survey, company=response.company)

    class World:
        pass

    world = World()
    world.survey = survey
    world.company = response.company
    world.response = response
    world.building = response.company.tenancies.select_related("premises__building").first().premises.building
    world.token = token
    for name, model in (
        ("interview", Interview),
        ("workshop", Workshop),
        ("attachment", Attachment),
        ("finding", Finding),
        ("measure", Measure),
        ("plan", DevelopmentPlan),
        ("need", WorkforceNeed),
        ("programme", EducationProgramme),
    ):
        setattr(world, name, model.objects.order_by("pk").first())
    return world


def _pages_for(role: str, world, sections: int) -> list[str]:
    """The URLs of the table that answer this visitor with a page (200), the survey's every page for a company."""
    urls = []
    for name, rule in sorted(RULES.items()):
        if name in NOT_PAGES or rule.method != "get":
            continue
        if rule.expect[role] != 200 and not (name == "surveys:thanks" and role == "company"):
            continue
        if name == "surveys:thanks" and role == "company":
            urls.append(reverse(name))  # the demo company has submitted: its thanks page shows
            continue
        if name == "surveys:page":
            urls += [reverse(name, args=[number]) for number in range(1, sections + 1)]
            continue
        urls.append(reverse(name, kwargs=rule.kwargs(world)) + (f"?{rule.query}" if rule.query else ""))
    return urls


def _check(page, url: str, widths, problems: list[str], label: str = "") -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate(NEXT_FRAMES)
        found = page.evaluate(MEASURE)
        if found["scrollWidth"] > found["innerWidth"]:
            problems.append(
                f"{url}{label} at {width}px: the page is {found['scrollWidth']}px wide; widest: {found['widest']}"
            )


@pytest.mark.trust("A page of the portal scrolls sideways on a phone, a tablet or a laptop", area="Accessibility")
def test_no_page_scrolls_sideways_at_any_common_width(live_server, page, login, staff, demo_data, trust_figure):
    world = _demo_world(demo_data.survey)
    world.staff = staff  # the import's preview is its uploader's
    sections = demo_data.survey.sections.count()
    problems: list[str] = []
    visited = 0
    # Every console error of every page too (a missing file, a blocked script or style, an exception).
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))
    # Public pages as an anonymous visitor; a company's pages through its link; every staff page as staff.
    plan = [("anonymous", _pages_for("anonymous", world, sections))]
    plan.append(("company", _pages_for("company", world, sections)))
    plan.append(("staff", _pages_for("staff", world, sections)))
    assert {name for name, rule in RULES.items() if rule.expect == PUBLIC} - NOT_PAGES
    assert any(rule.expect == COMPANY for rule in RULES.values())
    for role, urls in plan:
        if role == "company":
            page.goto(f"{live_server.url}{reverse('surveys:open', args=[world.token])}")
        if role == "staff":
            login(staff.username)
        for url in urls:
            reply = page.goto(f"{live_server.url}{url}")
            assert reply.status == 200, f"{role} {url}: {reply.status}"
            assert reply.headers["content-type"].startswith("text/html"), f"{url}: {reply.headers['content-type']}"
            assert "?next=" not in page.url, f"{role} {url}: sent to the login page"
            _check(page, url, WIDTHS, problems)
            visited += 1

    # The header's longest words: Swedish and English, on a staff page and on the front page.
    for language in ("sv", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for url in (reverse("surveys:list"), reverse("home")):
            page.goto(f"{live_server.url}{url}")
            assert page.locator("html").get_attribute("lang") == language
            _check(page, url, HEADER_WIDTHS, problems, f" ({language})")
    page.context.add_cookies([{"name": "django_language", "value": "fi", "url": live_server.url}])

    trust_figure("pages laid out", visited)
    trust_figure("widths per page", len(WIDTHS))
    trust_figure("pages too wide", len(problems))
    assert not problems, f"{len(problems)} page layouts scroll sideways:\n" + "\n".join(problems)
    assert not console, "console errors:\n" + "\n".join(console)
