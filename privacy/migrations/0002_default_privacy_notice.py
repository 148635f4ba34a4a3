"""The privacy notice's first texts in Finnish, Swedish and English, so the page is never empty."""

from django.db import migrations

from privacy.defaults import notice_fields


def create_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("privacy", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(**notice_fields())


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_privacy_notice")]

    operations = [migrations.RunPython(create_notice, migrations.RunPython.noop)]
