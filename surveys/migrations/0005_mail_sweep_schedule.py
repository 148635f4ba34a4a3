"""Celery beat's sweep of the outgoing mail, every two minutes: mail still owed is sent to the worker again."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Outgoing mail sweep"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _created = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "surveys.tasks.sweep_outgoing_mail",
            "interval": schedule,
            "description": "Sends the mail still owed: queued while the broker was down, or whose message was lost.",
        },
    )
    # A running beat reloads its schedule when this marker changes (historical models send no signals).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_outgoing_mail"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
