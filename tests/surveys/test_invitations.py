"""Invitations: queued per company, mailed by a real worker in each contact's language, links that open."""

import datetime
import io
import re
import smtplib
import time
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from companies.models import Company
from surveys import invitations, services, tasks
from surveys.models import Invitation, OutgoingMail, Response, hash_token
from teknokyla.celery import app

from ..dbscan import stored_anywhere
from ..factories import CompanyFactory, ContactFactory, SurveyFactory

HELSINKI = ZoneInfo("Europe/Helsinki")
LINK = re.compile(r"http://portal\.example/s/(?P<token>[A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://portal.example/"


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not finish in time")


def deadline_in(days: int) -> datetime.datetime:
    """23:59 Helsinki time, `days` days from today."""
    day = timezone.localtime(timezone.now(), HELSINKI).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=HELSINKI)


def shown(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment, HELSINKI)
    return f"{local.day}.{local.month}.{local.year} {local:%H:%M}"


def trilingual_survey(**kwargs):
    return SurveyFactory(
        title_fi="Teknologiakylän kysely",
        title_sv="Teknologibyns enkät",
        title_en="Technology Village survey",
        closes_at=deadline_in(20),
        **kwargs,
    )


def token_of(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match["token"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_each_contact_in_their_language_with_a_working_link():
    survey = trilingual_survey()
    finnish_swedish = CompanyFactory(name="Aalto Oy")
    ContactFactory(company=finnish_swedish, name="Aino", email="aino@aalto.example", language="fi")
    ContactFactory(company=finnish_swedish, name="Sven", email="sven@aalto.example", language="sv")
    english = CompanyFactory(name="Bergman Ltd")
    ContactFactory(company=english, name="Emma", email="emma@bergman.example", language="en")
    no_address = CompanyFactory(name="Ei Osoitetta Oy")
    ContactFactory(company=no_address, email="")
    erased = CompanyFactory(name="Poistettu Oy")
    ContactFactory(company=erased, email="gone@poistettu.example", erased_at=timezone.now())
    inactive = CompanyFactory(name="Lopettanut Oy", active=False)
    ContactFactory(company=inactive, email="old@lopettanut.example")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = invitations.invitations_send(survey=survey, companies=Company.objects.all())
        assert result.queued == 2
        assert [company.name for company in result.skipped] == ["Ei Osoitetta Oy", "Poistettu Oy"]
        wait_for(lambda: Invitation.objects.filter(sent_at__isnull=False).count() == 2)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["aino@aalto.example", "emma@bergman.example", "sven@aalto.example"]
    expected = {
        "aino@aalto.example": ("Teknologiakylän kysely", "Hei Aino,"),
        "sven@aalto.example": ("Teknologibyns enkät", "Hej Sven,"),
        "emma@bergman.example": ("Technology Village survey", "Hello Emma,"),
    }
    for address, (title, greeting) in expected.items():
        message = by_address[address]
        assert title in message.subject
        assert message.body.startswith(greeting)
        assert shown(survey.closes_at) in message.body

    # The two colleagues got the same link; the link opens their company's response.
    aalto_token = token_of(by_address["aino@aalto.example"])
    assert token_of(by_address["sven@aalto.example"]) == aalto_token
    aalto = Invitation.objects.get(token_hash=hash_token(aalto_token))
    assert aalto.company == finnish_swedish and not aalto.is_reminder
    assert {contact.name for contact in aalto.contacts.all()} == {"Aino", "Sven"}
    opened = services.invitation_open(token=aalto_token)
    assert opened is not None and opened.response.company == finnish_swedish
    bergman_token = token_of(by_address["emma@bergman.example"])
    assert services.invitation_open(token=bergman_token).company == english

    # Only the hash is kept: the raw tokens are nowhere in the database.
    assert stored_anywhere(aalto_token) == [] and stored_anywhere(bergman_token) == []
    assert stored_anywhere(aalto.token_hash) == ["surveys_invitation"]
    assert not Invitation.objects.filter(company__in=[no_address, erased, inactive]).exists()


@pytest.mark.django_db
def test_invitations_are_queued_only_after_commit(django_capture_on_commit_callbacks):
    survey = trilingual_survey()
    ContactFactory(company=CompanyFactory())
    ContactFactory(company=CompanyFactory())
    with django_capture_on_commit_callbacks() as callbacks:
        result = invitations.invitations_send(survey=survey, companies=Company.objects.all())
    # The mails are owed in the database at once and sent to the broker in one go after the commit.
    assert result.queued == 2 and len(callbacks) == 1
    assert list(OutgoingMail.objects.values_list("kind", "done_at")) == [("invitation", None)] * 2
    # Nothing is made before the worker runs: the token is born in the task.
    assert not Invitation.objects.exists() and not Response.objects.exists()


@pytest.mark.django_db
def test_sending_twice_makes_two_links_and_one_response_and_the_old_link_still_works():
    survey = trilingual_survey()
    company = CompanyFactory()
    ContactFactory(company=company, language="en")

    invitations.invitation_deliver(survey=survey, company=company)
    invitations.invitation_deliver(survey=survey, company=company)

    assert Invitation.objects.filter(company=company).count() == 2
    assert Response.objects.filter(survey=survey, company=company).count() == 1
    first, second = (token_of(message) for message in mail.outbox)
    assert first != second
    assert services.invitation_open(token=first).response == services.invitation_open(token=second).response
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_the_deadline_is_shown_in_helsinki_time_whatever_the_active_time_zone():
    survey = trilingual_survey()
    survey.closes_at = datetime.datetime(2099, 10, 31, 21, 59, tzinfo=datetime.UTC)  # 23:59 in Helsinki
    survey.save()
    company = CompanyFactory()
    ContactFactory(company=company, language="fi")
    with timezone.override(ZoneInfo("UTC")):
        invitations.invitation_deliver(survey=survey, company=company)
    assert "31.10.2099 23:59" in mail.outbox[0].body


@pytest.mark.django_db
def test_nothing_is_sent_to_a_closed_survey_or_an_inactive_company():
    survey = trilingual_survey()
    company = CompanyFactory()
    ContactFactory(company=company)
    with pytest.raises(invitations.SurveyClosedError):
        invitations.invitations_send(
            survey=SurveyFactory(
                opens_at=timezone.now() - datetime.timedelta(days=30),
                closes_at=timezone.now() - datetime.timedelta(days=1),
            ),
            companies=[company],
        )
    Company.objects.filter(pk=company.pk).update(active=False)
    company.refresh_from_db()
    assert invitations.invitation_deliver(survey=survey, company=company) is None
    assert mail.outbox == [] and not Invitation.objects.exists()


class FailingBackend(BaseEmailBackend):
    """A mail server that hangs up."""

    attempts = 0

    def send_messages(self, email_messages):
        FailingBackend.attempts += 1
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")


def owe_invitation(survey, company) -> OutgoingMail:
    invitations.invitations_send(survey=survey, companies=[company])
    return OutgoingMail.objects.get(survey=survey, company=company)


@pytest.mark.django_db
def test_a_failed_send_leaves_no_invitation_and_the_task_retries(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.attempts = 0
    survey = trilingual_survey()
    company = CompanyFactory()
    ContactFactory(company=company)
    owed = owe_invitation(survey, company)

    result = tasks.deliver_mail.apply(args=(owed.pk,))

    assert result.failed() and isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert FailingBackend.attempts == 1 + tasks.deliver_mail.max_retries
    assert not Invitation.objects.exists() and not Response.objects.exists()
    # Still owed, with what went wrong: the sweep tries it again later.
    owed.refresh_from_db()
    assert owed.done_at is None and owed.attempts == FailingBackend.attempts
    assert owed.last_error == "SMTPServerDisconnected: connection unexpectedly closed"


@pytest.mark.django_db
def test_the_task_sends_once_and_marks_the_mail_done():
    survey = trilingual_survey()
    company = CompanyFactory()
    ContactFactory(company=company)
    owed = owe_invitation(survey, company)
    assert tasks.deliver_mail.apply(args=(owed.pk,)).successful()
    # A second delivery of the same message (the sweep's copy, say) sends nothing more.
    assert tasks.deliver_mail.apply(args=(owed.pk,)).successful()
    assert len(mail.outbox) == 1
    assert Invitation.objects.get(sent_at__isnull=False).company == company
    owed.refresh_from_db()
    assert owed.done_at is not None and owed.attempts == 1
    assert tasks.deliver_mail.apply(args=(10**9,)).successful() and len(mail.outbox) == 1


# The command ------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_invitations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestSendInvitationsCommand:
    @pytest.fixture
    def village(self):
        with_id = CompanyFactory(name="Aalto Oy", business_id="2077474-0")
        ContactFactory(company=with_id)
        without_id = CompanyFactory(name="Kyläyhdistys ry", business_id="")
        no_contact = CompanyFactory(name="Hiljainen Oy")
        CompanyFactory(name="Lopettanut Oy", active=False)
        return {"with_id": with_id, "without_id": without_id, "no_contact": no_contact}

    def test_print_links_prints_one_working_link_per_active_organisation(self, village):
        survey = trilingual_survey()
        lines = run(survey.slug, "--print-links").splitlines()

        assert len(lines) == 3
        by_key = dict(line.split("\t") for line in lines)
        assert set(by_key) == {"2077474-0", "Kyläyhdistys ry", village["no_contact"].business_id}
        for key, link in by_key.items():
            token = LINK.fullmatch(link)["token"]
            invitation = Invitation.objects.get(token_hash=hash_token(token))
            assert key in (invitation.company.business_id, invitation.company.name)
            assert services.invitation_open(token=token).company == invitation.company
        assert mail.outbox == []
        assert Response.objects.filter(survey=survey).count() == 3

    def test_company_filters_by_business_id_in_either_form(self, village):
        survey = trilingual_survey()
        for given in ("2077474-0", "20774740"):
            # --resend: the second run prints a new link for the organisation the first run invited.
            lines = run(survey.slug, "--print-links", "--resend", "--company", given).splitlines()
            assert len(lines) == 1 and lines[0].startswith("2077474-0\thttp://portal.example/s/")
        assert set(Invitation.objects.values_list("company", flat=True)) == {village["with_id"].pk}

    def test_without_print_links_queues_mail_and_prints_a_summary(self, village, django_capture_on_commit_callbacks):
        survey = trilingual_survey()
        with django_capture_on_commit_callbacks() as callbacks:
            output = run(survey.slug)
        assert len(callbacks) == 1
        assert "Queued invitations to 1 organisation(s)" in output
        assert "Hiljainen Oy" in output and "Kyläyhdistys ry" in output

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["no-such-survey"], "No survey"),
            (["{slug}", "--company", "2077474-1"], "not a valid Business ID"),
            (["{slug}", "--company", "1572860-0"], "No organisation"),
            (["{slug}", "--company", "{inactive}", "--print-links"], "not active"),
        ],
    )
    def test_refuses_unknown_surveys_and_organisations(self, village, args, message):
        survey = trilingual_survey()
        inactive = Company.objects.get(name="Lopettanut Oy").business_id
        with pytest.raises(CommandError, match=message):
            run(*(arg.format(slug=survey.slug, inactive=inactive) for arg in args))
        assert not Invitation.objects.exists()

    def test_refuses_a_closed_survey(self, village):
        survey = SurveyFactory(
            opens_at=timezone.now() - datetime.timedelta(days=30),
            closes_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        for args in ([survey.slug], [survey.slug, "--print-links"]):
            with pytest.raises(CommandError, match="closed"):
                run(*args)
        assert not Invitation.objects.exists()
