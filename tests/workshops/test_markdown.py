"""Notes and outcomes are Markdown shown as sanitised HTML: the usual XSS payloads render inert on the pages."""

from html.parser import HTMLParser

import pytest

from workshops.markdown import render_markdown

from ..factories import CompanyFactory, InterviewFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "![kuva](javascript:alert(1))",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<a href=javascript:alert(1) onmouseover=alert(2)>x</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<object data="javascript:alert(1)"></object>',
    "<embed src=javascript:alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>body{display:none}</style>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster"}
FORBIDDEN_TAGS = {"iframe", "svg", "math", "object", "embed", "img", "form", "input", "meta", "style", "base", "body"}


class DangerFinder(HTMLParser):
    """Collects whatever in a page could run script: script elements with content, handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            sources = [value for name, value in attrs if name == "src"]
            if not sources or not sources[0].startswith("/static/"):
                self.found.append("<script> without a local src")
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            compact = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and compact.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{name}={value} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline script content")


def dangers(html: str) -> list[str]:
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.mark.parametrize(
    "raw",
    ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>', "<svg>"],
)
def test_the_finder_flags_raw_payloads(raw):
    # Without sanitising, each payload would be caught: the checks below can fail.
    assert dangers(f"<p>{raw}</p>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_leaves_nothing_that_runs(payload):
    assert dangers(str(render_markdown(f"Muistiinpano.\n\n{payload}\n\nLoppu."))) == []


def page_dangers(client, record) -> list[str]:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return sorted(dangers(response.content.decode()))


@pytest.fixture
def interview_page_baseline(staff_client):
    """What the page itself holds (its own forms, the script of base.html), with harmless notes."""
    return page_dangers(staff_client, InterviewFactory(notes="Tavallinen muistiinpano."))


@pytest.fixture
def workshop_page_baseline(staff_client):
    return page_dangers(staff_client, WorkshopFactory(notes="Tavallinen.", outcomes="Tavallinen."))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_interview_notes_render_inert_on_the_page(staff_client, interview_page_baseline, payload):
    interview = InterviewFactory(notes=f"Muistiinpano alkaa.\n\n{payload}\n\nMuistiinpano loppuu.")
    interview.companies.add(CompanyFactory())
    content = staff_client.get(interview.get_absolute_url()).content.decode()
    assert "Muistiinpano alkaa." in content and "Muistiinpano loppuu." in content
    # The payload adds nothing that could run to what the page already has.
    assert sorted(dangers(content)) == interview_page_baseline


@pytest.mark.parametrize("payload", PAYLOADS)
def test_workshop_texts_render_inert_on_the_page(staff_client, workshop_page_baseline, payload):
    workshop = WorkshopFactory(title=payload, purpose=payload, notes=payload, outcomes=f"Tulos.\n\n{payload}")
    assert page_dangers(staff_client, workshop) == workshop_page_baseline


def test_the_baseline_check_would_notice_a_payload(staff_client, interview_page_baseline):
    # An unsanitised rendering (here: the raw payload put into the page) differs from the baseline.
    page = staff_client.get(InterviewFactory(notes="x").get_absolute_url()).content.decode()
    assert sorted(dangers(page.replace("<p>x</p>", "<p><img src=x onerror=alert(1)></p>"))) != interview_page_baseline


def test_ordinary_markdown_keeps_its_formatting(viewer_client):
    interview = InterviewFactory(
        notes="## Otsikko\n\n**Tärkeä** ja *korostettu*.\n\n- yksi\n- kaksi\n\n[Digipolis](https://www.digipolis.fi)"
    )
    content = viewer_client.get(interview.get_absolute_url()).content.decode()
    assert "<h2>Otsikko</h2>" in content
    assert "<strong>Tärkeä</strong>" in content and "<em>korostettu</em>" in content
    assert "<li>yksi</li>" in content
    assert '<a href="https://www.digipolis.fi" rel="noopener noreferrer nofollow">Digipolis</a>' in content


def test_a_javascript_link_keeps_its_text_but_loses_its_target(viewer_client):
    interview = InterviewFactory(notes="[klikkaa tästä](javascript:alert(1))")
    content = viewer_client.get(interview.get_absolute_url()).content.decode()
    assert "klikkaa tästä" in content and "javascript:" not in content
