"""The matching (kohtaanto) of demand and supply: people needed against graduates a year, per skill area and window.

Arithmetic of the matching table, per skill area and time window:

- people needed = the sum of the counts of the needs of active organisations in that area and window, after the
  building and industry filters (which apply to the organisation that has the need);
- graduates a year = the sum of `yearly_graduates` of the active programmes that have the skill area. A programme
  with several skill areas counts fully in each of them, because its graduates can go to any of them; so the
  graduates of all rows together may exceed the graduates of all programmes. Supply is the same in every window
  and is not filtered by building or industry: the schools train for the whole village;
- gap = people needed − graduates a year; positive means a shortage (unmet demand).

Skill areas whose active programmes meet no need under the same filters are listed apart, as programmes with no
local demand. Which programme levels fit which need levels is decided in `FITTING_LEVELS`.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, Sum

from companies.models import Building, Company, Contact

from .models import EducationProgramme, Level, SkillArea, WorkforceNeed

Window = WorkforceNeed.Window
Kind = WorkforceNeed.Kind
WINDOW_ORDER = {value: index for index, value in enumerate(Window.values)}
PLACEMENT_KINDS = (Kind.TRAINEE, Kind.THESIS)

# The programme levels that can supply a need of each level. A need for "any level" fits every programme. A UAS
# master's (ylempi AMK) student already holds a bachelor's degree and works in the field, so a master's programme
# also fits a bachelor-level need, not the other way round; vocational and higher-education needs stay apart.
# A programme recorded at "any level" fits every need.
FITTING_LEVELS: dict[str, frozenset[str]] = {
    Level.VOCATIONAL: frozenset({Level.VOCATIONAL, Level.ANY}),
    Level.BACHELOR: frozenset({Level.BACHELOR, Level.MASTER, Level.ANY}),
    Level.MASTER: frozenset({Level.MASTER, Level.ANY}),
    Level.ANY: frozenset(Level.values),
}


def fitting_programme_levels(need_level: str) -> frozenset[str]:
    """The programme levels that can supply a need of this level."""
    return FITTING_LEVELS.get(need_level, frozenset(Level.values))


def fitting_need_levels(programme_level: str) -> frozenset[str]:
    """The need levels that a programme of this level can supply (the inverse of FITTING_LEVELS)."""
    return frozenset(need for need, levels in FITTING_LEVELS.items() if programme_level in levels)


@dataclass(frozen=True)
class CompanyDemand:
    """One organisation's people needed in a row of the table."""

    company_id: int
    name: str
    count: int


@dataclass
class MatchRow:
    """One skill area in one time window: demand, supply and the gap between them."""

    skill_area: SkillArea
    window: str
    needed: int
    graduates: int
    companies: list[CompanyDemand] = field(default_factory=list)
    programmes: list[EducationProgramme] = field(default_factory=list)

    @property
    def gap(self) -> int:
        """People needed minus graduates a year; positive is a shortage."""
        return self.needed - self.graduates

    @property
    def is_shortage(self) -> bool:
        """True when more people are needed than graduate a year."""
        return self.gap > 0

    @property
    def window_label(self) -> str:
        """The window in the reader's language."""
        return str(Window(self.window).label)


@dataclass
class NoDemandRow:
    """A skill area whose programmes meet no local need under the filters."""

    skill_area: SkillArea
    graduates: int
    programmes: list[EducationProgramme] = field(default_factory=list)


@dataclass
class MatchingTable:
    rows: list[MatchRow]
    no_demand: list[NoDemandRow]

    @property
    def shortages(self) -> list[MatchRow]:
        """The rows with unmet demand."""
        return [row for row in self.rows if row.is_shortage]


def active_needs() -> QuerySet[WorkforceNeed]:
    """The needs of active organisations: those the matching table and the needs list show."""
    return WorkforceNeed.objects.filter(company__active=True)


def filtered_needs(
    *, window: str | None = None, building: Building | None = None, industry: str | None = None
) -> QuerySet[WorkforceNeed]:
    """The needs of active organisations, narrowed by window, the organisation's building and industry section."""
    needs = active_needs()
    if window:
        needs = needs.filter(window=window)
    if building is not None:
        needs = needs.filter(company__in=Company.objects.in_building(building))
    if industry:
        needs = needs.filter(company__industry_section=industry)
    return needs


def _supply() -> dict[int, list[EducationProgramme]]:
    """Active programmes by skill area id, read in one query through the link table."""
    links = (
        EducationProgramme.skill_areas.through.objects.filter(educationprogramme__active=True)
        .select_related("educationprogramme__institution")
        .order_by("educationprogramme__institution__name", "educationprogramme__name", "educationprogramme_id")
    )
    supply = defaultdict(list)
    for link in links:
        supply[link.skillarea_id].append(link.educationprogramme)
    return supply


def matching_table(
    *,
    window: str | None = None,
    building: Building | None = None,
    industry: str | None = None,
    needs: QuerySet[WorkforceNeed] | None = None,
) -> MatchingTable:
    """The matching table, sorted by gap (largest shortage first), and the programmes with no local demand.

    The needs are `needs` when given (the page's filters), otherwise those of `filtered_needs`.

    Three queries whatever the amount of data: the needs summed per area, window and organisation; the skill
    areas; the programmes' links to skill areas with the programme and its institution.
    """
    demand = (
        (filtered_needs(window=window, building=building, industry=industry) if needs is None else needs)
        .values("skill_area_id", "window", "company_id", "company__name")
        .annotate(total=Sum("count"))
        .order_by()
    )
    areas = {area.pk: area for area in SkillArea.objects.all()}
    supply = _supply()

    cells: dict[tuple[int, str], list[CompanyDemand]] = defaultdict(list)
    for item in demand:
        cells[(item["skill_area_id"], item["window"])].append(
            CompanyDemand(item["company_id"], item["company__name"], item["total"])
        )

    rows = []
    for (area_id, row_window), companies in cells.items():
        programmes = supply.get(area_id, [])
        companies.sort(key=lambda c: (-c.count, c.name, c.company_id))
        rows.append(
            MatchRow(
                skill_area=areas[area_id],
                window=row_window,
                needed=sum(c.count for c in companies),
                graduates=sum(p.yearly_graduates for p in programmes),
                companies=companies,
                programmes=programmes,
            )
        )
    rows.sort(key=lambda r: (-r.gap, r.skill_area.order, r.skill_area.name, WINDOW_ORDER.get(r.window, 99)))

    demanded = {area_id for area_id, _ in cells}
    no_demand = [
        NoDemandRow(
            skill_area=area,
            graduates=sum(p.yearly_graduates for p in supply[area.pk]),
            programmes=supply[area.pk],
        )
        for area in areas.values()
        if supply.get(area.pk) and area.pk not in demanded
    ]
    return MatchingTable(rows=rows, no_demand=no_demand)


# From a need to the programmes, from a programme to the companies ---------------------------------------------


def _live_contacts(path: str, to_attr: str) -> Prefetch:
    return Prefetch(
        path, queryset=Contact.objects.filter(erased_at__isnull=True).order_by("-is_primary", "name"), to_attr=to_attr
    )


def programmes_for_need(need: WorkforceNeed) -> QuerySet[EducationProgramme]:
    """Active programmes in the need's skill area at a fitting level, with their institution's contacts."""
    return (
        EducationProgramme.objects.filter(
            active=True, skill_areas=need.skill_area_id, level__in=fitting_programme_levels(need.level)
        )
        .select_related("institution")
        .prefetch_related(_live_contacts("institution__contacts", "live_contacts"))
        .order_by("institution__name", "name")
    )


@dataclass
class CandidateCompany:
    """An organisation that could take a programme's trainees or thesis workers, with its needs in the areas."""

    company: Company
    needs: list[WorkforceNeed] = field(default_factory=list)

    @property
    def seeks_placements(self) -> bool:
        """True when one of its needs is for a trainee or thesis work."""
        return any(need.kind in PLACEMENT_KINDS for need in self.needs)

    @property
    def contacts_to_call(self) -> list[Contact]:
        """The primary contacts, or the first contact when none is marked primary."""
        # A Prefetch's to_attr (companies_for_programme), which the model's type cannot know.
        contacts: list[Contact] = self.company.live_contacts  # type: ignore[attr-defined]
        return [c for c in contacts if c.is_primary] or contacts[:1]


def companies_for_programme(programme: EducationProgramme) -> list[CandidateCompany]:
    """Active organisations with needs in the programme's skill areas at a level it supplies.

    Those seeking trainees or thesis workers come first, then the rest; each group by name. Two queries.
    """
    needs = (
        WorkforceNeed.objects.filter(
            company__active=True,
            skill_area__in=programme.skill_areas.all(),
            level__in=fitting_need_levels(programme.level),
        )
        .select_related("company", "skill_area")
        .prefetch_related(_live_contacts("company__contacts", "live_contacts"))
        .order_by("company__name", "company_id", "skill_area__order", "window", "pk")
    )
    candidates: dict[int, CandidateCompany] = {}
    for need in needs:
        candidate = candidates.setdefault(need.company_id, CandidateCompany(company=need.company))
        candidate.needs.append(need)
    return sorted(candidates.values(), key=lambda c: (not c.seeks_placements, c.company.name, c.company.pk))
