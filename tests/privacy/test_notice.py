"""The privacy notice: public, in three languages, kept by staff, linked from every page, the survey and its mails."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from privacy.models import PrivacyNotice
from surveys import invitations
from surveys.mail import send_submission_confirmation
from surveys.models import Response

from ..factories import CompanyFactory, ContactFactory, SurveyFactory
from ..surveys.conftest import build_survey, opened

pytestmark = pytest.mark.django_db

NOTICE = reverse("privacy:notice")
# The supervisory authority, as each language names it.
AUTHORITY = {
    "fi": "Tietosuojavaltuutetun toimisto",
    "sv": "Dataombudsmannens byrå",
    "en": "Office of the Data Protection Ombudsman",
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_anyone_reads_the_notice_in_their_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    reply = client.get(NOTICE)

    assert reply.status_code == 200
    page = reply.content.decode()
    assert f'<html lang="{language}">' in page
    assert AUTHORITY[language] in page
    assert "Kemin Digipolis Oy" in page and "1050/2018" in page
    # Every part the law asks for has its heading.
    assert page.count('<h2 class="h4">') == len(PrivacyNotice.SECTIONS)


def test_the_notice_is_made_by_the_migration_with_all_three_languages():
    notice = PrivacyNotice.objects.get()
    for name in PrivacyNotice.SECTIONS:
        for language in ("fi", "sv", "en"):
            assert getattr(notice, f"{name}_{language}"), f"{name}_{language}"


def test_the_page_is_never_empty_even_without_the_row(client):
    PrivacyNotice.objects.all().delete()
    assert AUTHORITY["fi"] in client.get(NOTICE).content.decode()


def test_staff_edit_the_notice_in_the_admin_and_the_page_shows_it(staff_client, client):
    notice = PrivacyNotice.objects.get()
    url = reverse("admin:privacy_privacynotice_change", args=[notice.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields}
    data["contact_fi"] = "Kirjoita osoitteeseen **tietosuoja@kemi.example**."

    reply = staff_client.post(url, data)

    assert reply.status_code == 302
    page = client.get(NOTICE).content.decode()
    assert "Kirjoita osoitteeseen <strong>tietosuoja@kemi.example</strong>." in page
    # One notice: no second one, and none deleted.
    assert staff_client.get(reverse("admin:privacy_privacynotice_add")).status_code == 403
    assert staff_client.post(reverse("admin:privacy_privacynotice_delete", args=[notice.pk])).status_code == 403


def test_a_viewer_cannot_change_the_notice(viewer_client):
    notice = PrivacyNotice.objects.get()
    url = reverse("admin:privacy_privacynotice_change", args=[notice.pk])
    assert viewer_client.post(url, {"contact_fi": "Viewer was here"}).status_code == 403
    notice.refresh_from_db()
    assert "Viewer was here" not in notice.contact_fi


def test_markup_in_the_texts_is_sanitised(client):
    PrivacyNotice.objects.update(contact_fi="<script>alert(1)</script>[x](javascript:alert(1))")
    page = client.get(NOTICE).content.decode()
    assert "<script>alert(1)" not in page and "javascript:" not in page


def test_post_is_refused(client):
    assert client.post(NOTICE).status_code == 405


def test_the_list_of_surveys_costs_the_same_queries_at_any_size(client, django_assert_num_queries):
    SurveyFactory()
    # The session, the notice, the surveys.
    with django_assert_num_queries(2):
        client.get(NOTICE)
    for _ in range(5):
        SurveyFactory()
    with django_assert_num_queries(2):
        assert client.get(NOTICE).content.decode().count("<tr>") == 7


@pytest.mark.parametrize("name", ["home", "accessibility", "login", "privacy:notice"])
def test_every_page_links_to_the_notice_in_its_footer(client, name):
    page = client.get(reverse(name)).content.decode()
    footer = page.split('<footer class="portal-footer')[1]
    assert f'href="{NOTICE}"' in footer


def test_the_survey_start_page_links_to_the_notice_and_tells_the_retention_date(db):
    survey = build_survey()
    company = CompanyFactory()
    _invitation, token = invitations.invitation_create(survey=survey, company=company)
    page = opened(token).get(reverse("surveys:start")).content.decode()
    main = page.split("<main")[1].split("</main>")[0]
    assert f'href="{NOTICE}"' in main
    assert survey.retention_date.strftime("%-d.%-m.%Y") in main


@pytest.mark.parametrize("is_reminder", [False, True])
def test_invitation_and_reminder_mails_link_to_the_notice(is_reminder):
    survey = build_survey()
    company = CompanyFactory()
    ContactFactory(company=company, language="sv", email="sven@example.fi")
    if is_reminder:
        invitations.invitation_deliver(survey=survey, company=company)
        mail.outbox.clear()
    invitations.invitation_deliver(survey=survey, company=company, is_reminder=is_reminder)

    body = mail.outbox[0].body
    assert settings.SITE_URL.rstrip("/") + NOTICE in body
    assert "dataskyddsbeskrivning" in body  # in the contact's language


def test_the_confirmation_mail_links_to_the_notice_too():
    survey = build_survey()
    company = CompanyFactory()
    ContactFactory(company=company, is_primary=True, email="aino@example.fi")
    invitations.invitation_deliver(survey=survey, company=company)
    mail.outbox.clear()
    response = Response.objects.get(survey=survey, company=company)

    assert send_submission_confirmation(response) == 1
    assert settings.SITE_URL.rstrip("/") + NOTICE in mail.outbox[0].body
