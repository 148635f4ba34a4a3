"""Helpers of the workforce tests: skill areas, schools, companies, needs and programmes made through the services."""

import datetime
import itertools

from companies.models import Company
from workforce.models import Level, SkillArea, WorkforceNeed
from workforce.services import need_create, programme_create

from ..factories import CompanyFactory, PremisesFactory, TenancyFactory

_order = itertools.count(100)


def make_area(name: str, **fields) -> SkillArea:
    """A skill area after the seeded ones, with the same name in every language."""
    slug = "test-" + name.lower().replace(" ", "-")
    return SkillArea.objects.create(name_fi=name, name_sv=name, name_en=name, slug=slug, order=next(_order), **fields)


def make_school(name: str = "Test School", **fields) -> Company:
    return CompanyFactory(name=name, kind=Company.Kind.EDUCATION, industry_code="85320", industry_section="P", **fields)


def make_company(name: str, *, building=None, section: str = "J", code: str = "62010", **fields) -> Company:
    """A company, in the building since 2020 when one is given."""
    company = CompanyFactory(name=name, industry_section=section, industry_code=code, **fields)
    if building is not None:
        TenancyFactory(company=company, premises=PremisesFactory(building=building))
    return company


def move_out(company: Company, building, *, ended: datetime.date) -> None:
    """A tenancy in the building that ended on the day."""
    TenancyFactory(company=company, premises=PremisesFactory(building=building), end_date=ended)


def need(company, area, count, window="0-6", *, level=Level.ANY, kind=WorkforceNeed.Kind.PERMANENT, role=""):
    return need_create(company=company, skill_area=area, count=count, window=window, level=level, kind=kind, role=role)


def programme(school, name, level, areas, graduates, **fields):
    return programme_create(
        institution=school, name=name, level=level, skill_areas=areas, yearly_graduates=graduates, **fields
    )
