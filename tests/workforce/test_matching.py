"""The matching arithmetic on small hand-made data: every number, the filters, the no-demand programmes, the fits."""

import datetime
from types import SimpleNamespace

import pytest

from workforce.matching import (
    FITTING_LEVELS,
    companies_for_programme,
    fitting_need_levels,
    matching_table,
    programmes_for_need,
)
from workforce.models import Level, WorkforceNeed

from ..factories import BuildingFactory, ContactFactory
from .helpers import make_area, make_company, make_school, move_out, need, programme

pytestmark = pytest.mark.django_db
V, B, M, ANY = Level.VOCATIONAL, Level.BACHELOR, Level.MASTER, Level.ANY
Kind = WorkforceNeed.Kind


@pytest.fixture
def village():
    """Four skill areas, three companies and an inactive one, two schools with four programmes.

    Graduates a year: welding 10 + 20 = 30 (p2 counts fully in welding and software), software 20 (p3 is
    inactive), nursing 7 (no demand), logistics 0 (no programme).
    """
    kosmos, louhi = BuildingFactory(name="Kosmos"), BuildingFactory(name="Louhi")
    welding, software, nursing, logistics = (
        make_area("Welding"),
        make_area("Software"),
        make_area("Nursing"),
        make_area("Logistics"),
    )
    c1 = make_company("Arctic Steel", building=kosmos, section="C", code="25110")
    c2 = make_company("Bits Oy", building=louhi, section="J")
    move_out(c2, kosmos, ended=datetime.date(2021, 12, 31))  # a former tenant of Kosmos counts no more there
    c3 = make_company("Code Oy", building=kosmos, section="J")
    gone = make_company("Gone Oy", building=kosmos, section="C", code="25110", active=False)
    school, college = make_school("Lapin AMK"), make_school("Lappia")
    p1 = programme(college, "Welding (vocational)", V, [welding], 10)
    p2 = programme(school, "Engineering", B, [welding, software], 20)
    p3 = programme(school, "Old software", B, [software], 5, active=False)
    p4 = programme(college, "Practical nurse", V, [nursing], 7)

    need(c1, welding, 25, "0-6")
    need(c1, welding, 5, "0-6")  # the same company and cell: summed to 30
    need(c1, welding, 4, "12-36")
    need(c2, welding, 6, "0-6")
    need(c2, software, 30, "6-12")
    need(c3, software, 3, "6-12")
    need(c3, logistics, 2, "0-6")
    need(gone, welding, 100, "0-6")  # an inactive organisation counts nowhere
    return SimpleNamespace(**locals())


def summary(table):
    """(area, window, needed, graduates, gap) of each row, in the table's order."""
    return [(r.skill_area.name, r.window, r.needed, r.graduates, r.gap) for r in table.rows]


def no_demand(table):
    return [(r.skill_area.name, r.graduates, [p.name for p in r.programmes]) for r in table.no_demand]


class TestMatchingTable:
    def test_every_number_without_filters(self, village):
        table = matching_table()
        assert summary(table) == [
            ("Software", "6-12", 33, 20, 13),
            ("Welding", "0-6", 36, 30, 6),
            ("Logistics", "0-6", 2, 0, 2),
            ("Welding", "12-36", 4, 30, -26),
        ]
        software, welding, logistics, later = table.rows
        assert [(c.name, c.count) for c in software.companies] == [("Bits Oy", 30), ("Code Oy", 3)]
        assert [(c.name, c.count) for c in welding.companies] == [("Arctic Steel", 30), ("Bits Oy", 6)]
        assert [c.company_id for c in welding.companies] == [village.c1.pk, village.c2.pk]
        assert [p.name for p in software.programmes] == ["Engineering"]
        assert [p.name for p in welding.programmes] == ["Engineering", "Welding (vocational)"]
        assert logistics.programmes == [] and later.companies[0].count == 4
        assert [r.is_shortage for r in table.rows] == [True, True, True, False]
        assert table.shortages == table.rows[:3]
        assert software.window_label == "6–12 months"
        assert no_demand(table) == [("Nursing", 7, ["Practical nurse"])]

    def test_window_filter(self, village):
        table = matching_table(window="0-6")
        assert summary(table) == [("Welding", "0-6", 36, 30, 6), ("Logistics", "0-6", 2, 0, 2)]
        # Software has programmes but no need within six months.
        assert no_demand(table) == [("Software", 20, ["Engineering"]), ("Nursing", 7, ["Practical nurse"])]

    def test_building_filter_counts_current_tenants_only(self, village):
        table = matching_table(building=village.kosmos)
        assert summary(table) == [
            ("Logistics", "0-6", 2, 0, 2),
            ("Welding", "0-6", 30, 30, 0),
            ("Software", "6-12", 3, 20, -17),
            ("Welding", "12-36", 4, 30, -26),
        ]
        assert not table.rows[1].is_shortage  # a gap of zero is covered
        assert no_demand(table) == [("Nursing", 7, ["Practical nurse"])]

    def test_industry_filter(self, village):
        table = matching_table(industry="J")
        assert summary(table) == [
            ("Software", "6-12", 33, 20, 13),
            ("Logistics", "0-6", 2, 0, 2),
            ("Welding", "0-6", 6, 30, -24),
        ]
        assert no_demand(table) == [("Nursing", 7, ["Practical nurse"])]

    def test_filters_combine(self, village):
        table = matching_table(window="0-6", building=village.kosmos, industry="C")
        assert summary(table) == [("Welding", "0-6", 30, 30, 0)]
        assert no_demand(table) == [("Software", 20, ["Engineering"]), ("Nursing", 7, ["Practical nurse"])]

    def test_nothing_matches(self, village):
        table = matching_table(industry="Q")
        assert table.rows == []
        assert [row[0] for row in no_demand(table)] == ["Welding", "Software", "Nursing"]

    def test_three_queries(self, village, django_assert_num_queries):
        # the needs summed per area, window and organisation; the skill areas; the programme links with programmes
        with django_assert_num_queries(3):
            matching_table(building=village.kosmos, industry="J", window="6-12")


class TestFits:
    def test_level_rules(self):
        assert FITTING_LEVELS[ANY] == {V, B, M, ANY}
        assert FITTING_LEVELS[V] == {V, ANY}
        assert FITTING_LEVELS[B] == {B, M, ANY}
        assert FITTING_LEVELS[M] == {M, ANY}
        assert fitting_need_levels(V) == {V, ANY}
        assert fitting_need_levels(B) == {B, ANY}
        assert fitting_need_levels(M) == {B, M, ANY}

    def test_programmes_for_a_need(self, village):
        master = programme(village.school, "Engineering master", M, [village.welding], 8)
        expected = {
            ANY: ["Engineering", "Engineering master", "Welding (vocational)"],
            V: ["Welding (vocational)"],
            B: ["Engineering", "Engineering master"],
            M: ["Engineering master"],
        }
        for level, names in expected.items():
            welding_need = need(village.c1, village.welding, 1, level=level)
            assert sorted(p.name for p in programmes_for_need(welding_need)) == names, level
        assert master.pk in [p.pk for p in programmes_for_need(welding_need)]
        # Inactive programmes and other skill areas never fit.
        software_need = need(village.c2, village.software, 1, level=B)
        assert [p.name for p in programmes_for_need(software_need)] == ["Engineering"]
        assert list(programmes_for_need(need(village.c3, village.logistics, 1))) == []

    def test_programme_contacts_come_with_it(self, village, django_assert_num_queries):
        primary = ContactFactory(company=village.school, name="Pia Primary", is_primary=True, phone="+358 40 1")
        ContactFactory(company=village.school, name="Erased Person", erased_at=datetime.datetime.now(datetime.UTC))
        welding_need = need(village.c1, village.welding, 1, level=B)
        with django_assert_num_queries(2):  # the programmes with their institution; the institutions' contacts
            programmes = list(programmes_for_need(welding_need))
            assert [c.name for c in programmes[0].institution.live_contacts] == [primary.name]

    def test_companies_for_a_programme(self, village):
        ContactFactory(company=village.c3, name="Cecilia Code", is_primary=True)
        ContactFactory(company=village.c3, name="Other Person")
        ContactFactory(company=village.c2, name="Only Contact")
        need(village.c3, village.welding, 1, "6-12", kind=Kind.THESIS, level=B)
        need(village.c2, village.software, 2, "0-6", kind=Kind.TRAINEE, level=V)  # vocational: not for a bachelor
        need(village.gone, village.software, 1, kind=Kind.THESIS)

        candidates = companies_for_programme(village.p2)
        # Code Oy seeks a thesis worker, so it comes first; then the rest by name.
        assert [c.company.name for c in candidates] == ["Code Oy", "Arctic Steel", "Bits Oy"]
        assert [c.seeks_placements for c in candidates] == [True, False, False]
        assert [(n.skill_area.name, n.count) for n in candidates[2].needs] == [("Welding", 6), ("Software", 30)]
        assert [c.name for c in candidates[0].contacts_to_call] == ["Cecilia Code"]
        assert [c.name for c in candidates[2].contacts_to_call] == ["Only Contact"]  # no primary: the first one
        assert candidates[1].contacts_to_call == []

        # A vocational programme sees the vocational trainee need, not the bachelor-level thesis.
        vocational = programme(village.college, "ICT (vocational)", V, [village.software], 5)
        candidates = companies_for_programme(vocational)
        assert [(c.company.name, c.seeks_placements) for c in candidates] == [("Bits Oy", True), ("Code Oy", False)]
