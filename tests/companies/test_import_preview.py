"""See before you change: the staff import page previews a file (new / changed / unchanged, old → new, warnings),
writes nothing until staff confirm, and applies exactly the previewed file on the registry as it was previewed."""

import datetime

import pytest
from django.utils import timezone

from companies.models import Company, Tenancy
from teknokyla.core.groups import STAFF_GROUP
from tests.factories import CompanyFactory, ContactFactory, PremisesFactory, TenancyFactory, UserFactory

from . import test_import
from .test_import import (
    IMPORT_URL,
    OPISTO,
    SAATO,
    confirm,
    csv_bytes,
    preview,
    run_failing_import,
    run_import,
    snapshot,
    upload,
    write_csv,
)

pytestmark = pytest.mark.django_db

# The fixtures of test_import.py, shared.
english = test_import.english
village = test_import.village
staff_en = test_import.staff_en


@pytest.fixture
def registry(village):
    """Säätö as the registry holds it (older values), and Opisto exactly as the file says."""
    saato = CompanyFactory(
        name="Pohjolan Säätö Oy", business_id="2077474-0", industry_code="71121", industry_section="M",
        customer_since=2010, website="https://pohjolansaato.example",
    )  # fmt: skip
    ContactFactory(company=saato, name="Märta Äijälä", email="marta.aijala@pohjolansaato.example",
                   phone="040 111 2222", language="sv")  # fmt: skip
    TenancyFactory(company=saato, premises=village["K101"], start_date=datetime.date(2015, 1, 1))
    opisto = CompanyFactory(
        name="Kemin Ammattiopisto", business_id="9000038-8", kind="education", industry_code="85",
        industry_section="P", customer_since=1995, website="https://opisto.example",
    )  # fmt: skip
    ContactFactory(company=opisto, name="Eero Öhman", email="eero.ohman@opisto.example", phone="", language="fi")
    TenancyFactory(company=opisto, premises=village["C201"], start_date=datetime.date(1995, 8, 1))
    return {"saato": saato, "opisto": opisto}


NEW_ROW = {"name": "Uusi Startup Oy", "business_id": "9000074-0", "industry": "62010"}


def test_the_preview_shows_each_row_and_what_changes_and_writes_nothing(staff_en, registry):
    before = snapshot()

    page = preview(staff_en, csv_bytes([SAATO, OPISTO, NEW_ROW]), "yritykset.csv")

    assert snapshot() == before
    result = page.context["result"]
    assert [(row.line, row.name, row.state) for row in result.previews] == [
        (2, "Pohjolan Säätö Oy", "changed"),
        (3, "Kemin Ammattiopisto", "unchanged"),
        (4, "Uusi Startup Oy", "new"),
    ]
    assert [(c.column, c.old, c.new) for c in result.previews[0].changes] == [
        ("customer_since", "2010", "2015"),
        ("contact_phone", "040 111 2222", "+358 40 123 4567"),
    ]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert result.warnings == []
    html = page.content.decode()
    assert "Organisations new: 1, changed: 1, unchanged: 1." in html
    assert "<del>2010</del>" in html and "<ins>2015</ins>" in html
    assert "<del>040 111 2222</del>" in html and "<ins>+358 40 123 4567</ins>" in html
    assert 'name="accept_warnings"' not in html


def test_confirming_applies_the_previewed_file(staff_en, registry):
    page = preview(staff_en, csv_bytes([SAATO, OPISTO, NEW_ROW]), "yritykset.csv")

    response = confirm(staff_en, page)

    assert "The file was imported. New: 1, updated: 1, unchanged: 1." in response.content.decode()
    registry["saato"].refresh_from_db()
    assert registry["saato"].customer_since == 2015
    assert registry["saato"].contacts.get().phone == "+358 40 123 4567"
    assert Company.objects.get(business_id="9000074-0").industry_code == "62010"
    # A second press of the button finds nothing more to apply.
    again = staff_en.post(page.request["PATH_INFO"], {"sha256": page.context["result"].sha256}, follow=True)
    assert again.redirect_chain == [(IMPORT_URL, 302)]
    assert "This preview is no longer available" in again.content.decode()
    assert Company.objects.count() == 3


def test_confirmation_is_refused_when_the_registry_changed_after_the_preview(staff_en, registry):
    page = preview(staff_en, csv_bytes([SAATO, NEW_ROW]), "yritykset.csv")
    # A colleague edits the organisation in the admin meanwhile.
    saato = registry["saato"]
    saato.customer_since = 2012
    saato.save()
    before = snapshot()

    response = staff_en.post(page.request["PATH_INFO"], {"sha256": page.context["result"].sha256})

    assert response.status_code == 409
    assert "The registry has changed since the preview. Nothing was imported; upload the file again." in (
        response.content.decode()
    )
    assert snapshot() == before
    assert not Company.objects.filter(business_id="9000074-0").exists()


def test_confirmation_of_another_file_than_the_previewed_is_refused(staff_en, registry):
    page = preview(staff_en, csv_bytes([SAATO, NEW_ROW]), "yritykset.csv")
    before = snapshot()

    response = staff_en.post(page.request["PATH_INFO"], {"sha256": "0" * 64})

    assert response.status_code == 409
    assert "The file is not the one that was previewed." in response.content.decode()
    assert snapshot() == before


def test_a_preview_is_only_its_uploaders(staff_en, registry, client):
    page = preview(staff_en, csv_bytes([NEW_ROW]), "yritykset.csv")
    colleague = UserFactory(username="colleague", is_staff=True, groups=[STAFF_GROUP])
    client.force_login(colleague)

    # Another's preview, and one that never was, answer alike: back to the import page, nothing applied.
    for reply in (
        client.get(page.request["PATH_INFO"]),
        client.post(page.request["PATH_INFO"], {"sha256": page.context["result"].sha256}),
        staff_en.get(IMPORT_URL + "no-such-preview/"),
    ):
        assert (reply.status_code, reply["Location"]) == (302, IMPORT_URL)
    assert not Company.objects.filter(business_id="9000074-0").exists()
    # The uploader still has it.
    assert staff_en.get(page.request["PATH_INFO"]).status_code == 200


@pytest.mark.parametrize("client_fixture", ["viewer_client", "outsider_client"])
def test_viewers_cannot_see_or_confirm_a_preview(request, staff_en, registry, client_fixture):
    page = preview(staff_en, csv_bytes([NEW_ROW]), "yritykset.csv")
    other = request.getfixturevalue(client_fixture)

    assert other.get(page.request["PATH_INFO"]).status_code == 403
    assert other.post(page.request["PATH_INFO"], {"sha256": page.context["result"].sha256}).status_code == 403
    assert not Company.objects.filter(business_id="9000074-0").exists()


@pytest.fixture
def k104(village):
    """The case of the issue: Kosmos K104, rented by another organisation since 1994."""
    premises = PremisesFactory(building=village["kosmos"], code="K104")
    tenant = CompanyFactory(name="Lapin Mittaus Oy", business_id="9000038-8")
    TenancyFactory(company=tenant, premises=premises, start_date=datetime.date(1994, 1, 1))
    return premises


NEWCOMER = {"name": "Uusi Startup Oy", "business_id": "9000074-0", "building": "Kosmos", "premises": "K104"}
LETTING_WARNING = (
    "line 2: premises: Kosmos K104 is already let to Lapin Mittaus Oy from 01/01/1994; both would share it"
)


def test_premises_already_let_are_warned_and_the_letting_waits_for_acceptance(staff_en, k104):
    page = preview(staff_en, csv_bytes([NEWCOMER]), "yritykset.csv")

    warnings = page.context["result"].warnings
    assert [str(w) for w in warnings] == [LETTING_WARNING]
    html = page.content.decode()
    assert "Kosmos K104 is already let to Lapin Mittaus Oy" in html
    assert 'name="accept_warnings"' in html

    refused = confirm(staff_en, page)
    assert refused.status_code == 400
    assert refused.context["form"].errors["accept_warnings"]
    assert not Company.objects.filter(name="Uusi Startup Oy").exists()

    accepted = confirm(staff_en, page, accept_warnings="on")

    assert "The file was imported. New: 1" in accepted.content.decode()
    letting = Tenancy.objects.get(company__name="Uusi Startup Oy")
    assert (letting.premises, letting.start_date, letting.shared) == (k104, timezone.localdate(), True)
    old = Tenancy.objects.get(company__name="Lapin Mittaus Oy")
    assert (old.end_date, old.shared) == (None, False)


def test_the_command_refuses_warnings_unless_accepted(tmp_path, k104):
    path = write_csv(tmp_path, [NEWCOMER])
    before = snapshot()

    dry = run_import(path, "--dry-run").splitlines()
    assert dry == [
        "line 2: new: Uusi Startup Oy",
        f"warning: {LETTING_WARNING}",
        "1 row(s) read: 1 organisation(s) would be created, 0 updated, 0 unchanged.",
    ]
    error, lines = run_failing_import(path)
    assert lines == [f"warning: {LETTING_WARNING}"]
    assert error == (
        f"{path}: 1 warning(s); nothing was imported. Check them, then run again with --accept-warnings to import "
        "anyway."
    )
    assert snapshot() == before

    output = run_import(path, "--accept-warnings").splitlines()

    assert output[0].startswith("warning accepted: line 2: premises: Kosmos K104")
    assert output[1] == "1 row(s) read: 1 organisation(s) were created, 0 updated, 0 unchanged."
    assert Tenancy.objects.get(company__name="Uusi Startup Oy").shared is True


def test_an_email_of_another_organisation_and_a_very_different_name_are_warned(tmp_path, registry):
    rows = [
        {"name": "Täysin Toinen Yhtiö Oy", "business_id": "2077474-0"},
        {**NEW_ROW, "contact_name": "Eero Öhman", "contact_email": "EERO.OHMAN@opisto.example"},
    ]

    output = run_import(write_csv(tmp_path, rows), "--dry-run").splitlines()

    assert "warning: line 2: name: the registry has the Business ID 2077474-0 as “Pohjolan Säätö Oy”" in output
    assert "warning: line 3: contact_email: EERO.OHMAN@opisto.example is also a contact's address at Kemin " \
        "Ammattiopisto" in output  # fmt: skip


def test_a_small_change_of_name_is_no_warning(tmp_path, registry):
    output = run_import(write_csv(tmp_path, [{**SAATO, "name": "Pohjolan Säätö Ab"}]), "--dry-run")

    assert "warning" not in output


def test_the_preview_page_in_finnish(staff_client, k104):
    response = staff_client.post(IMPORT_URL, {"file": upload(csv_bytes([NEWCOMER]), "yritykset.csv")})
    page = staff_client.get(response.url)

    assert page.headers["Content-Language"] == "fi"
    html = page.content.decode()
    assert "Tuonnin esikatselu" in html
    assert "Kosmos K104" in html and "Lapin Mittaus Oy" in html
    assert "Vahvista tuonti" in html
