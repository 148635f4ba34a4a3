"""Every page's query parameters, the admin's changelist filters and search, and its autocomplete, take generated
hostile values without a server error, as staff and as a viewer.

The pages come from the access test's URL table; the parameter names from each page's own filter form (its GET
form) and the names the views read by hand; the admin's from each changelist's filters. A parameter with a control
character is dropped before the view sees it (teknokyla/core/inputs.py); anything else is the view's to refuse.
"""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import World
from .hostile import CLASS_PROBES, examples, hostile_values, page_forms, value_for
from .test_access import RULES, Rule

pytestmark = pytest.mark.fuzz

# Names the views read from the query without a form: ids of the new finding and measure pages, the preview's
# survey and language, the results' "show all", the build status' ids, pagination, search.
READ_BY_HAND = ("page", "id", "interview", "workshop", "finding", "company", "survey", "language", "texts", "q")
# Each class in every parameter at once, before the generated values (a URL of a few kilobytes for the long one).
QUERY_PROBES = [*{**CLASS_PROBES, "long": "ä" * 2000}.values()]
# The classes that reach the database, in each parameter alone: with all parameters at once, the first refused one
# (an unknown language, a wrong filter) would answer before the NUL or the `²` reached a query.
ALONE = [CLASS_PROBES["nul"], CLASS_PROBES["digit"]]


def _probe(client, url: str, params, role: str) -> None:
    for probe in ALONE:
        for name in params:
            reply = client.get(f"{url}?{_query({name: probe})}")
            assert reply.status_code < 500, f"{role} GET {url}?{name}={probe!r}: {reply.status_code}"
    for probe in QUERY_PROBES:
        reply = client.get(f"{url}?{_query(dict.fromkeys(params, probe))}")
        assert reply.status_code < 500, f"{role} GET {url} with {probe[:20]!r} everywhere: {reply.status_code}"


def _reader(rule: Rule) -> str | None:
    if rule.method != "get":
        return None
    for role in ("viewer", "staff"):
        if rule.expect[role] == 200:
            return role
    return None


GET_PAGES = sorted(name for name, rule in RULES.items() if _reader(rule) and not name.startswith(("login", "two_")))


def _query(values: dict) -> str:
    return urlencode({k: v for k, v in values.items() if v is not None}, doseq=True, errors="surrogatepass")


def _params(client, url: str) -> dict[str, str]:
    """{name: kind} of the page's filter forms, and the names views read by hand."""
    reply = client.get(url)
    names = dict.fromkeys(READ_BY_HAND, "text")
    for form in page_forms(reply.content.decode()) if reply.get("Content-Type", "").startswith("text/html") else []:
        if form.method == "get":
            names.update(form.kinds)
    return names


def _optional(kind: str, name: str):
    return st.one_of(st.none(), value_for(kind, name), st.lists(hostile_values, min_size=2, max_size=3))


def test_the_list_pages_are_found_from_the_url_table():
    assert len(GET_PAGES) >= 30
    assert {"companies:directory", "workshops:interviews", "surveys:results", "reports:report_preview"} <= set(
        GET_PAGES
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_PAGES)
def test_every_query_parameter_takes_hostile_values_without_a_server_error(name, world: World, clients):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    roles = ["viewer", "staff"] if _reader(rule) == "viewer" else ["staff"]
    params = _params(clients["staff"], url)
    _probe(clients[roles[0]], url, params, roles[0])

    @settings(max_examples=examples(0.3))
    @given(role=st.sampled_from(roles), values=st.fixed_dictionaries({n: _optional(k, n) for n, k in params.items()}))
    def get_hostile(role, values):
        reply = clients[role].get(f"{url}?{_query(values)}")
        assert reply.status_code < 500, f"{role} GET {url}?{_query(values)}: {reply.status_code}"

    get_hostile()


def _changelists(client) -> dict[str, dict[str, str]]:
    """{changelist URL: {parameter: kind}}: each filter's parameters, the search, the order, the date drill-down."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        reply = client.get(url)
        if reply.status_code != 200 or "cl" not in reply.context:
            continue
        names = dict.fromkeys(("q", "o", "p", "all", "_to_field", "_popup"), "text")
        for spec in reply.context["cl"].filter_specs:
            names.update(dict.fromkeys(spec.expected_parameters(), "text"))
        if model_admin.date_hierarchy:
            for part in ("year", "month", "day"):
                names[f"{model_admin.date_hierarchy}__{part}"] = "number"
        pages[url] = names
    return pages


@pytest.mark.django_db
def test_every_admin_changelist_filter_and_search_takes_hostile_values(world, clients):
    pages = _changelists(clients["staff"])
    assert len(pages) >= 25
    for number, (url, params) in enumerate(pages.items()):
        role = ("viewer", "staff")[number % 2]
        _probe(clients[role], url, params, role)

    @settings(max_examples=examples(0.5))
    @given(role=st.sampled_from(["viewer", "staff"]), data=st.data())
    def get_hostile(role, data):
        for url, params in pages.items():
            values = data.draw(st.fixed_dictionaries({n: _optional(k, n) for n, k in params.items()}), label=url)
            reply = clients[role].get(f"{url}?{_query(values)}")
            assert reply.status_code < 500, f"{role} GET {url}?{_query(values)}: {reply.status_code}"

    get_hostile()


@pytest.mark.django_db
def test_the_admins_to_field_naming_a_relation_is_refused_not_a_server_error(world, clients):
    """`?_to_field=` with the name of a reverse relation (a company's `contacts`) on every admin changelist: Django
    5.2's own check fails on it (a 500); the portal refuses it (400) as it refuses an unknown name."""
    refused = 0
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for relation in [field.name for field in opts.get_fields(include_hidden=True) if not field.concrete]:
            reply = clients["staff"].get(f"{url}?_to_field={relation}")
            assert reply.status_code in (400, 403), f"GET {url}?_to_field={relation}: {reply.status_code}"
            refused += reply.status_code == 400
    assert refused >= 20


def _autocompletes() -> list[dict[str, str]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            found.append(
                {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name}
            )
    return found


# Past the calendar, or past the C long: Django's own check read only a ValueError of the first day.
DATES_PAST_THE_CALENDAR = (
    {"year": "9" * 25},
    {"year": "9999"},
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "2026", "month": "99"},
)


@pytest.mark.django_db
def test_the_admins_date_drill_down_past_the_calendar_sends_staff_back_to_the_list(world, clients):
    date_lists = [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model_admin.date_hierarchy
    ]
    assert len(date_lists) >= 3  # report builds, interviews, workshops, status changes
    for model, model_admin in date_lists:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for dates in DATES_PAST_THE_CALENDAR:
            query = urlencode({f"{model_admin.date_hierarchy}__{part}": value for part, value in dates.items()})
            reply = clients["staff"].get(f"{url}?{query}")
            assert reply.status_code == 302, f"{url}?{query}: {reply.status_code}"
            assert reply["Location"] == f"{url}?e=1", f"{url}?{query}: {reply['Location']}"


@pytest.mark.django_db
def test_the_admin_autocomplete_takes_hostile_search_terms(world, clients):
    fields = _autocompletes()
    assert len(fields) >= 10
    url = reverse("admin:autocomplete")
    for field in fields:
        for number, probe in enumerate(QUERY_PROBES):
            role = ("viewer", "staff")[number % 2]
            reply = clients[role].get(f"{url}?{_query({**field, 'term': probe})}")
            assert reply.status_code < 500, f"{role} GET {url} {field} term={probe[:20]!r}: {reply.status_code}"

    @settings(max_examples=examples(1))
    @given(role=st.sampled_from(["viewer", "staff"]), term=hostile_values, page=_optional("number", "page"))
    def get_hostile(role, term, page):
        for field in fields:
            query = _query({**field, "term": term, "page": page})
            reply = clients[role].get(f"{url}?{query}")
            assert reply.status_code < 500, f"{role} GET {url}?{query}: {reply.status_code}"

    get_hostile()
