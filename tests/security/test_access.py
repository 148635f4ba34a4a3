"""Every URL of the portal, for every kind of visitor: exactly the answer each should get.

The rules are keyed by URL name and the URL names are read from the resolver, so a new view without a rule fails here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from surveys.models import Answer, Response

from ..surveys.conftest import PAGE_1, PAGE_2
from .conftest import ROLES, World, opened

# Namespaces and names that are no page of the portal's own: the admin's hundreds of generated URLs (its entry is
# checked below, its pages in test_csp.py), and Django's language switch.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}

LOGIN = "login"  # a 302 to the staff login page, with the page asked for as ?next=


def _expect(anonymous, outsider, viewer, staff, company) -> dict:
    return dict(zip(ROLES, (anonymous, outsider, viewer, staff, company), strict=True))


PUBLIC = _expect(200, 200, 200, 200, 200)
# Staff pages that viewers may read. A company's survey session is no login: it is sent to the login page.
READ = _expect(LOGIN, 403, 200, 200, LOGIN)
# Staff pages that change records.
WRITE = _expect(LOGIN, 403, 403, 200, LOGIN)
# Company pages: without a survey session there is nothing to show (404), whoever asks.
COMPANY = _expect(404, 404, 404, 404, 200)


@dataclass(frozen=True)
class Rule:
    expect: dict
    kwargs: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[World], dict] = lambda world: {}
    # The method a staff member is refused with 405; None where both are allowed.
    wrong_method: str | None = "post"
    query: str = ""
    location: dict = field(default_factory=dict)  # role -> the URL (of the world) a redirect must lead to


def _post_only(expect: dict, **kwargs) -> Rule:
    return Rule(expect, method="post", wrong_method="get", **kwargs)


def _pk(attribute: str) -> Callable[[World], dict]:
    return lambda world: {"pk": getattr(world, attribute).pk}


def _first_contact(world: World) -> dict:
    return {"pk": world.company.contacts.order_by("pk").first().pk}


def _stored_import_preview(world: World) -> str:
    """A preview of a small file, uploaded by the world's staff member through the import page."""
    staff = getattr(world, "staff", None) or world.attachment.uploaded_by
    client = Client()
    client.force_login(staff)
    upload = SimpleUploadedFile("yritykset.csv", b"Nimi;Y-tunnus\nTurvatesti Oy;\n")
    reply = client.post(reverse("companies:import"), {"file": upload})
    assert reply.status_code == 302, reply.status_code
    return reply["Location"].rstrip("/").rsplit("/", 1)[1]


def _slug(world: World) -> dict:
    return {"slug": world.survey.slug}


def _response(world: World) -> dict:
    return {"slug": world.survey.slug, "pk": world.response.pk}


def _to(name: str, kwargs: Callable[[World], dict] = lambda world: {}) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs=kwargs(world))


RULES: dict[str, Rule] = {
    # Portal-wide
    "home": Rule(PUBLIC),
    "healthz": Rule(PUBLIC),
    "accessibility": Rule(PUBLIC),
    "login": Rule(PUBLIC, wrong_method=None),
    # Logging out is a POST (Django 5); it leads every visitor to the front page.
    "logout": _post_only(_expect(302, 302, 302, 302, 302), location=dict.fromkeys(ROLES, _to("home"))),
    # Two-factor authentication: each user's own set-up page, and the code page of the login (for a user without an
    # authenticator it has nothing to ask and sends on to the front page).
    "two_factor": Rule(READ, wrong_method=None),
    "two_factor_verify": Rule(
        _expect(LOGIN, 302, 302, 302, LOGIN),
        wrong_method=None,
        location=dict.fromkeys(("outsider", "viewer", "staff"), _to("home")),
    ),
    # Registry
    "companies:directory": Rule(READ),
    "companies:detail": Rule(READ, _pk("company")),
    "companies:buildings": Rule(READ),
    "companies:building": Rule(READ, lambda world: {"slug": world.building.slug}),
    "companies:import": Rule(WRITE, wrong_method=None),
    "companies:import_template": Rule(WRITE, lambda world: {"fmt": "xlsx"}),
    # A preview is its uploader's (the staff member of the world): others are refused before it is looked up.
    "companies:import_preview": Rule(WRITE, lambda world: {"token": _stored_import_preview(world)}, wrong_method=None),
    # The export holds the contact persons' names and addresses: staff only.
    "companies:export": Rule(WRITE, lambda world: {"fmt": "csv"}),
    # Survey: the invitation link opens a session for anyone who holds it, and sends the browser on without the token.
    "surveys:open": Rule(
        _expect(302, 302, 302, 302, 302),
        lambda world: {"token": world.token},
        location=dict.fromkeys(ROLES, _to("surveys:start")),
    ),
    "surveys:start": Rule(COMPANY),
    "surveys:page": Rule(COMPANY, lambda world: {"number": 1}, wrong_method=None),
    "surveys:summary": Rule(COMPANY),
    # Submitting an empty response: the company is sent to the first page still missing an answer.
    "surveys:submit": _post_only(
        _expect(404, 404, 404, 404, 302),
        location={"company": _to("surveys:page", lambda world: {"number": 1})},
        kwargs=lambda world: {},
    ),
    # Not submitted yet: the thanks page sends the company back to the summary.
    "surveys:thanks": Rule(_expect(404, 404, 404, 404, 302), location={"company": _to("surveys:summary")}),
    "surveys:list": Rule(READ),
    "surveys:dashboard": Rule(READ, _slug),
    "surveys:results": Rule(READ, _slug),
    # The export puts company names next to free-text answers: staff only.
    "surveys:export": Rule(WRITE, lambda world: {"slug": world.survey.slug, "fmt": "csv"}),
    # The export page (with a format chosen it answers with the file): identified answers, staff only.
    "surveys:export_page": Rule(WRITE, _slug),
    "surveys:remind": _post_only(
        {**WRITE, "staff": 302},
        kwargs=lambda world: {"slug": world.survey.slug, "company_id": world.company.pk},
        location={"staff": _to("surveys:dashboard", _slug)},
    ),
    # Inviting changes who gets mail: staff only. The first POST of a choice shows the confirmation and sends nothing.
    "surveys:invite": Rule(WRITE, _slug, query="scope=all&resend=on"),
    "surveys:invite_send": _post_only({**WRITE, "staff": 200}, kwargs=_slug, data=lambda world: {"scope": "all"}),
    # One organisation's response: identified answers, staff only; viewers never (see IDENTIFIED_ADMIN_PAGES too).
    "surveys:response": Rule(WRITE, _response),
    "surveys:response_correct": Rule(WRITE, lambda world: {**_response(world), "number": 1}, wrong_method=None),
    # Without a reason nothing changes: the page again with the reason's error (400).
    "surveys:response_reopen": _post_only({**WRITE, "staff": 400}, kwargs=_response),
    "surveys:response_submit": _post_only({**WRITE, "staff": 400}, kwargs=_response),
    # Interviews and workshops
    "workshops:interviews": Rule(READ),
    "workshops:interview_create": Rule(WRITE, wrong_method=None),
    "workshops:interview": Rule(READ, _pk("interview")),
    "workshops:interview_edit": Rule(WRITE, _pk("interview"), wrong_method=None),
    "workshops:workshops": Rule(READ),
    "workshops:workshop_create": Rule(WRITE, wrong_method=None),
    "workshops:workshop": Rule(READ, _pk("workshop")),
    "workshops:workshop_edit": Rule(WRITE, _pk("workshop"), wrong_method=None),
    # An upload without a file: refused with the reason (400).
    "workshops:attachment_upload": _post_only(
        {**WRITE, "staff": 400}, kwargs=lambda world: {"record": "interview", "pk": world.interview.pk}
    ),
    "workshops:attachment": Rule(READ, _pk("attachment")),
    # Findings, measures, the board, search
    "workshops:findings": Rule(READ),
    "workshops:finding_create": Rule(WRITE, wrong_method=None),
    "workshops:board": Rule(READ),
    "workshops:finding": Rule(READ, _pk("finding")),
    "workshops:finding_edit": Rule(WRITE, _pk("finding"), wrong_method=None),
    "workshops:measures": Rule(READ),
    "workshops:measure_create": Rule(WRITE, wrong_method=None),
    "workshops:measure": Rule(READ, _pk("measure")),
    "workshops:measure_edit": Rule(WRITE, _pk("measure"), wrong_method=None),
    "search:search": Rule(READ, query="q=koodari"),
    # The plan and its PDF builds
    "reports:plans": Rule(READ),
    "reports:plan": Rule(READ, _pk("plan")),
    "reports:plan_edit": Rule(WRITE, _pk("plan"), wrong_method=None),
    "reports:markdown_preview": _post_only(WRITE, data=lambda world: {"text": "**Kylä**"}),
    "reports:report_preview": Rule(READ, _pk("plan")),
    "reports:builds": Rule(READ),
    # A build request without a plan or survey chosen: the list again, with the errors (400).
    "reports:build_create": _post_only({**WRITE, "staff": 400}),
    # A done build cannot be retried: back to the list with a message.
    "reports:build_retry": _post_only(
        {**WRITE, "staff": 302}, kwargs=_pk("build"), location={"staff": _to("reports:builds")}
    ),
    "reports:build_status": Rule(READ, query="id=1"),
    "reports:build_download": Rule(READ, _pk("build")),
    "reports:build_download_docx": Rule(READ, _pk("build")),
    # Privacy: the notice is public; an access request's file and an erasure are staff only (viewers never get them).
    "privacy:notice": Rule(PUBLIC),
    "privacy:contact_export": Rule(WRITE, _first_contact),
    "privacy:company_export": Rule(WRITE, _pk("company")),
    # The confirmation page; the erasure itself is a POST with the box ticked (tests/privacy/test_erasure.py).
    "privacy:contact_erase": Rule(WRITE, _first_contact, wrong_method=None),
    # Workforce: viewers may read and export the matching table (it holds no personal data)
    "workforce:matching": Rule(READ),
    "workforce:export": Rule(READ, lambda world: {"fmt": "csv"}),
    "workforce:needs": Rule(READ),
    "workforce:need_create": Rule(WRITE, wrong_method=None),
    "workforce:need": Rule(READ, _pk("need")),
    "workforce:need_edit": Rule(WRITE, _pk("need"), wrong_method=None),
    "workforce:programmes": Rule(READ),
    "workforce:programme_create": Rule(WRITE, wrong_method=None),
    "workforce:programme": Rule(READ, _pk("programme")),
    "workforce:programme_edit": Rule(WRITE, _pk("programme"), wrong_method=None),
}

# The pages a company reaches with its survey session: none may name an object in its URL.
COMPANY_PAGES = ("surveys:open", "surveys:start", "surveys:page", "surveys:summary", "surveys:submit", "surveys:thanks")


def url_patterns(patterns=None, namespace: str = "", prefix: str = ""):
    """(name, route) of every named URL pattern of the project, outside the excluded namespaces and names."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from url_patterns(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name not in EXCLUDED_NAMES:
                yield name, prefix + str(entry.pattern)


PATTERNS = dict(url_patterns())
ALL_NAMES = sorted(set(PATTERNS) | set(RULES))


@pytest.mark.trust("A new page is added without an access rule for each kind of visitor", area="Security")
def test_the_walk_finds_the_whole_site(trust_figure):
    # Guards the walker itself: if it found only a handful, the table below would prove little.
    assert len(PATTERNS) >= 60
    assert {"home", "surveys:open", "workshops:attachment", "reports:build_download", "workforce:programme"} <= set(
        PATTERNS
    )
    covered = set(PATTERNS) & set(RULES)
    trust_figure("URL names of the site", len(PATTERNS))
    trust_figure("with an access rule", len(covered))
    trust_figure(
        "URLs × visitors checked (test_every_url_answers_each_visitor_as_its_rule_says)", len(covered) * len(ROLES)
    )


def _assert_answer(reply, expected, rule: Rule, role: str, url: str, world: World) -> None:
    where = f"{role} {rule.method.upper()} {url}"
    if expected == LOGIN:
        assert reply.status_code == 302, f"{where}: {reply.status_code}, expected a redirect to the login page"
        assert reply["Location"].startswith(reverse("login") + "?next="), f"{where}: to {reply['Location']}"
        return
    assert reply.status_code == expected, f"{where}: {reply.status_code}, expected {expected}"
    if expected == 302 and role in rule.location:
        target = rule.location[role](world)
        assert reply["Location"] == target, f"{where}: to {reply['Location']}, expected {target}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_url_answers_each_visitor_as_its_rule_says(name, world, clients):
    assert name in PATTERNS, f"the rule for {name!r} names no URL of the site: remove it"
    assert name in RULES, f"{name!r} ({PATTERNS[name]}) has no access rule: add one to RULES"
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world)) + (f"?{rule.query}" if rule.query else "")
    for role in ROLES:
        reply = getattr(clients[role], rule.method)(url, rule.data(world))
        _assert_answer(reply, rule.expect[role], rule, role, url, world)
    if rule.wrong_method:
        reply = getattr(clients["staff"], rule.wrong_method)(url)
        assert reply.status_code == 405, f"staff {rule.wrong_method.upper()} {url}: {reply.status_code}"


@pytest.mark.django_db
@pytest.mark.trust("Someone outside staff opens the admin, or a viewer changes a record there", area="Security")
def test_the_admin_lets_in_staff_and_viewers_only_and_viewers_change_nothing(world, clients, trust_figure):
    index = reverse("admin:index")
    login = reverse("admin:login") + "?next=" + index
    expected = {"anonymous": login, "outsider": login, "viewer": 200, "staff": 200, "company": login}
    for role, answer in expected.items():
        reply = clients[role].get(index)
        if answer == 200:
            assert reply.status_code == 200, role
        else:
            assert (reply.status_code, reply["Location"]) == (302, answer), role
    change = reverse("admin:companies_company_change", args=[world.company.pk])
    # Viewers read the record; saving it is refused and changes nothing.
    assert clients["viewer"].get(change).status_code == 200
    assert clients["viewer"].post(change, {"name": "Viewer was here"}).status_code == 403
    world.company.refresh_from_db()
    assert world.company.name == "Koodari Oy"
    trust_figure("visitors tried", len(expected))
    trust_figure(
        "let in without a right", sum(clients[r].get(index).status_code == 200 for r in expected if expected[r] != 200)
    )


# The admin's pages of identified answers: staff read them (read-only), viewers never.
IDENTIFIED_ADMIN_PAGES = (
    ("surveys_response_changelist", None),
    ("surveys_response_change", "response"),
    ("surveys_response_history", "response"),
    ("surveys_answer_changelist", None),
    ("surveys_answer_change", "answer"),
    ("surveys_answer_history", "answer"),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "obj"), IDENTIFIED_ADMIN_PAGES)
def test_the_admin_pages_of_identified_answers_are_for_staff_only(name, obj, world, clients):
    question = world.survey.sections.order_by("order").first().questions.order_by("order").first()
    answer = Answer.objects.create(response=world.response, question=question, value="Salainen vastaus")
    args = {"response": [world.response.pk], "answer": [answer.pk], None: []}[obj]
    url = reverse(f"admin:{name}", args=args)
    login = reverse("admin:login") + "?next=" + url
    expected = {"anonymous": login, "outsider": login, "viewer": 403, "staff": 200, "company": login}
    for role, answer_expected in expected.items():
        reply = clients[role].get(url)
        if isinstance(answer_expected, int):
            assert reply.status_code == answer_expected, role
        else:
            assert (reply.status_code, reply["Location"]) == (302, answer_expected), role
        if role != "staff":
            assert b"Salainen vastaus" not in reply.content, role


# Company A and company B ------------------------------------------------------------------------------------------


def test_no_company_page_names_an_object_in_its_url():
    """A company's pages find its response in the session: there is no id in their URLs to change."""
    for name in COMPANY_PAGES:
        route = PATTERNS[name]
        # The only parameters: the link's token (which is the credential itself) and the page's position.
        params = {part.split(">")[0] for part in route.split("<")[1:]}
        assert params <= {"str:token", "int:number"}, f"{name}: {route}"
        assert not any(word in route for word in ("pk", "_id", "slug")), f"{name}: {route}"


def _rows_of(survey_response: Response):
    return sorted(Answer.objects.filter(response=survey_response).values_list("question__code", "value", "other_text"))


@pytest.mark.django_db
@pytest.mark.trust("Company A reads or changes company B's answers by changing an id", area="Security")
def test_company_a_cannot_read_or_write_company_b_answers(world, clients, trust_figure):
    company_a = clients["company"]
    # B answers its first page through its own link.
    company_b = opened(world.other_token)
    version = company_b.get(reverse("surveys:page", args=[1])).context["form"]["version"].value()
    b_page_1 = {**PAGE_1, "contact_name": "Bertta Berg", "description": "B:n salainen vastaus"}
    assert company_b.post(reverse("surveys:page", args=[1]), {**b_page_1, "version": version}).status_code == 302
    before = _rows_of(world.other_response)
    assert before

    # A reads every company page: never B's words.
    for name, kwargs in (("surveys:start", {}), ("surveys:page", {"number": 1}), ("surveys:summary", {})):
        content = company_a.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "B:n salainen vastaus" not in content and "Bertta Berg" not in content

    # A posts to every page, with B's ids and version smuggled in every way a form or a query could carry them.
    smuggled = {
        "response": world.other_response.pk,
        "response_id": world.other_response.pk,
        "company": world.other_company.pk,
    }
    for number in (1, 2, 3):
        url = reverse("surveys:page", args=[number]) + f"?response={world.other_response.pk}"
        version = company_a.get(url).context["form"]["version"].value()
        data = {**PAGE_1, **PAGE_2, "contact_name": "A overwrote this", "version": version, **smuggled}
        company_a.post(url, {**data, "action": "next"})
    company_a.post(reverse("surveys:submit") + f"?response={world.other_response.pk}", smuggled)

    assert _rows_of(world.other_response) == before
    world.other_response.refresh_from_db()
    assert not world.other_response.is_submitted
    # A's own answers went to A's response.
    assert Answer.objects.filter(
        response=world.response, question__code="contact_name", value="A overwrote this"
    ).exists()
    trust_figure("ids smuggled per request", len(smuggled) + 1)
    trust_figure("B's answers changed", len(set(before) ^ set(_rows_of(world.other_response))))
