"""Demo data of the registry: the five buildings, their premises and ~50 fictional organisations.

Every company here is invented and marked "(demo)"; the Business IDs have a
valid check digit but come from a range not yet issued.
"""

import datetime
import random

from django.db import transaction
from django.utils.text import slugify
from stdnum.fi import ytunnus

from .industries import section_for_code
from .models import Building, Company, Contact, Premises, Tenancy

# (name, street, description in fi, sv and en)
BUILDINGS = [
    (
        "Kosmos",
        "Tietokatu",
        {
            "fi": "Toimisto- ja laboratoriorakennus; Lapin ammattikorkeakoulun Kemin kampus.",
            "sv": "Kontors- och laboratoriebyggnad; Lapplands yrkeshögskolas campus i Kemi.",
            "en": "Office and laboratory building; home of the Kemi campus of Lapland UAS.",
        },
    ),
    (
        "Compus",
        "Tietokatu",
        {
            "fi": "Kampusrakennus, jossa on luokkia, laboratorioita ja toimistoja.",
            "sv": "Campusbyggnad med klassrum, laboratorier och kontor.",
            "en": "Campus building with classrooms, laboratories and offices.",
        },
    ),
    (
        "Louhi",
        "",
        {
            "fi": "Halleja ja työpajoja; ammattiopisto Lappian yksiköitä.",
            "sv": "Hallar och verkstäder; enheter vid yrkesinstitutet Lappia.",
            "en": "Halls and workshops; units of the vocational college Lappia.",
        },
    ),
    (
        "Paasi",
        "",
        {
            "fi": "Työpaja- ja hallirakennus; ammattiopisto Lappian yksiköitä.",
            "sv": "Verkstads- och hallbyggnad; enheter vid yrkesinstitutet Lappia.",
            "en": "Workshop and hall building; units of the vocational college Lappia.",
        },
    ),
    (
        "Sampo",
        "Sammonkatu",
        {
            "fi": "Ammattiopisto Lappian opetus- ja toimistorakennus.",
            "sv": "Undervisnings- och kontorsbyggnad för yrkesinstitutet Lappia.",
            "en": "Teaching and office building of the vocational college Lappia.",
        },
    ),
]

# (name, industry code, employee band, customer since, building)
COMPANIES = [
    ("Arktinen Automaatio Oy", "28990", "10-49", 1995, "Kosmos"),
    ("Perämeren Prosessitekniikka Oy", "71121", "10-49", 1998, "Kosmos"),
    ("Kemin Koodipaja Oy", "62010", "5-9", 2012, "Kosmos"),
    ("Lapin Datapalvelu Oy", "63110", "10-49", 2006, "Compus"),
    ("Pohjoinen Kiertotalous Oy", "38320", "10-49", 2015, "Louhi"),
    ("Sahanpuru Biojalostus Oy", "20140", "5-9", 2019, "Paasi"),
    ("Rajajoen Rakennustekniikka Oy", "41200", "50-249", 1992, "Louhi"),
    ("Meri-Lapin Sähköasennus Oy", "43210", "10-49", 2001, "Paasi"),
    ("Tietokadun Tilitoimisto Oy", "69202", "1-4", 1994, "Kosmos"),
    ("Kaivosmittaus Pohjola Oy", "71122", "5-9", 2010, "Compus"),
    ("Revontuli Ohjelmistot Oy", "62010", "10-49", 2008, "Compus"),
    ("Kemijoen Konepaja Oy", "25620", "50-249", 1991, "Louhi"),
    ("Selkämeren Logistiikka Oy", "52290", "10-49", 2003, "Sampo"),
    ("Digipaja Kemi Oy", "62020", "1-4", 2021, "Kosmos"),
    ("Polarlab Analytiikka Oy", "71200", "10-49", 2000, "Kosmos"),
    ("Tunturin Teollisuuspalvelut Oy", "33120", "50-249", 1997, "Paasi"),
    ("Kiertokemi Oy", "38210", "5-9", 2018, "Louhi"),
    ("Metsäbio Nord Oy", "02200", "5-9", 2011, "Compus"),
    ("Nordic Mining Solutions Ab Oy", "09900", "10-49", 2014, "Compus"),
    ("Kemin Hitsauskeskus Oy", "25110", "10-49", 1999, "Paasi"),
    ("Lapin Energiaratkaisut Oy", "35300", "5-9", 2016, "Kosmos"),
    ("Pohjolan Tekoäly Oy", "62010", "1-4", 2023, "Kosmos"),
    ("Terästieto Oy", "71129", "5-9", 2005, "Compus"),
    ("Kemi Robotics Oy", "28990", "5-9", 2020, "Louhi"),
    ("Meripuisto Markkinointi Oy", "73110", "1-4", 2017, "Kosmos"),
    ("Lappi Consulting Oy", "70220", "1-4", 2009, "Compus"),
    ("Sammon Kahvila Oy", "56101", "5-9", 2013, "Sampo"),
    ("Teknokylän Kiinteistöhuolto Oy", "81100", "10-49", 1993, "Sampo"),
    ("Arctic Test Center Oy", "71200", "10-49", 2007, "Louhi"),
    ("Kemin Vesitekniikka Oy", "36000", "5-9", 2004, "Paasi"),
    ("Pohjolan Turvapalvelut Oy", "80100", "10-49", 2002, "Sampo"),
    ("Northern Composites Oy", "22290", "10-49", 2010, "Louhi"),
    ("Lapin Työterveys Oy", "86220", "10-49", 2011, "Sampo"),
    ("Kemin Kuljetuspalvelu Oy", "49410", "10-49", 1996, "Paasi"),
    ("Perämeren Pakkaus Oy", "17210", "10-49", 2006, "Louhi"),
    ("Tietoturva Lappi Oy", "62090", "1-4", 2022, "Kosmos"),
    ("Arktiset Mittalaitteet Oy", "26510", "5-9", 2008, "Compus"),
    ("Merilapin Sähkötukku Oy", "46690", "5-9", 2001, "Paasi"),
    ("Kemin Kuvaus ja Media Oy", "59110", "1-4", 2019, "Kosmos"),
    ("Boreal Kunnossapito Oy", "33110", "50-249", 1995, "Louhi"),
    ("Lapin Rekrytointi Oy", "78100", "1-4", 2016, "Compus"),
    ("Greenshift Kemi Oy", "72190", "5-9", 2022, "Kosmos"),
    ("Simon Saha-analyysi Oy", "16100", "5-9", 2012, "Paasi"),
    ("Kemin Kielipalvelu Oy", "74300", "1-4", 2014, "Sampo"),
    ("Pohjoisen Rahoituspalvelut Oy", "64190", "1-4", 2010, "Kosmos"),
    ("Lappi Foods Oy", "10890", "10-49", 2018, "Sampo"),
]

FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Juho",
    "Kaisa",
    "Lauri",
    "Maija",
    "Niko",
    "Oona",
    "Pekka",
    "Riikka",
    "Sami",
    "Tiina",
    "Ville",
    "Anna",
    "Mikko",
    "Elina",
    "Jari",
    "Sanna",
    "Timo",
]
LAST_NAMES = [
    "Aalto",
    "Heikkinen",
    "Jokela",
    "Kallio",
    "Lehtonen",
    "Mäkelä",
    "Niemi",
    "Ojala",
    "Palo",
    "Rantala",
    "Salmi",
    "Toivonen",
    "Väisänen",
    "Koskinen",
    "Hietala",
    "Laine",
]
TITLES = ["toimitusjohtaja", "kehityspäällikkö", "tuotantopäällikkö", "HR-päällikkö", "myyntijohtaja"]


def demo_business_id(index: int) -> str:
    """A Y-tunnus with a valid check digit from the unissued 9xxxxxx range."""
    number = 9000000 + index * 37
    while True:
        digits = f"{number:07d}"
        remainder = sum(w * int(d) for w, d in zip((7, 9, 10, 5, 8, 4, 2), digits, strict=False)) % 11
        if remainder != 1:  # a remainder of 1 is never issued
            business_id = f"{digits}-{0 if remainder == 0 else 11 - remainder}"
            ytunnus.validate(business_id)
            return business_id
        number += 1


def _premises_codes(building: Building) -> list[tuple[str, int, int, str]]:
    prefix = building.name[0]
    rows: list[tuple[str, int, int, str]] = []
    for floor in (1, 2, 3):
        for room in range(1, 5):
            kind = Premises.Kind.HALL if building.name in ("Louhi", "Paasi") and floor == 1 else Premises.Kind.OFFICE
            if building.name in ("Kosmos", "Compus") and room == 4:
                kind = Premises.Kind.LABORATORY
            if building.name in ("Sampo", "Compus") and floor == 3:
                kind = Premises.Kind.CLASSROOM
            rows.append((f"{prefix}{floor}{room:02d}", floor, 40 + 35 * room + 10 * floor, kind))
    return rows


@transaction.atomic
def load_registry() -> dict[str, int]:
    """Create or refresh the demo registry; running it again changes nothing."""
    rng = random.Random(2022)
    buildings = {}
    for name, street, descriptions in BUILDINGS:
        building, _ = Building.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "street_address": street,
                **{f"description_{code}": text for code, text in descriptions.items()},
            },
        )
        # Earlier demo data had only the English text, saved as the Finnish one: give it its three languages.
        if building.description_fi == descriptions["en"] and not building.description_sv:
            for code, text in descriptions.items():
                setattr(building, f"description_{code}", text)
            building.save(update_fields=[f"description_{code}" for code in descriptions])
        buildings[name] = building
        for code, floor, area, kind in _premises_codes(building):
            Premises.objects.get_or_create(
                building=building, code=code, defaults={"floor": floor, "area_m2": area, "kind": kind}
            )

    free = {name: list(b.premises.order_by("code")) for name, b in buildings.items()}

    def take(building_name: str) -> Premises:
        units = free[building_name]
        return units.pop(0) if len(units) > 1 else units[0]

    def ensure_tenancy(company: Company, building_name: str, since: int) -> None:
        if company.tenancies.exists():
            return
        start = datetime.date(max(since, 1990), 1 + rng.randrange(12), 1)
        Tenancy.objects.create(company=company, premises=take(building_name), start_date=start)

    def ensure_contacts(company: Company, count: int) -> None:
        if company.contacts.exists():
            return
        domain = slugify(company.name.replace(" Oy", "").replace(" Ab", ""))[:30] + ".example"
        for index in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            language = rng.choices(["fi", "sv", "en"], weights=[8, 1, 1])[0]
            Contact.objects.create(
                company=company,
                name=f"{first} {last}",
                title=TITLES[(index + len(company.name)) % len(TITLES)],
                email=f"{slugify(first)}.{slugify(last)}@{domain}",
                phone=f"+358 40 {rng.randrange(1000000, 9999999)}",
                language=language,
                is_primary=index == 0,
            )

    for index, (name, code, band, since, building_name) in enumerate(COMPANIES, start=1):
        company, _ = Company.objects.get_or_create(
            business_id=demo_business_id(index),
            parent=None,
            defaults={
                "name": f"{name} (demo)",
                "kind": Company.Kind.COMPANY,
                "industry_code": code,
                "industry_section": section_for_code(code) or "",
                "employee_band": band,
                "customer_since": since,
                "description": "Fictional demo company.",
            },
        )
        ensure_tenancy(company, building_name, since)
        ensure_contacts(company, 1 + index % 2)

    organisations = [
        # (name, kind, parent name, code, since, buildings)
        ("Kemin Digipolis Oy", Company.Kind.COMPANY, None, "68200", 1990, ["Kosmos"]),
        ("Lapin ammattikorkeakoulu", Company.Kind.EDUCATION, None, "85420", 1992, []),
        ("Lapin ammattikorkeakoulu, Kemin kampus", Company.Kind.EDUCATION, "Lapin ammattikorkeakoulu",
         "85420", 1992, ["Kosmos", "Compus"]),
        ("Koulutuskuntayhtymä Lappia", Company.Kind.EDUCATION, None, "85320", 1991, []),
        ("Lappia, Sampo", Company.Kind.EDUCATION, "Koulutuskuntayhtymä Lappia", "85320", 1991, ["Sampo"]),
        ("Lappia, Louhi", Company.Kind.EDUCATION, "Koulutuskuntayhtymä Lappia", "85320", 1991, ["Louhi"]),
        ("Lappia, Paasi", Company.Kind.EDUCATION, "Koulutuskuntayhtymä Lappia", "85320", 1991, ["Paasi"]),
        ("Kemin Yrittäjät ry (demo)", Company.Kind.ASSOCIATION, None, "94110", 2005, ["Sampo"]),
    ]  # fmt: skip
    for name, kind, parent_name, code, since, building_names in organisations:
        parent = Company.objects.get(name=parent_name) if parent_name else None
        company, _ = Company.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "parent": parent,
                "industry_code": code,
                "industry_section": section_for_code(code) or "",
                "customer_since": since,
            },
        )
        for building_name in building_names:
            if not company.tenancies.filter(premises__building__name=building_name).exists():
                Tenancy.objects.create(
                    company=company, premises=take(building_name), start_date=datetime.date(since, 8, 1)
                )
        if building_names:
            ensure_contacts(company, 2)

    return {
        "buildings": Building.objects.count(),
        "premises": Premises.objects.count(),
        "organisations": Company.objects.count(),
        "contacts": Contact.objects.count(),
    }
