"""The registry's models: Y-tunnus, industry, tenancies, uniqueness."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from companies.industries import section_for_code
from companies.models import Company, Tenancy

from ..factories import BuildingFactory, CompanyFactory, PremisesFactory, TenancyFactory

pytestmark = pytest.mark.django_db


def test_valid_business_id_passes_and_bad_check_digit_is_refused():
    company = CompanyFactory.build(business_id="2077474-0")
    company.full_clean()
    company.business_id = "2077474-1"
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "business_id" in error.value.message_dict


def test_business_id_is_unique_but_units_may_share_their_parents():
    parent = CompanyFactory(business_id="2077474-0", kind=Company.Kind.EDUCATION)
    unit = CompanyFactory(business_id="2077474-0", parent=parent, kind=Company.Kind.EDUCATION)
    assert unit.pk
    with pytest.raises(IntegrityError):
        CompanyFactory(business_id="2077474-0")


def test_companies_without_business_id_do_not_clash():
    CompanyFactory(business_id="")
    CompanyFactory(business_id="")
    assert Company.objects.filter(business_id="").count() == 2


@pytest.mark.parametrize(
    ("code", "section"),
    [("62010", "J"), ("25620", "C"), ("02200", "A"), ("85420", "P"), ("71", "M"), ("J", "J"), ("99000", "U")],
)
def test_industry_code_gives_its_tol_section(code, section):
    assert section_for_code(code) == section


@pytest.mark.parametrize("code", ["04000", "34", "1", "123456", "abcde", ""])
def test_unknown_industry_codes_are_refused(code):
    assert section_for_code(code) is None


def test_clean_fills_the_section_from_the_code_and_refuses_a_mismatch():
    company = CompanyFactory.build(industry_code="25620", industry_section="")
    company.full_clean()
    assert company.industry_section == "C"
    company.industry_section = "J"
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "industry_section" in error.value.message_dict


def test_who_is_in_a_building_now():
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo")
    today = datetime.date(2024, 5, 1)
    current = TenancyFactory(premises=PremisesFactory(building=kosmos), start_date=datetime.date(2020, 1, 1))
    TenancyFactory(
        premises=PremisesFactory(building=kosmos),
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    TenancyFactory(premises=PremisesFactory(building=kosmos), start_date=datetime.date(2025, 1, 1))
    TenancyFactory(premises=PremisesFactory(building=sampo), start_date=datetime.date(2020, 1, 1))

    assert list(Company.objects.in_building(kosmos, on=today)) == [current.company]


def test_tenancy_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        TenancyFactory(start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 1, 1))


def test_tenancy_is_current_on_its_last_day():
    tenancy = Tenancy(start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 6, 30))
    assert tenancy.is_current(datetime.date(2024, 6, 30))
    assert not tenancy.is_current(datetime.date(2024, 7, 1))
