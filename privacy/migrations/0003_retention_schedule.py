"""Celery beat's daily retention run, created disabled: staff turn it on in the admin when the policy is agreed."""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Survey retention"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=ZoneInfo("Europe/Helsinki")
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "privacy.tasks.apply_retention",
            "crontab": schedule,
            "enabled": False,
            "description": (
                "Anonymises the answers of surveys past their retention date (see manage.py apply_retention "
                "--dry-run). Off until enabled here."
            ),
        },
    )
    # A running beat reloads its schedule when this marker changes (historical models send no signals).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_default_privacy_notice"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
