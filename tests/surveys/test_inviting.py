"""Inviting from the dashboard: whom, how many, the mail in each language, the confirmation, the re-send; and the
same rule in the admin, the command line and the manual reminder."""

import datetime
import io

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from surveys import invitations, outbox, services, tasks
from surveys.invitations import ReminderOutcome, SkipReason
from surveys.models import Invitation, OutgoingMail, Response
from teknokyla.celery import app

from ..factories import BuildingFactory, CompanyFactory, ContactFactory, PremisesFactory, TenancyFactory
from .test_invitations import LINK, token_of, trilingual_survey, wait_for


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://portal.example/"


@pytest.fixture
def staff_en(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


@pytest.fixture
def village():
    """Five active organisations in two buildings, one of each state, and one inactive.

    Aalto (J, Kosmos) and Boreal (C, Sampo) were never invited; Cetus (J, Sampo) was invited; Delta (C, Kosmos)
    submitted; Echo (J, no premises) has no contact with an e-mail address; Lopettanut is not active.
    """
    survey = trilingual_survey()
    kosmos, sampo = BuildingFactory(name="Kosmos"), BuildingFactory(name="Sampo")
    made = {}
    for key, name, section, building, language in [
        ("aalto", "Aalto Oy", "J", kosmos, "fi"),
        ("boreal", "Boreal Ab", "C", sampo, "sv"),
        ("cetus", "Cetus Oy", "J", sampo, "fi"),
        ("delta", "Delta Ltd", "C", kosmos, "en"),
        ("echo", "Echo Oy", "J", None, "fi"),
    ]:
        company = CompanyFactory(name=name, industry_section=section, industry_code="")
        if building is not None:
            TenancyFactory(company=company, premises=PremisesFactory(building=building))
        ContactFactory(
            company=company,
            name=f"{name.split()[0]} Contact",
            email="" if key == "echo" else f"{key}@village.example",
            language=language,
        )
        made[key] = company
    made["inactive"] = CompanyFactory(name="Lopettanut Oy", active=False)
    ContactFactory(company=made["inactive"])
    invitations.invitation_create(survey=survey, company=made["cetus"])
    invitations.invitation_create(survey=survey, company=made["delta"])
    Response.objects.filter(company=made["delta"]).update(submitted_at=timezone.now())
    return {"survey": survey, "kosmos": kosmos, "sampo": sampo, **made}


def names(companies) -> list[str]:
    return [company.name for company in companies]


def page_url(survey) -> str:
    return reverse("surveys:invite", args=[survey.slug])


def send_url(survey) -> str:
    return reverse("surveys:invite_send", args=[survey.slug])


def said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


# The rule ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_invitations_skip_the_already_invited_and_the_submitted(village, django_capture_on_commit_callbacks):
    survey = village["survey"]
    plan = invitations.invitation_plan(survey=survey, companies=Company.objects.all())
    assert names(plan.recipients) == ["Aalto Oy", "Boreal Ab"]
    assert {reason: names(skipped) for reason, skipped in plan.skipped.items()} == {
        SkipReason.SUBMITTED: ["Delta Ltd"],
        SkipReason.INVITED: ["Cetus Oy"],
        SkipReason.NO_EMAIL: ["Echo Oy"],
    }

    with django_capture_on_commit_callbacks(execute=False):
        first = invitations.invitations_send(survey=survey, companies=Company.objects.all())
        # A second press before the worker ran: the mails on their way count as invitations.
        second = invitations.invitations_send(survey=survey, companies=Company.objects.all())
    assert first.queued == 2 and first.skipped_as_invited == 2
    assert second.queued == 0
    assert names(second.plan.skipped[SkipReason.INVITED]) == ["Aalto Oy", "Boreal Ab", "Cetus Oy"]
    assert sorted(OutgoingMail.objects.values_list("company__name", flat=True)) == ["Aalto Oy", "Boreal Ab"]

    # A mail the sweep gave up on invited nobody: the organisation is invited again.
    OutgoingMail.objects.filter(company=village["boreal"]).update(attempts=outbox.MAX_ATTEMPTS)
    again = invitations.invitation_plan(survey=survey, companies=Company.objects.all())
    assert names(again.recipients) == ["Boreal Ab"]

    # A re-send reaches the invited and the submitted too, each with a link that will replace the old one.
    resend = invitations.invitation_plan(survey=survey, companies=Company.objects.all(), resend=True)
    assert names(resend.recipients) == ["Aalto Oy", "Boreal Ab", "Cetus Oy", "Delta Ltd"]
    assert names(resend.skipped[SkipReason.NO_EMAIL]) == ["Echo Oy"]


@pytest.mark.django_db
def test_a_confirmed_number_that_no_longer_holds_sends_nothing(village):
    result = invitations.invitations_send(survey=village["survey"], companies=Company.objects.all(), expected=3)
    assert result.changed and result.queued == 0 and not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_the_manual_reminder_refuses_an_organisation_never_invited(village):
    outcome = invitations.reminder_send(survey=village["survey"], company=village["aalto"], manual=True)
    assert outcome == ReminderOutcome.NOT_INVITED and not OutgoingMail.objects.exists()
    outcome = invitations.reminder_send(survey=village["survey"], company=village["cetus"], manual=True)
    assert outcome == ReminderOutcome.QUEUED


# The page: choosing ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestChoosing:
    def test_the_dashboard_links_the_page_for_staff_only(self, staff_en, viewer_client, village):
        dashboard = reverse("surveys:dashboard", args=[village["survey"].slug])
        assert f'href="{page_url(village["survey"])}"' in staff_en.get(dashboard).content.decode()
        assert page_url(village["survey"]) not in viewer_client.get(dashboard).content.decode()

    def test_lists_every_active_organisation_with_its_state(self, staff_en, village):
        response = staff_en.get(page_url(village["survey"]))
        assert response.status_code == 200
        rows = [(row["company"].name, row["state"], row["buildings"]) for row in response.context["rows"]]
        assert rows == [
            ("Aalto Oy", "new", ["Kosmos"]),
            ("Boreal Ab", "new", ["Sampo"]),
            ("Cetus Oy", "invited", ["Sampo"]),
            ("Delta Ltd", "submitted", ["Kosmos"]),
            ("Echo Oy", "no_email", []),
        ]
        assert response.context.get("plan") is None  # nothing chosen yet: no count, no send button
        assert send_url(village["survey"]) not in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "recipients", "skipped"),
        [
            ("scope=all", ["Aalto Oy", "Boreal Ab"], {"submitted": 1, "invited": 1, "no_email": 1}),
            ("scope=building&building=kosmos", ["Aalto Oy"], {"submitted": 1}),
            ("scope=building&building=sampo", ["Boreal Ab"], {"invited": 1}),
            ("scope=industry&industry=J", ["Aalto Oy"], {"invited": 1, "no_email": 1}),
            ("scope=selected&companies={aalto}&companies={cetus}", ["Aalto Oy"], {"invited": 1}),
            ("scope=building&building=sampo&resend=on", ["Boreal Ab", "Cetus Oy"], {}),
        ],
    )
    def test_building_industry_and_ticked_choices(self, staff_en, village, query, recipients, skipped):
        query = query.format(aalto=village["aalto"].pk, cetus=village["cetus"].pk)
        response = staff_en.get(f"{page_url(village['survey'])}?{query}")
        assert response.status_code == 200
        plan = response.context["plan"]
        assert names(plan.recipients) == recipients
        assert {reason: len(companies) for reason, companies in response.context["skipped"]} == skipped
        page = response.content.decode()
        count = len(recipients)
        assert f"{count} organisation{'s' if count > 1 else ''} will get the invitation." in page
        assert f'action="{send_url(village["survey"])}"' in page

    def test_the_skipped_are_named_with_the_reason(self, staff_en, village):
        page = staff_en.get(f"{page_url(village['survey'])}?scope=all").content.decode()
        for text in (
            "1 has already submitted",
            "1 has already been invited",
            "1 has no contact person with an e-mail address",
        ):
            assert text in page
        assert "Delta Ltd" in page and "Echo Oy" in page

    def test_a_choice_without_its_building_or_ticks_says_what_is_missing(self, staff_en, village):
        for query, message in [
            ("scope=building", "Choose the building."),
            ("scope=industry", "Choose the industry."),
            ("scope=selected", "Tick at least one organisation in the list."),
            ("scope=everyone", "Select a valid choice. everyone is not one of the available choices."),
        ]:
            response = staff_en.get(f"{page_url(village['survey'])}?{query}")
            assert response.status_code == 200
            assert message in response.content.decode(), query
            assert response.context.get("plan") is None


# The preview ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_shows_the_mail_in_each_contact_language_with_a_link_on_site_url(staff_en, village):
    response = staff_en.get(f"{page_url(village['survey'])}?scope=all&resend=on")
    previews = {preview.language: preview for preview in response.context["previews"]}
    assert list(previews) == ["fi", "sv", "en"]
    expected = {
        # language: (subject, greeting, contacts reading it)
        "fi": ("Kutsu vastata kyselyyn: Teknologiakylän kysely", "Hei Aalto Contact,", 2),
        "sv": ("Teknologibyns enkät", "Hej Boreal Contact,", 1),
        "en": ("Invitation to answer: Technology Village survey", "Hello Delta Contact,", 1),
    }
    page = response.content.decode()
    for language, (subject, greeting, contacts) in expected.items():
        preview = previews[language]
        assert subject in preview.subject and preview.body.startswith(greeting)
        assert preview.contacts == contacts
        link = LINK.search(preview.body)
        assert link is not None, preview.body
        # An example link: it has the shape of the real one and opens nothing.
        assert services.invitation_open(token=link["token"]) is None
        assert f'id="preview-{language}"' in page and subject in page
    assert "http://portal.example/" + reverse("privacy:notice").lstrip("/") in previews["sv"].body
    # Showing the page creates nothing: no link, no mail owed.
    assert not OutgoingMail.objects.exists() and Invitation.objects.count() == 2


@pytest.mark.django_db
def test_the_preview_of_a_language_nobody_reads_uses_an_example_person(staff_en, village):
    response = staff_en.get(f"{page_url(village['survey'])}?scope=selected&companies={village['aalto'].pk}")
    previews = {preview.language: preview for preview in response.context["previews"]}
    assert previews["sv"].contacts == 0
    assert previews["sv"].body.startswith("Hej [kontaktperson],")
    assert "Aalto Oy" in previews["sv"].body


# Sending --------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_post_only_asks_for_confirmation(staff_en, village):
    response = staff_en.post(send_url(village["survey"]), {"scope": "all"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Send the invitation to 2 organisations" in page
    assert 'name="expected" value="2"' in page and 'name="confirm"' in page
    assert "csrfmiddlewaretoken" in page
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_number_shown_is_the_number_of_organisations_mailed(staff_client, staff, settings):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    survey = trilingual_survey()
    kosmos = BuildingFactory(name="Kosmos")
    for number in range(4):
        company = CompanyFactory(name=f"Kosmos {number} Oy")
        TenancyFactory(company=company, premises=PremisesFactory(building=kosmos))
        ContactFactory(company=company, email=f"k{number}@village.example", language=("fi", "sv")[number % 2])
    ContactFactory(company=CompanyFactory(name="Elsewhere Oy"))
    already = Company.objects.get(name="Kosmos 0 Oy")
    invitations.invitation_create(survey=survey, company=already)

    choice = {"scope": "building", "building": "kosmos"}
    shown = staff_client.get(page_url(survey), choice).context["plan"]
    assert len(shown.recipients) == 3
    confirm = staff_client.post(send_url(survey), choice)
    assert "Send the invitation to 3 organisations" in confirm.content.decode()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sent = staff_client.post(send_url(survey), {**choice, "expected": "3", "confirm": "yes"})
        wait_for(lambda: Invitation.objects.filter(sent_at__isnull=False).count() == 3)
    assert sent.status_code == 302 and sent.url == reverse("surveys:dashboard", args=[survey.slug])
    assert said(sent) == [("success", "Invitations are on their way to 3 organisations.")]
    assert sorted(message.to[0] for message in mail.outbox) == [f"k{n}@village.example" for n in (1, 2, 3)]
    for message in mail.outbox:
        assert message.body.count("http://portal.example/s/") == 1
        assert services.invitation_open(token=token_of(message)) is not None
    assert not Invitation.objects.filter(company__name="Elsewhere Oy").exists()
    assert Invitation.objects.filter(company=already).count() == 1


@pytest.mark.django_db
def test_a_re_send_replaces_the_token_and_the_old_link_opens_nothing(staff_en, client, village):
    survey, cetus = village["survey"], village["cetus"]
    Invitation.objects.filter(company=cetus).delete()
    invitations.invitation_deliver(survey=survey, company=cetus)
    old_token = token_of(mail.outbox[-1])
    # The company is working with the old link when the new one is sent.
    assert client.get(reverse("surveys:open", args=[old_token])).status_code == 302
    assert client.get(reverse("surveys:start")).status_code == 200

    choice = {"scope": "selected", "companies": [cetus.pk]}
    # Without "re-send" an invited organisation is skipped: nothing to confirm.
    skipped = staff_en.post(send_url(survey), choice).content.decode()
    assert "0 organisations will get the invitation." in skipped and 'name="confirm"' not in skipped
    response = staff_en.post(send_url(survey), {**choice, "resend": "on", "expected": "1", "confirm": "yes"})
    assert response.status_code == 302
    owed = OutgoingMail.objects.get()
    assert owed.replaces_links
    # The old link works until the new one has gone out.
    assert services.invitation_open(token=old_token) is not None
    assert tasks.deliver_mail.apply(args=(owed.pk,)).successful()

    new_token = token_of(mail.outbox[-1])
    assert new_token != old_token
    assert list(Invitation.objects.filter(company=cetus).values_list("revoked", flat=True)) == [False, True]
    old_link = client.get(reverse("surveys:open", args=[old_token]))
    assert old_link.status_code == 404 and "surveys/answer/link_not_found.html" in [t.name for t in old_link.templates]
    assert client.get(reverse("surveys:start")).status_code == 404  # the session the old link opened has ended
    assert client.get(reverse("surveys:open", args=[new_token])).status_code == 302
    assert client.get(reverse("surveys:start")).status_code == 200
    assert Response.objects.filter(company=cetus).count() == 1


@pytest.mark.django_db
def test_a_failed_re_send_keeps_the_old_link(village, settings):
    settings.EMAIL_BACKEND = "tests.surveys.test_invitations.FailingBackend"
    survey, cetus = village["survey"], village["cetus"]
    _invitation, old_token = invitations.invitation_create(survey=survey, company=cetus)
    invitations.invitations_send(survey=survey, companies=[cetus], resend=True)
    tasks.deliver_mail.apply(args=(OutgoingMail.objects.get().pk,))
    assert services.invitation_open(token=old_token) is not None


# Refused and bad requests ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_viewers_and_the_anonymous_are_refused(viewer_client, client, village):
    survey = village["survey"]
    for visitor, expected in ((viewer_client, 403), (client, 302)):
        assert visitor.get(page_url(survey)).status_code == expected
        sent = visitor.post(send_url(survey), {"scope": "all", "expected": "2", "confirm": "yes"})
        assert sent.status_code == expected
    assert client.get(page_url(survey)).url.startswith(reverse("login"))
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_the_send_page_refuses_get(staff_en, village):
    assert staff_en.get(send_url(village["survey"])).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "selected", "companies": ["999999"]}, "999999 is not an active organisation of the registry."),
        ({"scope": "selected", "companies": ["{inactive}"]}, "is not an active organisation of the registry."),
        ({"scope": "selected", "companies": ["{aalto}", "x"]}, "“x” is not an organisation."),
        ({"scope": "selected"}, "Tick at least one organisation in the list."),
        ({"scope": "everyone"}, "Select a valid choice. everyone is not one of the available choices."),
        ({"scope": "building", "building": "atlantis"}, "Select a valid choice."),
        ({"scope": "industry", "industry": "Z"}, "Select a valid choice. Z is not one of the available choices."),
        ({}, "This field is required."),
        ({"scope": "all", "expected": "many"}, "Enter a whole number."),
        ({"scope": "all", "expected": ""}, "This field is required."),
    ],
)
def test_a_bad_post_changes_nothing_and_says_what_is_wrong(staff_en, village, data, message):
    data = {
        key: [item.format(inactive=village["inactive"].pk, aalto=village["aalto"].pk) for item in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }
    # The choice is checked at both steps; the confirmed number only at the second.
    steps = [{"confirm": "yes"}] if "expected" in data else [{}, {"confirm": "yes", "expected": "1"}]
    for confirm in steps:
        response = staff_en.post(send_url(village["survey"]), {**confirm, **data})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nothing was sent. Check the choice:" in page and message in page
    assert not OutgoingMail.objects.exists() and Invitation.objects.count() == 2


@pytest.mark.django_db
def test_a_post_to_a_closed_survey_sends_nothing(staff_en, village):
    survey = village["survey"]
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    response = staff_en.post(send_url(survey), {"scope": "all", "expected": "2", "confirm": "yes"})
    assert said(response) == [("error", "The survey has closed; no invitations were sent.")]
    assert not OutgoingMail.objects.exists()
    assert "The survey has closed; no invitations can be sent." in staff_en.get(page_url(survey)).content.decode()


@pytest.mark.django_db
def test_a_post_to_an_unknown_survey_is_not_found(staff_en, village):
    response = staff_en.post(reverse("surveys:invite_send", args=["no-such-survey"]), {"scope": "all"})
    assert response.status_code == 404


# Queries -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_makes_the_same_queries_for_more_organisations(staff_en):
    survey = trilingual_survey()
    building = BuildingFactory(name="Kosmos")

    def add(count: int):
        for _number in range(count):
            company = CompanyFactory()
            TenancyFactory(company=company, premises=PremisesFactory(building=building))
            ContactFactory(company=company, language="sv")
            ContactFactory(company=company, language="fi")
        invitations.invitation_create(survey=survey, company=company)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_en.get(f"{page_url(survey)}?scope=building&building=kosmos&resend=on")
        assert response.status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(30)
    # session, user, groups; the building list; the organisations' states and buildings; the chosen ones'
    # plan; the preview's contacts (how many per language, and the first of each)
    assert queries() == few <= 12


# The admin and the command line follow the same rule ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_invites_only_the_not_yet_invited_and_says_how_many_it_skipped(staff_client, village):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = staff_client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "send_invitations", "_selected_action": [village["survey"].pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any("on their way to 2 organisations" in text for text in shown), shown
    assert "Skipped 2 organisations already invited or submitted." in shown
    assert sorted(OutgoingMail.objects.values_list("company__name", flat=True)) == ["Aalto Oy", "Boreal Ab"]


@pytest.mark.django_db
def test_the_command_skips_the_invited_unless_told_to_resend(village):
    out = io.StringIO()
    call_command("send_invitations", village["survey"].slug, stdout=out)
    output = out.getvalue()
    assert "Queued invitations to 2 organisation(s)" in output
    assert "Skipped 1 already invited (--resend to mail them): Cetus Oy" in output
    assert "Skipped 1 that have submitted (--resend to mail them): Delta Ltd" in output
    out = io.StringIO()
    call_command("send_invitations", village["survey"].slug, "--resend", stdout=out)
    assert "Queued invitations to 4 organisation(s)" in out.getvalue()
    assert OutgoingMail.objects.filter(replaces_links=True).count() == 4


@pytest.mark.django_db
def test_printed_links_follow_the_rule_and_a_resend_replaces_the_old_link(village):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_invitations", village["survey"].slug, "--print-links", stdout=out, stderr=err)
    printed = dict(line.split("\t") for line in out.getvalue().splitlines())
    aalto, echo = village["aalto"].business_id, village["echo"].business_id
    assert set(printed) == {aalto, village["boreal"].business_id, echo}  # a link to hand out needs no address
    assert "Skipped 2 already invited or submitted" in err.getvalue()

    out = io.StringIO()
    call_command("send_invitations", village["survey"].slug, "--print-links", "--resend", stdout=out, stderr=err)
    reprinted = dict(line.split("\t") for line in out.getvalue().splitlines())
    assert len(reprinted) == 5
    old_token = LINK.fullmatch(printed[aalto])["token"]
    assert services.invitation_open(token=old_token) is None
    assert services.invitation_open(token=LINK.fullmatch(reprinted[aalto])["token"]).company == village["aalto"]
