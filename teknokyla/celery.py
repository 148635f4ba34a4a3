"""The Celery app: Redis as the broker, tasks found in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teknokyla.settings")

app = Celery("teknokyla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="teknokyla.ping")
def ping() -> str:
    """Answer 'pong'; used to prove a worker is alive end to end."""
    return "pong"
