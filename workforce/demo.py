"""Demo programmes of Lapin AMK (Kemi campus) and the Lappia units, and workforce needs of most demo companies.

Needs are drawn with random.Random(6) over the demo companies in Business ID order, so every run draws the same;
rows are found again by their natural key, so running the loader again adds only what is missing.
"""

import random

from django.db import transaction

from companies.models import Company

from .models import EducationProgramme, Level, SkillArea, WorkforceNeed

LAPIN_AMK = "Lapin ammattikorkeakoulu, Kemin kampus"
V, B, M, ANY = Level.VOCATIONAL, Level.BACHELOR, Level.MASTER, Level.ANY
ELECTRICAL, MECHANICAL = "automation-electrical", "mechanical-maintenance"
Kind, Window = WorkforceNeed.Kind, WorkforceNeed.Window
SHARE_WITH_NEEDS = 0.7

# (institution, name, level, skill areas, yearly intake, graduates a year, trainee places, thesis places)
PROGRAMMES = [
    (LAPIN_AMK, "Insinööri (AMK), sähkö- ja automaatiotekniikka", B, [ELECTRICAL, "energy"], 40, 28, 35, 28),
    (LAPIN_AMK, "Insinööri (AMK), kone- ja tuotantotekniikka", B, [MECHANICAL, "process-industry"], 40, 26, 35, 26),
    (LAPIN_AMK, "Insinööri (AMK), tieto- ja viestintätekniikka", B, ["software-ict", "data-ai"], 45, 30, 40, 30),
    (LAPIN_AMK, "Tradenomi (AMK), liiketalous", B, ["business-sales"], 50, 38, 45, 38),
    (LAPIN_AMK, "Sairaanhoitaja (AMK)", B, ["health-social"], 60, 48, 60, 48),
    (LAPIN_AMK, "Insinööri (ylempi AMK), teknologiaosaamisen johtaminen", M, ["research-development"], 20, 14, 0, 14),
    ("Lappia, Louhi", "Sähkö- ja automaatioalan perustutkinto", V, ["automation-electrical"], 48, 36, 48, 0),
    ("Lappia, Louhi", "Kone- ja tuotantotekniikan perustutkinto", V, [MECHANICAL, "welding-metal"], 40, 30, 40, 0),
    ("Lappia, Louhi", "Rakennusalan perustutkinto", V, ["construction"], 30, 22, 30, 0),
    ("Lappia, Paasi", "Logistiikan perustutkinto", V, ["logistics"], 30, 24, 30, 0),
    ("Lappia, Paasi", "Prosessiteollisuuden perustutkinto", V, ["process-industry"], 25, 18, 25, 0),
    ("Lappia, Paasi", "Kiinteistöpalvelujen perustutkinto", V, ["real-estate-facility"], 15, 10, 15, 0),
    ("Lappia, Sampo", "Ravintola- ja catering-alan perustutkinto", V, ["hospitality"], 30, 22, 30, 0),
    ("Lappia, Sampo", "Liiketoiminnan perustutkinto", V, ["business-sales"], 30, 24, 30, 0),
    ("Lappia, Sampo", "Sosiaali- ja terveysalan perustutkinto", V, ["health-social"], 50, 40, 50, 0),
    ("Lappia, Sampo", "Tieto- ja viestintätekniikan perustutkinto", V, ["software-ict"], 20, 14, 20, 0),
]  # fmt: skip

# Skill areas a company of each TOL 2008 division plausibly hires in.
DIVISION_AREAS = {
    "02": ["bio-economy-forestry"],
    "09": ["mining-geology", "mechanical-maintenance"],
    "10": ["process-industry", "business-sales"],
    "16": ["bio-economy-forestry", "process-industry"],
    "17": ["process-industry", "logistics"],
    "20": ["bio-economy-forestry", "process-industry", "circular-economy"],
    "22": ["process-industry", "mechanical-maintenance", "research-development"],
    "25": ["welding-metal", "mechanical-maintenance"],
    "26": ["automation-electrical", "research-development"],
    "28": ["automation-electrical", "mechanical-maintenance", "research-development"],
    "33": ["mechanical-maintenance", "welding-metal", "automation-electrical"],
    "35": ["energy", "automation-electrical"],
    "36": ["circular-economy", "process-industry"],
    "38": ["circular-economy", "logistics"],
    "41": ["construction"],
    "43": ["automation-electrical", "construction"],
    "46": ["business-sales", "logistics"],
    "49": ["logistics"],
    "52": ["logistics", "business-sales"],
    "56": ["hospitality"],
    "59": ["design-media"],
    "62": ["software-ict", "data-ai", "security"],
    "63": ["software-ict", "data-ai"],
    "64": ["business-sales"],
    "69": ["business-sales"],
    "70": ["business-sales", "research-development"],
    "71": ["research-development", "process-industry", "mining-geology"],
    "72": ["research-development", "circular-economy"],
    "73": ["design-media", "business-sales"],
    "74": ["languages-communication"],
    "78": ["business-sales"],
    "80": ["security"],
    "81": ["real-estate-facility"],
    "86": ["health-social"],
}

# Roles per skill area, in Finnish, with the education level they usually ask for.
ROLES = {
    "software-ict": [("ohjelmistokehittäjä", B), ("full stack -kehittäjä", B), ("IT-tukihenkilö", V)],
    "data-ai": [("data-analyytikko", B), ("koneoppimisasiantuntija", M)],
    "automation-electrical": [("automaatioinsinööri", B), ("sähköasentaja", V), ("automaatioasentaja", V)],
    "mechanical-maintenance": [("kunnossapitoasentaja", V), ("kunnossapitoinsinööri", B), ("koneistaja", V)],
    "welding-metal": [("hitsaaja", V), ("levyseppähitsaaja", V)],
    "process-industry": [("prosessinhoitaja", V), ("prosessi-insinööri", B)],
    "circular-economy": [("kiertotalousasiantuntija", M), ("ympäristöinsinööri", B)],
    "construction": [("talonrakentaja", V), ("työmaainsinööri", B)],
    "logistics": [("varastotyöntekijä", V), ("kuljetussuunnittelija", ANY), ("yhdistelmäajoneuvonkuljettaja", V)],
    "business-sales": [("myyntipäällikkö", B), ("kirjanpitäjä", B), ("asiakaspalvelija", ANY)],
    "health-social": [("työterveyshoitaja", B), ("lähihoitaja", V)],
    "hospitality": [("kokki", V), ("tarjoilija", V)],
    "mining-geology": [("geologi", M), ("kaivosmittaaja", B)],
    "bio-economy-forestry": [("metsäasiantuntija", B), ("biotuotekehittäjä", M)],
    "energy": [("energia-asiantuntija", B)],
    "design-media": [("graafinen suunnittelija", B), ("videotuottaja", ANY)],
    "languages-communication": [("kääntäjä", M), ("viestintäasiantuntija", B)],
    "security": [("vartija", V), ("kyberturva-asiantuntija", B)],
    "real-estate-facility": [("kiinteistönhoitaja", V)],
    "research-development": [("tutkimusinsinööri", M), ("tuotekehitysinsinööri", B)],
}
LARGE_BANDS = {"50-249", "250+"}


def _load_programmes(areas: dict[str, SkillArea]) -> None:
    institutions = {c.name: c for c in Company.objects.filter(kind=Company.Kind.EDUCATION)}
    for institution_name, name, level, slugs, intake, graduates, trainees, theses in PROGRAMMES:
        institution = institutions.get(institution_name)
        if institution is None:  # the registry's demo has not been loaded
            continue
        programme, created = EducationProgramme.objects.get_or_create(
            institution=institution,
            name=name,
            defaults={
                "level": level,
                "yearly_intake": intake,
                "yearly_graduates": graduates,
                "trainee_places_sought": trainees,
                "thesis_places_sought": theses,
            },
        )
        if created:
            programme.skill_areas.set([areas[slug] for slug in slugs if slug in areas])


def _draw_need(rng: random.Random, company: Company) -> tuple[str, str, str, str, str, int]:
    """One need of the company: (skill area slug, role, level, kind, window, count)."""
    slug = rng.choice(DIVISION_AREAS.get(company.industry_code[:2], ["business-sales"]))
    role, level = rng.choice(ROLES[slug])
    if rng.random() < 0.15:
        level = ANY
    kind = rng.choices([Kind.PERMANENT, Kind.FIXED_TERM, Kind.TRAINEE, Kind.THESIS], weights=[5, 2, 2, 2])[0]
    if kind == Kind.THESIS and level == V:
        kind = Kind.TRAINEE  # vocational students do on-the-job learning, not theses
    window = rng.choices(Window.values, weights=[3, 3, 2])[0]
    if kind in (Kind.TRAINEE, Kind.THESIS):
        count = rng.randint(1, 2)
    else:
        count = rng.randint(2, 8) if company.employee_band in LARGE_BANDS else rng.randint(1, 3)
    return slug, role, level, kind, window, count


@transaction.atomic
def load_workforce() -> dict[str, int]:
    """Create the demo programmes and needs; running it again changes nothing."""
    rng = random.Random(6)
    areas = SkillArea.objects.in_bulk(field_name="slug")
    _load_programmes(areas)

    companies = list(
        Company.objects.filter(kind=Company.Kind.COMPANY, name__endswith="(demo)").order_by("business_id", "pk")
    )
    chosen = sorted(rng.sample(companies, k=round(len(companies) * SHARE_WITH_NEEDS)), key=companies.index)
    for company in chosen:
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            slug, role, level, kind, window, count = _draw_need(rng, company)
            if slug not in areas:
                continue
            WorkforceNeed.objects.get_or_create(
                company=company,
                skill_area=areas[slug],
                role=role,
                window=window,
                kind=kind,
                source=WorkforceNeed.Source.STAFF,
                survey_response=None,
                defaults={"count": count, "level": level},
            )

    return {
        "programmes": EducationProgramme.objects.count(),
        "needs": WorkforceNeed.objects.count(),
        "companies_with_needs": WorkforceNeed.objects.values("company").distinct().count(),
    }
