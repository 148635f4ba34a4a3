"""load_demo builds the village and can be run again without change."""

import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from companies.models import Building, Company, Contact, Premises, Tenancy
from workforce.models import EducationProgramme, WorkforceNeed

pytestmark = pytest.mark.django_db


def _counts():
    models = (Building, Premises, Company, Contact, Tenancy, EducationProgramme, WorkforceNeed)
    return [m.objects.count() for m in models]


def test_load_demo_creates_the_village_and_is_idempotent(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    first = _counts()
    printed = capsys.readouterr().out
    call_command("load_demo")
    assert _counts() == first

    assert set(Building.objects.values_list("name", flat=True)) == {"Kosmos", "Compus", "Louhi", "Paasi", "Sampo"}
    assert Building.objects.get(name="Sampo").street_address == "Sammonkatu"
    assert Building.objects.get(name="Kosmos").street_address == "Tietokatu"
    assert Company.objects.filter(kind=Company.Kind.COMPANY).count() >= 45
    assert Company.objects.filter(kind=Company.Kind.EDUCATION, name__startswith="Lappia").count() == 3
    assert Company.objects.filter(name__contains="Lapin ammattikorkeakoulu").exists()
    assert Company.objects.filter(name="Kemin Digipolis Oy").exists()
    assert Company.objects.values("industry_section").distinct().count() >= 8
    for company in Company.objects.exclude(business_id=""):
        company.full_clean()  # every demo Y-tunnus passes the check digit

    passwords = json.loads((tmp_path / "demo-logins.json").read_text())
    assert f"staff / {passwords['staff']}" in printed
    # django-axes watches every login, so authenticate() is given the request a login form would send.
    login = RequestFactory().post("/accounts/login/")
    assert authenticate(login, username="staff", password=passwords["staff"]) is not None
