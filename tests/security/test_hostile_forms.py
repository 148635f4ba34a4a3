"""Every form of the portal, and every field of it, takes generated hostile values without a server error.

The forms are found from the access test's URL table (each page a person fills in, posted as the role that may post
it) and from the admin's registry (each model's change form). For each example one field gets a hostile value and the
rest keep what the page showed. Then: the answer is never a 500; when the form says the value is wrong nothing is
stored; when it is stored, it reads back from the database as it arrived.
"""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.forms import OTHER_SUFFIX
from surveys.models import Answer, Question

from ..factories import QuestionFactory
from .conftest import World, logged_in
from .hostile import (
    CLASS_PROBES,
    as_received,
    examples,
    main_post_form,
    post_form,
    probes_for,
    rolled_back,
    values_for,
)
from .test_access import PATTERNS, RULES, Rule

pytestmark = pytest.mark.fuzz

# Forms posted elsewhere: the import's file (tests/companies/test_import_hostile.py), the login pages, whose
# failed attempts lock the test client out by design (tests/security/test_login_lockout.py tries them), and the
# erasure's confirmation, one tick box that erases a person (tests/privacy/test_erasure.py tries its refusals), and
# the import preview's confirmation, a hash and a tick box (tests/companies/test_import_preview.py tries its refusals).
NOT_HERE = {
    "companies:import",
    "companies:import_preview",
    "login",
    "two_factor",
    "two_factor_verify",
    "privacy:contact_erase",
}


# The survey's page form: the company's own, and the same form in which staff correct a response.
SURVEY_PAGES = {"surveys:page", "surveys:response_correct"}
CORRECTION_REASON = "correction-reason"


def _poster(rule: Rule) -> str | None:
    if rule.method != "get" or rule.wrong_method is not None:
        return None
    if rule.expect["staff"] == 200:
        return "staff"
    if rule.expect["company"] == 200:
        return "company"
    return None


FORM_PAGES = sorted(name for name, rule in RULES.items() if name not in NOT_HERE and _poster(rule))


def test_the_form_pages_are_found_from_the_url_table():
    # Guards the discovery: a form page of the table that is left out here is left out on purpose (NOT_HERE).
    assert len(FORM_PAGES) >= 12
    assert {"surveys:page", "workshops:interview_edit", "workforce:need_create", "reports:plan_edit"} <= set(FORM_PAGES)
    assert set(FORM_PAGES) <= set(PATTERNS)


def _snapshot(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def _text_model_field(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return type(field) in (models.CharField, models.TextField)


def _stored_text(model, instance_pk, before_pks: set, name: str):
    if instance_pk is not None:
        return getattr(model.objects.get(pk=instance_pk), name)
    created = model.objects.exclude(pk__in=before_pks)
    return getattr(created.get(), name) if created.exists() else None


def _add_table_question(world: World) -> None:
    """The survey of the world gains a workforce table, whose rows are texts a company types too."""
    QuestionFactory(section=world.survey.sections.order_by("order").last(), code="needs_table", type="workforce_table")


def _list_page(name: str) -> str | None:
    """The list page of a create or edit page (`workshops:interview_edit` → `workshops:interviews`), if there is one."""
    namespace, view = name.split(":")
    list_name = f"{namespace}:{view.split('_')[0]}s"
    return reverse(list_name) if list_name in RULES and not RULES[list_name].kwargs(None) else None


def _fields(page) -> dict[str, str]:
    return {name: kind for name, kind in page.kinds.items() if name != "csrfmiddlewaretoken"}


def _some_fields(data, page, most: int = 6) -> dict[str, str]:
    """A few fields of the form for one example (a plan's form has some forty): over the examples, all of them."""
    fields = _fields(page)
    chosen = data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=most, unique=True))
    return {name: fields[name] for name in chosen}


def _pages_still_open(client, reply, *urls) -> None:
    """After a stored value: the page the form leads to, and the list it is on, still answer."""
    for url in (reply["Location"], *urls):
        if url:
            answer = client.get(url)
            assert answer.status_code < 500, f"GET {url} after the save: {answer.status_code}"


def _check_model_form(client, url: str, field_name: str, value: str, reply_get, page, list_url) -> None:
    form = reply_get.context["form"]
    model = form._meta.model
    instance_pk = form.instance.pk
    before = _snapshot(model)
    before_pks = {row["pk"] for row in model.objects.values("pk")}
    reply = post_form(client, url, {**page.data, field_name: [value]})
    assert reply.status_code < 500, f"POST {url} {field_name}={value!r}: {reply.status_code}"
    if reply.status_code != 302:
        assert _snapshot(model) == before, f"POST {url} {field_name}={value!r}: a refused form changed {model}"
        return
    if page.kinds.get(field_name) in ("text", "textarea") and _text_model_field(model, field_name):
        stored = _stored_text(model, instance_pk, before_pks, field_name)
        assert stored == as_received(value).strip(), f"POST {url} {field_name}={value!r}: stored {stored!r}"
    _pages_still_open(client, reply, list_url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
def test_every_form_field_takes_hostile_values_without_a_server_error(name, world, clients):
    rule = RULES[name]
    client = clients[_poster(rule)]
    if name in SURVEY_PAGES:
        _add_table_question(world)
        numbers = range(1, world.survey.sections.count() + 1)
        urls = [reverse(name, kwargs={**rule.kwargs(world), "number": n}) for n in numbers]
    else:
        urls = [reverse(name, kwargs=rule.kwargs(world))]
    list_url = _list_page(name)

    def check(url, page, reply_get, field_name, value):
        with rolled_back():
            if name in SURVEY_PAGES:
                _check_survey_page(client, url, page, field_name, value, world)
            else:
                _check_model_form(client, url, field_name, value, reply_get, page, list_url)

    for url in urls:  # first, each class on each field
        reply_get = client.get(url)
        page = main_post_form(reply_get.content.decode())
        for field_name, kind in _fields(page).items():
            for value in probes_for(kind, field_name)[: 2 if kind == "hidden" else None]:
                check(url, page, reply_get, field_name, value)

    @settings(max_examples=examples(0.5))
    @given(data=st.data())
    def post_hostile(data):
        for url in urls:
            reply_get = client.get(url)
            assert reply_get.status_code == 200, f"GET {url}: {reply_get.status_code}"
            page = main_post_form(reply_get.content.decode())
            values = data.draw(values_for(_some_fields(data, page)), label=url)
            # Each field on its own, the others as the page showed them: a refusal of one does not hide another.
            for field_name, value in values.items():
                check(url, page, reply_get, field_name, value)

    post_hostile()


def _check_survey_page(client, url, page, field_name: str, value: str, world: World) -> None:
    before = _snapshot(Answer)
    data = {**page.data, "action": ["save"]}
    if CORRECTION_REASON in data:
        data[CORRECTION_REASON] = ["Hostile values tried"]  # a correction needs a reason, unless that is the probe
    reply = post_form(client, url, {**data, field_name: [value]})
    assert reply.status_code < 500, f"POST {url} {field_name}={value!r}: {reply.status_code}"
    if reply.status_code != 302:
        assert _snapshot(Answer) == before, f"POST {url} {field_name}={value!r}: a refused page changed the answers"
        return
    _pages_still_open(client, reply, reverse("surveys:summary"))
    other = field_name.endswith(OTHER_SUFFIX)
    question = Question.objects.filter(section__survey=world.survey, code=field_name.removesuffix(OTHER_SUFFIX)).first()
    if question is None or page.kinds.get(field_name) not in ("text", "textarea"):
        return
    if other or question.type in (Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT):
        answer = Answer.objects.filter(response=world.response, question=question).first()
        stored = (answer.other_text if other else answer.value) if answer else None
        if stored is None and (other or question.shown_if_choice_id):
            return  # no answer kept: the question's condition is not met, or "other" is not chosen
        assert (stored or "") == as_received(value).strip(), f"POST {url} {field_name}={value!r}: stored {stored!r}"


# The admin's change forms -----------------------------------------------------------------------------------------


def _admin_change_urls(client) -> list[str]:
    """The change page of the first record of each model in the admin that staff may change and that has a field."""
    urls = []
    for model in admin.site._registry:
        instance = model.objects.order_by("pk").first()
        if instance is None:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        reply = client.get(url)
        if reply.status_code == 200 and _fields(main_post_form(reply.content.decode())):
            urls.append(url)
    return sorted(urls)


@pytest.mark.django_db
def test_every_admin_change_form_takes_hostile_values_without_a_server_error(world, staff):
    client = logged_in(staff)
    # An answer: the answer admin and the response's inline show it read-only (no form field to post).
    question = Question.objects.get(section__survey=world.survey, code="employees")
    Answer.objects.get_or_create(response=world.response, question=question, defaults={"value": 5})
    urls = _admin_change_urls(client)
    assert len(urls) >= 15  # the registry, the survey, the records, the plan, the workforce and the users

    def post_each(url: str, values_of) -> None:
        """Post each chosen field of the change form with its hostile value, the others as the page showed them."""
        reply_get = client.get(url)
        page = main_post_form(reply_get.content.decode())
        model_form = reply_get.context["adminform"].form
        model = model_form._meta.model
        for field_name, value in values_of(page).items():
            with rolled_back():
                before = _snapshot(model)
                reply = post_form(client, url, {**page.data, field_name: [value]})
                where = f"POST {url} {field_name}={value!r}"
                assert reply.status_code < 500, f"{where}: {reply.status_code}"
                if reply.status_code != 302:
                    assert _snapshot(model) == before, f"{where}: a refused form changed {model}"
                elif page.kinds.get(field_name) in ("text", "textarea") and _text_model_field(model, field_name):
                    stored = getattr(model.objects.get(pk=model_form.instance.pk), field_name)
                    assert stored == as_received(value).strip(), f"{where}: stored {stored!r}"
                    _pages_still_open(client, reply, url)

    def admin_probe(kind: str, name: str) -> str:
        # One class per field here (the admin has some thirty forms): its own kind's, a number for a text area
        # (the answers' JSON values), a control character before a formula for any other text.
        if kind == "textarea":
            return "1e999999"
        probes = probes_for(kind, name)
        return CLASS_PROBES["control"] if CLASS_PROBES["long"] in probes else probes[0]

    for url in urls:
        post_each(url, lambda page: {name: admin_probe(kind, name) for name, kind in _fields(page).items()})

    @settings(max_examples=examples(0.25))
    @given(data=st.data())
    def post_hostile(data):
        for url in urls:
            post_each(url, lambda page, url=url: data.draw(values_for(_some_fields(data, page, 3)), label=url))

    post_hostile()
