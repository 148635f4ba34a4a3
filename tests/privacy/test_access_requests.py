"""Access requests: everything about one contact person or one organisation, as one ZIP read back here."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ..factories import CompanyFactory, ContactFactory
from .conftest import EMAIL, NAME, OLD_PHONE, PHONE

pytestmark = pytest.mark.django_db

# Every kind of row the file must hold, and at least how many of each the person fixture made.
CONTACT_SECTIONS = {
    "contact": 1,
    "contact_history": 2,  # created, then the phone changed in the admin
    "organisation": 1,
    "invitations": 1,
    "mails": 1,
    "responses": 1,
    "answers": 5,
    "response_history": 1,
    "answer_history": 6,
    "interviews": 1,
    "interview_history": 1,
    "workshops": 1,
    "participations": 1,
}
COMPANY_SECTIONS = {
    **CONTACT_SECTIONS,
    "contact": 0,
    "organisation_history": 1,
    "tenancies": 1,
    "contacts": 2,
    "contact_history": 3,
    "findings": 1,
    "measures": 1,
    "workforce_needs": 1,
}
del COMPANY_SECTIONS["contact"]


def read_zip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["data.html", "data.json"]
        return json.loads(archive.read("data.json")), archive.read("data.html").decode()


def assert_every_kind(document: dict, html: str, expected: dict) -> None:
    sections = document["sections"]
    for key, at_least in expected.items():
        assert len(sections[key]) >= at_least, key
        assert f'id="{key}"' in html, key


def contact_url(person) -> str:
    return reverse("privacy:contact_export", args=[person.contact.pk])


def company_url(person) -> str:
    return reverse("privacy:company_export", args=[person.company.pk])


def test_a_contact_persons_file_holds_every_kind_of_row(staff_client, person):
    reply = staff_client.get(contact_url(person))

    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/zip"
    assert reply["Cache-Control"] == "private, no-store"
    assert f'filename="personal-data-contact-{person.contact.pk}-' in reply["Content-Disposition"]
    document, html = read_zip(reply.content)
    assert_every_kind(document, html, CONTACT_SECTIONS)
    sections = document["sections"]
    assert sections["contact"][0]["email"] == EMAIL and sections["contact"][0]["phone"] == PHONE
    assert {row["phone"] for row in sections["contact_history"]} == {OLD_PHONE, PHONE}
    answers = {row["question"].split(":")[0]: row["value"] for row in sections["answers"]}
    assert answers["contact_name"] == NAME
    assert f"{NAME} (CEO)" in [row["value"] for row in sections["answer_history"]]
    assert sections["participations"][0]["attended"] is True
    assert EMAIL in sections["mails"][0]["last_error"]
    # The readable page shows the same, in the staff member's language (Finnish here).
    assert NAME in html and OLD_PHONE in html and "Kiertotalouden työpaja" in html
    assert f"Call her at {PHONE}" in sections["interview_history"][0]["notes"]
    assert '<html lang="fi">' in html
    # The token's hash is no personal data and stays out of the file.
    assert "token_hash" not in json.dumps(document)


def test_an_organisations_file_holds_every_kind_of_row(staff_client, person):
    reply = staff_client.get(company_url(person))

    assert reply.status_code == 200
    document, html = read_zip(reply.content)
    assert_every_kind(document, html, COMPANY_SECTIONS)
    assert {row["name"] for row in document["sections"]["contacts"]} == {NAME, "Kalle Kollega"}
    assert document["sections"]["organisation"][0]["name"] == "Lumiteko Oy"
    assert "Lumiteko needs coders." in html


def test_another_organisations_rows_stay_out(staff_client, person):
    stranger = ContactFactory(company=CompanyFactory(name="Konepaja Oy"), name="Vieras Henkilö")
    document, html = read_zip(staff_client.get(company_url(person)).content)
    assert "Vieras Henkilö" not in html and "Konepaja" not in json.dumps(document, ensure_ascii=False)
    document, html = read_zip(staff_client.get(reverse("privacy:contact_export", args=[stranger.pk])).content)
    assert NAME not in html and document["sections"]["answers"] == []


def test_needs_login(client, person):
    for url in (contact_url(person), company_url(person)):
        reply = client.get(url)
        assert reply.status_code == 302 and reply["Location"].startswith(reverse("login"))


def test_viewers_and_outsiders_never_get_the_file(viewer_client, outsider_client, person):
    for client in (viewer_client, outsider_client):
        for url in (contact_url(person), company_url(person)):
            reply = client.get(url)
            assert reply.status_code == 403
            assert NAME.encode() not in reply.content


def test_unknown_ids_are_not_found_and_post_is_refused(staff_client, person):
    assert staff_client.get(reverse("privacy:contact_export", args=[987654])).status_code == 404
    assert staff_client.get(reverse("privacy:company_export", args=[987654])).status_code == 404
    assert staff_client.post(contact_url(person)).status_code == 405
    assert staff_client.post(company_url(person)).status_code == 405


def test_the_command_writes_the_same_file(person, tmp_path):
    target = tmp_path / "rauni.zip"
    call_command("export_personal_data", "--contact", str(person.contact.pk), "-o", str(target), "--language", "sv")
    document, html = read_zip(target.read_bytes())
    assert_every_kind(document, html, CONTACT_SECTIONS)
    assert '<html lang="sv">' in html
    assert target.stat().st_mode & 0o777 == 0o600

    company_file = tmp_path / "lumiteko.zip"
    call_command("export_personal_data", "--organisation", str(person.company.pk), "-o", str(company_file))
    document, html = read_zip(company_file.read_bytes())
    assert_every_kind(document, html, COMPANY_SECTIONS)


def test_the_command_refuses_an_unknown_id_and_writes_nothing(db, tmp_path):
    target = tmp_path / "nobody.zip"
    with pytest.raises(CommandError, match="No contact person with the id 987654"):
        call_command("export_personal_data", "--contact", "987654", "-o", str(target))
    with pytest.raises(CommandError, match="No organisation with the id 987654"):
        call_command("export_personal_data", "--organisation", "987654", "-o", str(target))
    assert not target.exists()
