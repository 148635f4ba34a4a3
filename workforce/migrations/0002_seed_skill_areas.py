"""Seed ~20 skill areas fitting the region in fi, sv and en; reversing removes only the ones nothing uses.

ISCO-08 groups and ISCED-F 2013 fields are given only where the mapping is certain; the rest stay empty for
staff to fill in.
"""

from django.db import migrations

# (slug, order, fi, sv, en, ISCO-08 groups, ISCED-F fields)
SKILL_AREAS = [
    ("software-ict", 1, "Ohjelmistot ja ICT", "Programvara och IKT", "Software and ICT", ["25", "35"], ["0612", "0613"]),
    (
        "automation-electrical",
        2,
        "Automaatio ja sähkö",
        "Automation och el",
        "Automation and electrical engineering",
        ["2151", "2152", "3113", "7411", "7412"],
        ["0713", "0714"],
    ),
    (
        "mechanical-maintenance",
        3,
        "Kone- ja tuotantotekniikka sekä kunnossapito",
        "Maskin- och produktionsteknik samt underhåll",
        "Mechanical engineering and maintenance",
        ["2144", "3115", "7233"],
        ["0715"],
    ),
    ("process-industry", 4, "Prosessiteollisuus", "Processindustri", "Process industry", ["2145", "313", "81"], ["0711"]),
    (
        "circular-economy",
        5,
        "Kiertotalous ja ympäristö",
        "Cirkulär ekonomi och miljö",
        "Circular economy and environment",
        ["2133", "2143"],
        ["0521", "0712"],
    ),
    ("construction", 6, "Rakentaminen", "Byggande", "Construction", ["2142", "3112", "3123", "71"], ["0732"]),
    ("logistics", 7, "Logistiikka", "Logistik", "Logistics", ["1324", "4321", "8332"], ["1041"]),
    (
        "business-sales",
        8,
        "Liiketoiminta ja myynti",
        "Affärsverksamhet och försäljning",
        "Business and sales",
        ["24", "33"],
        ["041"],
    ),
    (
        "health-social",
        9,
        "Sosiaali- ja terveysala",
        "Social- och hälsovård",
        "Health and social care",
        ["2221", "3221", "5321"],
        ["0913", "0921", "0923"],
    ),
    (
        "hospitality",
        10,
        "Matkailu-, ravintola- ja catering-ala",
        "Turism, restaurang och catering",
        "Hospitality and tourism",
        ["141", "512", "513"],
        ["1013", "1015"],
    ),
    (
        "mining-geology",
        11,
        "Kaivosala ja geologia",
        "Gruvdrift och geologi",
        "Mining and geology",
        ["2114", "2146", "3117", "811"],
        ["0532", "0724"],
    ),
    (
        "bio-economy-forestry",
        12,
        "Biotalous ja metsäala",
        "Bioekonomi och skogsbruk",
        "Bio-economy and forestry",
        ["2132", "621"],
        ["0821"],
    ),
    ("energy", 13, "Energia", "Energi", "Energy", ["3131"], ["0713"]),
    (
        "welding-metal",
        14,
        "Hitsaus ja metallityö",
        "Svetsning och metallarbete",
        "Welding and metal work",
        ["7212", "7214"],
        ["0715"],
    ),
    (
        "data-ai",
        15,
        "Data ja tekoäly",
        "Data och artificiell intelligens",
        "Data and AI",
        ["2120", "2511", "2521"],
        ["0542", "0613"],
    ),
    ("design-media", 16, "Muotoilu ja media", "Design och media", "Design and media", ["2163", "2166"], ["0211", "0212"]),
    (
        "languages-communication",
        17,
        "Kielet ja viestintä",
        "Språk och kommunikation",
        "Languages and communication",
        ["2643"],
        ["0231", "0232"],
    ),
    ("security", 18, "Turvallisuus", "Säkerhet", "Security", ["5414"], ["1032"]),
    (
        "real-estate-facility",
        19,
        "Kiinteistö- ja toimitilapalvelut",
        "Fastighets- och lokalservice",
        "Real estate and facility services",
        ["5153"],
        [],
    ),
    ("research-development", 20, "Tutkimus ja kehitys", "Forskning och utveckling", "Research and development", ["21"], []),
]


def seed_skill_areas(apps, schema_editor):
    SkillArea = apps.get_model("workforce", "SkillArea")
    for slug, order, name_fi, name_sv, name_en, isco, isced in SKILL_AREAS:
        SkillArea.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name_fi,
                "name_fi": name_fi,
                "name_sv": name_sv,
                "name_en": name_en,
                "order": order,
                "isco_codes": isco,
                "isced_codes": isced,
            },
        )


def remove_skill_areas(apps, schema_editor):
    # An area that a need or a programme uses stays: unseeding must not touch the data staff entered.
    SkillArea = apps.get_model("workforce", "SkillArea")
    SkillArea.objects.filter(
        slug__in=[row[0] for row in SKILL_AREAS], needs__isnull=True, programmes__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed_skill_areas, remove_skill_areas)]
