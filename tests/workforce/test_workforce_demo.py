"""The workforce demo: the two schools' programmes, needs for ~70 % of the demo companies, the same every run."""

import importlib

import pytest
from django.apps import apps

from companies.demo import load_registry
from companies.models import Company
from workforce.demo import LAPIN_AMK, PROGRAMMES, load_workforce
from workforce.matching import matching_table
from workforce.models import EducationProgramme, WorkforceNeed

pytestmark = pytest.mark.django_db
seed = importlib.import_module("workforce.migrations.0002_seed_skill_areas")


def need_rows():
    return sorted(
        WorkforceNeed.objects.values_list(
            "company__business_id", "skill_area__slug", "role", "count", "window", "level", "kind", "source"
        )
    )


@pytest.fixture
def registry():
    # A transactional test elsewhere may have flushed the migration's rows from a reused test database.
    seed.seed_skill_areas(apps, None)
    load_registry()


def test_programmes_of_both_schools(registry):
    counts = load_workforce()
    assert counts["programmes"] == EducationProgramme.objects.count() == len(PROGRAMMES)
    names = set(EducationProgramme.objects.values_list("institution__name", "name"))
    for expected in [
        (LAPIN_AMK, "Insinööri (AMK), sähkö- ja automaatiotekniikka"),
        (LAPIN_AMK, "Insinööri (AMK), kone- ja tuotantotekniikka"),
        (LAPIN_AMK, "Insinööri (AMK), tieto- ja viestintätekniikka"),
        (LAPIN_AMK, "Tradenomi (AMK), liiketalous"),
        (LAPIN_AMK, "Sairaanhoitaja (AMK)"),
        ("Lappia, Louhi", "Sähkö- ja automaatioalan perustutkinto"),
        ("Lappia, Louhi", "Kone- ja tuotantotekniikan perustutkinto"),
        ("Lappia, Paasi", "Logistiikan perustutkinto"),
        ("Lappia, Louhi", "Rakennusalan perustutkinto"),
        ("Lappia, Sampo", "Ravintola- ja catering-alan perustutkinto"),
    ]:
        assert expected in names
    for programme in EducationProgramme.objects.select_related("institution").prefetch_related("skill_areas"):
        programme.full_clean()
        assert programme.institution.kind == Company.Kind.EDUCATION
        assert programme.skill_areas.exists() and 0 < programme.yearly_graduates <= programme.yearly_intake
    assert set(EducationProgramme.objects.values_list("level", flat=True)) == {"vocational", "bachelor", "master"}


def test_needs_for_most_demo_companies(registry):
    counts = load_workforce()
    demo = Company.objects.filter(kind=Company.Kind.COMPANY, name__endswith="(demo)")
    with_needs = demo.filter(workforce_needs__isnull=False).distinct().count()
    assert with_needs == counts["companies_with_needs"] == round(demo.count() * 0.7)
    assert not WorkforceNeed.objects.exclude(company__in=demo).exists()
    assert set(WorkforceNeed.objects.values_list("source", flat=True)) == {"staff"}
    assert set(WorkforceNeed.objects.values_list("window", flat=True)) == set(WorkforceNeed.Window.values)
    assert set(WorkforceNeed.objects.values_list("kind", flat=True)) == set(WorkforceNeed.Kind.values)
    assert len(set(WorkforceNeed.objects.values_list("level", flat=True))) == 4
    assert not WorkforceNeed.objects.filter(kind="thesis", level="vocational").exists()
    for need in WorkforceNeed.objects.all():
        need.full_clean()

    # The page is not empty: shortages to act on, and a programme with no local demand.
    table = matching_table()
    assert table.shortages and table.no_demand
    assert any(row.gap < 0 for row in table.rows)


def test_idempotent_and_deterministic(registry):
    first = load_workforce()
    rows = need_rows()
    assert load_workforce() == first
    assert need_rows() == rows
    # Drawn again from scratch, the same needs come back.
    WorkforceNeed.objects.all().delete()
    load_workforce()
    assert need_rows() == rows


def test_without_the_registry_it_loads_nothing_and_fails_not():
    assert load_workforce() == {"programmes": 0, "needs": 0, "companies_with_needs": 0}
