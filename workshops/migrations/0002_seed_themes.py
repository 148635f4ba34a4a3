"""Seed the brief's themes in Finnish, Swedish and English; reversing removes only the ones nothing uses."""

from django.db import migrations

# (slug, order, fi, sv, en)
THEMES = [
    ("growth-and-development", 1, "Kasvu ja kehittäminen", "Tillväxt och utveckling", "Growth and development"),
    ("village-services", 2, "Teknologiakylän palvelut", "Teknologibyns tjänster", "Services of the village"),
    ("premises", 3, "Toimitilat", "Lokaler", "Premises"),
    ("circular-economy", 4, "Kiertotalous", "Cirkulär ekonomi", "Circular economy"),
    ("digitalisation", 5, "Digitalisaatio", "Digitalisering", "Digitalisation"),
    ("workforce-and-skills", 6, "Työvoima ja osaaminen", "Arbetskraft och kompetens", "Workforce and skills"),
    (
        "cooperation-with-schools",
        7,
        "Yhteistyö oppilaitosten kanssa",
        "Samarbete med läroanstalterna",
        "Cooperation with schools",
    ),
    ("transport-and-location", 8, "Liikenne ja sijainti", "Trafikförbindelser och läge", "Transport and location"),
]


def seed_themes(apps, schema_editor):
    Theme = apps.get_model("workshops", "Theme")
    for slug, order, name_fi, name_sv, name_en in THEMES:
        Theme.objects.get_or_create(
            slug=slug,
            defaults={"name": name_fi, "name_fi": name_fi, "name_sv": name_sv, "name_en": name_en, "order": order},
        )


def remove_themes(apps, schema_editor):
    # A theme that tags a record stays: unseeding must not strip tags staff have set.
    Theme = apps.get_model("workshops", "Theme")
    Theme.objects.filter(
        slug__in=[slug for slug, *_ in THEMES],
        interviews__isnull=True,
        workshops__isnull=True,
        findings__isnull=True,
        measures__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(seed_themes, remove_themes)]
