"""The admin of django-celery-beat's schedules, with a task form that refuses a bad task name instead of failing."""

from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask


class PeriodicTaskFormWithoutKeyError(PeriodicTaskForm):
    """django-celery-beat's clean() reads cleaned_data["task"], which is missing when the task field was refused
    (a control character in it): the form then said nothing and the page was a server error."""

    def clean(self):
        self.cleaned_data.setdefault("task", "")
        return super().clean()


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PortalPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = PeriodicTaskFormWithoutKeyError
