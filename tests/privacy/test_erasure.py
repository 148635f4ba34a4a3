"""Erasing a contact person: the staff page with its confirmation, the command, and the database afterwards."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from companies.models import Contact
from surveys import drafts
from surveys.models import Answer, Invitation, Response
from workshops.models import Participation

from ..dbscan import stored_anywhere
from ..factories import CompanyFactory, ContactFactory, FindingFactory
from .conftest import EMAIL, NAME, OLD_PHONE, PHONE, PHONE_AS_TYPED, PHONE_NATIONAL

pytestmark = pytest.mark.django_db


def erase_url(contact) -> str:
    return reverse("privacy:contact_erase", args=[contact.pk])


def figures(person) -> dict:
    """What the results and reports count: it must not change when a person is erased."""
    return {
        "responses": Response.objects.filter(survey=person.survey).count(),
        "answers": Answer.objects.filter(response__survey=person.survey).count(),
        "invitations": Invitation.objects.filter(survey=person.survey).count(),
        "participations": Participation.objects.filter(workshop=person.workshop, attended=True).count(),
        "interview people": person.interview.contacts.count(),
        "choices": sorted(
            Answer.objects.filter(response=person.response, question__type="single_choice").values_list(
                "question__code", "value"
            )
        ),
    }


def test_the_person_is_where_the_test_looks_before_the_erasure(person):
    # Guards the test below: each copy it must find gone is there to begin with.
    assert {"companies_contact", "companies_historicalcontact", "surveys_answer", "surveys_historicalanswer",
            "workshops_interview", "django_admin_log"} <= set(stored_anywhere(NAME))  # fmt: skip
    assert {"surveys_outgoingmail", "surveys_answer"} <= set(stored_anywhere(EMAIL))
    assert "companies_historicalcontact" in stored_anywhere(OLD_PHONE)
    assert person.contact.invitations.exists()


def test_the_confirmation_page_says_what_will_be_removed(staff_client, person):
    reply = staff_client.get(erase_url(person.contact))
    assert reply.status_code == 200
    page = reply.content.decode()
    assert NAME in page and "Lumiteko Oy" in page
    plan = reply.context["plan"]
    assert plan.history_rows == 2 and plan.invitations == 1
    assert plan.participations == 1 and plan.interviews == 1
    counts = plan.mention_counts
    assert counts["surveys.answer"] == 3 and counts["workshops.interview"] == 1 and counts["surveys.outgoingmail"] == 1
    assert counts["surveys.historicalanswer"] >= 2 and counts["admin.logentry"] >= 1
    assert ("Vastaukset: muutoshistoria", counts["surveys.historicalanswer"]) in plan.mentions
    assert "Vastaukset, joissa nimi, sähköpostiosoite tai puhelinnumero mainitaan: 3." in page
    assert reverse("privacy:contact_export", args=[person.contact.pk]) in page
    # Files are not searched: the page names the attachments to check by hand.
    assert [attachment.original_name for attachment in plan.attachments] == ["haastattelumuistio.pdf"]
    assert "haastattelumuistio.pdf" in page
    # Nothing happened yet.
    assert Contact.objects.get(pk=person.contact.pk).name == NAME


@pytest.mark.trust("A person asks to be erased and their name, e-mail or phone stays in some table", area="Privacy")
def test_erasing_removes_the_name_email_and_phone_from_every_table_and_keeps_the_figures(
    staff_client, person, trust_figure
):
    before = figures(person)
    texts = (NAME, EMAIL, PHONE, OLD_PHONE, PHONE_NATIONAL, PHONE_AS_TYPED, "Räsänen", "rauni.rasanen")
    found_before = sum(len(stored_anywhere(text)) for text in texts)

    reply = staff_client.post(erase_url(person.contact), {"confirm": "on"})

    assert reply.status_code == 302 and reply["Location"] == person.company.get_absolute_url()
    left = {text: stored_anywhere(text) for text in texts}
    trust_figure("tables scanned", len(connection.introspection.table_names()))
    trust_figure("tables holding the name, e-mail or phone before (per text)", found_before)
    trust_figure("tables still holding the name, e-mail or phone", sum(len(tables) for tables in left.values()))
    assert left == dict.fromkeys(left, [])
    contact = Contact.objects.get(pk=person.contact.pk)
    assert contact.is_erased and contact.email == "" and contact.phone == "" and contact.title == ""
    assert not contact.invitations.exists()
    assert figures(person) == before
    # The texts around the person stay readable.
    answer = Answer.objects.get(response=person.response, question__code="description")
    assert answer.value == "Write to [poistettu] or call [poistettu]."
    person.interview.refresh_from_db()
    assert person.interview.notes.endswith("showed the lab. Call her at [poistettu] or [poistettu].")
    growth = Answer.objects.get(response=person.response, question__code="growth_how")
    assert growth.value == "Ask Rauni: [poistettu]"
    # The colleague is untouched, and the page says what happened.
    assert Contact.objects.get(pk=person.colleague.pk).email == "kalle@lumiteko.example"
    page = staff_client.get(reply["Location"]).content.decode()
    assert "Kalle Kollega" in page


def test_the_results_page_no_longer_shows_the_person(staff_client, person, django_capture_on_commit_callbacks):
    results = reverse("surveys:results", args=[person.survey.slug]) + "?drafts=on&texts=all"
    assert NAME in staff_client.get(results).content.decode()  # and now in the results cache

    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 302

    page = staff_client.get(results).content.decode()
    assert NAME not in page and EMAIL not in page and "[poistettu]" in page


def test_a_page_kept_in_a_browser_session_that_names_the_person_is_dropped(staff_client, person):
    # A page posted after the company's session ended waits in the browser's new session (surveys.drafts).
    naming, other = SessionStore(), SessionStore()
    kept_at = timezone.now().isoformat()
    naming[drafts.KEPT_KEY] = [
        {"owner": "x", "number": 1, "data": {"contact_name": [NAME]}, "kept_at": kept_at},
        {"owner": "x", "number": 2, "data": {"wish": ["More parking"]}, "kept_at": kept_at},
    ]
    other[drafts.KEPT_KEY] = [
        {"owner": "y", "number": 1, "data": {"contact_name": ["Muu Ihminen"]}, "kept_at": kept_at}
    ]
    naming.create()
    other.create()

    assert staff_client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 302

    assert [entry["number"] for entry in SessionStore(naming.session_key).load()[drafts.KEPT_KEY]] == [2]
    assert SessionStore(other.session_key).load()[drafts.KEPT_KEY][0]["data"]["contact_name"] == ["Muu Ihminen"]


def test_a_namesake_at_another_organisation_keeps_their_name(staff_client, person):
    namesake = ContactFactory(company=CompanyFactory(name="Muu Oy"), name=NAME, email="toinen@muu.example")

    assert staff_client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 302

    namesake.refresh_from_db()
    assert (namesake.name, namesake.email, namesake.is_erased) == (NAME, "toinen@muu.example", False)
    assert stored_anywhere(EMAIL) == []


def test_a_first_name_alone_and_numbers_that_only_contain_the_phone_stay(staff_client):
    company = CompanyFactory(name="Pieni Oy")
    single = ContactFactory(company=company, name="Aino", email="aino@pieni.example", phone="040 123 4567")
    finding = FindingFactory(text="Aino Virtanen spoke; order 90401234567; Aino wrote from aino@pieni.example.")
    finding.companies.add(company)

    assert staff_client.post(erase_url(single), {"confirm": "on"}).status_code == 302

    finding.refresh_from_db()
    assert finding.text == "Aino Virtanen spoke; order 90401234567; Aino wrote from [poistettu]."
    single.refresh_from_db()
    assert single.is_erased and single.name != "Aino"


def test_without_the_confirmation_nothing_is_erased(staff_client, person):
    reply = staff_client.post(erase_url(person.contact), {})

    assert reply.status_code == 400
    assert reply.context["form"].errors["confirm"] == ["Vahvista poisto rastittamalla ruutu."]
    assert 'aria-invalid="true"' in reply.content.decode()
    contact = Contact.objects.get(pk=person.contact.pk)
    assert (contact.name, contact.email, contact.is_erased) == (NAME, EMAIL, False)
    assert "surveys_answer" in stored_anywhere(NAME)


def test_needs_login(client, person):
    reply = client.post(erase_url(person.contact), {"confirm": "on"})
    assert reply.status_code == 302 and reply["Location"].startswith(reverse("login"))
    assert not Contact.objects.get(pk=person.contact.pk).is_erased


def test_viewers_and_outsiders_are_refused(viewer_client, outsider_client, person):
    for client in (viewer_client, outsider_client):
        assert client.get(erase_url(person.contact)).status_code == 403
        assert client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 403
    assert not Contact.objects.get(pk=person.contact.pk).is_erased


def test_an_erased_or_unknown_contact_is_not_found(staff_client, person):
    assert staff_client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 302
    assert staff_client.get(erase_url(person.contact)).status_code == 404
    assert staff_client.post(erase_url(person.contact), {"confirm": "on"}).status_code == 404
    assert staff_client.get(reverse("privacy:contact_erase", args=[987654])).status_code == 404


def test_wrong_method_is_refused(staff_client, person):
    assert staff_client.put(erase_url(person.contact)).status_code == 405
    assert not Contact.objects.get(pk=person.contact.pk).is_erased


def test_the_command_dry_run_changes_nothing_and_the_real_run_erases(person, capsys):
    call_command("erase_contact", str(person.contact.pk), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: nothing was changed." in out and "Answers: 3" in out
    assert Contact.objects.get(pk=person.contact.pk).name == NAME

    call_command("erase_contact", str(person.contact.pk))

    assert f"Contact person {person.contact.pk} erased." in capsys.readouterr().out
    for text in (NAME, EMAIL, PHONE, OLD_PHONE):
        assert stored_anywhere(text) == [], text


def test_the_command_refuses_an_unknown_or_erased_contact(person):
    with pytest.raises(CommandError, match="No contact person with the id 987654"):
        call_command("erase_contact", "987654")
    call_command("erase_contact", str(person.contact.pk))
    with pytest.raises(CommandError, match="erased already"):
        call_command("erase_contact", str(person.contact.pk))


def test_the_admin_action_erases_everywhere_too(staff_client, person):
    reply = staff_client.post(
        reverse("admin:companies_contact_changelist"),
        {"action": "erase_contacts", "_selected_action": [person.contact.pk]},
    )
    assert reply.status_code == 302
    for text in (NAME, EMAIL, PHONE):
        assert stored_anywhere(text) == [], text
    assert LogEntry.objects.exists()  # the log stays, without the name
